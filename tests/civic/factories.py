import factory
from factory.django import DjangoModelFactory

from tests.factories import OfficeFactory


class PointsPolicyFactory(DjangoModelFactory):
    class Meta:
        model = "civic.PointsPolicy"

    office = factory.SubFactory(OfficeFactory)
    points_per_hour = 10


class GoodDeedKindFactory(DjangoModelFactory):
    class Meta:
        model = "civic.GoodDeedKind"

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"帮助困难居民{n}")
    points = 10


class ShopItemFactory(DjangoModelFactory):
    class Meta:
        model = "civic.ShopItem"

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"食用油{n}")
    price = 30
    stock = 5

import factory
from factory.django import DjangoModelFactory

from jobs.models import Job
from tests.factories import OfficeFactory, UserFactory


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    kind = "month_workbook"
    key = factory.Sequence(lambda n: f"test:{n}")
    requested_by = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    params = factory.LazyAttribute(lambda job: {"office": job.office.pk, "month": "2027-03", "unmasked": False})

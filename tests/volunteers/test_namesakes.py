"""Pickers tell two people of the same name apart by their masked phones (issue 14)."""

import pytest
from django.utils import translation

from tests.factories import UserFactory, VolunteerFactory
from volunteers.models import Volunteer
from volunteers.selectors import name_with_hint, namesake_hints

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def person(name: str, phone: str) -> Volunteer:
    return VolunteerFactory(real_name=name, user=UserFactory(phone=phone))


def test_only_repeated_names_get_the_masked_phone():
    first, second = person("张伟", "+8613800008000"), person("张伟", "+8613900001234")
    other = person("李娜", "+8613700005555")
    hints = namesake_hints(Volunteer.objects.select_related("user"))
    assert hints == {first.pk: "138****8000", second.pk: "139****1234"}
    assert other.pk not in hints
    assert name_with_hint("张伟", hints[first.pk]) == "张伟（138****8000）"
    assert name_with_hint("李娜", "") == "李娜"

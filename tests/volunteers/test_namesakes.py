"""Pickers tell two people of the same name apart by their masked phones (issue 14)."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import UserFactory, VolunteerFactory
from volunteers.forms import VolunteerChoiceField
from volunteers.models import Volunteer
from volunteers.selectors import name_with_hint, namesake_hints

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def person(name: str, phone: str) -> Volunteer:
    return VolunteerFactory(real_name=name, user=UserFactory(phone=phone))


class PickForm(forms.Form):
    volunteer = VolunteerChoiceField(queryset=Volunteer.objects.none(), empty_label="请选择志愿者")


def test_only_repeated_names_get_the_masked_phone():
    first, second = person("张伟", "+8613800008000"), person("张伟", "+8613900001234")
    other = person("李娜", "+8613700005555")
    hints = namesake_hints(Volunteer.objects.select_related("user"))
    assert hints == {first.pk: "138****8000", second.pk: "139****1234"}
    assert other.pk not in hints
    assert name_with_hint("张伟", hints[first.pk]) == "张伟（138****8000）"
    assert name_with_hint("李娜", "") == "李娜"


def test_the_picker_labels_namesakes_in_one_query_and_still_validates():
    first, second = person("张伟", "+8613800008000"), person("张伟", "+8613900001234")
    for number in range(5):
        person(f"队员{number}", f"+861360000{number:04d}")
    form = PickForm()
    form.fields["volunteer"].queryset = Volunteer.objects.order_by("real_name", "pk")
    with CaptureQueriesContext(connection) as queries:
        labels = [label for _value, label in form.fields["volunteer"].choices]
    assert len(queries) == 1  # the people with their phones, whatever their number
    assert labels[0] == "请选择志愿者"
    assert "张伟（138****8000）" in labels and "张伟（139****1234）" in labels
    assert "队员0" in labels
    assert "13800008000" not in form.as_div()  # never the whole number

    bound = PickForm({"volunteer": str(second.pk)})
    bound.fields["volunteer"].queryset = Volunteer.objects.all()
    assert bound.is_valid() and bound.cleaned_data["volunteer"] == second
    assert first != second

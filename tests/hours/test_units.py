"""One way from minutes to hours: two decimal places, the zeros after the point dropped."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hours.stars import star_level
from hours.tables import format_hours
from hours.units import exact_hours, hours
from tests.hours.ledger_helpers import at, post


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "0"), (1, "0.02"), (50, "0.83"), (60, "1"), (90, "1.5"), (100, "1.67"), (6000, "100"), (-50, "-0.83")],
)
def test_hours_read_as_people_write_them(minutes, shown):
    assert str(hours(minutes)) == shown


@given(st.integers(min_value=-(10**7), max_value=10**7))
def test_hours_are_within_half_a_hundredth_and_never_in_exponent_form(minutes):
    shown = hours(minutes)
    assert abs(shown - Decimal(minutes) / 60) <= Decimal("0.005")
    text = str(shown)
    assert "E" not in text
    assert not ("." in text and text.endswith("0"))
    assert len(text.partition(".")[2]) <= 2


@given(st.integers(min_value=0, max_value=10**7))
def test_the_workbook_cell_shows_the_same_two_places(minutes):
    assert Decimal(f"{exact_hours(minutes):.2f}") == hours(minutes)


@pytest.mark.django_db
def test_tables_star_levels_and_pages_agree(client_for, team, volunteer):
    post(volunteer, team, key="a:1", starts_at=at(timezone.localdate() - datetime.timedelta(days=1)), minutes=50)

    page = client_for(volunteer.user).get(reverse("hours:my_hours")).content.decode()

    assert format_hours(50) == "0.83"
    assert star_level(50).hours == Decimal("0.83")
    assert star_level(50).hours_to_next == Decimal("99.17")
    assert 'data-testid="total-hours"><strong>0.83' in page
    assert "99.17" in page

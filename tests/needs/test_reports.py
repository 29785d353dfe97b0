"""The office's figures of residents' requests, and the workbook's 服务需求 sheet."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hours import exports
from needs import services
from needs.models import Need
from needs.reports import figures_for
from tests.factories import TeamFactory
from tests.needs.factories import CategoryFactory, dispatched, done, raised, staff_of

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def staff(team):
    return staff_of(team.office)


def shift_times(need: Need, *, dispatched_after: datetime.timedelta, taken_after: datetime.timedelta, done_after=None):
    """Sets the request's moments relative to its creation (bulk: the services stamp 'now')."""
    created = need.created_at
    Need.objects.filter(pk=need.pk).update(
        dispatched_at=created + dispatched_after,
        taken_at=created + dispatched_after + taken_after,
        done_at=created + done_after if done_after else None,
    )


def test_figures_by_category_grid_and_month_with_medians_and_satisfaction(team, staff):
    haircut = CategoryFactory(office=team.office, name="理发")
    repair = CategoryFactory(office=team.office, name="便民维修")
    quick, _volunteer = done(haircut, team, staff=staff, grid="第一网格")
    slow, _other = done(repair, team, staff=staff, grid="第二网格")
    dispatched(repair, team, staff=staff, grid="第二网格")
    raised(repair, grid="")
    shift_times(quick, dispatched_after=HOUR, taken_after=2 * HOUR, done_after=10 * HOUR)
    shift_times(slow, dispatched_after=HOUR, taken_after=30 * HOUR, done_after=40 * HOUR)
    services.confirm(need=quick, by=staff, rating=5)
    services.confirm(need=slow, by=staff, rating=2)

    figures = figures_for(team.office.parent, timezone.localdate().year)  # the street office above

    assert figures.total == 4
    assert figures.by_category == [("便民维修", 3), ("理发", 1)]
    assert figures.by_grid == [("第二网格", 2), ("(no grid)", 1), ("第一网格", 1)]
    assert sum(count for _month, count in figures.by_month) == 4
    assert (figures.dispatched, figures.taken_in_time, figures.share_taken_in_time) == (3, 1, 33)
    assert figures.median_hours_to_take == 16.0  # 2 h and 30 h
    assert figures.median_hours_to_finish == 25.0  # 10 h and 40 h
    assert (figures.average_rating, figures.rated) == (3.5, 2)


def test_the_figures_page_is_for_the_offices_staff(client, team, staff):
    done(CategoryFactory(office=team.office), team, staff=staff)
    client.force_login(staff)

    html = client.get(reverse("needs:figures")).content.decode()

    assert "理发" in html
    assert client.get(reverse("needs:figures"), {"office": TeamFactory().office.pk}).status_code == 404


def test_the_workbook_has_a_masked_sheet_of_the_months_closed_requests(team, staff):
    category = CategoryFactory(office=team.office, name='=HYPERLINK("x")')
    need, volunteer = done(category, team, staff=staff, minutes=60, resident_phone="+8613811112222")
    services.confirm(need=need, by=staff, rating=4, comment="@SUM(1)")
    refused = services.refuse(need=raised(category), by=staff, reason="重复")
    raised(category)  # still open: not in the sheet
    month = timezone.localdate().replace(day=1)
    output = io.BytesIO()

    exports.write_workbook(output, office=team.office, month=month, user=staff)

    book = openpyxl.load_workbook(io.BytesIO(output.getvalue()))
    sheet = book["Resident requests"]
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if isinstance(row[0], int)]
    assert [row[0] for row in rows] == [need.pk, refused.pk]
    first = rows[0]
    assert first[2] == '\'=HYPERLINK("x")'  # never a formula
    assert first[7:10] == ("李*", "138****2222", volunteer.real_name)
    assert first[10] == 1.0 and first[11] == 4 and first[12] == "'@SUM(1)"
    every_cell = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in every_cell)
    assert not any("13811112222" in str(cell.value) for cell in every_cell)


def test_the_sheet_takes_the_same_queries_for_one_or_five_requests(team, staff):
    category = CategoryFactory(office=team.office)
    month = timezone.localdate().replace(day=1)

    def closed_requests(count):
        for _number in range(count):
            need, _volunteer = done(category, team, staff=staff)
            services.confirm(need=need, by=staff, rating=5)

    def queries_of_the_workbook() -> int:
        with CaptureQueriesContext(connection) as queries:
            exports.write_workbook(io.BytesIO(), office=team.office, month=month, user=staff)
        return len(queries)

    closed_requests(1)
    one = queries_of_the_workbook()
    closed_requests(4)

    assert queries_of_the_workbook() == one

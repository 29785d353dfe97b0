"""The quarterly feedback to a partner unit (服务社区登记卡): its reported members and their
service in the community, from the hours ledger, its projects, and the shifts it ran and
wishes it fulfilled, ready to send to the unit."""

import datetime
import io

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _

from civic.models import PartyReport
from civic.reporting import comments_in, meets_target, quarter_of, served_in, target_of
from civic.units import projects_in
from common.spreadsheets import inert
from hours.units import hours
from teams.models import PartnerUnit
from teams.partners import work_of


def quarter_from(text: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """'2026-4' → the fourth quarter of 2026; anything else, a year before 2000 or after next
    year among it, → the quarter of `today`."""
    year, _dash, number = text.partition("-")
    if year.isdigit() and 2000 <= int(year) <= today.year + 1 and number in {"1", "2", "3", "4"}:
        return quarter_of(datetime.date(int(year), int(number) * 3, 1))
    return quarter_of(today)


def unit_feedback_sheet(unit: PartnerUnit, quarter: tuple[datetime.date, datetime.date]) -> bytes:
    office = unit.office
    reports = list(
        PartyReport.objects.filter(unit=unit, state=PartyReport.State.APPROVED)
        .select_related("volunteer__user")
        .prefetch_related("posts")
        .order_by("volunteer__name_pinyin", "pk")
    )
    served = served_in(office, [report.volunteer_id for report in reports], quarter)
    comments = comments_in(reports, quarter)
    target = target_of(office)
    start, _end = quarter
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Service record card"))
    sheet.append(
        [
            inert(
                _("%(office)s: service of %(unit)s's party members, %(year)d quarter %(quarter)d")
                % {"office": office.name, "unit": unit.name, "year": start.year, "quarter": (start.month - 1) // 3 + 1}
            )
        ]
    )
    sheet.append([_("Party branch"), inert(unit.party_branch)])
    sheet.append([])
    sheet.append(
        [
            _("Name"),
            _("Mobile number"),
            _("Service offered"),
            _("This quarter (h)"),
            _("This year (h)"),
            _("Activities this year"),
            _("Target met"),
            _("Community's comment"),
        ]
    )
    for report in reports:
        person = served[report.volunteer_id]
        sheet.append(
            [
                inert(report.volunteer.real_name),
                report.volunteer.masked_phone,
                inert("、".join(post.name for post in report.posts.all())),
                float(person.quarter_hours),
                float(person.year_hours),
                person.year_activities,
                _("Yes") if meets_target(person, target) else _("Not yet"),
                inert(comments.get(report.pk, "")),
            ]
        )
    # The unit's projects (共建项目) running in the quarter: the credit the unit gets.
    sheet.append([])
    sheet.append([_("The unit's projects this quarter")])
    sheet.append([_("Project"), _("From"), _("To"), _("What the unit does")])
    projects = list(projects_in(unit, quarter))
    for project in projects:
        sheet.append(
            [
                inert(project.title),
                f"{project.starts_on:%Y-%m-%d}",
                f"{project.ends_on:%Y-%m-%d}",
                inert(project.description),
            ]
        )
    if not projects:
        sheet.append([_("None this quarter.")])
    # What the unit did with the community's own records (teams.partners): a shift it ran as a
    # partner or a request it served, with the people and hours the ledger credits; a wish it
    # claimed and fulfilled.
    sheet.append([])
    sheet.append([_("Shifts, requests and wishes this quarter")])
    sheet.append([_("Date"), _("Kind"), _("Activity"), _("Details"), _("Volunteers credited"), _("Hours credited")])
    work = work_of(unit, *quarter)
    for item in work:
        sheet.append(
            [
                f"{item.date:%Y-%m-%d}",
                item.kind,
                inert(item.title),
                inert(item.details),
                "" if item.people is None else item.people,
                "" if item.minutes is None else float(hours(item.minutes)),
            ]
        )
    if not work:
        sheet.append([_("No shifts, requests or wishes this quarter.")])
    sheet.append([])
    sheet.append([_("Hours from the service ledger."), f"{timezone.localdate():%Y-%m-%d}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

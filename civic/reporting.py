"""在职党员双报到: serving party members report to their residence community, which confirms
and counts their service from the hours ledger, never a second count (DESIGN rule 21)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from civic.models import PartyReport, QuarterComment, ReportingTarget, ServicePost
from hours.models import ServiceRecord
from hours.units import hours
from teams.models import Office, PartnerUnit
from teams.permissions import office_tree_ids
from volunteers.models import Volunteer


@transaction.atomic
def submit_report(
    *,
    volunteer: Volunteer,
    office: Office,
    unit: PartnerUnit,
    grid: str,
    skills: str,
    posts: Iterable[ServicePost],
) -> PartyReport:
    if not volunteer.is_party_member:
        raise ValidationError(_("Only party members report here: say so in your profile first."))
    posts = list(posts)
    if unit.office_id != office.pk or any(post.office_id != office.pk for post in posts):
        raise ValidationError(_("Choose your unit and service from the community's lists."))
    # The volunteer's row lock: two cards sent at once give one report, not a constraint error.
    Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if PartyReport.objects.filter(office=office, volunteer=volunteer).exclude(state=PartyReport.State.REFUSED).exists():
        raise ValidationError(_("You have already reported to this community."))
    report = PartyReport.objects.create(
        office=office,
        volunteer=volunteer,
        unit=unit,
        grid=grid.strip(),
        skills=skills.strip(),
        requested_by=volunteer.user,
    )
    report.posts.set(posts)
    return report


@transaction.atomic
def decide_report(*, report: PartyReport, approved: bool, by: User, note: str = "") -> PartyReport:
    report = PartyReport.objects.select_for_update().select_related("volunteer").get(pk=report.pk)
    if report.state != PartyReport.State.PENDING:
        raise ValidationError(_("This report has already been decided."))
    if by.pk in (report.requested_by_id, report.volunteer.user_id):
        raise ValidationError(_("Another member of staff confirms a report: not the one who reported."))
    report.record_decision(approved=approved, by=by, note=note)
    return report


@transaction.atomic
def add_unit(*, office: Office, name: str, party_branch: str, contact_name: str, contact_phone: str) -> PartnerUnit:
    unit = PartnerUnit(
        office=office,
        name=name.strip(),
        party_branch=party_branch,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def add_post(*, office: Office, name: str) -> ServicePost:
    post = ServicePost(office=office, name=name.strip())
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def write_comment(*, report: PartyReport, quarter: datetime.date, text: str, by: User) -> QuarterComment | None:
    """The community's comment on a confirmed member's quarter; written again, it replaces
    the last one; left empty, there is none."""
    report = PartyReport.objects.get(pk=report.pk)  # its state now, not when the caller read it
    if report.state != PartyReport.State.APPROVED:
        raise ValidationError(_("Only a confirmed member's service is commented on."))
    start, _end = quarter_of(quarter)
    text = " ".join(text.split())
    if not text:
        QuarterComment.objects.filter(report=report, quarter=start).delete()
        return None
    comment = QuarterComment(report=report, quarter=start, text=text, written_by=by, written_at=timezone.now())
    comment.full_clean(validate_unique=False, validate_constraints=False)
    comment, _created = QuarterComment.objects.update_or_create(
        report=report,
        quarter=start,
        defaults={"text": comment.text, "written_by": by, "written_at": comment.written_at},
    )
    return comment


def comments_in(reports: Iterable[PartyReport], quarter: tuple[datetime.date, datetime.date]) -> dict[int, str]:
    """Report id → the community's comment on the quarter. One query."""
    start, _end = quarter
    rows = QuarterComment.objects.filter(report__in=list(reports), quarter=start).values_list("report_id", "text")
    return dict(rows)


# ---------------------------------------------------------------- what the community sees


@dataclass(frozen=True)
class Served:
    quarter_minutes: int
    year_minutes: int
    year_activities: int

    @property
    def quarter_hours(self) -> Decimal:
        return hours(self.quarter_minutes)

    @property
    def year_hours(self) -> Decimal:
        return hours(self.year_minutes)


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = day.replace(month=first_month, day=1)
    end = (start.replace(month=first_month + 2, day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start, end - datetime.timedelta(days=1)


def served_in(
    office: Office, volunteer_ids: Iterable[int], quarter: tuple[datetime.date, datetime.date]
) -> dict[int, Served]:
    """Each volunteer's service recorded by the office (or an office below it) in the quarter
    and in its year up to the quarter's end, from the ledger: signed sums of minutes, and the
    credited records (not reversed) as activities. One query."""
    quarter_start, quarter_end = quarter
    reversed_ = ServiceRecord.objects.filter(reverses=OuterRef("pk"))
    rows = (
        ServiceRecord.objects.filter(
            volunteer_id__in=set(volunteer_ids),
            office_id__in=office_tree_ids(office),
            service_date__gte=quarter_start.replace(month=1, day=1),
            service_date__lte=quarter_end,
        )
        .annotate(is_reversed=Exists(reversed_))
        .values_list("volunteer_id")
        .annotate(
            year=Sum("minutes", default=0),
            quarter=Sum("minutes", default=0, filter=Q(service_date__gte=quarter_start)),
            activities=Count("pk", filter=Q(minutes__gt=0, is_reversed=False)),
        )
        .order_by()
    )
    served = {pk: Served(0, 0, 0) for pk in volunteer_ids}
    for volunteer_id, year, quarter_minutes, activities in rows:
        served[volunteer_id] = Served(quarter_minutes, year, activities)
    return served


@transaction.atomic
def save_target(*, office: Office, activities: int, hours: int) -> ReportingTarget:
    """Counts from now on on the reporting page and the feedback sheets, for the whole year."""
    if activities < 1 or hours < 1:
        raise ValidationError(_("A target asks for at least one activity or one hour."))
    target, _created = ReportingTarget.objects.update_or_create(
        office=office, defaults={"activities": activities, "hours": hours}
    )
    return target


def target_of(office: Office) -> ReportingTarget:
    return ReportingTarget.objects.filter(office=office).first() or ReportingTarget(office=office)


def meets_target(served: Served, target: ReportingTarget) -> bool:
    return served.year_activities >= target.activities or served.year_minutes >= target.hours * 60

"""Service certificates (志愿服务记录证明, DESIGN rule 13).

A certificate freezes the volunteer's totals for a period when it is issued: it stays
what was certified even if a record is later corrected. Its number is printed; its
verification code sits behind a QR code that opens a public, read-only page showing
the masked name. Printed from the browser on A4 (print CSS): no PDF is generated.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from hours.models import Certificate, ServiceRecord
from teams.models import Membership, Office, Team
from teams.permissions import grants_for, office_tree_ids, person_visible_to
from volunteers.models import Volunteer
from volunteers.selectors import home_office_of

# No 0/O or 1/I/L: a number read out over the phone is not misheard.
NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
NUMBER_RANDOM_LENGTH = 8  # 31**8 ≈ 8.5e11: not guessable from a neighbour's number


def new_number(year: int) -> str:
    """ZY2027K7Q3M9XA: 'ZY', the year, and random characters."""
    return f"ZY{year}" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_RANDOM_LENGTH))


def new_verify_code() -> str:
    return secrets.token_urlsafe(18)


def period_totals(volunteer: Volunteer, period_from: datetime.date, period_to: datetime.date) -> dict:
    """Minutes in the period and all time, and the period's minutes by team and by activity."""
    records = ServiceRecord.objects.filter(volunteer=volunteer)
    in_period = Q(service_date__gte=period_from, service_date__lte=period_to)
    sums = records.aggregate(all_time=Sum("minutes", default=0), period=Sum("minutes", default=0, filter=in_period))
    by_team = [
        {"team": row["team__name"] or "", "minutes": row["total"]}
        for row in records.filter(in_period)
        .values("team__name")
        .annotate(total=Sum("minutes"))
        .filter(total__gt=0)
        .order_by("-total", "team__name")
    ]
    by_activity = [
        {"activity": row["activity"], "minutes": row["total"]}
        for row in records.filter(in_period)
        .values("activity")
        .annotate(total=Sum("minutes"))
        .filter(total__gt=0)
        .order_by("-total", "activity")
    ]
    return {"all_time": sums["all_time"], "period": sums["period"], "by_team": by_team, "by_activity": by_activity}


def own_certificate_office(volunteer: Volunteer) -> Office | None:
    """The office that certifies a volunteer's own request: that of their home team, else of their last record."""
    office = home_office_of(volunteer)
    if office is not None:
        return office
    record = ServiceRecord.objects.filter(volunteer=volunteer).select_related("office").first()
    return record.office if record else None


def staff_certificate_office(user: User, volunteer: Volunteer) -> Office | None:
    """One of the user's offices with a team the volunteer is an active member of; None if there is none."""
    memberships = Membership.objects.active().filter(user_id=volunteer.user_id).select_related("team__office")
    if not user.is_superuser:
        memberships = memberships.filter(team__office_id__in=grants_for(user).managed_office_ids)
    membership = memberships.order_by("joined_on", "pk").first()
    return membership.team.office if membership else None


@transaction.atomic
def issue_certificate(
    *,
    volunteer: Volunteer,
    office: Office,
    period_from: datetime.date,
    period_to: datetime.date,
    by: User | None,
    today: datetime.date | None = None,
) -> Certificate:
    """Issue a certificate; asked again for the same period and unchanged totals, return the one issued."""
    today = today or timezone.localdate()
    if period_from > period_to:
        raise ValidationError(_("The period must start before it ends."))
    if period_to > today:
        raise ValidationError(_("The period cannot end in the future."))
    # Lock the volunteer: two quick clicks give one certificate, not two.
    volunteer = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
    totals = period_totals(volunteer, period_from, period_to)
    if totals["all_time"] <= 0:
        raise ValidationError(_("There is no recorded service to certify yet."))
    same = Certificate.objects.filter(
        volunteer=volunteer,
        office=office,
        period_from=period_from,
        period_to=period_to,
        total_minutes_period=totals["period"],
        total_minutes_all=totals["all_time"],
        holder_name=volunteer.real_name,
        holder_id_masked=volunteer.masked_id_number,
        withdrawn_at__isnull=True,
    ).first()
    if same is not None and same.by_team == totals["by_team"] and same.by_activity == totals["by_activity"]:
        return same
    number = new_number(today.year)
    while Certificate.objects.filter(number=number).exists():
        number = new_number(today.year)
    certificate = Certificate(
        volunteer=volunteer,
        office=office,
        number=number,
        verify_code=new_verify_code(),
        holder_name=volunteer.real_name,
        holder_id_masked=volunteer.masked_id_number,
        issued_by=by,
        period_from=period_from,
        period_to=period_to,
        total_minutes_period=totals["period"],
        total_minutes_all=totals["all_time"],
        by_team=totals["by_team"],
        by_activity=totals["by_activity"],
    )
    certificate.full_clean()
    certificate.save()
    return certificate


@transaction.atomic
def withdraw_certificate(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """A withdrawn certificate stays on record; its verification page says it is withdrawn.

    Withdrawing it again changes nothing and tells nobody twice.
    """
    certificate = Certificate.objects.select_for_update().select_related("volunteer__user").get(pk=certificate.pk)
    if certificate.withdrawn_at is not None:
        return certificate
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the certificate is withdrawn."))
    certificate.withdrawn_at = timezone.now()
    certificate.withdrawn_by = by
    certificate.withdrawn_reason = reason
    certificate.full_clean()
    certificate.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    # The reason stays with the staff: it may name a person or a mistake in someone's records.
    notify(
        [certificate.volunteer.user],
        lambda: (
            _("Your certificate of volunteer service %(number)s has been withdrawn and is no longer valid.")
            % {"number": certificate.number}
        ),
        link=certificate.get_absolute_url(),
    )
    return certificate


def certificates_for_staff(user: User, number: str = "") -> QuerySet[Certificate]:
    """Certificates recorded by the user's offices (and those below), newest first; `number` narrows by number.

    `name_visible` says whether the user may see the holder's real name
    (teams.permissions.person_visible_to), asked once for the whole page.
    """
    found = Certificate.objects.select_related("volunteer", "office").order_by("-issued_at", "-pk")
    if not user.is_superuser:
        found = found.filter(office_id__in=grants_for(user).managed_office_ids)
    found = found.annotate(
        name_visible=ExpressionWrapper(person_visible_to(user, "volunteer__user_id"), output_field=BooleanField())
    )
    number = "".join(number.split()).upper()
    if number:
        found = found.filter(number__contains=number)
    return found


def with_hours(rows: list[dict]) -> list[dict]:
    """A certificate's rows of minutes (by team, by activity) with their hours to print."""
    return [{**row, "hours": round(row["minutes"] / 60, 1)} for row in rows]


def members_to_certify(*, office: Office, team: Team | None = None) -> list[tuple[Volunteer, Office]]:
    """Everyone active in the team, or in a team of the office or below, once each, in name
    order, with the office that certifies them: their team's (the longest-standing one when
    they are in several), as when staff issue one certificate."""
    memberships = Membership.objects.active().filter(user__volunteer__isnull=False)
    if team is not None:
        memberships = memberships.filter(team=team)
    else:
        memberships = memberships.filter(team__office_id__in=office_tree_ids(office))
    certifying: dict[int, Office] = {}
    for membership in memberships.select_related("team__office").order_by("user_id", "joined_on", "pk"):
        certifying.setdefault(membership.user_id, membership.team.office)
    volunteers = (
        Volunteer.objects.filter(user_id__in=certifying)
        .select_related("user")
        .order_by("name_pinyin", "real_name", "pk")
    )
    return [(volunteer, certifying[volunteer.user_id]) for volunteer in volunteers]


def certificate_by_code(code: str) -> Certificate | None:
    return Certificate.objects.select_related("volunteer", "office").filter(verify_code=code).first()

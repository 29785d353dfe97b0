"""Reads about shifts that take the viewer into account, and the scanner's reads. Fixed query counts."""

import datetime
import itertools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from accounts.models import User
from hours.units import hours
from shifts.attendance import times_of
from shifts.models import Attendance, ScanEvent, Shift, Signup
from shifts.reviews import review_labels
from teams.models import Membership, Team
from teams.permissions import teams_run_by
from volunteers.models import Volunteer


def shifts_visible_to(user: User) -> QuerySet[Shift]:
    """Shifts of my teams, public shifts of active teams, and shifts of teams I run."""
    if user.is_authenticated and user.is_superuser:
        return Shift.objects.all()
    my_teams = Membership.objects.active().filter(user=user).values("team_id")
    return Shift.objects.filter(
        Q(team_id__in=my_teams) | Q(is_public=True, team__is_active=True) | Q(team__in=teams_run_by(user))
    )


# The scanner's two reads, asked for every request and every card it sends, are written
# out: building them with the ORM costs more than running them (benchmarks/scan.py).
#
# The shift, with what a scan uses of it: its times and break, whether it is cancelled,
# public or service at all (rule 6), and the team's office, rounding and windows.
# raw() converts the columns as the ORM does.
SHIFT_TO_SCAN_SQL = f"""
    SELECT s.id, s.team_id, s.starts_at, s.ends_at, s.break_starts_at, s.break_ends_at, s.is_service,
        s.is_cancelled, s.is_public,
        t.office_id AS team_office_id, t.rounding_minutes AS team_rounding_minutes,
        t.checkin_opens_minutes AS team_checkin_opens_minutes,
        t.checkout_closes_minutes AS team_checkout_closes_minutes,
        t.repeat_window_minutes AS team_repeat_window_minutes
    FROM {Shift._meta.db_table} s JOIN {Team._meta.db_table} t ON t.id = s.team_id
    WHERE s.id = %s
"""  # noqa: S608 - model names only
SCANNED_TEAM_FIELDS = [
    "id",
    "office_id",
    "rounding_minutes",
    "checkin_opens_minutes",
    "checkout_closes_minutes",
    "repeat_window_minutes",
]


def shift_to_scan(pk: int) -> Shift | None:
    """The shift with the few fields of it and its team that a scan reads; any other
    field still loads when touched, at a query each."""
    shift = next(iter(Shift.objects.raw(SHIFT_TO_SCAN_SQL, [pk])), None)
    if shift is not None:
        values = [shift.team_id] + [getattr(shift, f"team_{name}") for name in SCANNED_TEAM_FIELDS[1:]]
        shift.team = Team.from_db(shift._state.db, SCANNED_TEAM_FIELDS, values)
    return shift


# The card's person, and whether they are on this shift's roster and already have
# attendance here: a first check-in then needs no look-up of its own.
SCAN_FACTS_SQL = f"""
    SELECT v.id, v.user_id, v.real_name, v.card_version,
        EXISTS (
            SELECT 1 FROM {Signup._meta.db_table} s WHERE s.shift_id = %s AND s.volunteer_id = v.id AND s.status = %s
        ),
        EXISTS (SELECT 1 FROM {Attendance._meta.db_table} a WHERE a.shift_id = %s AND a.volunteer_id = v.id)
    FROM {Volunteer._meta.db_table} v JOIN {User._meta.db_table} u ON u.id = v.user_id
    WHERE v.id = %s AND u.is_active = %s
"""  # noqa: S608 - model names only
SCAN_FACTS_FIELDS = ["id", "user_id", "real_name", "card_version"]


def card_holder_at(shift: Shift, volunteer_id: int) -> Volunteer | None:
    """As volunteers.cards.card_holder, with the facts above as `on_roster` and `has_attendance`."""
    with connection.cursor() as cursor:
        cursor.execute(SCAN_FACTS_SQL, [shift.pk, Signup.Status.CONFIRMED, shift.pk, volunteer_id, True])
        row = cursor.fetchone()
    if row is None:
        return None
    volunteer = Volunteer.from_db(connection.alias, SCAN_FACTS_FIELDS, row[:4])
    volunteer.on_roster, volunteer.has_attendance = bool(row[4]), bool(row[5])
    return volunteer


def with_counts(shifts: QuerySet[Shift], user: User) -> QuerySet[Shift]:
    mine = Signup.objects.live().filter(shift=OuterRef("pk"), volunteer__user=user)
    return shifts.select_related("team").annotate(
        confirmed_count=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
        waitlist_count=Count("signups", filter=Q(signups__status=Signup.Status.WAITLISTED)),
        my_status=Subquery(mine.values("status")[:1]),
        my_signup_id=Subquery(mine.values("pk")[:1]),
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _open_upcoming(user: User, team: Team | None) -> QuerySet[Shift]:
    shifts = shifts_visible_to(user).filter(is_cancelled=False).upcoming()
    return shifts if team is None else shifts.filter(team=team)


def upcoming_for(
    user: User,
    *,
    team: Team | None = None,
    from_date: datetime.date | None = None,
    before: datetime.date | None = None,
) -> QuerySet[Shift]:
    """Shifts not yet over that the user may see, starting on `from_date` or later and
    before the day `before`, with their counts and the user's own sign-up."""
    shifts = _open_upcoming(user, team)
    if from_date is not None:
        shifts = shifts.filter(starts_at__gte=_start_of(from_date))
    if before is not None:
        shifts = shifts.filter(starts_at__lt=_start_of(before))
    return with_counts(shifts, user).order_by("starts_at", "pk")


def next_shift_day(user: User, *, team: Team | None = None, from_date: datetime.date) -> datetime.date | None:
    """The day of the first upcoming shift on or after `from_date`: where an empty stretch of
    the shift list points to, for a team that meets once a month."""
    starts_at = (
        _open_upcoming(user, team)
        .filter(starts_at__gte=_start_of(from_date))
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return timezone.localdate(starts_at) if starts_at else None


LIST_DAYS = 7


@dataclass(frozen=True)
class ListWindow:
    """The days one page of the shift list shows: seven from `start`. A team that meets
    six evenings a week fills a phone screen with one week, not with two months."""

    start: datetime.date
    today: datetime.date

    @property
    def end(self) -> datetime.date:
        """The first day after the window."""
        return self.start + datetime.timedelta(days=LIST_DAYS)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @property
    def earlier(self) -> datetime.date | None:
        """The start of the seven days before, while any of them is still to come."""
        return self.start - datetime.timedelta(days=LIST_DAYS) if self.start > self.today else None

    @property
    def later(self) -> datetime.date:
        return self.end

    @property
    def this_week(self) -> datetime.date:
        return week_start(self.today)

    @property
    def next_week(self) -> datetime.date:
        return self.this_week + datetime.timedelta(days=7)

    @property
    def is_from_today(self) -> bool:
        return self.start == self.today

    @property
    def is_this_week(self) -> bool:
        return self.start == self.this_week

    @property
    def is_next_week(self) -> bool:
        return self.start == self.next_week


def list_window(requested: datetime.date | None, today: datetime.date) -> ListWindow:
    """Seven days from the requested day; from today when none is asked for, or when all
    seven are past (nothing past is listed)."""
    if requested is None or requested + datetime.timedelta(days=LIST_DAYS) <= today:
        requested = today
    return ListWindow(start=requested, today=today)


def group_by_day(shifts) -> list[tuple[datetime.date, list[Shift]]]:
    return [
        (day, list(group))
        for day, group in itertools.groupby(shifts, key=lambda shift: timezone.localdate(shift.starts_at))
    ]


def signups_of(user: User) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(volunteer__user=user)
        .exclude(status=Signup.Status.REMOVED, shift__ends_at__lt=timezone.now() - datetime.timedelta(days=365))
        .select_related("shift__team")
        .order_by("shift__starts_at", "pk")
    )


def roster_of(shift: Shift) -> QuerySet[Signup]:
    """Confirmed, then cancelled and waitlisted people: each group by name in pinyin order, the
    waitlist in its own order."""
    return (
        Signup.objects.filter(shift=shift)
        .select_related("volunteer__user")
        .order_by(
            "status",
            # The waitlist keeps its first-come order (Signup.objects.waitlisted()).
            Case(When(status=Signup.Status.WAITLISTED, then=F("created_at"))),
            "volunteer__name_pinyin",
            "volunteer__real_name",
            "pk",
        )
    )


def sign_in_list(shift: Shift) -> QuerySet[Signup]:
    """Confirmed people of a shift, by name: the rows of its printed sign-in sheet."""
    return (
        Signup.objects.confirmed()
        .filter(shift=shift)
        .select_related("volunteer__user")
        .order_by("volunteer__name_pinyin", "volunteer__real_name", "pk")
    )


def team_leader_names(team: Team) -> list[str]:
    return list(
        Membership.objects.leaders()
        .filter(team=team, user__volunteer__isnull=False)
        .order_by("user__volunteer__name_pinyin", "user__volunteer__real_name", "pk")
        .values_list("user__volunteer__real_name", flat=True)
    )


@dataclass
class CalendarDay:
    date: datetime.date
    shifts: list[Shift]
    is_today: bool


@dataclass
class CalendarWeek:
    first_day: datetime.date
    days: list[CalendarDay]

    @property
    def last_day(self) -> datetime.date:
        return self.days[-1].date

    @property
    def shift_count(self) -> int:
        return sum(len(day.shifts) for day in self.days)


def week_start(day: datetime.date) -> datetime.date:
    """Weeks start on Monday, as Chinese calendars print them."""
    return day - datetime.timedelta(days=day.weekday())


def team_calendar(
    team: Team, user: User, start: datetime.date, weeks: int = 4, *, now: datetime.datetime | None = None
) -> list[CalendarWeek]:
    """`weeks` whole weeks of a team's shifts, from the Monday of `start`'s week, cancelled ones included.

    One query whatever the number of shifts. Each shift carries `confirmed_count`,
    `current_state` and `state_label`. The caller checks that `user` may see the team.
    """
    now = now or timezone.now()
    first = week_start(start)
    days = [first + datetime.timedelta(days=offset) for offset in range(7 * weeks)]
    tz = timezone.get_current_timezone()
    begins = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    ends = datetime.datetime.combine(days[-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    shifts = with_counts(
        shifts_visible_to(user).filter(team=team, starts_at__gte=begins, starts_at__lt=ends), user
    ).order_by("starts_at", "pk")
    by_day: dict[datetime.date, list[Shift]] = {}
    for shift in shifts:
        shift.current_state = shift.state(shift.confirmed_count, now)
        shift.state_label = Shift.State(shift.current_state).label
        by_day.setdefault(timezone.localdate(shift.starts_at, tz), []).append(shift)
    today = timezone.localdate(now, tz)
    calendar_days = [CalendarDay(day, by_day.get(day, []), day == today) for day in days]
    return [CalendarWeek(calendar_days[i].date, calendar_days[i : i + 7]) for i in range(0, len(calendar_days), 7)]


def confirmed_shifts_of(user: User, *, ending_after: datetime.datetime) -> QuerySet[Shift]:
    """Live shifts on which the user holds a confirmed place; one row per shift,
    as a person has at most one live sign-up per shift."""
    return (
        Shift.objects.live()
        .filter(signups__volunteer__user=user, signups__status=Signup.Status.CONFIRMED, ends_at__gt=ending_after)
        .select_related("team")
        .order_by("starts_at", "pk")
    )


@dataclass
class SheetRow:
    """One person on a shift's attendance sheet: signed up, scanned, or both."""

    volunteer: Volunteer
    attendance: Attendance | None = None
    checked_in: datetime.datetime | None = None
    checked_out: datetime.datetime | None = None

    @property
    def status(self) -> str | None:
        return self.attendance.status if self.attendance else None

    @property
    def credited_minutes(self) -> int | None:
        return self.attendance.credited_minutes if self.attendance else None

    @property
    def review_reasons(self) -> list[str]:
        return self.attendance.review_reasons if self.attendance else []

    @property
    def credited_hours(self):
        return hours(self.credited_minutes) if self.attendance else None

    @property
    def review_labels(self) -> list[str]:
        return review_labels(self.review_reasons)

    @property
    def posted(self) -> bool:
        return bool(self.attendance and self.attendance.review_state == Attendance.Review.POSTED)

    @property
    def is_walk_in(self) -> bool:
        return bool(self.attendance and self.attendance.is_walk_in)


def on_sheet(shift: Shift) -> QuerySet[Volunteer]:
    """The people of a shift's sheet: confirmed for it, or with attendance at it."""
    confirmed = Signup.objects.confirmed().filter(shift=shift, volunteer=OuterRef("pk"))
    attending = Attendance.objects.filter(shift=shift, volunteer=OuterRef("pk"))
    return Volunteer.objects.filter(Exists(confirmed) | Exists(attending))


def attendance_sheet(shift: Shift) -> list[SheetRow]:
    """Everyone confirmed for the shift and everyone with attendance (walk-ins too),
    by name, with the sign-in and sign-out times all their reads (or the leader's mend)
    make. Three queries, whatever the number of people."""
    attendances = Attendance.objects.filter(shift=shift).select_related("volunteer__user")
    events: dict[int, list] = {}
    reads = ScanEvent.objects.filter(attendance__shift=shift).values_list(
        "attendance_id", "kind", "at", "client_event_id"
    )
    for attendance_id, kind, at, key in reads:
        events.setdefault(attendance_id, []).append((kind, at, key))
    rows = {}
    for attendance in attendances:
        attendance.shift = shift  # known already: no query per row when a row is printed
        checked_in, checked_out = times_of(attendance, shift, events.get(attendance.pk, []))
        rows[attendance.volunteer_id] = SheetRow(attendance.volunteer, attendance, checked_in, checked_out)
    for signup in Signup.objects.confirmed().filter(shift=shift).select_related("volunteer__user"):
        rows.setdefault(signup.volunteer_id, SheetRow(signup.volunteer))
    return sorted(rows.values(), key=lambda row: (row.volunteer.name_pinyin, row.volunteer.real_name, row.volunteer.pk))


def shifts_to_run_soon(user: User, *, today: datetime.date | None = None, limit: int = 20) -> list[Shift]:
    """Today's and tomorrow's shifts of the teams this user runs, for their home and the 扫码 tab;
    shifts that have ended today stay listed, so the leader can still open the sheet. Two queries."""
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=2)
    shifts = (
        Shift.objects.filter(team__in=teams_run_by(user), is_cancelled=False, starts_at__gte=start, starts_at__lt=end)
        .select_related("team")
        .annotate(confirmed_count=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)))
        .order_by("starts_at", "pk")[:limit]
    )
    return list(shifts)

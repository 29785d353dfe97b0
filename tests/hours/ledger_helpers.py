"""Small builders shared by the ledger page and service tests."""

import datetime

from django.utils import timezone

from hours import ledger
from hours.models import ServiceRecord
from tests.factories import volunteer_in

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def post(volunteer, team, *, key: str, starts_at: datetime.datetime, minutes: int = 120, length: int | None = None):
    return ledger.post_record(
        volunteer=volunteer,
        service=ledger.Service(
            office=team.office,
            team=team,
            service_date=timezone.localtime(starts_at).date(),
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=length or minutes),
            activity="独居老人探访",
            place="阳光社区",
        ),
        minutes=minutes,
        kind=ServiceRecord.Kind.ATTENDANCE,
        source_key=key,
        recorded_by=None,
    )


def a_busy_month(team, month: datetime.date, *, records: int, volunteers: int = 50) -> list:
    """`records` attendance records of the team's members in `month`, inserted in bulk as
    the benchmarks do (posting them one by one would take minutes): whole rows, so the
    exports read them as any posted record. Returns the volunteers."""
    people = [volunteer_in(team) for _ in range(volunteers)]
    ServiceRecord.objects.bulk_create(
        (
            ServiceRecord(
                volunteer=people[n % volunteers],
                office=team.office,
                team=team,
                service_date=month + datetime.timedelta(days=n % 28),
                activity="独居老人探访",
                place="阳光社区",
                content="陪伴聊天",
                responsible_person="王主任",
                minutes=30 + 30 * (n % 4),
                kind=ServiceRecord.Kind.ATTENDANCE,
                source_key=f"busy:{team.pk}:{month:%Y-%m}:{n}",
                reported_month=month,
            )
            for n in range(records)
        ),
        batch_size=2000,
    )
    return people

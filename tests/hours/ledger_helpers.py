"""Small builders shared by the ledger page and service tests."""

import datetime

from django.utils import timezone

from hours import ledger
from hours.models import ServiceRecord

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

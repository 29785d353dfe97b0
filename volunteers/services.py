"""Every change to volunteer profiles and cards. One transaction each."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from teams.models import AuditEntry, Team
from teams.services import add_members, invite_members
from volunteers.models import Volunteer
from volunteers.roster import Progress, Roster, check_against_database

# New people are written this many at a time, with progress told after each batch.
IMPORT_BATCH = 500


@dataclass
class ImportResult:
    created: int = 0
    invited: int = 0


@transaction.atomic
def save_profile(*, volunteer: Volunteer) -> Volunteer:
    """Create or update a profile; a resident ID fills in birth date and gender."""
    volunteer.full_clean()
    volunteer.save()
    return volunteer


@transaction.atomic
def reissue_card(*, volunteer: Volunteer) -> Volunteer:
    """A new card version: the old QR code stops working at once."""
    Volunteer.objects.filter(pk=volunteer.pk).update(card_version=F("card_version") + 1)
    volunteer.refresh_from_db(fields=["card_version"])
    return volunteer


@transaction.atomic
def import_roster(
    *, team: Team, roster: Roster, by: User | None, progress: Progress | None = None, source: str = ""
) -> ImportResult:
    """Write a checked roster: all rows or none.

    New people get an account, a profile from the file and a place on the team. People
    with an account are invited: they join only when they say yes, and nothing of the
    file is written onto their account. Who is registered is looked up again inside the
    transaction: someone who registered since the preview is invited, not created twice.

    `source` names the uploaded file: a file already imported into the team is not
    imported again (a retried background import whose first run had in fact written it);
    the first import's counts are the answer. `progress(done, total)` hears the rows written.
    """
    if source:
        # One import of a file at a time: the second waits here, then finds the first's record.
        Team.objects.select_for_update().filter(pk=team.pk).first()
        earlier = roster_imported(team=team, source=source)
        if earlier is not None:
            return earlier
    if not roster.ok:
        raise ValidationError(_("The roster has mistakes; nothing was imported."))
    recheck = Roster(rows=roster.rows)
    check_against_database(recheck.rows, recheck.errors)
    total = len(recheck.rows)
    if progress:
        progress(0, total)
    new_rows = [row for row in recheck.rows if row.existing_user is None]
    created: dict[str, User] = {}
    for start in range(0, len(new_rows), IMPORT_BATCH):
        batch = new_rows[start : start + IMPORT_BATCH]
        created.update(_create_people(batch))
        if progress:
            progress(start + len(batch), total)
    add_members(team=team, users=list(created.values()), by=by)
    invited = invite_members(team=team, users=[row.existing_user for row in recheck.rows if row.existing_user], by=by)
    detail = {"rows": len(recheck.rows), "created": len(created), "invited": invited}
    if source:
        detail["source"] = source
    AuditEntry.objects.create(
        office=team.office, team=team, actor=by, action=AuditEntry.Action.ROSTER_IMPORT, detail=detail
    )
    if progress:
        progress(total, total)
    return ImportResult(created=len(created), invited=invited)


def roster_imported(*, team: Team, source: str) -> ImportResult | None:
    """What the import of the file named `source` into the team did, if it was imported."""
    if not source:
        return None
    earlier = AuditEntry.objects.filter(
        team=team, action=AuditEntry.Action.ROSTER_IMPORT, detail__source=source
    ).first()
    if earlier is None:
        return None
    return ImportResult(created=earlier.detail["created"], invited=earlier.detail["invited"])


def _create_people(rows) -> dict[str, User]:
    User.objects.bulk_create(User(phone=row.phone, password=make_password(None)) for row in rows)
    created = {user.phone: user for user in User.objects.filter(phone__in=[row.phone for row in rows])}
    # Only people registered here get a profile from the file: an account that exists is
    # never written to, whoever it belongs to (its owner keeps their own details).
    profiles = [
        Volunteer(
            user=created[row.phone],
            real_name=row.real_name,
            gender=row.gender,
            birth_date=row.birth_date,
            id_type=row.id_type,
            id_number="" if row.id_number_taken else row.id_number,
            grid=row.grid,
            is_party_member=row.is_party_member,
            skills=row.skills,
        )
        for row in rows
    ]
    for profile in profiles:
        # bulk_create runs no save(): the pinyin keys are written here, with the name.
        profile.set_name_keys()
    Volunteer.objects.bulk_create(profiles)
    return created

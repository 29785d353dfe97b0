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
from volunteers.roster import Roster, check_against_database


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
def import_roster(*, team: Team, roster: Roster, by: User | None) -> ImportResult:
    """Write a checked roster: all rows or none.

    New people get an account, a profile from the file and a place on the team. People
    with an account are invited: they join only when they say yes, and nothing of the
    file is written onto their account. Who is registered is looked up again inside the
    transaction: someone who registered since the preview is invited, not created twice.
    """
    if not roster.ok:
        raise ValidationError(_("The roster has mistakes; nothing was imported."))
    recheck = Roster(rows=roster.rows)
    check_against_database(recheck.rows, recheck.errors)
    new_rows = [row for row in recheck.rows if row.existing_user is None]
    User.objects.bulk_create(User(phone=row.phone, password=make_password(None)) for row in new_rows)
    created = {user.phone: user for user in User.objects.filter(phone__in=[row.phone for row in new_rows])}
    # Only people registered here get a profile from the file: an account that exists is
    # never written to, whoever it belongs to (its owner keeps their own details).
    Volunteer.objects.bulk_create(
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
        for row in new_rows
    )
    add_members(team=team, users=list(created.values()), by=by)
    invited = invite_members(team=team, users=[row.existing_user for row in recheck.rows if row.existing_user], by=by)
    AuditEntry.objects.create(
        office=team.office,
        team=team,
        actor=by,
        action=AuditEntry.Action.ROSTER_IMPORT,
        detail={"rows": len(recheck.rows), "created": len(created), "invited": invited},
    )
    return ImportResult(created=len(created), invited=invited)

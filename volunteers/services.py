"""Every change to volunteer profiles and cards. One transaction each."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from teams.models import Team
from teams.services import add_members
from volunteers.models import Volunteer
from volunteers.roster import Roster, RowError, check_against_database


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0


class RosterChanged(Exception):
    """Someone registered a phone or ID number of the roster since it was checked."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


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

    The roster is checked again inside the transaction, so that a person who
    registered between preview and confirmation cannot be created twice.
    """
    if not roster.ok:
        raise ValidationError(_("The roster has mistakes; nothing was imported."))
    recheck = Roster(rows=roster.rows)
    check_against_database(recheck.rows, recheck.errors)
    if recheck.errors:
        raise RosterChanged(recheck.errors)
    new_phones = [row.phone for row in recheck.rows if row.existing_user is None]
    User.objects.bulk_create(User(phone=phone, password=make_password(None)) for phone in new_phones)
    users = {user.phone: user for user in User.objects.filter(phone__in=[row.phone for row in recheck.rows])}
    profiles = [
        Volunteer(
            user=users[row.phone],
            real_name=row.real_name,
            gender=row.gender,
            birth_date=row.birth_date,
            id_type=row.id_type,
            id_number=row.id_number,
            grid=row.grid,
            is_party_member=row.is_party_member,
            skills=row.skills,
        )
        for row in recheck.rows
        if row.existing_user is None or not hasattr(row.existing_user, "volunteer")
    ]
    Volunteer.objects.bulk_create(profiles)
    add_members(team=team, users=list(users.values()), by=by)
    return ImportResult(created=len(profiles), existing=len(recheck.rows) - len(profiles))

"""Every change to volunteer profiles and cards. One transaction each."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from teams.models import Team
from teams.services import add_member
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
    result = ImportResult()
    for row in recheck.rows:
        user = row.existing_user
        if user is None:
            user = User.objects.create_user(phone=row.phone)
        if not hasattr(user, "volunteer"):
            Volunteer.objects.create(
                user=user,
                real_name=row.real_name,
                gender=row.gender,
                birth_date=row.birth_date,
                id_type=row.id_type,
                id_number=row.id_number,
                grid=row.grid,
                is_party_member=row.is_party_member,
                skills=row.skills,
            )
            result.created += 1
        else:
            result.existing += 1
        add_member(team=team, user=user, by=by)
    return result

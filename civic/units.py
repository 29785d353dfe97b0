"""Partner units (共建单位) that register themselves with a community, their page, their
projects (共建项目) and their other work. Whether someone may see a unit is decided here, once."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phones import normalise_phone
from civic.models import PartyReport, UnitProject, UnitRegistration
from teams.models import Office, PartnerUnit
from teams.partners import UnitWork, work_of
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_OFFICE_PII, has_access


def communities() -> QuerySet[Office]:
    """Where a unit registers: communities and villages, not street offices."""
    return Office.objects.exclude(kind=Office.Kind.STREET).order_by("name", "pk")


@transaction.atomic
def submit_registration(
    *, office: Office, name: str, party_branch: str, contact_name: str, contact_phone: str, by: User
) -> UnitRegistration:
    if office.kind == Office.Kind.STREET:
        raise ValidationError(_("A unit registers with a community."))
    name, contact_name = " ".join(name.split()), " ".join(contact_name.split())
    if not name or not contact_name:
        raise ValidationError(_("Give the unit's name and its contact person."))
    # The office's row lock: two registrations of one name sent at once give one, not a constraint error.
    Office.objects.select_for_update().get(pk=office.pk)
    if UnitRegistration.objects.filter(office=office, name=name, state=UnitRegistration.State.PENDING).exists():
        raise ValidationError(_("This unit's registration is waiting for the community already."))
    registration = UnitRegistration(
        office=office,
        name=name,
        party_branch=" ".join(party_branch.split()),
        contact_name=contact_name,
        contact_phone=normalise_phone(contact_phone),
        requested_by=by,
    )
    registration.full_clean(validate_constraints=False)
    registration.save()
    return registration


@transaction.atomic
def decide_registration(
    *, registration: UnitRegistration, approved: bool, by: User, note: str = ""
) -> UnitRegistration:
    """Approved: the community's unit of that name takes the registration's details and its
    contact, or a new unit is made. Refused: with a reason the submitter reads."""
    registration = UnitRegistration.objects.select_for_update().select_related("office").get(pk=registration.pk)
    if registration.state != UnitRegistration.State.PENDING:
        raise ValidationError(_("This registration has already been decided."))
    if by.pk == registration.requested_by_id:
        raise ValidationError(_("Another member of staff decides a registration: not the one who sent it."))
    note = " ".join(note.split())
    if not approved and not note:
        raise ValidationError(_("Say why the registration is refused."))
    if approved:
        same_name = PartnerUnit.objects.select_for_update().filter(office=registration.office, name=registration.name)
        unit = same_name.first() or PartnerUnit(office=registration.office, name=registration.name)
        unit.party_branch = registration.party_branch or unit.party_branch
        unit.contact_name, unit.contact_phone = registration.contact_name, registration.contact_phone
        unit.contact_user_id = registration.requested_by_id
        unit.full_clean(validate_constraints=False)
        unit.save()
        registration.unit = unit
        registration.save(update_fields=["unit"])
    registration.record_decision(approved=approved, by=by, note=note)
    return registration


def may_see_unit(user: User, unit: PartnerUnit) -> bool:
    """The community's staff (and those above), and the unit's contact."""
    if not user.is_authenticated:
        return False
    return (unit.contact_user_id is not None and unit.contact_user_id == user.pk) or has_access(
        user, unit.office, ACCESS_OFFICE_MANAGE
    )


def may_see_contact_phone(user: User, unit: PartnerUnit) -> bool:
    """In full: the contact, and staff with the permission for full numbers (rule 17)."""
    return unit.contact_user_id == user.pk or has_access(user, unit.office, ACCESS_OFFICE_PII)


def units_of_contact(user: User) -> QuerySet[PartnerUnit]:
    return PartnerUnit.objects.filter(contact_user=user).select_related("office")


def reported_members(unit: PartnerUnit) -> QuerySet[PartyReport]:
    """Its members whose reporting card the community confirmed."""
    return (
        PartyReport.objects.filter(unit=unit, state=PartyReport.State.APPROVED)
        .select_related("volunteer")
        .order_by("volunteer__name_pinyin", "pk")
    )


@transaction.atomic
def add_project(
    *, unit: PartnerUnit, title: str, starts_on: datetime.date, ends_on: datetime.date, description: str, by: User
) -> UnitProject:
    if not has_access(by, unit.office, ACCESS_OFFICE_MANAGE):
        raise ValidationError(_("The community's staff add a unit's projects."))
    if ends_on < starts_on:
        raise ValidationError(_("A project ends on or after the day it starts."))
    project = UnitProject(
        unit=unit,
        title=" ".join(title.split()),
        starts_on=starts_on,
        ends_on=ends_on,
        description=" ".join(description.split()),
        added_by=by,
    )
    project.full_clean()
    project.save()
    return project


def projects_in(unit: PartnerUnit, period: tuple[datetime.date, datetime.date]) -> QuerySet[UnitProject]:
    """The unit's projects running at some time in the period (a quarter)."""
    start, end = period
    return unit.projects.filter(Q(starts_on__lte=end) & Q(ends_on__gte=start)).order_by("starts_on", "pk")


def recent_work(unit: PartnerUnit, today: datetime.date) -> list[UnitWork]:
    """The shifts it ran as a partner and the wishes it fulfilled in the past year, from their
    own records (teams.partners)."""
    return work_of(unit, today - datetime.timedelta(days=365), today)

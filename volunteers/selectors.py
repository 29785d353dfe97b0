import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from accounts.models import User
from teams.models import Membership, Office, Team
from volunteers.models import Volunteer
from volunteers.pinyin import search_terms


def profile_for(user: User) -> Volunteer | None:
    try:
        return user.volunteer
    except Volunteer.DoesNotExist:
        return None


def card_sheet_for(team: Team) -> QuerySet[Volunteer]:
    """Profiles of a team's active members, in name order, for the printed card sheet."""
    return Volunteer.objects.filter(
        user__memberships__team=team, user__memberships__status=Membership.Status.ACTIVE
    ).order_by("name_pinyin", "real_name", "pk")


def home_office_of(volunteer: Volunteer) -> Office | None:
    """The office whose star thresholds apply: that of the volunteer's longest-standing active team."""
    return home_offices_of([volunteer])[volunteer.pk]


def home_offices_of(volunteers: Iterable[Volunteer]) -> dict[int, Office | None]:
    """`home_office_of` for many volunteers in one query, by volunteer id."""
    by_user = {volunteer.user_id: volunteer.pk for volunteer in volunteers}
    homes: dict[int, Office | None] = dict.fromkeys(by_user.values())
    memberships = (
        Membership.objects.active()
        .filter(user_id__in=by_user)
        .select_related("team__office__parent__parent")
        .order_by("user_id", "joined_on", "pk")
    )
    for membership in memberships:
        volunteer_id = by_user[membership.user_id]
        if homes[volunteer_id] is None:
            homes[volunteer_id] = membership.team.office
    return homes


def namesake_hints(volunteers: Iterable[Volunteer], *, name=None) -> dict[int, str]:
    """By volunteer id, the masked phone (138****8000) of each person whose name occurs more
    than once among `volunteers`, so that a leader picks the right 张伟; others get no hint.
    `name` gives what is compared (the real name unless said otherwise, e.g. the public
    张* of a ranking). The volunteers come with their users loaded (select_related("user"))."""
    volunteers = list(volunteers)
    name = name or (lambda volunteer: volunteer.real_name)
    names = Counter(name(volunteer) for volunteer in volunteers)
    return {volunteer.pk: volunteer.masked_phone for volunteer in volunteers if names[name(volunteer)] > 1}


def name_with_hint(name: str, hint: str) -> str:
    """张伟 (138****8000), or the name alone when it needs no hint."""
    return _("%(name)s (%(hint)s)") % {"name": name, "hint": hint} if hint else name


PERSON_SEARCH_LIMIT = 20
_DIGITS = re.compile(r"\d+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class PersonMatch:
    id: int
    name: str
    hint: str  # the masked phone, for namesakes only

    @property
    def label(self) -> str:
        return name_with_hint(self.name, self.hint)

    def as_json(self) -> dict:
        return {"id": self.id, "label": self.label}


def search_people(people: QuerySet[Volunteer], text: str, *, limit: int = PERSON_SEARCH_LIMIT) -> list[PersonMatch]:
    """At most `limit` of `people` (the ones a picker may choose) matching what was typed, in
    pinyin order: part of the name (王秀), the pinyin's initials (wxy) or its start
    (wangxiu), and/or the phone's last digits (8000). People whose name occurs more than once
    among `people` carry their masked phone. Two queries, whatever the team's size."""
    text = (text or "").strip()[:50]
    digits = "".join(_DIGITS.findall(text))
    words = _DIGITS.sub("", text).strip()
    if not digits and not words:
        return []
    found = people
    if digits:
        found = found.filter(user__phone__endswith=digits[-11:])
    if words:
        by_name = Q(real_name__icontains=words)
        letters = search_terms(words)
        if letters and not _HAN.search(words):
            by_name |= Q(name_initials__startswith=letters) | Q(pinyin_compact__startswith=letters)
            found = found.annotate(pinyin_compact=Replace("name_pinyin", Value(" "), Value("")))
        found = found.filter(by_name)
    matches = list(found.select_related("user").order_by("name_pinyin", "real_name", "pk")[:limit])
    names = {volunteer.real_name for volunteer in matches}
    shared = set(
        people.filter(real_name__in=names)
        .order_by()
        .values("real_name")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("real_name", flat=True)
    )
    return [
        PersonMatch(
            id=volunteer.pk,
            name=volunteer.real_name,
            hint=volunteer.masked_phone if volunteer.real_name in shared else "",
        )
        for volunteer in matches
    ]


def active_members_of(team: Team) -> QuerySet[Volunteer]:
    """The profiles of a team's active members, in pinyin order: whom its pickers may choose."""
    return Volunteer.objects.filter(
        user__memberships__team=team, user__memberships__status=Membership.Status.ACTIVE
    ).order_by("name_pinyin", "real_name", "pk")

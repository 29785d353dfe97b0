"""Member pickers search on the server (issue 16): a typed name fragment, pinyin initials,
full pinyin or the phone's last digits find the person among those the picker may choose."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from teams.models import Membership
from tests.factories import MembershipFactory, TeamFactory, UserFactory, VolunteerFactory
from volunteers.forms import PersonSearchField
from volunteers.models import Volunteer
from volunteers.selectors import active_members_of, search_people

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def member(team, name: str, phone: str, **membership) -> Volunteer:
    volunteer = VolunteerFactory(real_name=name, user=UserFactory(phone=phone))
    MembershipFactory(team=team, user=volunteer.user, **membership)
    return volunteer


@pytest.fixture
def team():
    team = TeamFactory()
    member(team, "王秀英", "+8613800008000")
    member(team, "王晓燕", "+8613900001234")
    member(team, "曾小贤", "+8613700002222")
    member(team, "张伟", "+8613600003333")
    member(team, "张伟", "+8613500004444")
    member(team, "李明", "+8613400005555", status=Membership.Status.LEFT)
    return team


def names(team, text: str) -> list[str]:
    return [match.label for match in search_people(active_members_of(team), text)]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("王秀", ["王秀英"]),
        ("秀英", ["王秀英"]),
        ("wxy", ["王晓燕", "王秀英"]),  # both wxy, in pinyin order: wang xiao yan < wang xiu ying
        ("WXY", ["王晓燕", "王秀英"]),
        ("wangxiuying", ["王秀英"]),
        ("wang xiu", ["王秀英"]),
        ("wangx", ["王晓燕", "王秀英"]),
        ("8000", ["王秀英"]),
        ("zeng", ["曾小贤"]),  # 曾 read as a surname
        ("zxx", ["曾小贤"]),
        ("ceng", []),
        ("lm", []),  # 李明 left the team
        ("李明", []),
        ("", []),
        ("   ", []),
    ],
)
def test_what_a_leader_types_finds(team, typed, found):
    assert names(team, typed) == found


def test_namesakes_carry_their_masked_phones_even_when_one_is_found(team):
    # Same name, same pinyin: the earlier registered first.
    assert names(team, "张伟") == ["张伟（136****3333）", "张伟（135****4444）"]
    # The phone's tail finds one of them, still told apart from the other by the hint.
    assert names(team, "张伟 3333") == ["张伟（136****3333）"]
    assert names(team, "3333") == ["张伟（136****3333）"]


def test_at_most_twenty_in_two_queries_whatever_the_team_size():
    team = TeamFactory()
    leader = VolunteerFactory()
    MembershipFactory(team=team, user=leader.user, role=Membership.Role.LEADER)
    volunteers = [Volunteer(user=UserFactory(phone=f"+86138{n:08d}"), real_name=f"王{n:02d}") for n in range(40)]
    for volunteer in volunteers:
        volunteer.save()
        MembershipFactory(team=team, user=volunteer.user)
    with CaptureQueriesContext(connection) as queries:
        matches = search_people(active_members_of(team), "wang")
    assert len(matches) == 20
    assert len(queries) == 2
    assert [match.name for match in matches] == [f"王{n:02d}" for n in range(20)]


class PickForm(forms.Form):
    volunteer = PersonSearchField()


def pick(team, **data):
    form = PickForm(data)
    form.fields["volunteer"].queryset = active_members_of(team)
    return form


def test_a_chosen_id_from_the_team_is_taken(team):
    wanted = Volunteer.objects.get(real_name="王秀英")
    form = pick(team, volunteer=str(wanted.pk), volunteer_text="王秀英")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["volunteer"] == wanted


@pytest.mark.parametrize("forged", ["outsider", "left", "junk"])
def test_a_forged_id_outside_the_team_is_refused(team, forged):
    outsider = VolunteerFactory(real_name="外人")
    MembershipFactory(team=TeamFactory(), user=outsider.user)
    ids = {
        "outsider": str(outsider.pk),
        "left": str(Volunteer.objects.get(real_name="李明").pk),
        "junk": "1 OR 1=1",
    }
    form = pick(team, volunteer=ids[forged], volunteer_text="王秀英")
    assert not form.is_valid()
    assert form.has_error("volunteer", code="invalid_choice")


def test_without_javascript_the_typed_text_finds_the_one_person(team):
    form = pick(team, volunteer="", volunteer_text="wangxiuying")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["volunteer"].real_name == "王秀英"
    # An exact name wins over longer names that start with it.
    member(team, "王秀", "+8613300006666")
    form = pick(team, volunteer="", volunteer_text="王秀")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["volunteer"].real_name == "王秀"


def test_without_javascript_an_ambiguous_text_says_whom_it_could_be(team):
    form = pick(team, volunteer="", volunteer_text="张伟")
    assert not form.is_valid()
    assert form.has_error("volunteer", code="ambiguous")
    message = form.errors["volunteer"][0]
    assert "136****3333" in message and "135****4444" in message
    assert "13600003333" not in message
    # With the phone's tail it is one person.
    form = pick(team, volunteer="", volunteer_text="张伟 4444")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["volunteer"].user.phone == "+8613500004444"


def test_without_javascript_nobody_found_is_said(team):
    form = pick(team, volunteer="", volunteer_text="赵")
    assert not form.is_valid()
    assert form.has_error("volunteer", code="not_found")
    assert not pick(team, volunteer="", volunteer_text="").is_valid()

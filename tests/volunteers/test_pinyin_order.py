"""Names sort in pinyin order where people look for one (issue 16), surnames read as
surnames; the keys are stored where names are written, and pypinyin is loaded only there."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from hours import exports
from shifts import selectors as shift_selectors
from shifts.models import Signup
from teams.selectors import team_members
from tests.factories import LeaderFactory, MembershipFactory, ShiftFactory, TeamFactory, UserFactory, VolunteerFactory
from tests.hours.ledger_helpers import at, post
from tests.volunteers.test_roster import person
from tests.volunteers.xlsx import roster_bytes
from volunteers import services
from volunteers.models import Volunteer
from volunteers.pinyin import name_keys
from volunteers.roster import read_roster
from volunteers.selectors import active_members_of, card_sheet_for, search_people

pytestmark = pytest.mark.django_db

# By code point: 单 安 张 曾 李; by pinyin, surnames as surnames: an li shan zeng zhang.
NAMES = ["张三", "曾国藩", "单田芳", "安然", "李四"]
PINYIN_ORDER = ["安然", "李四", "单田芳", "曾国藩", "张三"]


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("王秀英", ("wang xiu ying", "wxy")),
        ("曾国藩", ("zeng guo fan", "zgf")),
        ("单田芳", ("shan tian fang", "stf")),
        ("解缙", ("xie jin", "xj")),
        ("仇英", ("qiu ying", "qy")),
        ("查良镛", ("zha liang yong", "zly")),
        ("朴智星", ("piao zhi xing", "pzx")),
        ("尉迟恭", ("yu chi gong", "ycg")),
        ("吕布", ("lv bu", "lb")),
        ("Anna 李", ("anna li", "al")),
        ("", ("", "")),
    ],
)
def test_names_are_read_with_their_surnames(name, keys):
    assert name_keys(name) == keys


def test_a_name_gets_its_keys_when_written_and_again_when_changed():
    volunteer = VolunteerFactory(real_name="曾小贤")
    assert (volunteer.name_pinyin, volunteer.name_initials) == ("zeng xiao xian", "zxx")
    volunteer.real_name = "单田芳"
    volunteer.save(update_fields=["real_name"])
    volunteer.refresh_from_db()
    assert (volunteer.name_pinyin, volunteer.name_initials) == ("shan tian fang", "stf")


def test_saving_an_unchanged_name_leaves_its_keys_alone():
    """Saving other fields computes nothing (the request's process need not load pypinyin)."""
    volunteer = VolunteerFactory(real_name="王秀英")
    Volunteer.objects.filter(pk=volunteer.pk).update(name_pinyin="kept", name_initials="k")
    loaded = Volunteer.objects.get(pk=volunteer.pk)
    loaded.grid = "第二网格"
    loaded.save()
    loaded.refresh_from_db()
    assert (loaded.name_pinyin, loaded.name_initials) == ("kept", "k")


def test_the_roster_import_writes_the_keys():
    team = TeamFactory()
    roster = read_roster(roster_bytes([person(1, 姓名="曾小贤"), person(2, 姓名="单田芳")]))
    services.import_roster(team=team, roster=roster, by=UserFactory())
    keys = dict(Volunteer.objects.values_list("real_name", "name_pinyin"))
    assert keys == {"曾小贤": "zeng xiao xian", "单田芳": "shan tian fang"}


@pytest.fixture
def team_of_names():
    team = TeamFactory()
    leader = VolunteerFactory(real_name="甄队长")  # zhen: after zhang
    LeaderFactory(team=team, user=leader.user)
    people = []
    for number, name in enumerate(NAMES):
        volunteer = VolunteerFactory(real_name=name, user=UserFactory(phone=f"+86136000000{number:02d}"))
        MembershipFactory(team=team, user=volunteer.user)
        people.append(volunteer)
    return team, leader, people


def test_lists_people_look_names_up_in_are_in_pinyin_order(team_of_names, client_for):
    team, leader, people = team_of_names
    starts_at = timezone.now() - datetime.timedelta(hours=1)
    shift = ShiftFactory(team=team, starts_at=starts_at, capacity=10)
    for volunteer in people:
        Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)

    members = [m.user.volunteer.real_name for m in team_members(team) if m.role == "member"]
    assert members == PINYIN_ORDER
    assert [v.real_name for v in card_sheet_for(team)] == [*PINYIN_ORDER, "甄队长"]
    assert [v.real_name for v in active_members_of(team)] == [*PINYIN_ORDER, "甄队长"]
    assert [s.volunteer.real_name for s in shift_selectors.roster_of(shift)] == PINYIN_ORDER
    assert [s.volunteer.real_name for s in shift_selectors.sign_in_list(shift)] == PINYIN_ORDER
    assert [row.volunteer.real_name for row in shift_selectors.attendance_sheet(shift)] == PINYIN_ORDER
    assert [match.name for match in search_people(active_members_of(team), "z")] == ["曾国藩", "张三", "甄队长"]
    # The pages show them so.
    client = client_for(leader.user)
    for url in (shift.get_absolute_url(), reverse("shifts:attendance", args=[shift.pk]), team.get_absolute_url()):
        html = client.get(url).content.decode()
        assert [html.index(name) for name in PINYIN_ORDER] == sorted(html.index(name) for name in PINYIN_ORDER), url


def test_the_roster_keeps_the_waitlist_in_its_own_order(team_of_names):
    team, _leader, people = team_of_names
    shift = ShiftFactory(team=team, capacity=1)
    for volunteer in people:  # 张三 first: confirmed; the rest wait in the order they came
        Signup.objects.create(
            shift=shift,
            volunteer=volunteer,
            status=Signup.Status.CONFIRMED if volunteer is people[0] else Signup.Status.WAITLISTED,
        )
    assert [s.volunteer.real_name for s in shift_selectors.roster_of(shift)] == NAMES


def test_the_workbooks_detail_rows_are_by_day_then_pinyin(team_of_names):
    team, _leader, people = team_of_names
    day = datetime.date(2026, 3, 2)
    for volunteer in people:
        post(volunteer, team, key=f"r-{volunteer.pk}", starts_at=at(day))
    post(people[0], team, key="earlier", starts_at=at(day - datetime.timedelta(days=1)))
    rows = list(exports.detail_rows(exports.MonthExport(office=team.office, month=datetime.date(2026, 3, 1))))
    assert [row[1] for row in rows] == ["张三", *PINYIN_ORDER]


def test_existing_names_get_their_keys_from_the_migration(transactional_db):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("volunteers", "0011_id_number_message")])
    try:
        apps = MigrationExecutor(connection).loader.project_state([("volunteers", "0011_id_number_message")]).apps
        User, OldVolunteer = apps.get_model("accounts", "User"), apps.get_model("volunteers", "Volunteer")
        for number, name in enumerate(NAMES):
            OldVolunteer.objects.create(user=User.objects.create(phone=f"+86135000000{number:02d}"), real_name=name)
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert list(Volunteer.objects.values_list("real_name", flat=True)) == PINYIN_ORDER  # the default order
    assert Volunteer.objects.get(real_name="曾国藩").name_initials == "zgf"


def test_loading_the_app_does_not_load_pypinyin():
    """pypinyin costs about 57 MB a process: setting Django up and loading every URL (so
    every view, form and model module) must not import it."""
    code = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "import volunteers.models, volunteers.selectors, volunteers.forms, volunteers.pinyin;"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'pypinyin');"
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_syllable_ends_before_a_longer_one_begins():
    """李明 (li ming) before 连 (lian) before 梁 (liang), as a dictionary has them, whatever the
    database's language collation (PostgreSQL's column is in byte order)."""
    for name in ("梁山", "连", "李明"):
        VolunteerFactory(real_name=name)
    assert list(Volunteer.objects.values_list("real_name", flat=True)) == ["李明", "连", "梁山"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'volunteers_volunteer' AND column_name = 'name_pinyin'"
            )
            assert cursor.fetchone() == ("C",)

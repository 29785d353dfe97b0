"""`manage.py import_roster FILE --team ID_OR_CODE [--dry-run]`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import User
from teams.models import Membership
from tests.factories import TeamFactory, VolunteerFactory, resident_id
from tests.volunteers.xlsx import roster_bytes
from volunteers.management.commands import import_roster as command_module

pytestmark = pytest.mark.django_db

BORN = datetime.date(1975, 8, 23)


@pytest.fixture(autouse=True)
def _untranslated():
    """The caller has translations off: the command speaks the site's language all the same."""
    with translation.override(None):
        yield


def person(serial: int, **overrides) -> dict:
    row = {"姓名": f"张{serial}", "手机号": f"1380000{serial:04d}", "证件号码": resident_id(serial, BORN, male=True)}
    row.update(overrides)
    return row


@pytest.fixture
def team():
    return TeamFactory(code="silver-age")


@pytest.fixture
def roster_file(tmp_path):
    def write(people: list[dict], name: str = "roster.xlsx"):
        path = tmp_path / name
        path.write_bytes(roster_bytes(people))
        return path

    return write


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def roster_people() -> int:
    return User.objects.filter(phone__startswith="+86138").count()


@pytest.mark.parametrize("by", ["code", "id"])
def test_imports_a_good_file_into_the_team_named_by_code_or_id(team, roster_file, by):
    path = roster_file([person(1), person(2)])

    out, err = run(path, "--team", team.code if by == "code" else team.pk)

    assert f"已导入{team.name}：新登记 2 人，已注册并发出邀请 0 人。" in out
    assert err == ""
    user = User.objects.get(phone="+8613800000001")
    assert not user.has_usable_password()
    assert (user.volunteer.real_name, user.volunteer.gender, user.volunteer.birth_date) == ("张1", "male", BORN)
    memberships = Membership.objects.filter(team=team)
    assert sorted(memberships.values_list("user__phone", "status")) == [
        ("+8613800000001", "active"),
        ("+8613800000002", "active"),
    ]
    assert all(membership.decided_by is None for membership in memberships)


def test_a_code_made_of_digits_finds_its_team(roster_file):
    team = TeamFactory(code="987654321")

    run(roster_file([person(1)]), "--team", "987654321")

    assert Membership.objects.get().team == team


def test_a_digit_code_wins_over_another_teams_id(roster_file):
    first = TeamFactory()
    by_code = TeamFactory(code=str(first.pk))

    run(roster_file([person(1)]), "--team", str(first.pk))

    assert Membership.objects.get().team == by_code


def test_registered_people_are_invited_not_created_again(team, roster_file):
    registered = VolunteerFactory(user__phone="+8613800000002", id_number="")

    out, _err = run(roster_file([person(1), person(2)]), "--team", team.code)

    assert "新登记 1 人，已注册并发出邀请 1 人" in out
    assert User.objects.filter(phone="+8613800000002").count() == 1
    assert Membership.objects.filter(team=team, user=registered.user, status="invited").exists()


def test_dry_run_checks_the_file_and_writes_nothing(team, roster_file):
    VolunteerFactory(user__phone="+8613800000003", id_number="")

    out, _err = run(roster_file([person(1), person(2), person(3)]), "--team", team.code, "--dry-run")

    assert "3 行无误（新登记 2 人）。未写入任何数据（--dry-run）。" in out
    assert roster_people() == 1
    assert not Membership.objects.exists()


def test_bad_rows_are_each_printed_and_nothing_is_written(team, roster_file):
    VolunteerFactory(id_number=resident_id(4, BORN, male=True))
    path = roster_file(
        [person(1), person(2, 姓名=""), person(3, 手机号="555"), person(4), person(5, 手机号="13800000001")]
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^发现 3 处错误，未导入任何数据。$"):
        call_command("import_roster", str(path), "--team", team.code, stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "第 3 行，姓名：未填写姓名。",
        "第 4 行，手机号：555 不是中国大陆手机号。",
        "第 6 行，手机号：第 2 行的手机号与此重复。",
    ]
    assert roster_people() == 0
    assert not Membership.objects.exists()


def test_dry_run_also_fails_on_bad_rows(team, roster_file):
    with pytest.raises(CommandError, match="发现 1 处错误"):
        run(roster_file([person(1, 手机号="")]), "--team", team.code, "--dry-run")


@pytest.mark.parametrize("name", ["no-such-team", "999999"])
def test_an_unknown_team_is_refused(team, roster_file, name):
    with pytest.raises(CommandError, match=f"没有 id 或标识为“{name}”的服务队。"):
        run(roster_file([person(1)]), "--team", name)

    assert roster_people() == 0


def test_a_missing_file_is_refused(team, tmp_path):
    with pytest.raises(CommandError, match=r"无法读取 .*missing\.xlsx：文件不存在。"):
        run(tmp_path / "missing.xlsx", "--team", team.code)


def test_a_folder_instead_of_a_file_is_refused(team, tmp_path):
    with pytest.raises(CommandError, match=r"无法读取 .*：这是文件夹，不是文件。"):
        run(tmp_path, "--team", team.code)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的。"),
        ("姓名,手机号\n张三,13800001234\n".encode(), "这不是 Excel .xlsx 文件"),
        (roster_bytes([]), "文件只有列名，没有人员信息。"),
    ],
    ids=["empty", "csv", "no people"],
)
def test_a_file_that_cannot_be_read_is_refused_with_its_reason(team, tmp_path, content, message):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        run(path, "--team", team.code)

    assert str(raised.value).startswith(message)
    assert roster_people() == 0


def test_the_team_is_required(roster_file):
    with pytest.raises(CommandError, match="--team"):
        run(roster_file([person(1)]))


def test_someone_registering_between_check_and_write_is_invited(team, roster_file, monkeypatch):
    real_read_roster = command_module.read_roster

    def read_then_someone_registers(data, **options):
        roster = real_read_roster(data, **options)
        VolunteerFactory(user__phone="+8613800000002", id_number=resident_id(70, BORN, male=True))
        return roster

    monkeypatch.setattr(command_module, "read_roster", read_then_someone_registers)

    out, _err = run(roster_file([person(1), person(2)]), "--team", team.code)

    assert "新登记 1 人，已注册并发出邀请 1 人" in out
    assert list(Membership.objects.values_list("user__phone", "status").order_by("user__phone")) == [
        ("+8613800000001", "active"),
        ("+8613800000002", "invited"),
    ]

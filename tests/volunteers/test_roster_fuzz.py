"""Whatever file is uploaded, the roster import answers with a page, never a server error,
and writes all of a roster or none of it (property-based, on the suite's database)."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from teams.models import Membership
from tests.factories import TeamFactory
from tests.volunteers.xlsx import CHINESE_HEADER, roster_bytes, workbook_bytes
from volunteers import services
from volunteers.roster import RosterFileError, read_roster

pytestmark = pytest.mark.django_db

# What a workbook can hold: openpyxl itself refuses control characters when writing.
text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=25)
cell = st.one_of(
    st.none(),
    text,
    st.integers(min_value=-(10**12), max_value=10**19),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(["13800000001", "138 0000 0002", "男", "女", "是", "否", "居民身份证", "护照", "=1+1"]),
)
header = st.one_of(st.just(CHINESE_HEADER), st.lists(st.one_of(st.sampled_from(CHINESE_HEADER), text), max_size=10))


def outcome(data: bytes, team) -> str:
    """What the import makes of the file, checking that a refusal writes nothing."""
    users = User.objects.count()
    try:
        roster = read_roster(data)
    except RosterFileError:
        return "refused file"
    if not roster.ok:
        return "refused rows"
    try:
        with transaction.atomic():
            services.import_roster(team=team, roster=roster, by=None)
    except (ValidationError, IntegrityError):
        assert User.objects.count() == users
        return "refused on writing"
    created = User.objects.count() - users
    assert created == roster.new_people
    assert Membership.objects.filter(team=team, user__phone__in=[row.phone for row in roster.rows]).count() == len(
        roster.rows
    )
    return "imported"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=header, rows=st.lists(st.lists(cell, max_size=10), max_size=8))
def test_random_cells_are_read_or_refused_never_a_crash(columns, rows):
    team = TeamFactory()
    with transaction.atomic():
        outcome(workbook_bytes(columns, rows), team)
        transaction.set_rollback(True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.integers(min_value=0), st.binary(max_size=8)), min_size=1, max_size=4))
def test_a_broken_archive_is_refused_never_a_crash(cuts):
    data = bytearray(roster_bytes([{"姓名": "张三", "手机号": "13800000001"}]))
    for position, replacement in cuts:
        at = position % len(data)
        data[at : at + len(replacement)] = replacement
    team = TeamFactory()
    with transaction.atomic():
        assert outcome(bytes(data), team) in {"refused file", "refused rows", "refused on writing", "imported"}
        transaction.set_rollback(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.dictionaries(st.sampled_from(["xl/workbook.xml", "[Content_Types].xml", "x.xml"]), st.binary()))
def test_a_zip_of_anything_is_refused_never_a_crash(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(RosterFileError):
        read_roster(buffer.getvalue())


def test_an_archive_claiming_a_zip_version_python_cannot_read_is_refused():
    """Found by the fuzzing above: a damaged header made zipfile raise NotImplementedError."""
    data = bytearray(roster_bytes([{"姓名": "张三", "手机号": "13800000001"}]))
    central = data.find(b"PK\x01\x02")
    data[central + 6 : central + 8] = (64).to_bytes(2, "little")  # "version needed to extract": 6.4

    with pytest.raises(RosterFileError):
        read_roster(bytes(data))

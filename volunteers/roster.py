"""Reading a team roster from an .xlsx file, checking every row before anything is written.

The sheet has one header row (Chinese or English names, in any order) and one
row per person. Reading never touches the database except to look up who is
already registered; writing is `services.import_roster`.
"""

import datetime
import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from accounts.models import User
from accounts.phones import mask_phone, normalise_phone
from volunteers.identity import birth_date_from_id, gender_from_id, normalise_resident_id
from volunteers.models import Volunteer

# Field → (Chinese header, English header). The order is the template's.
logger = logging.getLogger(__name__)

COLUMNS = {
    "real_name": ("姓名", "Name"),
    "phone": ("手机号", "Mobile"),
    "id_type": ("证件类型", "ID type"),
    "id_number": ("证件号码", "ID number"),
    "gender": ("性别", "Gender"),
    "birth_date": ("出生日期", "Birth date"),
    "grid": ("所在网格", "Grid"),
    "is_party_member": ("是否党员", "Party member"),
    "skills": ("技能特长", "Skills"),
}
REQUIRED_COLUMNS = ("real_name", "phone")
MAX_ROWS = 5000

ID_TYPE_WORDS = {
    Volunteer.IdType.RESIDENT: {"身份证", "居民身份证", "resident", "resident id", "resident id card", "id card"},
    Volunteer.IdType.PASSPORT: {"护照", "passport"},
    Volunteer.IdType.HK_MACAO: {
        "港澳居民来往内地通行证",
        "港澳通行证",
        "回乡证",
        "hk_macao",
        "hong kong / macao permit",
    },
    Volunteer.IdType.TAIWAN: {"台湾居民来往大陆通行证", "台胞证", "taiwan", "taiwan permit"},
    Volunteer.IdType.FOREIGN_PR: {"外国人永久居留身份证", "永居证", "foreign_pr"},
    Volunteer.IdType.OTHER: {"其他", "other"},
}
GENDER_WORDS = {Volunteer.Gender.MALE: {"男", "male", "m"}, Volunteer.Gender.FEMALE: {"女", "female", "f"}}
YES_WORDS = {"是", "党员", "中共党员", "y", "yes", "true", "1", "√"}
NO_WORDS = {"否", "不是", "群众", "n", "no", "false", "0", ""}


# progress(done, total): rows read so far, of the rows the sheet declares (0: not known).
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 100


class RosterFileError(Exception):
    """The file as a whole cannot be read: nothing in it is looked at further."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RosterRow:
    row: int
    real_name: str
    phone: str
    id_type: str = Volunteer.IdType.RESIDENT
    id_number: str = ""
    gender: str = ""
    birth_date: datetime.date | None = None
    grid: str = ""
    is_party_member: bool = False
    skills: str = ""
    existing_user: User | None = None
    id_number_taken: bool = False

    @property
    def is_new_person(self) -> bool:
        return self.existing_user is None

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def gender_label(self) -> str:
        return Volunteer.Gender(self.gender).label if self.gender else ""


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 1  # the sheet row that held the column names

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def new_people(self) -> int:
        return sum(row.is_new_person for row in self.rows)

    @property
    def existing_people(self) -> int:
        return len(self.rows) - self.new_people


def column_label(name: str) -> str:
    return COLUMNS[name][0]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _open_sheet(data: bytes):
    if len(data) > settings.ROSTER_IMPORT_MAX_BYTES:
        raise RosterFileError(
            _("The file is larger than %(size)d MB. Split it into smaller files.")
            % {"size": settings.ROSTER_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise RosterFileError(_("The file is empty."))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RosterFileError(_("This is not an Excel .xlsx file. Save it as .xlsx and upload it again."))
    _refuse_a_bomb(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # a damaged archive fails in many ways, all of them the uploader's to fix
        logger.info("unreadable roster upload", exc_info=True)
        raise _damaged() from None
    return workbook, sheet


def _refuse_a_bomb(data: bytes) -> None:
    """A small archive may unpack to gigabytes (one huge cell): the sizes its members
    declare are checked before anything is unpacked. Python's zipfile never reads a member
    past its declared size, so the declaration is the bound."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    # NotImplementedError: a damaged header can claim a zip version Python does not read.
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise _damaged() from None
    limit = settings.ROSTER_IMPORT_MAX_UNPACKED_BYTES
    if sum(member.file_size for member in members) > limit:
        raise RosterFileError(
            _("The file unpacks to more than %(size)d MB: a roster of %(rows)d people is far smaller. Save it again.")
            % {"size": limit // (1024 * 1024), "rows": MAX_ROWS}
        )


def _damaged() -> RosterFileError:
    return RosterFileError(_("The Excel file is damaged and cannot be read. Save it again as .xlsx."))


def _sheet_lines(sheet):
    """The sheet's rows as values. A read-only sheet is parsed only while it is read,
    so a damaged sheet inside a sound archive shows up here, not when it is opened."""
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception:
        logger.info("unreadable roster sheet", exc_info=True)
        raise _damaged() from None


# Offices often put a title (东风社区志愿者花名册（2026年11月）) above the column names.
HEADER_SEARCH_ROWS = 5


def _columns_of(line: tuple) -> dict[str, int]:
    by_word = {}
    for name, words in COLUMNS.items():
        for word in words:
            by_word[word.lower()] = name
    found: dict[str, int] = {}
    for index, cell in enumerate(line):
        name = by_word.get(_text(cell).lower().rstrip("*"))
        if name and name not in found:
            found[name] = index
    return found


def _find_header(lines) -> tuple[int, dict[str, int]]:
    """The row among the first few that holds the template's column names, and its columns;
    rows above it (a title, a date) are skipped."""
    first_found: dict[str, int] = {}
    number = 0
    for number, line in enumerate(lines, start=1):
        found = _columns_of(line)
        if all(name in found for name in REQUIRED_COLUMNS):
            return number, found
        first_found = first_found or found
        if number == HEADER_SEARCH_ROWS:
            break
    if number == 0:
        raise RosterFileError(_("The file is empty."))
    missing = [column_label(name) for name in REQUIRED_COLUMNS if name not in first_found]
    raise RosterFileError(
        _("No row among the first %(rows)d holds the column names from the template; missing: %(columns)s.")
        % {"rows": HEADER_SEARCH_ROWS, "columns": "、".join(missing)}
    )


def _choice(words: dict, value: str) -> str | None:
    lowered = value.lower()
    for choice, accepted in words.items():
        if lowered in accepted or lowered == str(choice.label).lower():
            return choice
    return None


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    if not text:
        return None
    return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))


def _parse_row(number: int, cells: dict[str, object], errors: list[RowError]) -> RosterRow | None:
    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column_label(column), message))

    before = len(errors)
    real_name = _text(cells.get("real_name"))
    if not real_name:
        fail("real_name", _("The name is missing."))
    elif len(real_name) > 50:
        fail("real_name", _("The name is longer than 50 characters."))

    phone = ""
    raw_phone = _text(cells.get("phone"))
    if not raw_phone:
        fail("phone", _("The mobile number is missing."))
    else:
        try:
            phone = normalise_phone(raw_phone)
        except ValidationError:
            fail("phone", _("%(value)s is not a mainland mobile number.") % {"value": raw_phone})

    id_type = Volunteer.IdType.RESIDENT
    raw_type = _text(cells.get("id_type"))
    if raw_type:
        id_type = _choice(ID_TYPE_WORDS, raw_type)
        if id_type is None:
            fail("id_type", _("Unknown ID type %(value)s.") % {"value": raw_type})

    id_number = _text(cells.get("id_number")).upper()
    gender = ""
    birth_date = None
    if id_number and id_type == Volunteer.IdType.RESIDENT:
        try:
            id_number = normalise_resident_id(id_number)
        except ValidationError as error:
            fail("id_number", error.messages[0])
        else:
            gender, birth_date = gender_from_id(id_number), birth_date_from_id(id_number)
    elif id_number:
        # The column's own length check: a longer number would make PostgreSQL refuse the
        # whole import at confirmation.
        try:
            Volunteer._meta.get_field("id_number").run_validators(id_number)
        except ValidationError as error:
            fail("id_number", error.messages[0])

    raw_gender = _text(cells.get("gender"))
    if raw_gender and not gender:
        gender = _choice(GENDER_WORDS, raw_gender) or ""
        if not gender:
            fail("gender", _("Gender must be 男 or 女."))

    if birth_date is None:
        try:
            birth_date = _date(cells.get("birth_date"))
        except ValueError:
            fail("birth_date", _("Write the birth date as 1960-05-01."))

    raw_party = _text(cells.get("is_party_member")).lower()
    is_party_member = raw_party in YES_WORDS
    if not is_party_member and raw_party not in NO_WORDS:
        fail("is_party_member", _("Write 是 or 否."))

    if len(errors) > before:
        return None
    return RosterRow(
        row=number,
        real_name=real_name,
        phone=phone,
        id_type=id_type,
        id_number=id_number,
        gender=gender,
        birth_date=birth_date,
        grid=_text(cells.get("grid"))[:100],
        is_party_member=is_party_member,
        skills=_text(cells.get("skills"))[:200],
    )


def _check_against_each_other(rows: list[RosterRow], errors: list[RowError]) -> None:
    first_with_phone: dict[str, int] = {}
    first_with_id: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.phone in first_with_phone:
            errors.append(
                RowError(
                    row.row,
                    column_label("phone"),
                    _("The same number is on row %(row)d.") % {"row": first_with_phone[row.phone]},
                )
            )
        first_with_phone.setdefault(row.phone, row.row)
        if row.id_number:
            key = (row.id_type, row.id_number)
            if key in first_with_id:
                errors.append(
                    RowError(
                        row.row,
                        column_label("id_number"),
                        _("The same ID number is on row %(row)d.") % {"row": first_with_id[key]},
                    )
                )
            first_with_id.setdefault(key, row.row)


def check_against_database(rows: list[RosterRow], errors: list[RowError]) -> None:
    """Which rows are people already registered (they will be invited, never changed).
    Nothing about a registered person is compared or told: not their ID number, not
    whether one given here is someone else's. An ID number already registered to another
    person is left out of a new person's profile (`id_number_taken`), silently."""
    users = {user.phone: user for user in User.objects.filter(phone__in=[row.phone for row in rows])}
    taken = set(
        Volunteer.objects.filter(id_number__in=[row.id_number for row in rows if row.id_number]).values_list(
            "id_type", "id_number"
        )
    )
    for row in rows:
        row.existing_user = users.get(row.phone)
        row.id_number_taken = bool(row.id_number) and (row.id_type, row.id_number) in taken


def roster_size(data: bytes) -> int:
    """How many rows the sheet has (empty ones and the header too): what decides whether
    checking it runs in the background. The size the sheet declares, or else a count."""
    workbook, sheet = _open_sheet(data)
    try:
        if sheet.max_row:
            return sheet.max_row
        count = 0
        for _line in _sheet_lines(sheet):
            count += 1
            if count > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
        return count
    finally:
        workbook.close()


def read_roster(data: bytes, progress: Progress | None = None) -> Roster:
    """Every row checked; raises RosterFileError when the file itself is unusable.
    `progress(done, total)` hears how many rows have been read."""
    workbook, sheet = _open_sheet(data)
    try:
        lines = _sheet_lines(sheet)
        header_row, columns = _find_header(lines)
        roster = Roster(header_row=header_row)
        total = max((sheet.max_row or 0) - header_row, 0)
        read = 0
        if progress:
            progress(0, total)
        for number, values in enumerate(lines, start=header_row + 1):
            read = number - header_row
            if progress and read % PROGRESS_EVERY == 0:
                progress(read, max(total, read))
            # Empty rows count too: millions of them would otherwise be read one by one.
            if number - header_row > MAX_ROWS:
                raise RosterFileError(
                    _("A roster may hold at most %(count)d people per file (empty rows count too).")
                    % {"count": MAX_ROWS}
                )
            if not any(_text(value) for value in values):
                continue
            cells = {name: values[index] if index < len(values) else None for name, index in columns.items()}
            row = _parse_row(number, cells, roster.errors)
            if row is not None:
                roster.rows.append(row)
    finally:
        workbook.close()
    if progress is not None:
        progress(read, read)
    if not roster.rows and not roster.errors:
        raise RosterFileError(_("The file has column names but no people."))
    _check_against_each_other(roster.rows, roster.errors)
    check_against_database(roster.rows, roster.errors)
    roster.errors.sort(key=lambda error: error.row)
    if progress:
        progress(max(total, read), max(total, read))
    return roster


# ---------------------------------------------------------------- a checked roster kept for its preview


@dataclass(frozen=True)
class PreviewRow:
    """What the preview shows of a row: never the full number or the ID number."""

    row: int
    real_name: str
    masked_phone: str
    gender_label: str
    grid: str
    is_new_person: bool


@dataclass
class RosterPreview:
    """A checked roster as its preview shows it, kept (as JSON) when the check ran in the
    background: the same attributes as `Roster`, so the same template shows either."""

    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 1
    file_error: str = ""

    ok = Roster.ok
    new_people = Roster.new_people

    @property
    def existing_people(self) -> int:
        return len(self.rows) - self.new_people

    @classmethod
    def of(cls, roster: Roster) -> "RosterPreview":
        return cls(
            rows=[
                PreviewRow(
                    row=row.row,
                    real_name=row.real_name,
                    masked_phone=row.masked_phone,
                    gender_label=str(row.gender_label),
                    grid=row.grid,
                    is_new_person=row.is_new_person,
                )
                for row in roster.rows
            ],
            errors=list(roster.errors),
            header_row=roster.header_row,
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RosterPreview":
        return cls(
            rows=[PreviewRow(**row) for row in data.get("rows", [])],
            errors=[RowError(**error) for error in data.get("errors", [])],
            header_row=data.get("header_row", 1),
            file_error=data.get("file_error", ""),
        )


def template_workbook() -> bytes:
    """The empty template offered for download, with a sheet of instructions."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名册 Roster"
    sheet.append([chinese for chinese, _english in COLUMNS.values()])
    widths = [10, 14, 12, 22, 6, 12, 16, 10, 24]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    for column in ("B", "D"):
        # Numbers stay text, so Excel keeps leading digits and the final X.
        for row in range(2, 1002):
            sheet[f"{column}{row}"].number_format = "@"
    notes = workbook.create_sheet("说明 Notes")
    for line in _template_notes():
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _template_notes() -> list[str]:
    return [
        _("One person per row, starting on row 2. Name and mobile number are required."),
        _("ID type: 身份证 (default), 护照, 港澳通行证, 台胞证, 永居证 or 其他."),
        _("A resident ID number fills in gender and birth date."),
        _("Party member: 是 or 否. Skills: separate with commas."),
        _("People already registered with the same mobile number are added to the team."),
        _("If any row has a mistake nothing is imported; every mistake is listed."),
    ]

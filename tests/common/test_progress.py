"""Long commands show a bar on a terminal and plain lines elsewhere (common/progress.py):
export_hours, import_roster on a big file and seed_demo, on a real pseudo-terminal and on
a plain stream as in cron and CI."""

import datetime
import fcntl
import io
import os
import pty
import struct
import termios
import threading
import unicodedata

import pytest
from django.core.management import call_command

from common.progress import TerminalProgress
from tests.factories import CommunityFactory, TeamFactory
from tests.hours.ledger_helpers import a_busy_month
from tests.volunteers.test_import_roster_command import person
from tests.volunteers.xlsx import roster_bytes

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2027, 3, 1)
RECORDS = 1500


class Terminal:
    """A pseudo-terminal 100 columns wide: `file` is the terminal's end a command writes
    to (isatty() is true), and everything written is collected from the other end."""

    def __init__(self):
        self.reader, writer = pty.openpty()
        fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.file = os.fdopen(writer, "w", encoding="utf-8")
        self.chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.reader, 4096)
            except OSError:  # the writing end is closed
                return
            if not chunk:
                return
            self.chunks.append(chunk)

    def output(self) -> str:
        self.file.close()
        self._thread.join(timeout=30)
        os.close(self.reader)
        return b"".join(self.chunks).decode()


def control_characters(text: str) -> set[str]:
    return {char for char in text if unicodedata.category(char) == "Cc" and char != "\n"}


@pytest.fixture
def busy_office():
    office = CommunityFactory(name="阳光社区")
    a_busy_month(TeamFactory(office=office), MONTH, records=RECORDS)
    return office


def export(office, tmp_path, stdout) -> None:
    call_command(
        "export_hours",
        "--office",
        str(office.pk),
        "--month",
        "2027-03",
        "--output",
        str(tmp_path / "m.xlsx"),
        stdout=stdout,
    )


def test_export_hours_writes_plain_lines_when_not_on_a_terminal(busy_office, tmp_path):
    stdout = io.StringIO()
    export(busy_office, tmp_path, stdout)
    lines = stdout.getvalue().splitlines()

    progress = [line for line in lines if line.startswith("正在写入工作簿：")]
    assert 3 <= len(progress) <= 11  # a line a tenth, not a line a row
    percents = [int(line.rsplit("（", 1)[1].rstrip("%）")) for line in progress]
    assert percents == sorted(percents) and percents[-1] == 100
    assert progress[-1].startswith(f"正在写入工作簿：{RECORDS + 50 + 1}/{RECORDS + 50 + 1}")  # records, people, team
    assert lines[-1].startswith("已写入")
    assert control_characters(stdout.getvalue()) == set()


def test_export_hours_draws_a_bar_on_a_terminal(busy_office, tmp_path):
    terminal = Terminal()
    export(busy_office, tmp_path, terminal.file)
    output = terminal.output()

    assert "\r" in output  # redrawn in place
    assert "正在写入工作簿: 100%|" in output and "█" in output
    assert f"{RECORDS + 51}/{RECORDS + 51}" in output
    assert "正在写入工作簿：" not in output  # no plain lines besides
    assert "已写入" in output.rsplit("100%|", 1)[-1]  # after the finished bar


def roster_file(tmp_path, people: int):
    path = tmp_path / "roster.xlsx"
    # Without ID numbers: the test's numbers repeat after 999 people.
    path.write_bytes(roster_bytes([person(n, 证件号码="") for n in range(1, people + 1)]))
    return path


def test_import_roster_reports_a_big_files_checking_in_plain_lines(tmp_path):
    team = TeamFactory()
    stdout = io.StringIO()
    call_command("import_roster", str(roster_file(tmp_path, 1200)), "--team", team.code, "--dry-run", stdout=stdout)
    lines = stdout.getvalue().splitlines()
    progress = [line for line in lines if line.startswith("正在检查名册：")]
    assert progress[-1] == "正在检查名册：1200/1200（100%）"
    assert len(progress) >= 3
    assert control_characters(stdout.getvalue()) == set()


def test_import_roster_draws_a_bar_for_a_big_file_on_a_terminal(tmp_path):
    team = TeamFactory()
    terminal = Terminal()
    call_command(
        "import_roster", str(roster_file(tmp_path, 1200)), "--team", team.code, "--dry-run", stdout=terminal.file
    )
    output = terminal.output()
    assert "\r" in output and "正在检查名册: 100%|" in output and "1200/1200" in output


def test_a_small_roster_says_nothing_of_progress(tmp_path):
    team = TeamFactory()
    stdout = io.StringIO()
    call_command("import_roster", str(roster_file(tmp_path, 3)), "--team", team.code, "--dry-run", stdout=stdout)
    assert "正在检查名册" not in stdout.getvalue()


def test_seed_demo_reports_its_steps(tmp_path):
    stdout = io.StringIO()
    call_command("seed_demo", stdout=stdout)
    lines = stdout.getvalue().splitlines()
    assert lines[:4] == [
        "Loading demo data: 0/3 (0%)",
        "Loading demo data: 1/3 (33%)",
        "Loading demo data: 2/3 (66%)",
        "Loading demo data: 3/3 (100%)",
    ]
    assert control_characters(stdout.getvalue()) == set()


@pytest.mark.parametrize("bar", [True, False])
def test_the_bar_or_the_lines_can_be_chosen(bar):
    stream = io.StringIO()
    with TerminalProgress(stream, "work", bar=bar, language="en") as progress:
        for done in range(0, 101, 5):
            progress(done, 100)
    output = stream.getvalue()
    assert ("\r" in output) is bar
    assert ("work: 100/100 (100%)" in output.splitlines()) is not bar

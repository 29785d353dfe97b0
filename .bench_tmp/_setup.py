"""The throw-away database every benchmark runs on. Import it before anything of Django's:

    from _setup import SCRATCH, throwaway_database  # sets up Django

On a scratch SQLite file by default. With DATABASE_URL naming a PostgreSQL database, a
database of the benchmark's own (`test_<name>_bench_<pid>`) is created next to it and
dropped afterwards: never the named database, nor a test run's `test_<name>`.
A benchmark that must run on SQLite sets BENCH_SQLITE_ONLY before importing this; one
that continues in a child process sets BENCH_SCRATCH to the parent's directory.
The leading underscore keeps it first when imports are sorted, before Django's.
"""

import contextlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH = Path(os.environ.get("BENCH_SCRATCH") or tempfile.mkdtemp(prefix="bench-"))
ON_SERVER = bool(os.environ.get("DATABASE_URL")) and not os.environ.get("BENCH_SQLITE_ONLY")
if not ON_SERVER:
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


@contextlib.contextmanager
def throwaway_database():
    """A migrated, empty database for the run; gone afterwards, with the scratch directory."""
    old_name = None
    if ON_SERVER:
        connection.settings_dict["TEST"]["NAME"] = f"test_{connection.settings_dict['NAME']}_bench_{os.getpid()}"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    try:
        yield
    finally:
        connection.close()
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(SCRATCH, ignore_errors=True)


def report(
    benchmark: str,
    label: str,
    figure: float,
    baseline: float,
    size: str,
    *,
    unit: str = "",
    ratio: float | None = None,
    target: str = "",
    verdict: str = "",
) -> None:
    """One figure for benchmarks/RESULTS.md (benchmarks/run_all.py collects these lines):
    the figure, the baseline measured in the same run and their ratio (figure ÷ baseline
    unless the benchmark says otherwise), the data size, and the target if there is one."""
    ratio = figure / baseline if ratio is None and baseline else ratio
    line = {"benchmark": benchmark, "label": label, "figure": figure, "baseline": baseline, "ratio": ratio}
    line |= {"unit": unit, "size": size, "target": target, "verdict": verdict}
    print("BENCH " + json.dumps(line, ensure_ascii=False), flush=True)

"""Every benchmark, one after another, and benchmarks/RESULTS.md from their figures.

    .venv/bin/python benchmarks/run_all.py [--quick] [--output benchmarks/RESULTS.md]
    (make bench, make bench QUICK=1)

Each benchmark runs in its own process, as by hand, and prints `BENCH {json}` lines
(benchmarks/_setup.py `report`): a figure, the baseline measured in the same run, their
ratio, the data size, and a target where there is one. This collects them into one table
with the machine (cores, memory, databases) and each benchmark's own output below it,
plans included. --quick runs the same at a small size, for CI.

PostgreSQL benchmarks (the street office, sign-up contention, scans a second time) run
when a server answers on 127.0.0.1:5432: on POSTGRES_URL (default postgres://postgres@
127.0.0.1:5432/test) each makes a database of its own next to the named one and drops
it afterwards. Exits non-zero when a benchmark fails (an error, or a wrong result such
as a sign-up race that confirms more than the places); a target not met is reported
in the table, not a failure, since timings on a shared machine are noisy.
"""

import argparse
import datetime
import json
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTES = HERE / "NOTES.md"  # what the figures mean, written by hand; copied in after the table
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
SQLITE, POSTGRES = "SQLite", "PostgreSQL"

# (script, arguments at full size, arguments at QUICK size, database)
BENCHMARKS = [
    ("shifts.py", [], ["--users", "500", "--shifts", "1000", "--signups", "15000", "--requests", "60"], SQLITE),
    (
        "pages.py",
        [],
        ["--scales", "0.1,1", "--requests", "20", "--seconds", "2", "--threads", "4", "--workers", "2"],
        SQLITE,
    ),
    ("ephios.py", [], ["--sizes", "1", "--rounds", "5", "--batch", "3"], SQLITE),
    ("login.py", [], ["--logins", "7"], SQLITE),
    ("scan.py", [], ["--requests", "200", "--threads", "4", "--workers", "2"], SQLITE),
    ("scan.py", [], ["--requests", "200", "--threads", "4", "--workers", "2"], POSTGRES),
    ("roster_import.py", ["2000"], ["300"], SQLITE),
    ("export.py", ["200000"], ["5000", "--rounds", "1"], SQLITE),
    (
        "street.py",
        ["--volunteers", "100000", "--records", "1000000"],
        ["--volunteers", "2000", "--records", "20000"],
        POSTGRES,
    ),
    (
        "street.py",
        ["--volunteers", "20000", "--records", "200000"],
        ["--volunteers", "2000", "--records", "20000"],
        SQLITE,
    ),
    ("contention.py", [], [], POSTGRES),
]


def postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=3).close()
    except OSError:
        return False
    return True


def proc_lines(name: str) -> list[str]:
    """Linux's /proc/<name>, or nothing elsewhere."""
    path = Path("/proc") / name
    return path.read_text().splitlines() if path.exists() else []


def machine(postgres: bool) -> list[str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in proc_lines("cpuinfo") if "model name" in line),
        platform.processor() or "unknown CPU",
    )
    memory = next(
        (int(line.split()[1]) / 2**20 for line in proc_lines("meminfo") if line.startswith("MemTotal")),
        0,
    )
    lines = [
        f"- {os.cpu_count()} cores ({cpu}), {memory:.0f} GB memory, shared with other work",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]
    if postgres:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as server:
            version = server.execute("SHOW server_version").fetchone()[0]
            settings = {
                name: server.execute(f"SHOW {name}").fetchone()[0]
                for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
            }
        lines.append(
            f"- PostgreSQL {version} on 127.0.0.1 ("
            + ", ".join(f"{name} {value}" for name, value in settings.items())
            + ")"
        )
    else:
        lines.append("- no PostgreSQL server answered on 127.0.0.1:5432: its benchmarks were skipped")
    return lines


def run(script: str, arguments: list[str], database: str) -> tuple[int, str, float, list[dict]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    if database == POSTGRES:
        env["DATABASE_URL"] = POSTGRES_URL
    command = [sys.executable, str(HERE / script), *arguments]
    print(f"\n== {script} {' '.join(arguments)} on {database} ==", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
        command, cwd=HERE.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = []
    for line in process.stdout:
        output.append(line)
        if not line.startswith("BENCH "):
            sys.stdout.write(line)
            sys.stdout.flush()
    code = process.wait()
    figures = [json.loads(line[len("BENCH ") :]) for line in output if line.startswith("BENCH ")]
    text = "".join(line for line in output if not line.startswith("BENCH "))
    return code, text, time.perf_counter() - started, figures


def number(value, unit: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 10):
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def write(path: Path, quick: bool, machine_lines: list[str], runs: list[dict], seconds: float) -> None:
    today = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    size = "QUICK (small, for CI)" if quick else "full size"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench{' QUICK=1' if quick else ''}` (benchmarks/run_all.py) on {today}, {size}, "
        f"in {seconds / 60:.0f} min. Each figure has its baseline measured in the same run; the ratio is "
        "figure ÷ baseline (for rates, higher is better; for times and costs, lower is better). "
        "Timings on a shared machine are noisy: compare ratios, not absolute figures.",
        "",
        "## Machine",
        "",
        *machine_lines,
        "",
        "## Figures",
        "",
        "| benchmark | database | measure | figure | baseline | ratio | data size | target | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for each in runs:
        if each["skipped"]:
            lines.append(f"| {each['script']} | {each['database']} | skipped: {each['skipped']} | | | | | | |")
            continue
        if each["code"]:
            lines.append(f"| {each['script']} | {each['database']} | **failed** (exit {each['code']}) | | | | | | |")
        for figure in each["figures"]:
            unit = figure["unit"]
            ratio = figure["ratio"]
            lines.append(
                f"| {figure['benchmark']} | {each['database']} | {figure['label']} | {number(figure['figure'], unit)} "
                f"| {number(figure['baseline'], unit)} | {number(ratio) + '×' if ratio is not None else ''} "
                f"| {figure['size']} | {figure['target']} | {figure['verdict']} |"
            )
    not_met = [
        f"- {figure['benchmark']} on {each['database']}: {figure['label']} ({figure['target']})"
        for each in runs
        if not each["skipped"]
        for figure in each["figures"]
        if figure["verdict"] and figure["verdict"] != "met"
    ]
    lines += ["", "Targets not met in this run:", "", *(not_met or ["- none"])]
    if NOTES.exists():
        lines += ["", NOTES.read_text(encoding="utf-8").rstrip()]
    lines += ["", "## Output of each benchmark", ""]
    for each in runs:
        if each["skipped"]:
            continue
        command = " ".join(["benchmarks/" + each["script"], *each["arguments"]])
        lines += [
            f"### {command} on {each['database']} ({each['seconds']:.0f} s, exit {each['code']})",
            "",
            "<details><summary>output</summary>",
            "",
            "````",
            each["output"].rstrip(),
            "````",
            "",
            "</details>",
            "",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--only", default="", help="run only the scripts named here (comma-separated)")
    args = parser.parse_args()
    started = time.perf_counter()
    postgres = postgres_answers()
    machine_lines = machine(postgres)
    runs = []
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    for script, full, quick, database in BENCHMARKS:
        arguments = quick if args.quick else full
        each = {"script": script, "arguments": arguments, "database": database, "skipped": ""}
        if only and script not in only and script.removesuffix(".py") not in only:
            continue
        if database == POSTGRES and not postgres:
            each["skipped"] = "no PostgreSQL on 127.0.0.1:5432"
        else:
            each["code"], each["output"], each["seconds"], each["figures"] = run(script, arguments, database)
        runs.append(each)
        write(args.output, args.quick, machine_lines, runs, time.perf_counter() - started)
    failed = [f"{each['script']} on {each['database']}" for each in runs if not each["skipped"] and each["code"]]
    print(f"\nwrote {args.output}; {len(runs)} runs in {(time.perf_counter() - started) / 60:.1f} min")
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

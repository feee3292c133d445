"""Benchmark `kt screen` against python-calamine merely reading the same file.

Generates synthetic lists of 50 000 and 200 000 rows (xlsx, as offices export them), then runs,
each in a fresh process: (1) a bare calamine read of every row, (2) the same read validating every
fødselsnummer with python-stdnum (the least a screening must spend), (3) `kt screen FILE --fylke
agder` into an empty KT_HOME, (4) the same with `--json` (every person written out); kt's bytecode
cache is written first, as any run but a user's first finds it. Each command
runs BENCH_RUNS times (5), taking turns, and the median wall time is shown with the highest peak
memory (max RSS); kt's figures also as ratios of the bare read measured in the same run, and what
`--json` adds in CPU time (which a machine busy with other work inflates less than wall time). Memory is
the peak of kt's process and its worker together. Target: time ≤ 3× the read; memory < 400 MB at
200 000 rows.

With a PostgreSQL server (KT_BENCH_DATABASE_URL, else KT_TEST_DATABASE_URL: a libpq connection
string for a role that may create databases), (5) `kt screen FILE --fylke agder` into a new,
migrated PostgreSQL database on it is timed too (target ≤ 4× the read). `scripts/with-postgres`
starts a throw-away local server for it.

    python bench/screen.py            # both sizes
    python bench/screen.py 50000      # one size
    BENCH_RUNS=9 python bench/screen.py 50000
    scripts/with-postgres .venv/bin/python bench/screen.py 50000   # SQLite and PostgreSQL
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from openpyxl import Workbook
from stdnum.no import fodselsnummer

OUT = Path(__file__).parent / "out"
SIZES = (50_000, 200_000)
RUNS = int(os.environ.get("BENCH_RUNS", "5"))  # each command, taking turns; the median is shown
HEADER = ["Fødselsnr", "Navn", "Sykmeldt fom", "Sykmeldt tom", "Grad", "Diagnose", "Arbeidsgiver", "Orgnr",
          "Yrke", "Kommunenr", "Tidligere sykefravær", "Sykepengedager siste 5 år"]
DIAGNOSES = ["L03", "L84", "L86", "P74", "P76", "R991", "A04", "K86", "W78", "L02", "P02", "D11"]
JOBS = ["7115 Tømrer", "Renholder", "8332 Lastebilsjåfør", "Sykepleier", "4110 Kontormedarbeider", "Lagerarbeider"]
KOMMUNER = ["4206", "4207", "4225", "4204", "4203", "1103"]

BARE_READ = """
import sys, python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
n = 0
for name in book.sheet_names:
    for row in book.get_sheet_by_name(name).iter_rows():
        n += 1
print(n)
"""
# The bare read, plus what validating every fødselsnummer with python-stdnum alone costs on top:
# the least any screening of the list must spend.
READ_AND_STDNUM = """
import sys, python_calamine
from stdnum.no import fodselsnummer
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
valid = 0
for name in book.sheet_names:
    for row in book.get_sheet_by_name(name).iter_rows():
        cell = row[0]
        number = str(int(cell)).zfill(11) if isinstance(cell, float) else str(cell)
        valid += fodselsnummer.is_valid(number)
print(valid)
"""


def synthetic_numbers(count: int, rng: random.Random) -> list[str]:
    """Unique synthetic fødselsnummer (month + 40), check digits from python-stdnum."""
    numbers: set[str] = set()
    while len(numbers) < count:
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
        base = f"{born:%d}{born.month + 40:02d}{born:%y}{rng.randrange(0, 500):03d}"
        first = fodselsnummer.calc_check_digit1(base)
        second = fodselsnummer.calc_check_digit2(base + first) if first != "10" else "10"
        if "10" not in (first, second):
            numbers.add(base + first + second)
    return sorted(numbers, key=lambda _: rng.random())


def make_list(rows: int) -> Path:
    path = OUT / f"liste_{rows}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    rng = random.Random(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sykmeldte")
    sheet.append(["Sykmeldte 10 uker (syntetiske data)"])
    sheet.append(["Uttak 07.03.2022"])
    sheet.append(HEADER)
    list_date = dt.date(2022, 3, 7)
    for fnr in synthetic_numbers(rows, rng):
        start = list_date - dt.timedelta(days=rng.randrange(50, 90))
        sheet.append([int(fnr), f"Person {rng.randrange(10**6)}", start, None, rng.choice([100, 100, 80, 50]),
                      rng.choice(DIAGNOSES), f"Bedrift {rng.randrange(500)} AS", 900000000 + rng.randrange(10**8),
                      rng.choice(JOBS), rng.choice(KOMMUNER), rng.randrange(0, 5), rng.randrange(0, 400)])
    workbook.save(path)
    return path


def tree_rss_kb(pid: int) -> int:
    """Resident memory (kB) of a process and all its children, e.g. kt screen's worker, from /proc.
    Pages the two share after fork are counted twice: an overestimate, never an underestimate."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # ended meanwhile
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pending += [int(child) for child in children]
    return total


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak memory (MB) and CPU seconds (user + system, its worker included) of one
    command. The peak memory is the peak of its own RSS (from the kernel)
    or, where it starts a worker, of its RSS and its worker's together (sampled every 20 ms by a
    thread, so that the wall time is taken the moment the command ends)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampled = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            sampled[0] = max(sampled[0], tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return wall, max(usage.ru_maxrss, sampled[0]) / 1024, usage.ru_utime + usage.ru_stime


class PostgresDatabases:
    """A new, migrated PostgreSQL database for each kt run (a copy of a template made once)."""

    def __init__(self, admin_url: str) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from kompetanse_cli.store.postgres import schema

        self.admin_url = admin_url
        self.admin = psycopg.connect(admin_url, autocommit=True)
        self.admin.execute("DROP DATABASE IF EXISTS kt_bench_mal WITH (FORCE)")
        self.admin.execute("CREATE DATABASE kt_bench_mal")
        with psycopg.connect(make_conninfo(admin_url, dbname="kt_bench_mal"), autocommit=True) as conn:
            schema.migrate(conn)
        self.make_conninfo = make_conninfo

    def fresh(self) -> dict[str, str]:
        self.admin.execute("DROP DATABASE IF EXISTS kt_bench WITH (FORCE)")
        self.admin.execute("CREATE DATABASE kt_bench TEMPLATE kt_bench_mal")
        return {"KT_DATABASE_URL": self.make_conninfo(self.admin_url, dbname="kt_bench")}

    def close(self) -> None:
        self.admin.execute("DROP DATABASE IF EXISTS kt_bench WITH (FORCE)")
        self.admin.execute("DROP DATABASE IF EXISTS kt_bench_mal WITH (FORCE)")
        self.admin.close()


def measure_runs(commands: dict[str, list[str]], env: dict[str, str], runs: int,
                 databases: PostgresDatabases | None = None) -> dict[str, tuple[float, float, float]]:
    """Each command `runs` times, taking turns (so that a slow moment of the machine falls on all
    of them alike): the median wall time and the highest peak memory of each. Every kt run starts
    from an empty database (a new KT_HOME; for a command named `pg…`, a new PostgreSQL database)."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = {name: 0.0 for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            extra = databases.fresh() if databases is not None and name.startswith("pg") else {}
            with tempfile.TemporaryDirectory() as home:
                wall, peak, cpu = measure(command, {**env, **extra, "KT_HOME": home})
            walls[name].append(wall)
            cpus[name].append(cpu)
            peaks[name] = max(peaks[name], peak)
    return {name: (statistics.median(walls[name]), peaks[name], statistics.median(cpus[name])) for name in commands}


def compile_kt() -> None:
    """Write kt's bytecode cache, as any run but the first on a user's machine finds it. Where
    PYTHONDONTWRITEBYTECODE is set (as in some sandboxes and CI images), Python never writes it,
    and every run would compile kt's own modules anew (≈ 0,05 s); the installed libraries were
    compiled by pip."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent.parent / "kompetanse_cli", quiet=1)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    kt = [sys.executable, "-m", "kompetanse_cli"]
    compile_kt()
    admin_url = os.environ.get("KT_BENCH_DATABASE_URL") or os.environ.get("KT_TEST_DATABASE_URL")
    databases = PostgresDatabases(admin_url) if admin_url else None
    print(f"Median av {RUNS} kjøringer hver, på omgang.")
    print(f"{'rader':>8} | {'calamine-lesing':>16} | {'+ stdnum (×)':>12} | {'kt screen':>16} | {'tid (×)':>7} | "
          f"{'minne (×)':>9} | {'--json (×)':>10} | {'--json: CPU i tillegg':>21} | {'PostgreSQL (×)':>16}")
    try:
        for rows in sizes:
            path = make_list(rows)
            commands = {
                "read": [sys.executable, "-c", BARE_READ, str(path)],
                "stdnum": [sys.executable, "-c", READ_AND_STDNUM, str(path)],
                "kt": [*kt, "screen", str(path), "--fylke", "agder"],
                "json": [*kt, "screen", str(path), "--fylke", "agder", "--json"],
            }
            if databases is not None:
                commands["pg"] = [*kt, "screen", str(path), "--fylke", "agder"]
            found = measure_runs(commands, dict(os.environ), RUNS, databases)
            (read_s, read_mb, _), (stdnum_s, _, _), (kt_s, kt_mb, kt_cpu), (json_s, _, json_cpu) = (
                found["read"], found["stdnum"], found["kt"], found["json"])
            pg = f"{found['pg'][0]:6.2f} s {found['pg'][0] / read_s:6.2f}" if "pg" in found else "hoppet over"
            print(f"{rows:>8} | {read_s:7.2f} s {read_mb:5.0f} MB | {stdnum_s / read_s:12.2f} | "
                  f"{kt_s:7.2f} s {kt_mb:5.0f} MB | "
                  f"{kt_s / read_s:7.2f} | {kt_mb / read_mb:9.2f} | {json_s / read_s:10.2f} | "
                  f"{json_cpu - kt_cpu:+6.2f} s ({(json_cpu - kt_cpu) / kt_cpu:4.0%} av kt) | {pg:>16}")
    finally:
        if databases is not None:
            databases.close()
    if databases is None:
        print("PostgreSQL: hoppet over (sett KT_BENCH_DATABASE_URL, eller kjør under scripts/with-postgres)")


if __name__ == "__main__":
    main()

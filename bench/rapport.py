"""Benchmark `kt rapport` at national scale against a bare SQL count over the same tables.

Fills a database in a temporary KT_HOME straight through executemany (synthetic, fast): 100 000
persons on the weekly lists of every fylke (some on two lists), a screening decision for every
list appearance, and 20 000 kartlegginger with answers at levels 1–3. Then times, each in a fresh
process and best of three:

  (1) a bare SQL count: COUNT(*) over person, listeoppforing (decisions included), kartlegging and svar;
  (2) `kt rapport --fylke alle --json`;
  (3) `kt --version` (what starting kt costs before any counting).

and prints wall times and kt's time as a ratio of the bare count. Also times the report core
(`build_report`, in this process) to show what the counting and suppression themselves cost.

With a PostgreSQL server (KT_BENCH_DATABASE_URL, else KT_TEST_DATABASE_URL: a libpq connection
string for a role that may create databases; `scripts/with-postgres` starts a throw-away one), the
same rows are copied into a new, migrated database there and (1)–(2) are timed again with
KT_DATABASE_URL set; the report must be the same as SQLite's.

    python bench/rapport.py                 # 100 000 persons, 20 000 interviews
    python bench/rapport.py 20000 4000      # smaller
    scripts/with-postgres .venv/bin/python bench/rapport.py   # SQLite and PostgreSQL
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kompetanse_cli.fylker import FYLKER  # noqa: E402
from kompetanse_cli.interview.template import load_template  # noqa: E402
from kompetanse_cli.store import db  # noqa: E402
from kompetanse_cli.store.lists import CriterionResults  # noqa: E402

PERSONS, INTERVIEWS = 100_000, 20_000
CRITERIA = ("arbeidsgiver", "sykepengeperiode", "grad", "gjentakende", "diagnose_arbeid", "svangerskap", "covid",
            "alvorlig_sykdom", "alder", "friskmeldt", "geografi")
BARE_COUNT = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(sum(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
          for t in ("person", "listeoppforing", "kartlegging", "svar")))
"""


def _results(rng: random.Random, decision: str, criteria: CriterionResults) -> str:
    failed = set(rng.sample(("grad", "gjentakende", "diagnose_arbeid", "alder"), rng.randint(1, 2))) \
        if decision == "ikke_kandidat" else set()
    unknown = {"diagnose_arbeid"} if decision == "manuell" else set()
    return criteria.encode([(c, "ikke_oppfylt" if c in failed else "ukjent" if c in unknown else "oppfylt",
                             "syntetisk begrunnelse for benchmark") for c in CRITERIA])


def fill(path: Path, persons: int, interviews: int, seed: int = 2022) -> dict[str, int]:
    """A synthetic national store; returns the number of rows per table."""
    rng = random.Random(seed)
    conn, _ = db.connect(path)
    template = load_template()
    offices = [(fylke, f"NAV {name} {i}") for fylke, name in FYLKER.items() for i in range(1, rng.randint(8, 20))]
    criteria = CriterionResults(conn)
    result_texts = {d: [_results(rng, d, criteria) for _ in range(40)] for d in ("kandidat", "manuell", "ikke_kandidat")}
    mondays = [dt.date(2022, 1, 3) + dt.timedelta(weeks=w) for w in range(16)]
    stamp = "2022-05-01T08:00:00"
    with db.transaction(conn):
        person_rows, appearance_rows = [], []
        import_ids: dict[tuple[str, dt.date], int] = {}
        for fylke in FYLKER:
            for monday in mondays:
                import_ids[(fylke, monday)] = len(import_ids) + 1
        conn.executemany(
            "INSERT INTO import (id, sha256, ark, filnavn, listedato, listedato_kilde, fylke, importert)"
            " VALUES (?, ?, 'Ark1', 'liste.xlsx', ?, 'oppgitt', ?, ?)",
            [(i, f"sha{i}", day.isoformat(), fylke, stamp) for (fylke, day), i in import_ids.items()])
        person_office = []
        appearance_id = 0
        for pid in range(1, persons + 1):
            fylke, kontor = rng.choice(offices)
            person_office.append((fylke, kontor))
            person_rows.append((pid, f"k{pid:07d}", f"{pid:011d}", None, fylke, kontor, stamp))
            for number in range(1 if rng.random() < 0.8 else 2):
                day = rng.choice(mondays)
                fom = day - dt.timedelta(days=rng.randint(50, 90))
                appearance_id += 1
                decision = rng.choices(("kandidat", "manuell", "ikke_kandidat"), (4, 3, 93))[0]
                appearance_rows.append((appearance_id, pid, import_ids[(fylke, day)], "Ark1", appearance_id,
                                        day.isoformat(), fylke, kontor, fom.isoformat(), 100, "1#bench", decision,
                                        10, 45, rng.choice(result_texts[decision]), stamp))
        conn.executemany("INSERT INTO person (id, kort_id, fnr, navn, fylke, kontor, opprettet)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)", person_rows)
        conn.executemany("INSERT INTO listeoppforing (id, person_id, import_id, ark, rad, listedato, fylke, kontor,"
                         " sykmeldt_fom, grad, regelversjon, beslutning, uker_sykmeldt, alder, resultater, screenet)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", appearance_rows)
        levels, answers = [], []
        level_id = 0

        def add_level(pid: int, niva: int, values: dict[str, str | None]) -> None:
            nonlocal level_id
            level_id += 1
            levels.append((level_id, pid, niva, "registreringsskjema", "1", "A123456", stamp, stamp,
                           stamp if rng.random() < 0.95 else None))
            answers.extend((level_id, q, v, "registreringsskjema", "1", "A123456", stamp) for q, v in values.items())

        for pid in rng.sample(range(1, persons + 1), interviews):
            talk = dt.date(2022, 1, 10) + dt.timedelta(days=rng.randint(0, 110))
            first: dict[str, str | None] = {"samtaledato": talk.isoformat()}
            for question in template.level(1):
                if question.has_choices and not question.vis_naar and rng.random() < 0.9:
                    first[question.id] = rng.choice(list(question.valg))
            if first.get("onsker_annet_arbeid") in ("ja", "delvis"):
                first["onsker_annen_arbeidsgiver"] = rng.choice(("ja", "nei", "delvis", "vet_ikke"))
                first["trenger_ny_kompetanse"] = rng.choice(("ja", "nei", "delvis", "vet_ikke"))
            if first.get("aktuell") == "nei":
                first["hovedaarsak_ikke_aktuell"] = rng.choice(list(template.question("hovedaarsak_ikke_aktuell").valg))
            add_level(pid, 1, first)
            if first.get("aktuell") in ("ja", "delvis") and rng.random() < 0.7:
                start = talk + dt.timedelta(days=rng.randint(0, 120))
                add_level(pid, 2, {"tiltakstype": rng.choice(("amo", "amo", "fag_yrke", "hoyere_utdanning")),
                                   "kurs": "Syntetisk kurs", "vedtaksdato": talk.isoformat(),
                                   "planlagt_start": start.isoformat(),
                                   "planlagt_slutt": (start + dt.timedelta(days=rng.randint(7, 400))).isoformat()})
                if rng.random() < 0.4:
                    add_level(pid, 3, {"gjennomfort": rng.choice(("ja", "nei_avbrutt", "pagaar")),
                                       "nyttig": rng.choice(("ja", "nei", "delvis", "vet_ikke"))})
        conn.executemany("INSERT INTO kartlegging (id, person_id, niva, mal_id, mal_versjon, veileder, startet,"
                         " endret, fullfort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", levels)
        conn.executemany("INSERT INTO svar (kartlegging_id, sporsmal, verdi, mal_id, mal_versjon, veileder,"
                         " tidspunkt) VALUES (?, ?, ?, ?, ?, ?, ?)", answers)
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("person", "listeoppforing", "screening", "kartlegging", "svar")}
    conn.execute("ANALYZE")
    conn.close()
    return counts


PG_TABLES = {  # table → columns copied from the SQLite store (in this order: foreign keys)
    "import": ("id", "sha256", "ark", "filnavn", "listedato", "listedato_kilde", "fylke", "importert", "veileder",
               "rader_lest", "importerte", "avviste", "kontor"),
    "person": ("id", "kort_id", "fnr", "navn", "fylke", "kontor", "malform", "opprettet", "arbeidsgiver",
               "sykmeldt_fom", "kilde"),
    "kriterieresultat": ("id", "kriterium", "status", "begrunnelse"),
    "listeoppforing": ("id", "person_id", "import_id", "ark", "rad", "listedato", "fylke", "kontor", "sykmeldt_fom",
                       "sykmeldt_tom", "grad", "diagnose", "arbeidsgiver", "orgnr", "yrke", "styrk", "kommune",
                       "tidligere_tilfeller", "sykepengedager_5ar", "regelversjon", "beslutning", "uker_sykmeldt",
                       "alder", "resultater", "screenet"),
    "kartlegging": ("id", "person_id", "niva", "mal_id", "mal_versjon", "veileder", "startet", "endret", "fullfort"),
    "svar": ("id", "kartlegging_id", "sporsmal", "verdi", "mal_id", "mal_versjon", "veileder", "tidspunkt"),
}
BARE_COUNT_PG = """
import sys, psycopg
with psycopg.connect(sys.argv[1]) as conn:
    print(sum(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("person", "listeoppforing", "kartlegging", "svar")))
"""


def fill_postgres(sqlite_path: Path, admin_url: str, name: str) -> str:
    """A new database `name` on the server, migrated, with the SQLite store's rows copied in (COPY);
    returns its connection string."""
    import sqlite3

    import psycopg
    from psycopg.conninfo import make_conninfo

    from kompetanse_cli.store.postgres import schema

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = make_conninfo(admin_url, dbname=name)
    source = sqlite3.connect(sqlite_path)
    with psycopg.connect(url, autocommit=True) as conn:
        schema.migrate(conn)
        offices = source.execute("SELECT kontor, MIN(fylke) FROM person WHERE kontor IS NOT NULL GROUP BY kontor")
        conn.cursor().executemany("INSERT INTO kontor (navn, fylke) VALUES (%s, %s)", list(offices))
        with conn.transaction():
            for table, columns in PG_TABLES.items():
                ids_at = columns.index("resultater") if "resultater" in columns else None
                with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"):
                        if ids_at is not None and row[ids_at] is not None:
                            row = (*row[:ids_at], "{" + row[ids_at].strip("[]") + "}", *row[ids_at + 1:])
                        copy.write_row(row)
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                             f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
        conn.execute("VACUUM ANALYZE")
    source.close()
    return url


def best_of(command: list[str], env: dict[str, str], runs: int = 3) -> tuple[float, bytes]:
    best, output = float("inf"), b""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, check=True)
        best = min(best, time.perf_counter() - started)
        output = done.stdout
    return best, output


def main(argv: list[str]) -> None:
    persons = int(argv[0]) if argv else PERSONS
    interviews = int(argv[1]) if len(argv) > 1 else INTERVIEWS
    with tempfile.TemporaryDirectory(prefix="kt-bench-") as home:
        env = {**os.environ, "KT_HOME": home, "PYTHONPATH": str(ROOT)}
        os.environ["KT_HOME"] = home
        path = Path(home) / "kt.db"
        started = time.perf_counter()
        counts = fill(path, persons, interviews)
        print(f"Fylte databasen på {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{t} {n:,}".replace(",", " ") for t, n in counts.items()))
        bare, _ = best_of([sys.executable, "-c", BARE_COUNT, str(path)], env)
        report, output = best_of([sys.executable, "-m", "kompetanse_cli", "rapport", "--fylke", "alle", "--json"], env)
        startup, _ = best_of([sys.executable, "-m", "kompetanse_cli", "--version"], env)
        data = json.loads(output)
        from kompetanse_cli.report.tallies import build_report

        conn, _ = db.connect(path)
        started = time.perf_counter()
        build_report(conn, fylke=None)
        core = time.perf_counter() - started
        conn.close()
        admin_url = os.environ.get("KT_BENCH_DATABASE_URL") or os.environ.get("KT_TEST_DATABASE_URL")
        pg: tuple[float, float] | None = None
        if admin_url:
            started = time.perf_counter()
            url = fill_postgres(path, admin_url, "kt_bench_rapport")
            print(f"Kopierte til PostgreSQL på {time.perf_counter() - started:.1f} s")
            pg_env = {**env, "KT_DATABASE_URL": url}
            pg_bare, _ = best_of([sys.executable, "-c", BARE_COUNT_PG, url], pg_env)
            pg_report, pg_output = best_of([sys.executable, "-m", "kompetanse_cli", "rapport", "--fylke", "alle",
                                            "--json"], pg_env)
            same = json.loads(pg_output) == data
            pg = (pg_bare, pg_report)
    total = data["funnel"]["total"]["counts"]
    print(f"Rapporten: {total['listed']:,} listet, {total['kartlagt']:,} kartlagt, "
          f"{len(data['funnel']['rows'])} rader i trakten.".replace(",", " "))
    print(f"Bar SQL-telling (egen prosess):      {bare * 1000:8.0f} ms")
    print(f"kt rapport --fylke alle --json:      {report * 1000:8.0f} ms   = {report / bare:5.1f} × bar telling")
    print(f"  herav oppstart (kt --version):     {startup * 1000:8.0f} ms")
    print(f"  build_report i denne prosessen:    {core * 1000:8.0f} ms")
    if pg is None:
        print("PostgreSQL: hoppet over (sett KT_BENCH_DATABASE_URL, eller kjør under scripts/with-postgres)")
        return
    pg_bare, pg_report = pg
    print(f"PostgreSQL, bar SQL-telling:         {pg_bare * 1000:8.0f} ms")
    print(f"PostgreSQL, kt rapport:              {pg_report * 1000:8.0f} ms   = {pg_report / pg_bare:5.1f} × bar telling"
          f", {pg_report / report:4.1f} × SQLite; {'samme' if same else 'ULIK'} rapport som SQLite")


if __name__ == "__main__":
    main(sys.argv[1:])

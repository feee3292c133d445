"""Tallies for `kt rapport`: every count is a GROUP BY over the store, never a loop over rows.

Two selections are made once per report, as temporary tables, and the tallies read them:

- `rapport_liste`: one row per person on a list in the period (by list date): the person's
  latest appearance in the period (its fylke and office) and the decision made on it (with the
  criteria's results);
- `rapport_utvalg`: one row per person with a kartlegging (nivå 1) in the period (by samtaledato,
  or the day the registration was started when no samtaledato is given): fylke and office from
  the latest list appearance (else the person), the sick leave's start, and the ids of levels 1–3.

Free-text answers never leave SQL: they are counted as answered or not, never grouped by value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kompetanse_cli.sykepenger import SYKEPENGEDAGER
from kompetanse_cli.store.api import Db, Row, as_dicts

# Days from the sick leave's first day to its 248th sykepengedag (Monday–Friday), by the first
# day's weekday as SQLite's strftime('%w') numbers them (0 = Sunday). 248 = 49 weeks of five
# days + 3, so the end is 49 weeks (343 days) on plus the 2–4 days that hold the last two
# weekdays. Checked against interview.derived.sykepenger_end in the tests.
_DAYS_TO_LAST_SYKEPENGEDAG = {0: 346, 1: 345, 2: 345, 3: 345, 4: 347, 5: 347, 6: 347}
assert SYKEPENGEDAGER == 248, "the table above assumes 248 sykepengedager"

LIST_SELECTION = "rapport_liste"
INTERVIEW_SELECTION = "rapport_utvalg"
PERSON_SELECTION = "rapport_personer"
FOLLOW_UP_LEVELS = (4, 5)  # 6 and 12 months after the conversation (interview.template.FOLLOW_UP_LEVELS)


@dataclass(frozen=True)
class Scope:
    """What to count: fylker (None = all), offices (exact names; None = all) and the period."""

    fylker: tuple[str, ...] | None = None
    kontorer: tuple[str, ...] | None = None
    fra: dt.date | None = None
    til: dt.date | None = None
    persons: tuple[int, ...] | None = None  # only these persons (the anonymous tallies of a deletion)


@dataclass(frozen=True)
class Bin:
    """A range of whole weeks, both ends included; `high` None = no upper end."""

    key: str
    high: int | None


def _place_filter(scope: Scope, fylke: str, kontor: str) -> tuple[str, list[object]]:
    where: list[str] = []
    params: list[object] = []
    if scope.fylker is not None:
        where.append(f"{fylke} IN ({','.join('?' * len(scope.fylker))})")
        params += list(scope.fylker)
    if scope.kontorer is not None:
        where.append(f"{kontor} IN ({','.join('?' * len(scope.kontorer))})")
        params += list(scope.kontorer)
    return (" AND ".join(where) or "1 = 1"), params


def _period_filter(scope: Scope, column: str) -> tuple[str, list[object]]:
    where: list[str] = []
    params: list[object] = []
    if scope.fra is not None:
        where.append(f"{column} >= ?")
        params.append(scope.fra.isoformat())
    if scope.til is not None:
        where.append(f"{column} <= ?")
        params.append(scope.til.isoformat())
    return (" AND ".join(where) or "1 = 1"), params


@contextmanager
def selections(conn: Db, scope: Scope) -> Iterator[None]:
    """Make the two selections for a report inside one read snapshot; dropped afterwards."""
    began = not conn.in_transaction
    if began:  # every query below sees the same data, whatever others write meanwhile
        conn.execute("BEGIN" if conn.dialect == "sqlite" else "BEGIN ISOLATION LEVEL REPEATABLE READ")
    try:
        _drop(conn)
        only, only_k1 = "1 = 1", "1 = 1"  # portable: PostgreSQL wants a boolean
        if scope.persons is not None:
            conn.execute(f"CREATE TEMP TABLE {PERSON_SELECTION} (id INTEGER PRIMARY KEY)")
            conn.executemany(f"INSERT INTO {PERSON_SELECTION} (id) VALUES (?)", [(i,) for i in scope.persons])
            only = f"p.id IN (SELECT id FROM {PERSON_SELECTION})"
            only_k1 = f"k1.person_id IN (SELECT id FROM {PERSON_SELECTION})"
        period, period_params = _period_filter(scope, "l2.listedato")
        place, place_params = _place_filter(scope, "l.fylke", "l.kontor")
        # each person's latest appearance in the period with the decision made on it, found
        # through the person index (faster than a window over every appearance)
        conn.execute(
            f"""CREATE TEMP TABLE {LIST_SELECTION} AS
                SELECT l.person_id, l.fylke, l.kontor, l.beslutning, l.resultater, l.listedato
                FROM person p
                JOIN listeoppforing l ON l.id = (
                    SELECT l2.id FROM listeoppforing l2 WHERE l2.person_id = p.id AND {period}
                    ORDER BY l2.listedato DESC, l2.id DESC LIMIT 1)
                WHERE {place} AND {only}""", period_params + place_params)
        place, place_params = _place_filter(scope, "fylke", "kontor")
        period, period_params = _period_filter(scope, "periodedato")
        conn.execute(
            f"""CREATE TEMP TABLE {INTERVIEW_SELECTION} AS
                SELECT * FROM (
                    SELECT k1.person_id, k1.id AS k1_id, k1.fullfort AS k1_fullfort, k2.id AS k2_id, k3.id AS k3_id,
                           k4.id AS k4_id, k5.id AS k5_id,
                           COALESCE(sl.fylke, p.fylke) AS fylke, COALESCE(sl.kontor, p.kontor) AS kontor,
                           COALESCE(sl.sykmeldt_fom, p.sykmeldt_fom) AS sykmeldt_fom,
                           sd.verdi AS samtaledato,
                           COALESCE(sd.verdi, substr(k1.startet, 1, 10)) AS periodedato
                    FROM kartlegging k1 JOIN person p ON p.id = k1.person_id
                    -- the latest list appearance, found through the person index (a window over
                    -- every appearance would be joined without an index)
                    LEFT JOIN listeoppforing sl ON sl.id = (
                        SELECT l.id FROM listeoppforing l WHERE l.person_id = k1.person_id
                        ORDER BY l.listedato DESC, l.id DESC LIMIT 1)
                    LEFT JOIN svar sd ON sd.kartlegging_id = k1.id AND sd.sporsmal = 'samtaledato'
                    LEFT JOIN kartlegging k2 ON k2.person_id = k1.person_id AND k2.niva = 2
                    LEFT JOIN kartlegging k3 ON k3.person_id = k1.person_id AND k3.niva = 3
                    LEFT JOIN kartlegging k4 ON k4.person_id = k1.person_id AND k4.niva = 4
                    LEFT JOIN kartlegging k5 ON k5.person_id = k1.person_id AND k5.niva = 5
                    WHERE k1.niva = 1 AND {only_k1}) AS utvalg  -- PostgreSQL before 16 wants the alias
                WHERE {period} AND {place}""", period_params + place_params)
        temp = "temp." if conn.dialect == "sqlite" else ""  # PostgreSQL puts it beside its (temporary) table
        for level in (1, 2, 3):
            conn.execute(f"CREATE INDEX {temp}{INTERVIEW_SELECTION}_k{level} ON {INTERVIEW_SELECTION}(k{level}_id)")
        yield
    except BaseException:
        if began and conn.in_transaction:  # the selections go with the transaction (PostgreSQL's is aborted)
            conn.execute("ROLLBACK")
        raise
    _drop(conn)
    if began and conn.in_transaction:
        conn.execute("COMMIT")


def _drop(conn: Db) -> None:
    temp = "temp" if conn.dialect == "sqlite" else "pg_temp"
    for name in (LIST_SELECTION, INTERVIEW_SELECTION, PERSON_SELECTION):
        conn.execute(f"DROP TABLE IF EXISTS {temp}.{name}")


# ---------- places ----------

def office_names(conn: Db, fylker: tuple[str, ...] | None) -> list[str]:
    """Every office name on a list appearance or a person (in these fylker), for --kontor."""
    where, params = ("", []) if fylker is None else (
        f" WHERE fylke IN ({','.join('?' * len(fylker))})", list(fylker))
    return [r[0] for r in conn.execute(
        f"SELECT kontor FROM listeoppforing{where} UNION SELECT kontor FROM person{where}"
        f" UNION SELECT kontor FROM anonyme_tall{where}", params * 3)
        if r[0]]


def data_date(conn: Db) -> dt.date | None:
    """The day the data last changed: the newest import or registration."""
    row = conn.execute("SELECT MAX(d) FROM (SELECT MAX(importert) AS d FROM import"
                       " UNION ALL SELECT MAX(endret) FROM kartlegging) AS siste").fetchone()
    return dt.date.fromisoformat(row[0][:10]) if row and row[0] else None


# ---------- the funnel ----------

def funnel_lists(conn: Db) -> list[dict[str, Any]]:
    """Per fylke and office: persons listed, screened, and by decision."""
    return as_dicts(conn.execute(
        f"""SELECT fylke, kontor, COUNT(*) AS listed, COUNT(beslutning) AS screened,
                   COUNT(*) FILTER (WHERE beslutning = 'kandidat') AS candidates,
                   COUNT(*) FILTER (WHERE beslutning = 'manuell') AS manuell,
                   COUNT(*) FILTER (WHERE beslutning = 'ikke_kandidat') AS ikke_kandidat
            FROM {LIST_SELECTION} GROUP BY fylke, kontor"""))


def funnel_interviews(conn: Db, today: dt.date) -> list[dict[str, Any]]:
    """Per fylke and office: kartlagt (nivå 1 fullført), aktuell (ja/delvis, of those kartlagt),
    vedtak (vedtaksdato given), started (planlagt_start by today, or gjennomfort answered),
    finished (gjennomfort = ja)."""
    return as_dicts(conn.execute(
        f"""SELECT u.fylke, u.kontor,
                   COUNT(*) FILTER (WHERE u.k1_fullfort IS NOT NULL) AS kartlagt,
                   COUNT(*) FILTER (WHERE u.k1_fullfort IS NOT NULL AND a.verdi IN ('ja', 'delvis')) AS aktuell,
                   COUNT(*) FILTER (WHERE v.verdi IS NOT NULL) AS vedtak,
                   COUNT(*) FILTER (WHERE ps.verdi <= ? OR g.verdi IS NOT NULL) AS started,
                   COUNT(*) FILTER (WHERE g.verdi = 'ja') AS finished
            FROM {INTERVIEW_SELECTION} u
            LEFT JOIN svar a ON a.kartlegging_id = u.k1_id AND a.sporsmal = 'aktuell'
            LEFT JOIN svar v ON v.kartlegging_id = u.k2_id AND v.sporsmal = 'vedtaksdato'
            LEFT JOIN svar ps ON ps.kartlegging_id = u.k2_id AND ps.sporsmal = 'planlagt_start'
            LEFT JOIN svar g ON g.kartlegging_id = u.k3_id AND g.sporsmal = 'gjennomfort'
            GROUP BY u.fylke, u.kontor""", (today.isoformat(),)))


# ---------- answers ----------

def level_sizes(conn: Db) -> dict[int, int]:
    """Persons with a kartlegging at each level (the n of every question always asked there)."""
    row = conn.execute(f"SELECT COUNT(*), COUNT(k2_id), COUNT(k3_id) FROM {INTERVIEW_SELECTION}").fetchone()
    return {1: row[0], 2: row[1], 3: row[2]}


def answer_counts(conn: Db, niva: int, choice_questions: Sequence[str],
                  other_questions: Sequence[str]) -> dict[str, dict[str, int]]:
    """question → answer key → persons, for questions asked of everyone at the level.

    Choice questions are counted per key; other questions (dates, text) as «besvart».
    Skipped answers (NULL) are left out: the caller counts them as «ubesvart».
    """
    found: dict[str, dict[str, int]] = {}
    # svar by question through its (sporsmal, verdi) index, kept to the selection's levels
    in_selection = f"s.kartlegging_id IN (SELECT k{_level(niva)}_id FROM {INTERVIEW_SELECTION})"
    if choice_questions:
        for question, key, count in conn.execute(
                f"""SELECT s.sporsmal, s.verdi, COUNT(*) FROM svar s
                    WHERE s.sporsmal IN ({','.join('?' * len(choice_questions))}) AND s.verdi IS NOT NULL
                      AND {in_selection}
                    GROUP BY 1, 2""", list(choice_questions)):
            found.setdefault(question, {})[key] = count
    if other_questions:
        for question, count in conn.execute(
                f"""SELECT s.sporsmal, COUNT(*) FROM svar s
                    WHERE s.sporsmal IN ({','.join('?' * len(other_questions))}) AND s.verdi IS NOT NULL
                      AND {in_selection}
                    GROUP BY 1""", list(other_questions)):
            found.setdefault(question, {})["besvart"] = count
    return found


def conditional_counts(conn: Db, niva: int, question: str, *, choices: bool,
                       conditions: Sequence[tuple[int, str, Sequence[str]]]) -> dict[str | None, int]:
    """For a question shown only under conditions (level, question, keys): answer key → persons
    among those it was shown to; the key None counts those who left it unanswered."""
    joins, params = [], []
    for number, (cond_level, cond_question, keys) in enumerate(conditions):
        joins.append(f"JOIN svar c{number} ON c{number}.kartlegging_id = u.k{_level(cond_level)}_id"
                     f" AND c{number}.sporsmal = ? AND c{number}.verdi IN ({','.join('?' * len(keys))})")
        params += [cond_question, *keys]
    value = "s.verdi" if choices else "CASE WHEN s.verdi IS NULL THEN NULL ELSE 'besvart' END"
    rows = conn.execute(
        f"""SELECT {value}, COUNT(*) FROM {INTERVIEW_SELECTION} u {' '.join(joins)}
            LEFT JOIN svar s ON s.kartlegging_id = u.k{_level(niva)}_id AND s.sporsmal = ?
            WHERE u.k{_level(niva)}_id IS NOT NULL
            GROUP BY 1""", [*params, question])
    return {key: count for key, count in rows}


def _level(niva: int) -> int:
    if niva not in (1, 2, 3):
        raise ValueError(f"unknown level {niva}")
    return niva


# ---------- the measures (nivå 2) ----------

def _bin_case(expression: str, bins: Sequence[Bin]) -> str:
    """CASE over whole weeks; the last bin takes everything above (and the first everything below)."""
    parts = [f"WHEN {expression} <= {int(b.high)} THEN '{b.key}'" for b in bins[:-1] if b.high is not None]
    return f"CASE {' '.join(parts)} ELSE '{bins[-1].key}' END" if parts else f"'{bins[-1].key}'"


def measure_counts(conn: Db, *, weeks: Sequence[Bin], duration: Sequence[Bin], missing: str,
                   past: str, within: str, unknown: str) -> dict[str, dict[str, int]]:
    """Persons with nivå 2, counted three ways in one pass:

    - «weeks»: whole weeks from samtaledato to planlagt_start (a start before the conversation
      counts as 0 weeks), in the `weeks` bins;
    - «duration»: planned weeks, start and end day included, rounded up (as
      interview.derived.measure_facts), in the `duration` bins;
    - «past»: planlagt_slutt after the 248th sykepengedag (`past`), on or before it (`within`), or
      no end date or no sick-leave start (`unknown`).

    `missing` counts those lacking a date for the first two.
    """
    to_start = "(CAST(julianday(ps.verdi) - julianday(u.samtaledato) AS INTEGER) / 7)"
    length = "((CAST(julianday(pe.verdi) - julianday(ps.verdi) AS INTEGER) + 7) / 7)"
    rows = conn.execute(
        f"""SELECT CASE WHEN u.samtaledato IS NULL OR ps.verdi IS NULL THEN '{missing}'
                        ELSE {_bin_case(to_start, weeks)} END,
                   CASE WHEN ps.verdi IS NULL OR pe.verdi IS NULL THEN '{missing}'
                        ELSE {_bin_case(length, duration)} END,
                   CASE WHEN pe.verdi IS NULL OR u.sykmeldt_fom IS NULL THEN '{unknown}'
                        WHEN pe.verdi > {last_sykepengedag_sql("u.sykmeldt_fom")} THEN '{past}' ELSE '{within}' END,
                   COUNT(*)
            FROM {INTERVIEW_SELECTION} u
            LEFT JOIN svar ps ON ps.kartlegging_id = u.k2_id AND ps.sporsmal = 'planlagt_start'
            LEFT JOIN svar pe ON pe.kartlegging_id = u.k2_id AND pe.sporsmal = 'planlagt_slutt'
            WHERE u.k2_id IS NOT NULL GROUP BY 1, 2, 3""").fetchall()
    found: dict[str, dict[str, int]] = {"weeks": {}, "duration": {}, "past": {}}
    for weeks_key, duration_key, past_key, count in rows:  # at most a few dozen combinations
        for table, key in (("weeks", weeks_key), ("duration", duration_key), ("past", past_key)):
            found[table][key] = found[table].get(key, 0) + count
    return found


def last_sykepengedag_sql(column: str) -> str:
    """SQL for the 248th sykepengedag of a sick leave starting on the ISO date in `column`."""
    offset = " ".join(f"WHEN '{weekday}' THEN {days}" for weekday, days in _DAYS_TO_LAST_SYKEPENGEDAG.items())
    return f"date({column}, '+' || (CASE strftime('%w', {column}) {offset} END) || ' days')"


# ---------- screening ----------

def screening_reasons(conn: Db) -> dict[str, int]:
    """criterion → persons whose latest decision in the period is ikke_kandidat with that
    criterion ikke_oppfylt (a person may count under several criteria)."""
    rows = conn.execute(
        f"""SELECT k.kriterium, COUNT(DISTINCT r.person_id)
            FROM {LIST_SELECTION} r, json_each(r.resultater) j
            JOIN kriterieresultat k ON k.id = j.value
            WHERE r.beslutning = 'ikke_kandidat' AND k.status = 'ikke_oppfylt'
            GROUP BY 1""")
    return {key: count for key, count in rows}


# ---------- follow-up 6 and 12 months after ----------

def outcome_counts(conn: Db, level: int, questions: Sequence[str]) -> tuple[dict[str, int], dict[tuple[str, str, str], int]]:
    """For the follow-up at `level` (4: 6 months, 5: 12 months), by group («tiltak»: with a
    planned measure, nivå 2; «samtale»: the conversation only): persons with the follow-up
    registered, and (group, question, answer key) → persons."""
    if level not in FOLLOW_UP_LEVELS:
        raise ValueError(f"unknown follow-up level {level}")
    group = "CASE WHEN u.k2_id IS NULL THEN 'samtale' ELSE 'tiltak' END"
    sizes = {key: count for key, count in conn.execute(
        f"SELECT {group}, COUNT(*) FROM {INTERVIEW_SELECTION} u WHERE u.k{level}_id IS NOT NULL GROUP BY 1")}
    answers: dict[tuple[str, str, str], int] = {}
    if questions:
        for key, question, value, count in conn.execute(
                f"""SELECT {group}, s.sporsmal, s.verdi, COUNT(*) FROM {INTERVIEW_SELECTION} u
                    JOIN svar s ON s.kartlegging_id = u.k{level}_id
                    WHERE s.sporsmal IN ({','.join('?' * len(questions))}) AND s.verdi IS NOT NULL
                    GROUP BY 1, 2, 3""", list(questions)):
            answers[(key, question, value)] = count
    return sizes, answers


# ---------- who is in a selection, by week (the anonymous tallies of a deletion) ----------

def selected_days(conn: Db) -> list[tuple[str, int, str, str | None, str | None]]:
    """(part, person id, day, fylke, kontor) of everyone in the two selections: «liste» with the
    list date of the appearance counted, «samtale» with the day the interview is counted on."""
    return [(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(
        f"""SELECT 'liste', person_id, CAST(listedato AS TEXT), fylke, kontor FROM {LIST_SELECTION}
            UNION ALL SELECT 'samtale', person_id, periodedato, fylke, kontor FROM {INTERVIEW_SELECTION}""")]


# ---------- trends: the funnel per week or month ----------

PERIOD_SELECTION = "rapport_perioder"


def trend_counts(conn: Db, scope: Scope, periods: Sequence[tuple[str, dt.date, dt.date]]) -> list[dict[str, Any]]:
    """Per period (name, first day, last day), fylke and office: listed and candidates (each
    person once per period, by their latest appearance in it, as the funnel does for the whole
    period), and kartlagt, aktuell and vedtak (by samtaledato, from the interview selection, so
    inside `selections`)."""
    conn.execute(f"DROP TABLE IF EXISTS temp.{PERIOD_SELECTION}")
    conn.execute(f"CREATE TEMP TABLE {PERIOD_SELECTION} (navn TEXT PRIMARY KEY, fra TEXT NOT NULL, til TEXT NOT NULL)")
    try:
        conn.executemany(f"INSERT INTO {PERIOD_SELECTION} (navn, fra, til) VALUES (?, ?, ?)",
                         [(name, first.isoformat(), last.isoformat()) for name, first, last in periods])
        place, place_params = _place_filter(scope, "fylke", "kontor")
        lists = conn.execute(
            f"""SELECT navn, fylke, kontor, COUNT(*) AS listed,
                       COUNT(*) FILTER (WHERE beslutning = 'kandidat') AS candidates,
                       0 AS kartlagt, 0 AS aktuell, 0 AS vedtak
                FROM (SELECT b.navn, l.fylke, l.kontor, l.beslutning,
                             ROW_NUMBER() OVER (PARTITION BY b.navn, l.person_id
                                                ORDER BY l.listedato DESC, l.id DESC) AS nr
                      FROM listeoppforing l JOIN {PERIOD_SELECTION} b ON l.listedato BETWEEN b.fra AND b.til) siste
                WHERE nr = 1 AND {place}
                GROUP BY navn, fylke, kontor""", place_params).fetchall()
        talks = conn.execute(
            f"""SELECT b.navn, u.fylke, u.kontor, 0 AS listed, 0 AS candidates,
                       COUNT(*) FILTER (WHERE u.k1_fullfort IS NOT NULL) AS kartlagt,
                       COUNT(*) FILTER (WHERE u.k1_fullfort IS NOT NULL AND a.verdi IN ('ja', 'delvis')) AS aktuell,
                       COUNT(*) FILTER (WHERE v.verdi IS NOT NULL) AS vedtak
                FROM {INTERVIEW_SELECTION} u
                JOIN {PERIOD_SELECTION} b ON u.periodedato BETWEEN b.fra AND b.til
                LEFT JOIN svar a ON a.kartlegging_id = u.k1_id AND a.sporsmal = 'aktuell'
                LEFT JOIN svar v ON v.kartlegging_id = u.k2_id AND v.sporsmal = 'vedtaksdato'
                GROUP BY b.navn, u.fylke, u.kontor""").fetchall()
    finally:
        conn.execute(f"DROP TABLE IF EXISTS temp.{PERIOD_SELECTION}")
    return as_dicts(lists) + as_dicts(talks)


def date_span(conn: Db, scope: Scope) -> tuple[dt.date, dt.date] | None:
    """The first and last day with a list appearance (in the place and period) or an interview in
    the selection, for the trend's periods; inside `selections`."""
    place, place_params = _place_filter(scope, "fylke", "kontor")
    period, period_params = _period_filter(scope, "listedato")
    row = conn.execute(
        f"""SELECT MIN(d), MAX(d) FROM (
                SELECT MIN(listedato) AS d FROM listeoppforing WHERE {place} AND {period}
                UNION ALL SELECT MAX(listedato) FROM listeoppforing WHERE {place} AND {period}
                UNION ALL SELECT MIN(periodedato) FROM {INTERVIEW_SELECTION}
                UNION ALL SELECT MAX(periodedato) FROM {INTERVIEW_SELECTION}) dager""",
        place_params + period_params + place_params + period_params).fetchone()
    if not row or not row[0]:
        return None
    return dt.date.fromisoformat(row[0][:10]), dt.date.fromisoformat(row[1][:10])


def appearances_of(conn: Db, person_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every list appearance of these persons with its decision, oldest first (for the anonymous
    tallies of a deletion: the trend counts a person in every week and month they were listed)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(person_ids), 500):
        chunk = list(person_ids[start:start + 500])
        found += as_dicts(conn.execute(
            f"""SELECT person_id, listedato, fylke, kontor, beslutning FROM listeoppforing
                WHERE person_id IN ({','.join('?' * len(chunk))}) ORDER BY person_id, listedato, id""",
            chunk))
    return found

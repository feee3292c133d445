"""`Screener` (a list's rows, each check run once per distinct input) decides exactly as `screen_person`.

The rows are drawn from small pools of values, so that a list repeats dates, grades, codes and
kommuner as real lists do and most rows are decided from remembered results.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetanse_cli.ingest.listfile import ListRow
from kompetanse_cli.screening.engine import CHECKS, INPUTS, Facts, Screener, screen_person
from kompetanse_cli.screening.rules import load_ruleset
from tests.conftest import synthetic_fnr
from tests.test_engine import FULL_PRESENT, LIST_DATE

BIRTH_DATES = [dt.date(1961, 3, 8), dt.date(1961, 3, 7), dt.date(1982, 1, 5), dt.date(2001, 12, 31)]
FNRS = [synthetic_fnr(born) for born in BIRTH_DATES]

rows = st.builds(
    ListRow,
    sheet=st.just("Ark1"),
    row=st.integers(2, 10_000),
    fnr=st.sampled_from(FNRS),
    sykmeldt_fom=st.sampled_from([LIST_DATE - dt.timedelta(weeks=w) for w in (0, 8, 10, 40)]),
    navn=st.just("Testa Testesen"),
    sykmeldt_tom=st.sampled_from([None, LIST_DATE, LIST_DATE - dt.timedelta(days=1)]),
    grad=st.sampled_from([None, 20, 80, 100]),
    diagnose=st.sampled_from([None, "L03", "L84", "P74", "P76", "R991", "W78", "A04", "R992"]),
    arbeidsgiver=st.sampled_from([None, "Testverkstedet AS"]),
    orgnr=st.sampled_from([None, "999999999"]),
    yrke=st.just(None),
    styrk=st.sampled_from([None, 2, 7, 9]),
    kommune=st.sampled_from([None, "4206", "4204", "301", "3401", "9999", "Grimstad"]),
    kontor=st.just(None),
    tidligere_tilfeller=st.sampled_from([None, 0, 1, 3]),
    sykepengedager_5ar=st.sampled_from([None, 0, 50, 300]),
)
PRESENT = [FULL_PRESENT, FULL_PRESENT - {"sykmeldt_tom", "kommune", "tidligere_tilfeller"},
           frozenset({"fnr", "sykmeldt_fom", "diagnose"})]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(listed=st.lists(rows, min_size=1, max_size=60), present=st.sampled_from(PRESENT),
       fylke=st.sampled_from(["agder", "innlandet", "akershus"]))
def test_screener_gives_what_screen_person_gives(kt_home, listed, present, fylke):
    ruleset = load_ruleset(fylke)
    screener = Screener(LIST_DATE, present)
    for row in listed:
        expected = screen_person(Facts(row, LIST_DATE, present), ruleset)
        assert screener.screen(row, ruleset) == (
            expected.decision, tuple(expected.results), expected.weeks_on_leave, expected.age)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(rows, max_size=40), min_size=1, max_size=3), present=st.sampled_from(PRESENT),
       fylke=st.sampled_from(["agder", "innlandet", "akershus"]))
def test_batches_screened_as_columns_give_what_screen_person_gives(kt_home, batches, present, fylke):
    """As `kt screen` does it: a batch of rows at a time, later batches reusing earlier results."""
    ruleset = load_ruleset(fylke)
    screener = Screener(LIST_DATE, present)
    for listed in batches:
        columns = {name: [getattr(row, name) for row in listed] for name in ListRow.__dataclass_fields__}
        decisions, results, weeks, ages = screener.screen_columns(columns, ruleset, listed.__getitem__)
        expected = [screen_person(Facts(row, LIST_DATE, present), ruleset) for row in listed]
        assert decisions == [e.decision for e in expected]
        assert [tuple(screener.results[column[index]] for column in results.values())
                for index in range(len(listed))] == [tuple(e.results) for e in expected]
        assert weeks == [e.weeks_on_leave for e in expected]
        assert ages == [e.age for e in expected]


def test_screener_keeps_rule_sets_apart(kt_home):
    """Two fylker's rules in one list (an old fylke's successors) never share remembered results."""
    row = ListRow(sheet="Ark1", row=2, fnr=FNRS[2], sykmeldt_fom=LIST_DATE - dt.timedelta(weeks=10), grad=80,
                  diagnose="L03", arbeidsgiver="Testverkstedet AS", styrk=7, kommune=None,
                  tidligere_tilfeller=3, sykepengedager_5ar=300)
    screener = Screener(LIST_DATE, FULL_PRESENT)
    agder, innlandet = load_ruleset("agder"), load_ruleset("innlandet")
    assert agder.criterion("grad")["min_grad"] != innlandet.criterion("grad")["min_grad"]
    decisions = [screener.screen(row, rules)[0] for rules in (agder, innlandet, agder)]
    assert decisions == [screen_person(Facts(row, LIST_DATE, FULL_PRESENT), rules).decision
                         for rules in (agder, innlandet, agder)]
    assert decisions[0] != decisions[1]


class Recorded:
    """A ListRow that notes which of its fields are read."""

    def __init__(self, row: ListRow) -> None:
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "read", set())

    def __getattr__(self, name: str):
        self.read.add(name)
        return getattr(self._row, name)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=rows, present=st.sampled_from(PRESENT), fylke=st.sampled_from(["agder", "innlandet"]))
def test_each_check_reads_only_what_its_memo_key_holds(kt_home, row, present, fylke):
    """The Screener reuses a check's result for rows with the same INPUTS key: a check that read any
    other field of the row would be given someone else's result."""
    ruleset = load_ruleset(fylke)
    for name, rule in ruleset.active:
        by_check, by_key = Recorded(row), Recorded(row)
        CHECKS[name](Facts(by_check, LIST_DATE, present), rule, ruleset)
        for read in INPUTS[name]:
            if read != "alder":  # the age, which the Screener computes from the fødselsnummer
                getattr(by_key, read)
        allowed = by_key.read | ({"fnr"} if name == "alder" else set())  # the age comes from the fødselsnummer
        assert by_check.read <= allowed, name

"""The screening engine: one row + a fylke's rules → kandidat / ikke_kandidat / manuell.

Every person here is synthetic: the fødselsnummer comes from `synthetic_fnr` and the name is made up.
Test ids describe the case, never the person.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest

from kompetanse_cli.ingest.listfile import ListRow
from kompetanse_cli.screening.engine import (
    IKKE_KANDIDAT,
    IKKE_OPPFYLT,
    KANDIDAT,
    MANUELL,
    OPPFYLT,
    UKJENT,
    Facts,
    screen_person,
)
from kompetanse_cli.screening.rules import CRITERIA, RuleSet, load_ruleset
from tests.conftest import synthetic_fnr

LIST_DATE = dt.date(2022, 3, 7)
BORN_40 = dt.date(1982, 1, 5)  # 40 years old on the list date
SYNTHETIC_NAME = "Testa Testesen"

# Every field a list can have a column for (ListFile.columns.fields), i.e. a complete list.
FULL_PRESENT = frozenset({
    "fnr", "navn", "sykmeldt_fom", "sykmeldt_tom", "grad", "diagnose", "arbeidsgiver", "orgnr",
    "yrke", "kommune", "kontor", "tidligere_tilfeller", "sykepengedager_5ar",
})


def base_row(**changes: object) -> ListRow:
    """A person who is a candidate under the Agder rules on LIST_DATE."""
    row = ListRow(
        sheet="Ark1",
        row=2,
        fnr=synthetic_fnr(BORN_40),
        sykmeldt_fom=LIST_DATE - dt.timedelta(weeks=10),
        navn=SYNTHETIC_NAME,
        sykmeldt_tom=None,  # column present, no end date: still on sick leave
        grad=100,
        diagnose="L03",
        arbeidsgiver="Testverkstedet AS",
        orgnr="999999999",
        yrke="7115 Tømrer",
        styrk=7,
        kommune="4206",
        kontor="NAV Lister",
        tidligere_tilfeller=2,
        sykepengedager_5ar=30,
    )
    return dataclasses.replace(row, **changes)


@pytest.fixture
def rules(kt_home) -> dict[str, RuleSet]:
    """The shipped rules (the autouse KT_HOME is empty, so no override applies)."""
    return {fylke: load_ruleset(fylke) for fylke in ("agder", "innlandet", "akershus")}


def screen(row: ListRow, ruleset: RuleSet, present: frozenset[str] = FULL_PRESENT):
    return screen_person(Facts(row, LIST_DATE, present), ruleset)


def result_of(decision, criterion: str):
    found = [r for r in decision.results if r.criterion == criterion]
    assert len(found) == 1, f"{criterion} evaluated {len(found)} times"
    return found[0]


def test_base_row_is_candidate_under_agder(rules):
    decision = screen(base_row(), rules["agder"])
    assert decision.decision == KANDIDAT
    assert [r.criterion for r in decision.results] == list(CRITERIA)
    assert {r.status for r in decision.results} == {OPPFYLT}
    assert decision.weeks_on_leave == 10
    assert decision.age == 40
    assert decision.fylke == "agder"
    assert decision.reasons  # a candidate is explained by what was met


def _case(case_id: str, criterion: str, status: str, decision: str, *,
          fylke: str = "agder", absent: tuple[str, ...] = (), **row_changes: object):
    """(row changes, columns removed from `present`, criterion, expected status, expected decision)."""
    return pytest.param(row_changes, frozenset(absent), criterion, status, decision, fylke, id=case_id)


def _days_before(days: int) -> dt.date:
    return LIST_DATE - dt.timedelta(days=days)


CASES = [
    # --- arbeidsgiver -------------------------------------------------------------------
    _case("arbeidsgiver-navn-oppfylt", "arbeidsgiver", OPPFYLT, KANDIDAT),
    _case("arbeidsgiver-bare-orgnr-oppfylt", "arbeidsgiver", OPPFYLT, KANDIDAT, arbeidsgiver=None),
    _case("arbeidsgiver-bare-orgnr-kolonne-oppfylt", "arbeidsgiver", OPPFYLT, KANDIDAT,
          absent=("arbeidsgiver",), arbeidsgiver=None),
    _case("arbeidsgiver-tomme-celler-ikke-oppfylt", "arbeidsgiver", IKKE_OPPFYLT, IKKE_KANDIDAT,
          arbeidsgiver=None, orgnr=None),
    _case("arbeidsgiver-kolonner-mangler-ukjent", "arbeidsgiver", UKJENT, MANUELL,
          absent=("arbeidsgiver", "orgnr"), arbeidsgiver=None, orgnr=None),
    # --- sykepengeperiode (sykmeldt_fom is required, so never unknown) --------------------
    _case("sykepengeperiode-10-uker-oppfylt", "sykepengeperiode", OPPFYLT, KANDIDAT),
    # 248 sykepengedager (weekdays) from the start: sick since 26.05.2021 (285 days before the list
    # date 07.03.2022) → last day 06.05.2022, 8 whole weeks left; from 292 days before, 7 weeks.
    _case("sykepengeperiode-akkurat-8-uker-igjen-oppfylt", "sykepengeperiode", OPPFYLT, KANDIDAT,
          sykmeldt_fom=_days_before(285)),
    _case("sykepengeperiode-8-uker-igjen-siste-dag-oppfylt", "sykepengeperiode", OPPFYLT, KANDIDAT,
          sykmeldt_fom=_days_before(291)),
    _case("sykepengeperiode-7-uker-igjen-ikke-oppfylt", "sykepengeperiode", IKKE_OPPFYLT, IKKE_KANDIDAT,
          sykmeldt_fom=_days_before(292)),
    _case("sykepengeperiode-brukt-opp-ikke-oppfylt", "sykepengeperiode", IKKE_OPPFYLT, IKKE_KANDIDAT,
          sykmeldt_fom=_days_before(60 * 7)),
    _case("sykepengeperiode-start-etter-listedato-oppfylt", "sykepengeperiode", OPPFYLT, KANDIDAT,
          sykmeldt_fom=LIST_DATE + dt.timedelta(days=3)),
    # --- grad ---------------------------------------------------------------------------
    _case("grad-agder-100-akkurat-krav-oppfylt", "grad", OPPFYLT, KANDIDAT, grad=100),
    _case("grad-agder-99-ikke-oppfylt", "grad", IKKE_OPPFYLT, IKKE_KANDIDAT, grad=99),
    _case("grad-agder-80-ikke-oppfylt", "grad", IKKE_OPPFYLT, IKKE_KANDIDAT, grad=80),
    _case("grad-verdi-mangler-ukjent", "grad", UKJENT, MANUELL, grad=None),
    _case("grad-kolonne-mangler-ukjent", "grad", UKJENT, MANUELL, absent=("grad",), grad=None),
    _case("grad-innlandet-80-akkurat-krav-oppfylt", "grad", OPPFYLT, KANDIDAT,
          fylke="innlandet", grad=80, kommune="3403"),
    _case("grad-innlandet-100-oppfylt", "grad", OPPFYLT, KANDIDAT, fylke="innlandet", grad=100, kommune="3403"),
    _case("grad-innlandet-79-ikke-oppfylt", "grad", IKKE_OPPFYLT, IKKE_KANDIDAT,
          fylke="innlandet", grad=79, kommune="3403"),
    # --- gjentakende --------------------------------------------------------------------
    _case("gjentakende-2-tilfeller-oppfylt", "gjentakende", OPPFYLT, KANDIDAT),
    _case("gjentakende-akkurat-1-tilfelle-oppfylt", "gjentakende", OPPFYLT, KANDIDAT, tidligere_tilfeller=1),
    _case("gjentakende-akkurat-100-dager-oppfylt", "gjentakende", OPPFYLT, KANDIDAT,
          tidligere_tilfeller=0, sykepengedager_5ar=100),
    _case("gjentakende-bare-dager-kjent-oppfylt", "gjentakende", OPPFYLT, KANDIDAT,
          tidligere_tilfeller=None, sykepengedager_5ar=150),
    _case("gjentakende-0-tilfeller-99-dager-ikke-oppfylt", "gjentakende", IKKE_OPPFYLT, IKKE_KANDIDAT,
          tidligere_tilfeller=0, sykepengedager_5ar=99),
    _case("gjentakende-0-tilfeller-dager-mangler-ukjent", "gjentakende", UKJENT, MANUELL,
          tidligere_tilfeller=0, sykepengedager_5ar=None),
    _case("gjentakende-tilfeller-mangler-lite-dager-ukjent", "gjentakende", UKJENT, MANUELL,
          tidligere_tilfeller=None, sykepengedager_5ar=30),
    _case("gjentakende-begge-verdier-mangler-ukjent", "gjentakende", UKJENT, MANUELL,
          tidligere_tilfeller=None, sykepengedager_5ar=None),
    # Judged on the measures the list has columns for (one column alone can decide).
    _case("gjentakende-bare-tilfeller-kolonne-0-ikke-oppfylt", "gjentakende", IKKE_OPPFYLT, IKKE_KANDIDAT,
          absent=("sykepengedager_5ar",), tidligere_tilfeller=0, sykepengedager_5ar=None),
    _case("gjentakende-bare-dager-kolonne-99-ikke-oppfylt", "gjentakende", IKKE_OPPFYLT, IKKE_KANDIDAT,
          absent=("tidligere_tilfeller",), tidligere_tilfeller=None, sykepengedager_5ar=99),
    _case("gjentakende-bare-dager-kolonne-100-oppfylt", "gjentakende", OPPFYLT, KANDIDAT,
          absent=("tidligere_tilfeller",), tidligere_tilfeller=None, sykepengedager_5ar=100),
    _case("gjentakende-bare-dager-kolonne-verdi-mangler-ukjent", "gjentakende", UKJENT, MANUELL,
          absent=("tidligere_tilfeller",), tidligere_tilfeller=None, sykepengedager_5ar=None),
    _case("gjentakende-begge-kolonner-mangler-ukjent", "gjentakende", UKJENT, MANUELL,
          absent=("tidligere_tilfeller", "sykepengedager_5ar"), tidligere_tilfeller=None, sykepengedager_5ar=None),
    # --- diagnose_arbeid ----------------------------------------------------------------
    _case("diagnose-arbeid-L-styrk-7-oppfylt", "diagnose_arbeid", OPPFYLT, KANDIDAT),
    _case("diagnose-arbeid-L-styrk-8-oppfylt", "diagnose_arbeid", OPPFYLT, KANDIDAT, styrk=8),
    _case("diagnose-arbeid-L-styrk-9-oppfylt", "diagnose_arbeid", OPPFYLT, KANDIDAT, styrk=9),
    _case("diagnose-arbeid-L-styrk-4-ikke-oppfylt", "diagnose_arbeid", IKKE_OPPFYLT, IKKE_KANDIDAT, styrk=4),
    _case("diagnose-arbeid-L-styrk-ukjent-ukjent", "diagnose_arbeid", UKJENT, MANUELL,
          yrke="Ukjent tittel", styrk=None),
    _case("diagnose-arbeid-L-yrkeskolonne-mangler-ukjent", "diagnose_arbeid", UKJENT, MANUELL,
          absent=("yrke",), yrke=None, styrk=None),
    _case("diagnose-arbeid-P74-kontorarbeid-oppfylt", "diagnose_arbeid", OPPFYLT, KANDIDAT,
          diagnose="P74", styrk=4),
    _case("diagnose-arbeid-P74-yrke-ukjent-oppfylt", "diagnose_arbeid", OPPFYLT, KANDIDAT,
          diagnose="P74", styrk=None),
    _case("diagnose-arbeid-P99-ikke-oppfylt", "diagnose_arbeid", IKKE_OPPFYLT, IKKE_KANDIDAT, diagnose="P99"),
    _case("diagnose-arbeid-annet-kapittel-ikke-oppfylt", "diagnose_arbeid", IKKE_OPPFYLT, IKKE_KANDIDAT,
          diagnose="K86"),
    _case("diagnose-arbeid-diagnose-mangler-ukjent", "diagnose_arbeid", UKJENT, MANUELL, diagnose=None),
    _case("diagnose-arbeid-diagnosekolonne-mangler-ukjent", "diagnose_arbeid", UKJENT, MANUELL,
          absent=("diagnose",), diagnose=None),
    # --- svangerskap --------------------------------------------------------------------
    _case("svangerskap-L-kode-oppfylt", "svangerskap", OPPFYLT, KANDIDAT),
    _case("svangerskap-W78-ikke-oppfylt", "svangerskap", IKKE_OPPFYLT, IKKE_KANDIDAT, diagnose="W78"),
    _case("svangerskap-diagnose-mangler-ukjent", "svangerskap", UKJENT, MANUELL, diagnose=None),
    # --- covid --------------------------------------------------------------------------
    _case("covid-L-kode-oppfylt", "covid", OPPFYLT, KANDIDAT),
    _case("covid-R991-ikke-oppfylt", "covid", IKKE_OPPFYLT, IKKE_KANDIDAT, diagnose="R991"),
    _case("covid-R992-ikke-oppfylt", "covid", IKKE_OPPFYLT, IKKE_KANDIDAT, diagnose="R992"),
    _case("covid-R99-uten-covid-oppfylt", "covid", OPPFYLT, IKKE_KANDIDAT, diagnose="R99"),
    _case("covid-diagnose-mangler-ukjent", "covid", UKJENT, MANUELL, diagnose=None),
    # --- alvorlig_sykdom ----------------------------------------------------------------
    _case("alvorlig-sykdom-L03-oppfylt", "alvorlig_sykdom", OPPFYLT, KANDIDAT),
    _case("alvorlig-sykdom-X76-kreft-ikke-oppfylt", "alvorlig_sykdom", IKKE_OPPFYLT, IKKE_KANDIDAT, diagnose="X76"),
    _case("alvorlig-sykdom-L71-kreft-fysisk-arbeid-ikke-oppfylt", "alvorlig_sykdom", IKKE_OPPFYLT, IKKE_KANDIDAT,
          diagnose="L71"),
    _case("alvorlig-sykdom-diagnose-mangler-ukjent", "alvorlig_sykdom", UKJENT, MANUELL, diagnose=None),
    # --- alder (the birth date comes from the required fødselsnummer, so never unknown) ---
    _case("alder-40-oppfylt", "alder", OPPFYLT, KANDIDAT),
    _case("alder-60-fyller-61-dagen-etter-oppfylt", "alder", OPPFYLT, KANDIDAT,
          fnr=synthetic_fnr(dt.date(1961, 3, 8))),
    _case("alder-akkurat-60-oppfylt", "alder", OPPFYLT, KANDIDAT, fnr=synthetic_fnr(dt.date(1962, 3, 7))),
    _case("alder-fyller-61-paa-listedato-ikke-oppfylt", "alder", IKKE_OPPFYLT, IKKE_KANDIDAT,
          fnr=synthetic_fnr(dt.date(1961, 3, 7))),
    _case("alder-61-fylte-dagen-foer-ikke-oppfylt", "alder", IKKE_OPPFYLT, IKKE_KANDIDAT,
          fnr=synthetic_fnr(dt.date(1961, 3, 6))),
    # --- friskmeldt ---------------------------------------------------------------------
    _case("friskmeldt-ingen-sluttdato-oppfylt", "friskmeldt", OPPFYLT, KANDIDAT),
    _case("friskmeldt-tom-paa-listedato-oppfylt", "friskmeldt", OPPFYLT, KANDIDAT, sykmeldt_tom=LIST_DATE),
    _case("friskmeldt-tom-etter-listedato-oppfylt", "friskmeldt", OPPFYLT, KANDIDAT,
          sykmeldt_tom=LIST_DATE + dt.timedelta(weeks=4)),
    _case("friskmeldt-tom-dagen-foer-listedato-ikke-oppfylt", "friskmeldt", IKKE_OPPFYLT, IKKE_KANDIDAT,
          sykmeldt_tom=_days_before(1)),
    _case("friskmeldt-tom-kolonne-mangler-ukjent", "friskmeldt", UKJENT, MANUELL, absent=("sykmeldt_tom",)),
    # --- geografi -----------------------------------------------------------------------
    _case("geografi-forsokskommune-nummer-oppfylt", "geografi", OPPFYLT, KANDIDAT),
    _case("geografi-kristiansand-nummer-oppfylt", "geografi", OPPFYLT, KANDIDAT, kommune="4204"),
    _case("geografi-nummer-og-navn-oppfylt", "geografi", OPPFYLT, KANDIDAT, kommune="4204 Kristiansand"),
    _case("geografi-navn-oppfylt", "geografi", OPPFYLT, KANDIDAT, kommune="Lyngdal"),
    _case("geografi-agder-utenfor-forsoket-ikke-oppfylt", "geografi", IKKE_OPPFYLT, IKKE_KANDIDAT, kommune="4201"),
    _case("geografi-lindesnes-utenfor-forsoket-ikke-oppfylt", "geografi", IKKE_OPPFYLT, IKKE_KANDIDAT,
          kommune="4205"),
    _case("geografi-annet-fylke-ikke-oppfylt", "geografi", IKKE_OPPFYLT, IKKE_KANDIDAT, kommune="3107"),
    _case("geografi-gammelt-viken-nummer-i-agder-ikke-oppfylt", "geografi", IKKE_OPPFYLT, IKKE_KANDIDAT,
          kommune="3030"),
    _case("geografi-gammelt-viken-nummer-akershus-oppfylt", "geografi", OPPFYLT, KANDIDAT,
          fylke="akershus", kommune="3030"),
    _case("geografi-gammelt-nummer-unntatt-kommune-ikke-oppfylt", "geografi", IKKE_OPPFYLT, IKKE_KANDIDAT,
          fylke="akershus", kommune="3024"),
    _case("geografi-ukjent-kommunetekst-ukjent", "geografi", UKJENT, MANUELL, kommune="Atlantis"),
    _case("geografi-tvetydig-navn-ukjent", "geografi", UKJENT, MANUELL, kommune="Våler"),
    _case("geografi-verdi-mangler-ukjent", "geografi", UKJENT, MANUELL, kommune=None),
    _case("geografi-kolonne-mangler-ukjent", "geografi", UKJENT, MANUELL, absent=("kommune",), kommune=None),
]


@pytest.mark.parametrize(("row_changes", "absent", "criterion", "status", "decision", "fylke"), CASES)
def test_criterion(rules, row_changes, absent, criterion, status, decision, fylke):
    row = base_row(**row_changes)
    result = screen(row, rules[fylke], FULL_PRESENT - absent)
    assert result_of(result, criterion).status == status, result_of(result, criterion).reason
    assert result.decision == decision, [(r.criterion, r.status) for r in result.results]
    for r in result.results:
        assert row.fnr not in r.reason
        assert SYNTHETIC_NAME not in r.reason and "Testesen" not in r.reason


def test_table_covers_every_criterion():
    """Met and not met for every criterion, and unknown wherever the data can be missing."""
    never_unknown = {"sykepengeperiode", "alder"}  # both come from required columns
    seen: dict[str, set[str]] = {name: set() for name in CRITERIA}
    for param in CASES:
        _, _, criterion, status, _, _ = param.values
        seen[criterion].add(status)
    for name, statuses in seen.items():
        wanted = {OPPFYLT, IKKE_OPPFYLT} | (set() if name in never_unknown else {UKJENT})
        assert wanted <= statuses, f"{name}: mangler {wanted - statuses}"


def test_failing_and_unknown_together_is_not_candidate(rules):
    row = base_row(grad=50, diagnose=None, kommune=None)
    decision = screen(row, rules["agder"], FULL_PRESENT - {"kommune", "sykmeldt_tom"})
    statuses = {r.criterion: r.status for r in decision.results}
    assert statuses["grad"] == IKKE_OPPFYLT
    assert statuses["diagnose_arbeid"] == UKJENT
    assert statuses["geografi"] == UKJENT
    assert statuses["friskmeldt"] == UKJENT
    assert decision.decision == IKKE_KANDIDAT
    # What decides is what failed, not what is unknown.
    assert decision.reasons == [result_of(decision, "grad").reason]


def test_unknown_alone_is_manual_never_a_silent_pass(rules):
    decision = screen(base_row(), rules["agder"], FULL_PRESENT - {"sykmeldt_tom"})
    assert decision.decision == MANUELL
    assert decision.reasons == [result_of(decision, "friskmeldt").reason]


def _without(ruleset: RuleSet, *criteria: str) -> RuleSet:
    data = copy.deepcopy(ruleset.data)
    for name in criteria:
        data[name]["aktiv"] = False
    return RuleSet(fylke=ruleset.fylke, data=data, sources=list(ruleset.sources))


def test_deactivated_criterion_is_not_evaluated(rules):
    agder = rules["agder"]
    relaxed = _without(agder, "grad")
    row = base_row(grad=50)
    assert screen(row, agder).decision == IKKE_KANDIDAT
    decision = screen(row, relaxed)
    assert decision.decision == KANDIDAT
    assert "grad" not in [r.criterion for r in decision.results]
    assert len(decision.results) == len(CRITERIA) - 1
    # The shipped rules are untouched by the copy.
    assert agder.criterion("grad") is not None


def test_deactivated_criterion_with_missing_data_does_not_make_manual(rules):
    relaxed = _without(rules["agder"], "friskmeldt", "geografi")
    decision = screen(base_row(kommune=None), relaxed, FULL_PRESENT - {"sykmeldt_tom", "kommune"})
    assert decision.decision == KANDIDAT
    assert {r.criterion for r in decision.results}.isdisjoint({"friskmeldt", "geografi"})


def test_reasons_never_contain_personal_data(rules):
    """Every reason of every outcome, for rows that fail, pass and lack data."""
    rows = [
        base_row(),
        base_row(grad=40, diagnose="X76", sykmeldt_tom=_days_before(3), kommune="4201", arbeidsgiver=None, orgnr=None,
                 fnr=synthetic_fnr(dt.date(1950, 6, 1)), tidligere_tilfeller=0, sykepengedager_5ar=0),
        base_row(grad=None, diagnose=None, kommune="Atlantis", styrk=None, tidligere_tilfeller=None,
                 sykepengedager_5ar=None),
    ]
    for row in rows:
        for present in (FULL_PRESENT, frozenset({"fnr", "navn", "sykmeldt_fom"})):
            decision = screen(row, rules["agder"], present)
            texts = [r.reason for r in decision.results] + decision.reasons
            for text in texts:
                assert row.fnr not in text
                assert row.fnr[:6] not in text  # not even the birth date part
                for part in SYNTHETIC_NAME.split():
                    assert part not in text


def test_kommune_outside_the_trial_fylker_is_not_in_the_trial(rules) -> None:
    """A 2024 kommunenummer from another fylke (1103 Stavanger, Rogaland) fails geography, not «unknown»."""
    result = screen(base_row(kommune="1103"), rules["agder"], FULL_PRESENT)
    assert result_of(result, "geografi").status == IKKE_OPPFYLT
    assert "(Rogaland)" in result_of(result, "geografi").reason
    assert result.decision == IKKE_KANDIDAT


def test_grade_reasons_say_the_requirement_as_it_reads(rules):
    assert result_of(screen(base_row(grad=100), rules["agder"]), "grad").reason == "Sykmeldt 100 % (krav: 100 %)"
    innlandet = screen(base_row(grad=100, kommune="3403"), rules["innlandet"])
    assert result_of(innlandet, "grad").reason == "Sykmeldt 100 % (krav: minst 80 %)"
    assert result_of(screen(base_row(diagnose="R991"), rules["agder"]), "covid").status == IKKE_OPPFYLT
    assert result_of(screen(base_row(), rules["agder"]), "covid").reason == "Ikke covid-19"

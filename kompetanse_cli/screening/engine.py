"""The screening engine: one person's row + the fylke's rules → a decision with reasons.

Pure: no I/O, no printing. Each criterion answers `oppfylt`, `ikke_oppfylt` or `ukjent`
(the list lacks the data). Any `ikke_oppfylt` makes the person `ikke_kandidat`, even when
other data is missing; otherwise any `ukjent` makes the decision `manuell` (må vurderes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import Any, NamedTuple

from kompetanse_cli.computed import Computed
from kompetanse_cli.fylker import FYLKER, find_kommune
from kompetanse_cli.ingest.listfile import ListRow
from kompetanse_cli.ingest.values import birth_date
from kompetanse_cli.screening.rules import CRITERIA, RuleSet
from kompetanse_cli.stages import DECISION_LABELS, IKKE_KANDIDAT, KANDIDAT, MANUELL  # noqa: F401 - one vocabulary
from kompetanse_cli.sykepenger import weeks_left

OPPFYLT, IKKE_OPPFYLT, UKJENT = "oppfylt", "ikke_oppfylt", "ukjent"
# The criteria whose met results summarise why a person is a candidate (the rest are shown by `kt forklar`).
CANDIDATE_SUMMARY = ("grad", "gjentakende", "diagnose_arbeid")
# The criterion status whose reasons explain a decision.
DECIDING_STATUS = {IKKE_KANDIDAT: IKKE_OPPFYLT, MANUELL: UKJENT, KANDIDAT: OPPFYLT}
# Statuses ranked so that the worst decides, and the decision each rank gives.
_RANKS = {OPPFYLT: 0, UKJENT: 1, IKKE_OPPFYLT: 2}
_DECISION_BY_RANK = (KANDIDAT, MANUELL, IKKE_KANDIDAT)


class CriterionResult(NamedTuple):
    """One criterion's verdict for one person (a tuple: cheap to make 11 times per row)."""

    criterion: str
    status: str
    reason: str

    @property
    def label(self) -> str:
        return CRITERIA[self.criterion]

    def as_dict(self) -> dict[str, str]:
        return {"kriterium": self.criterion, "status": self.status, "begrunnelse": self.reason}


@dataclass
class Decision:
    """The outcome for one person, with every criterion's result."""

    decision: str
    results: list[CriterionResult] = field(default_factory=list)
    weeks_on_leave: int = 0
    age: int = 0
    fylke: str = ""

    @property
    def reasons(self) -> list[str]:
        """The reasons that decided: what failed, what is unknown, or everything that was met."""
        return deciding_reasons(self.decision, [(r.criterion, r.status, r.reason) for r in self.results])


def deciding_reasons(decision: str, results: list[tuple[str, str, str]]) -> list[str]:
    """(criterion, status, reason) triples → the reasons that explain `decision`."""
    wanted = DECIDING_STATUS[decision]
    return [reason for criterion, status, reason in results
            if status == wanted and (decision != KANDIDAT or criterion in CANDIDATE_SUMMARY)]


@dataclass
class Facts:
    """What the list tells about a person at the list date; `present` names the list's columns."""

    row: ListRow
    list_date: dt.date
    present: frozenset[str]

    @property
    def weeks_on_leave(self) -> int:
        return weeks_between(self.row.sykmeldt_fom, self.list_date)

    @cached_property
    def age(self) -> int:
        """Age in whole years at the list date, from the birth date in the fødselsnummer."""
        return age_at(self.row.fnr, self.list_date)


def weeks_between(start: dt.date, day: dt.date) -> int:
    return max((day - start).days // 7, 0)


def age_at(fnr: str, day: dt.date) -> int:
    """Age in whole years on `day`, from the birth date in the fødselsnummer."""
    return age_on(birth_date(fnr), day)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


Check = Callable[[Facts, dict, RuleSet], CriterionResult]


def _arbeidsgiver(facts: Facts, _: dict, __: RuleSet) -> CriterionResult:
    name = "arbeidsgiver"
    if not (facts.present & {"arbeidsgiver", "orgnr"}):
        return CriterionResult(name, UKJENT, "Listen har ingen kolonne for arbeidsgiver")
    if facts.row.arbeidsgiver or facts.row.orgnr:
        return CriterionResult(name, OPPFYLT, "Har arbeidsgiver")
    return CriterionResult(name, IKKE_OPPFYLT, "Ingen arbeidsgiver oppgitt")


def _sykepengeperiode(facts: Facts, rule: dict, _: RuleSet) -> CriterionResult:
    left = weeks_left(facts.row.sykmeldt_fom, facts.list_date)
    minimum = rule["min_uker_igjen"]
    if left >= minimum:
        return CriterionResult("sykepengeperiode", OPPFYLT, f"{left} uker igjen av sykepengeperioden (krav: {minimum})")
    return CriterionResult("sykepengeperiode", IKKE_OPPFYLT,
                           f"Bare {max(left, 0)} uker igjen av sykepengeperioden (krav: minst {minimum})")


def _grad(facts: Facts, rule: dict, _: RuleSet) -> CriterionResult:
    minimum = rule["min_grad"]
    if facts.row.grad is None:
        return CriterionResult("grad", UKJENT, "Sykmeldingsgrad mangler i listen")
    if facts.row.grad >= minimum:
        wanted = "100 %" if minimum == 100 else f"minst {minimum} %"
        return CriterionResult("grad", OPPFYLT, f"Sykmeldt {facts.row.grad} % (krav: {wanted})")
    return CriterionResult("grad", IKKE_OPPFYLT, f"Sykmeldt {facts.row.grad} %, under kravet på {minimum} %")


def _gjentakende(facts: Facts, rule: dict, _: RuleSet) -> CriterionResult:
    """Met by either measure; judged on the measures the list has columns for."""
    name = "gjentakende"
    cases, days = facts.row.tidligere_tilfeller, facts.row.sykepengedager_5ar
    min_cases, min_days = rule["min_tidligere_tilfeller"], rule["min_sykepengedager_5ar"]
    if cases is not None and cases >= min_cases:
        return CriterionResult(name, OPPFYLT, f"{cases} tidligere sykefravær (krav: minst {min_cases})")
    if days is not None and days >= min_days:
        return CriterionResult(name, OPPFYLT, f"{days} sykepengedager siste 5 år (krav: minst {min_days})")
    measures = [("tidligere_tilfeller", cases, f"{cases} tidligere sykefravær"),
                ("sykepengedager_5ar", days, f"{days} sykepengedager siste 5 år")]
    listed = [(value, text) for column, value, text in measures if column in facts.present]
    if not listed:
        return CriterionResult(name, UKJENT, "Listen sier ikke noe om tidligere sykefravær")
    if any(value is None for value, _ in listed):
        return CriterionResult(name, UKJENT, "Tidligere sykefravær mangler på raden")
    shown = ", ".join(text for _, text in listed)
    return CriterionResult(name, IKKE_OPPFYLT, f"Ikke gjentakende sykefravær ({shown})")


def _diagnose_arbeid(facts: Facts, rule: dict, _: RuleSet) -> CriterionResult:
    name = "diagnose_arbeid"
    code, group = facts.row.diagnose, facts.row.styrk
    if code is None:
        return CriterionResult(name, UKJENT, "Diagnose mangler i listen")
    if code.startswith(rule["psykiske_koder"]):
        return CriterionResult(name, OPPFYLT, f"Lettere psykisk lidelse (kapittel {code[0]})")
    if code[0] in rule["fysiske_kapitler"]:
        groups = rule["fysiske_styrk_grupper"]
        if group is None:
            return CriterionResult(name, UKJENT, f"Kapittel {code[0]}-diagnose, men yrket er ukjent")
        if group in groups:
            return CriterionResult(name, OPPFYLT, f"Kapittel {code[0]}-diagnose og fysisk arbeid (STYRK {group})")
        return CriterionResult(name, IKKE_OPPFYLT, f"Kapittel {code[0]}-diagnose, men ikke fysisk arbeid (STYRK {group})")
    return CriterionResult(name, IKKE_OPPFYLT, f"Diagnose i kapittel {code[0]} er ikke blant de aktuelle")


def _code_exclusion(name: str, key: str, text: str) -> Check:
    def check(facts: Facts, rule: dict, _: RuleSet) -> CriterionResult:
        code = facts.row.diagnose
        if code is None:
            return CriterionResult(name, UKJENT, "Diagnose mangler i listen")
        if code.startswith(rule[key]):
            return CriterionResult(name, IKKE_OPPFYLT, text)
        return CriterionResult(name, OPPFYLT, f"Ikke {text[0].lower() + text[1:]}")
    return check


def _alder(facts: Facts, rule: dict, _: RuleSet) -> CriterionResult:
    age, limit = facts.age, rule["maks_alder"]
    if age > limit:
        return CriterionResult("alder", IKKE_OPPFYLT, f"{age} år, over aldersgrensen på {limit}")
    return CriterionResult("alder", OPPFYLT, f"{age} år (grense: {limit})")


def _friskmeldt(facts: Facts, _: dict, __: RuleSet) -> CriterionResult:
    if "sykmeldt_tom" not in facts.present:
        return CriterionResult("friskmeldt", UKJENT, "Listen viser ikke når sykmeldingen slutter; sjekk at personen fortsatt er sykmeldt")
    end = facts.row.sykmeldt_tom
    if end is not None and end < facts.list_date:
        return CriterionResult("friskmeldt", IKKE_OPPFYLT, "Sykmeldingen var avsluttet før listedatoen")
    return CriterionResult("friskmeldt", OPPFYLT, "Fortsatt sykmeldt på listedatoen")


def _geografi(facts: Facts, _: dict, rules: RuleSet) -> CriterionResult:
    name = "geografi"
    if "kommune" not in facts.present:
        return CriterionResult(name, UKJENT, "Listen har ingen kolonne for kommune")
    if not facts.row.kommune:
        return CriterionResult(name, UKJENT, "Kommune mangler på raden")
    kommune = find_kommune(facts.row.kommune)
    if kommune is None:
        return CriterionResult(name, UKJENT, "Ukjent kommune; sjekk om den er med i forsøket")
    if kommune.fylke == rules.fylke and rules.allows_kommune(kommune.nummer):
        return CriterionResult(name, OPPFYLT, f"{kommune.navn} er med i forsøket")
    where = FYLKER.get(kommune.fylke, kommune.fylke)
    return CriterionResult(name, IKKE_OPPFYLT, f"{kommune.navn} ({where}) er ikke med i forsøket")


CHECKS: dict[str, Check] = {
    "arbeidsgiver": _arbeidsgiver,
    "sykepengeperiode": _sykepengeperiode,
    "grad": _grad,
    "gjentakende": _gjentakende,
    "diagnose_arbeid": _diagnose_arbeid,
    "svangerskap": _code_exclusion("svangerskap", "kapitler", "Svangerskapsrelatert sykmelding"),
    "covid": _code_exclusion("covid", "koder", "Covid-19"),  # «Ikke covid-19» when met, as Språkrådet writes it
    "alvorlig_sykdom": _code_exclusion("alvorlig_sykdom", "koder", "Alvorlig sykdom under behandling"),
    "alder": _alder,
    "friskmeldt": _friskmeldt,
    "geografi": _geografi,
}
assert CHECKS.keys() == CRITERIA.keys()

# Everything each check reads from a person's row: ListRow fields, and `alder`, the age at the
# list date (the list date, the list's columns and the rules are the same for a whole list).
# `Screener` runs a check once per distinct input.
INPUTS: dict[str, tuple[str, ...]] = {
    "arbeidsgiver": ("arbeidsgiver", "orgnr"),
    "sykepengeperiode": ("sykmeldt_fom",),
    "grad": ("grad",),
    "gjentakende": ("tidligere_tilfeller", "sykepengedager_5ar"),
    "diagnose_arbeid": ("diagnose", "styrk"),
    "svangerskap": ("diagnose",),
    "covid": ("diagnose",),
    "alvorlig_sykdom": ("diagnose",),
    "alder": ("alder",),
    "friskmeldt": ("sykmeldt_tom",),
    "geografi": ("kommune",),
}
assert INPUTS.keys() == CRITERIA.keys()
# The employer criterion only asks whether there is one: one key for every employer.
_HAS_EMPLOYER = {"arbeidsgiver": lambda keys: [bool(name or number) for name, number in keys]}


def unknown_from_error(name: str, result: CriterionResult, errors: frozenset[str] | None) -> CriterionResult:
    """A criterion that read a cell holding an Excel error (#N/A …) is unknown, not failed: the
    cell is not empty, only unreadable. (Met by another of its inputs, it stays met.)"""
    if not errors or errors.isdisjoint(INPUTS[name]):
        return result
    if result.status == OPPFYLT and name != "friskmeldt":
        return result
    from kompetanse_cli.ingest.columns import FIELD_LABELS

    which = ", ".join(f"«{FIELD_LABELS.get(field, field)}»" for field in INPUTS[name] if field in errors)
    return CriterionResult(name, UKJENT, f"Cellen for {which} har en feilverdi i listen (f.eks. #I/T); sjekk raden")


def screen_person(facts: Facts, rules: RuleSet) -> Decision:
    """Apply every active criterion of `rules` and decide."""
    results = [unknown_from_error(name, CHECKS[name](facts, rule, rules), facts.row.feil)
               for name, rule in rules.active]
    decision = _decide(r.status for r in results)
    return Decision(decision, results, weeks_on_leave=facts.weeks_on_leave, age=facts.age, fylke=rules.fylke)


def _decide(statuses: Iterable[str]) -> str:
    """The worst status decides: a criterion not met, else one unknown, else a candidate."""
    return _DECISION_BY_RANK[max(map(_RANKS.__getitem__, statuses), default=0)]


class Screener:
    """`screen_person` for every row of one list, a batch of rows at a time, as columns.

    A list of 50 000 rows holds a few hundred distinct dates, grades, codes and kommuner, so each
    check runs once per distinct input (`INPUTS`), and rows with the same input share one result;
    a column of inputs becomes a column of results, and the rows' results a decision, through
    dictionary look-ups and `max` done in C. Gives exactly what `screen_person` gives.

    Results are numbered as they are met (`results[number]`), and a column of results is a
    column of these numbers: cheap to pass from the worker process and to store.
    """

    def __init__(self, list_date: dt.date, present: frozenset[str]) -> None:
        self.list_date = list_date
        self.present = present
        self.results: list[tuple[str, str, str]] = []  # number → (criterion, status, reason)
        self._numbers: dict[tuple[str, str, str], int] = {}  # the other way
        self._ranks: list[int] = []  # number → the rank of its status
        # per rule set, per active criterion: (name, check, settings, input → result number)
        self._plans: dict[int, tuple[RuleSet, list[tuple[str, Check, dict, dict]]]] = {}
        self._ages = Computed(lambda born: age_on(born, list_date))
        self._weeks = Computed(lambda start: weeks_between(start, list_date))

    def _plan(self, rules: RuleSet) -> list[tuple[str, Check, dict, dict]]:
        found = self._plans.get(id(rules))
        if found is None:  # the rule set is kept with its plan, so its id cannot be reused
            found = self._plans[id(rules)] = (rules, [(name, CHECKS[name], rule, {}) for name, rule in rules.active])
        return found[1]

    def _number(self, result: tuple[str, str, str]) -> int:
        number = self._numbers.get(result)
        if number is None:
            number = self._numbers[result] = len(self.results)
            self.results.append(result)
            self._ranks.append(_RANKS[result[1]])
        return number

    def screen(self, row: ListRow, rules: RuleSet) -> tuple[str, tuple[tuple[str, str, str], ...], int, int]:
        """One row: (decision, every criterion's (criterion, status, reason), weeks on sick leave, age)."""
        columns = {name: [getattr(row, name)] for name in ListRow.__dataclass_fields__}
        decisions, numbers, weeks, ages = self.screen_columns(columns, rules, lambda _: row)
        return decisions[0], tuple(self.results[column[0]] for column in numbers.values()), weeks[0], ages[0]

    def screen_columns(self, columns: dict[str, list], rules: RuleSet, row_at: Callable[[int], ListRow]
                       ) -> tuple[list[str], dict[str, list[int]], list[int], list[int]]:
        """Rows given as columns (ListRow fields → values; `fnr` and `sykmeldt_fom` needed, a
        missing column is empty), all under `rules`: each row's decision, each active
        criterion's results (criterion → a result number per row, in checking order; see
        `results`), weeks on sick leave and age. `row_at(i)` gives row i as a ListRow, for a
        check that meets an input for the first time."""
        count = len(columns["fnr"])
        empty = [None] * count
        errors = [(index, found) for index, found in enumerate(columns.get("feil") or ()) if found]
        inputs = {**columns, "alder": list(map(self._ages.__getitem__, map(birth_date, columns["fnr"])))}
        numbers: dict[str, list[int]] = {}
        ranks = []
        for name, check, rule, memo in self._plan(rules):
            fields = INPUTS[name]
            keys = inputs.get(fields[0], empty) if len(fields) == 1 else list(
                zip(*(inputs.get(field, empty) for field in fields)))
            if name in _HAS_EMPLOYER:
                keys = _HAS_EMPLOYER[name](keys)
            found: list[Any] = list(map(memo.get, keys))
            if None in found:  # inputs not seen before: each checked once, on a row that has it
                for key, index in dict(zip(keys, range(count))).items():
                    if key not in memo:
                        result = check(Facts(row_at(index), self.list_date, self.present), rule, rules)
                        memo[key] = self._number((result[0], result[1], result[2]))
                found = list(map(memo.__getitem__, keys))
            if errors:  # rows with an Excel error in a cell this criterion reads
                for index, row_errors in errors:
                    result = self.results[found[index]]
                    changed = unknown_from_error(name, CriterionResult(*result), row_errors)
                    if tuple(changed) != result:
                        found[index] = self._number((changed[0], changed[1], changed[2]))
            numbers[name] = found
            ranks.append(list(map(self._ranks.__getitem__, found)))
        # the worst status decides, as in _decide
        decisions = (list(map(_DECISION_BY_RANK.__getitem__, map(max, repeat(0), *ranks))) if ranks
                     else [KANDIDAT] * count)
        return decisions, numbers, list(map(self._weeks.__getitem__, columns["sykmeldt_fom"])), inputs["alder"]

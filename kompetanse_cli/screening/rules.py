"""Screening rules: one TOML file per fylke, shipped with kt and overridable in KT_HOME.

A rule file is validated on load; every error names the file, the key and what was expected.
An override file in `KT_HOME/regler/<fylke>.toml` only needs the keys it changes.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from kompetanse_cli import paths
from kompetanse_cli.errors import InputError, UsageError
from kompetanse_cli.fylker import FYLKER, FylkeChoice, find_kommune
from kompetanse_cli.tomlfile import read_toml

# What each criterion means, in the order kt checks and shows them.
CRITERIA: dict[str, str] = {
    "arbeidsgiver": "Har arbeidsgiver",
    "sykepengeperiode": "Nok igjen av sykepengeperioden",
    "grad": "Sykmeldingsgrad",
    "gjentakende": "Gjentakende sykefravær",
    "diagnose_arbeid": "Diagnose lite forenlig med arbeidet",
    "svangerskap": "Ikke svangerskapsrelatert",
    "covid": "Ikke covid-19",
    "alvorlig_sykdom": "Ikke alvorlig sykdom under behandling",
    "alder": "Alder",
    "friskmeldt": "Fortsatt sykmeldt på listedatoen",
    "geografi": "Arbeidsgiver i forsøkskommune",
}

# Why a person was not a candidate: each criterion as it reads when it is NOT met (the report's
# «Hvorfor personer ikke var kandidater»; CRITERIA says what is required, which reads the opposite way).
NOT_MET: dict[str, str] = {
    "arbeidsgiver": "Har ikke arbeidsgiver",
    "sykepengeperiode": "For lite igjen av sykepengeperioden",
    "grad": "Sykmeldingsgrad under kravet",
    "gjentakende": "Ikke gjentakende sykefravær",
    "diagnose_arbeid": "Diagnose ikke blant de aktuelle for arbeidet",
    "svangerskap": "Svangerskapsrelatert",
    "covid": "Covid-19",
    "alvorlig_sykdom": "Alvorlig sykdom under behandling",
    "alder": "Over aldersgrensen",
    "friskmeldt": "Friskmeldt før listedatoen",
    "geografi": "Arbeidsgiver utenfor forsøkskommunene",
}

_STR_LIST = "liste med tekster"
_INT_LIST = "liste med heltall"
# key → expected type for the top level, and per criterion table.
TOP_SCHEMA: dict[str, Any] = {"fylke": str, "navn": str, "versjon": str, "beskrivelse": str,
                              "vurderingsuker": _INT_LIST}
CRITERION_SCHEMA: dict[str, dict[str, Any]] = {
    "arbeidsgiver": {},
    "sykepengeperiode": {"min_uker_igjen": int},
    "grad": {"min_grad": int},
    "gjentakende": {"min_tidligere_tilfeller": int, "min_sykepengedager_5ar": int},
    "diagnose_arbeid": {"fysiske_kapitler": _STR_LIST, "fysiske_styrk_grupper": _INT_LIST,
                        "psykiske_koder": _STR_LIST},
    "svangerskap": {"kapitler": _STR_LIST},
    "covid": {"koder": _STR_LIST},
    "alvorlig_sykdom": {"koder": _STR_LIST},
    "alder": {"maks_alder": int},
    "friskmeldt": {},
    "geografi": {"alle_kommuner": bool, "kommuner": _STR_LIST, "unntatt": _STR_LIST},
}
_TYPE_NAMES = {str: "tekst", int: "heltall", bool: "true eller false"}


def _listed(values: list[Any], *, empty: str = "(ingen)") -> str:
    return ", ".join(str(v) for v in values) if values else empty


def _kommuner(numbers: list[str]) -> str:
    named = []
    for number in numbers:
        kommune = find_kommune(str(number))
        if kommune is not None and not kommune.navn.startswith("Kommune "):
            named.append(f"{number} {kommune.navn}")
        else:
            named.append(str(number))
    return _listed(named)


def describe_criterion(name: str, settings: dict[str, Any]) -> str:
    """What a criterion requires, in words, from its settings in a rule file."""
    get = settings.get
    if name == "arbeidsgiver":
        return "Arbeidsgiver eller organisasjonsnummer står i listen"
    if name == "sykepengeperiode":
        return f"Minst {get('min_uker_igjen')} uker igjen av sykepengeperioden (248 sykepengedager)"
    if name == "grad":
        return "Sykmeldt 100 %" if get("min_grad") == 100 else f"Sykmeldt minst {get('min_grad')} %"
    if name == "gjentakende":
        return (f"Minst {get('min_tidligere_tilfeller')} tidligere sykefravær, eller minst "
                f"{get('min_sykepengedager_5ar')} sykepengedager siste 5 år")
    if name == "diagnose_arbeid":
        return (f"Diagnose i kapittel {_listed(get('fysiske_kapitler', []))} med yrke i STYRK-hovedgruppe "
                f"{_listed(get('fysiske_styrk_grupper', []))}, eller lettere psykisk lidelse: "
                f"{_listed(get('psykiske_koder', []))}")
    if name == "svangerskap":
        return f"Ikke diagnose i kapittel {_listed(get('kapitler', []))}"
    if name in ("covid", "alvorlig_sykdom"):
        return f"Ikke diagnosekode {_listed(get('koder', []))}"
    if name == "alder":
        return f"Høyst {get('maks_alder')} år på listedatoen"
    if name == "friskmeldt":
        return "Sykmeldingen er ikke avsluttet før listedatoen"
    if name == "geografi":
        where = ("Alle kommuner i fylket" if get("alle_kommuner")
                 else f"Arbeidsgiver i en av forsøkskommunene: {_kommuner(get('kommuner', []))}")
        return where + (f"; unntatt {_kommuner(get('unntatt', []))}" if get("unntatt") else "")
    return ""


@dataclass
class RuleSet:
    """The effective rules of one fylke, with the files they came from."""

    fylke: str
    data: dict[str, Any]
    sources: list[str] = field(default_factory=list)

    def criterion(self, name: str) -> dict[str, Any] | None:
        """The criterion's settings if it is turned on, else None."""
        table = self.data.get(name)
        return table if table and table.get("aktiv", False) else None

    @cached_property
    def active(self) -> list[tuple[str, dict[str, Any]]]:
        """(criterion, settings) for every active criterion, in checking order; code lists as tuples."""
        found = []
        for name in CRITERIA:
            rule = self.criterion(name)
            if rule is not None:
                found.append((name, {k: tuple(v) if isinstance(v, list) else v for k, v in rule.items()}))
        return found

    @cached_property
    def version(self) -> str:
        """A short fingerprint of the effective rules, stored with every decision."""
        digest = hashlib.sha256(json.dumps(self.data, sort_keys=True).encode()).hexdigest()[:10]
        return f"{self.data.get('versjon', '?')}#{digest}"

    def allows_kommune(self, nummer: str) -> bool:
        geo = self.data.get("geografi", {})
        if nummer in geo.get("unntatt", []):
            return False
        return bool(geo.get("alle_kommuner")) or nummer in geo.get("kommuner", [])


@dataclass
class Region:
    """The rule sets for what the user typed (one fylke, or an old fylke's successors)."""

    choice: FylkeChoice
    rulesets: list[RuleSet]

    def for_kommune(self, kommune_text: str | None) -> RuleSet:
        """The rules of the fylke the kommune lies in, when it is one of ours; else the first."""
        kommune = find_kommune(kommune_text)
        if kommune is not None:
            for ruleset in self.rulesets:
                if ruleset.fylke == kommune.fylke:
                    return ruleset
        return self.rulesets[0]


def shipped_rules_path(fylke: str) -> Path | None:
    path = resources.files("kompetanse_cli.regler").joinpath(f"{fylke}.toml")
    return Path(str(path)) if path.is_file() else None


def shipped_fylker() -> list[str]:
    """The fylker kt ships rules for: the trial's."""
    return sorted(p.name.removesuffix(".toml") for p in resources.files("kompetanse_cli.regler").iterdir()
                  if p.name.endswith(".toml"))


def override_path(fylke: str) -> Path:
    return paths.kt_home() / "regler" / f"{fylke}.toml"


def read_rule_file(path: Path) -> dict[str, Any]:
    """Parse a rule file; a syntax error names the file and the line."""
    return read_toml(path, "regelfilen")


def validate_rules(data: dict[str, Any], *, source: str, complete: bool = True) -> list[str]:
    """Every problem in a rule table, each naming the key and what was expected."""
    problems: list[str] = []
    for key, value in data.items():
        if key in TOP_SCHEMA:
            problems += _check_type(source, key, value, TOP_SCHEMA[key])
        elif key in CRITERION_SCHEMA:
            if not isinstance(value, dict):
                problems.append(f"{source}: [{key}] skal være en tabell med «aktiv = true/false».")
                continue
            schema = {"aktiv": bool, **CRITERION_SCHEMA[key]}
            for sub, subvalue in value.items():
                if sub not in schema:
                    allowed = ", ".join(schema)
                    problems.append(f"{source}: ukjent nøkkel «{key}.{sub}». Gyldige nøkler i [{key}]: {allowed}.")
                else:
                    problems += _check_type(source, f"{key}.{sub}", subvalue, schema[sub])
            if complete:
                for sub in schema:
                    if sub not in value:
                        problems.append(f"{source}: [{key}] mangler «{sub}».")
        else:
            allowed = ", ".join([*TOP_SCHEMA, *CRITERION_SCHEMA])
            problems.append(f"{source}: ukjent nøkkel «{key}». Gyldige nøkler: {allowed}.")
    if complete:
        for key in CRITERION_SCHEMA:
            if key not in data:
                problems.append(f"{source}: mangler tabellen [{key}].")
    grad = data.get("grad", {})
    minimum = grad.get("min_grad") if isinstance(grad, dict) else None
    if isinstance(minimum, int) and not isinstance(minimum, bool) and not 20 <= minimum <= 100:
        problems.append(f"{source}: «grad.min_grad» skal være mellom 20 og 100.")
    return problems


def _check_type(source: str, key: str, value: Any, expected: Any) -> list[str]:
    if expected == _STR_LIST:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif expected == _INT_LIST:
        ok = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, expected)
    if ok:
        return []
    name = expected if isinstance(expected, str) else _TYPE_NAMES[expected]
    return [f"{source}: «{key}» skal være {name}, fant {_describe(value)}."]


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return f"tallet {value}"
    if isinstance(value, str):
        return f"teksten «{value}»"
    if isinstance(value, list):
        return "en liste med feil innhold"
    if isinstance(value, dict):
        return "en tabell"
    return type(value).__name__


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return merged


def load_ruleset(fylke: str) -> RuleSet:
    """Shipped rules for the fylke, with the KT_HOME override merged on top."""
    shipped = shipped_rules_path(fylke)
    override = override_path(fylke)
    data: dict[str, Any] = {}
    sources: list[str] = []
    last_file = ""
    if shipped:
        data = read_rule_file(shipped)
        sources.append(f"{shipped.name} (følger med kt)")
        last_file = shipped.name
    if override.exists():
        extra = read_rule_file(override)
        problems = validate_rules(extra, source=str(override), complete=False)
        if problems:
            raise InputError("Regelfilen har feil:\n" + "\n".join(problems))
        data = _merge(data, extra)
        sources.append(str(override))
        last_file = str(override)
    if not sources:
        with_rules = sorted({FYLKER[f] for f in shipped_fylker()})
        raise UsageError(
            f"{FYLKER.get(fylke, fylke)} var ikke med i forsøket, så kt har ingen screeningregler for fylket. "
            f"Fylkene med regler er {', '.join(with_rules[:-1])} og {with_rules[-1]}.",
            hint=f"Skal {FYLKER.get(fylke, fylke)} screene likevel, kan prosjektgruppa lage {override}, f.eks. som "
                 f"en kopi av {shipped_rules_path('agder')}, og sjekke den med `kt regler sjekk FIL`.",
        )
    problems = validate_rules(data, source=last_file)
    if problems:
        raise InputError("Regelfilen har feil:\n" + "\n".join(problems))
    return RuleSet(fylke=fylke, data=data, sources=sources)


def load_region(choice: FylkeChoice) -> Region:
    """Rule sets for each fylke the user's choice covers."""
    return Region(choice=choice, rulesets=[load_ruleset(key) for key in choice.keys])


def check_rule_file(path: Path) -> list[str]:
    """Problems in a rule file as `kt regler sjekk` reports them (empty when it is valid).

    A file named after a fylke with shipped rules is checked as an override (partial allowed).
    """
    data = read_rule_file(path)
    partial = shipped_rules_path(path.stem) is not None and path.resolve() != shipped_rules_path(path.stem)
    return validate_rules(data, source=path.name, complete=not partial)

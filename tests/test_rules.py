"""Rule files: the shipped ones, KT_HOME overrides, and the errors `kt regler sjekk` reports."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kompetanse_cli.errors import InputError, UsageError
from kompetanse_cli.fylker import TRIAL_FYLKER, resolve_fylke
from kompetanse_cli.screening.rules import (
    CRITERIA,
    CRITERION_SCHEMA,
    check_rule_file,
    describe_criterion,
    load_region,
    load_ruleset,
    read_rule_file,
    shipped_rules_path,
    validate_rules,
)

REGLER = Path(__file__).parent.parent / "kompetanse_cli" / "regler"
SHIPPED = sorted(REGLER.glob("*.toml"))


def test_every_trial_fylke_has_shipped_rules():
    assert {p.stem for p in SHIPPED} == set(TRIAL_FYLKER)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_rule_file_loads_and_validates(path: Path):
    data = read_rule_file(path)
    assert validate_rules(data, source=path.name) == []
    assert check_rule_file(path) == []
    assert data["fylke"] == path.stem
    ruleset = load_ruleset(path.stem)
    assert ruleset.fylke == path.stem
    assert ruleset.sources == [f"{path.name} (følger med kt)"]
    assert ruleset.data == data
    for name in CRITERIA:
        assert ruleset.criterion(name) is not None, f"{name} er slått av i {path.name}"
    assert shipped_rules_path(path.stem) == path.resolve()


@pytest.mark.parametrize(("fylke", "min_grad"), [
    ("agder", 100), ("akershus", 100), ("ostfold", 100),
    ("innlandet", 80), ("nordland", 80), ("troms", 80), ("finnmark", 80),
])
def test_required_grade(fylke: str, min_grad: int):
    assert load_ruleset(fylke).criterion("grad")["min_grad"] == min_grad


def test_override_changes_only_its_key_and_is_listed(kt_home: Path):
    shipped = load_ruleset("agder")
    override = kt_home / "regler" / "agder.toml"
    override.parent.mkdir(parents=True)
    override.write_text("[grad]\nmin_grad = 80\n", encoding="utf-8")

    merged = load_ruleset("agder")
    assert merged.criterion("grad") == {"aktiv": True, "min_grad": 80}
    expected = {**shipped.data, "grad": {**shipped.data["grad"], "min_grad": 80}}
    assert merged.data == expected
    assert merged.sources == ["agder.toml (følger med kt)", str(override)]
    assert merged.version != shipped.version
    # The override does not leak into the shipped rules or other fylker.
    assert shipped.data["grad"]["min_grad"] == 100
    assert load_ruleset("innlandet").sources == ["innlandet.toml (følger med kt)"]
    # As an override, the partial file passes `kt regler sjekk`.
    assert check_rule_file(override) == []


def test_override_can_turn_a_criterion_off(kt_home: Path):
    override = kt_home / "regler" / "agder.toml"
    override.parent.mkdir(parents=True)
    override.write_text("[covid]\naktiv = false\n", encoding="utf-8")
    rules = load_ruleset("agder")
    assert rules.criterion("covid") is None
    assert rules.data["covid"]["koder"] == ["R991", "R992"]


def test_invalid_override_is_refused(kt_home: Path):
    override = kt_home / "regler" / "agder.toml"
    override.parent.mkdir(parents=True)
    override.write_text('[grad]\nmin_grad = "åtti"\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_ruleset("agder")
    assert "grad.min_grad" in error.value.message
    assert str(override) in error.value.message


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_check_reports_unknown_key(tmp_path: Path):
    path = _write(tmp_path / "agder.toml", "[grad]\nminimum = 80\n")
    problems = check_rule_file(path)
    assert len(problems) == 1
    assert "grad.minimum" in problems[0]
    assert "min_grad" in problems[0]  # lists the valid keys
    assert problems[0].startswith("agder.toml")


def test_check_reports_unknown_top_level_key(tmp_path: Path):
    problems = check_rule_file(_write(tmp_path / "agder.toml", 'fylket = "agder"\n'))
    assert len(problems) == 1 and "«fylket»" in problems[0]


@pytest.mark.parametrize(("text", "key", "expected"), [
    ('[grad]\nmin_grad = "hundre"\n', "grad.min_grad", "heltall"),
    ("[grad]\nmin_grad = true\n", "grad.min_grad", "heltall"),
    ("[grad]\nmin_grad = 80.5\n", "grad.min_grad", "heltall"),
    ('[grad]\naktiv = "ja"\n', "grad.aktiv", "true eller false"),
    ('[covid]\nkoder = "R991"\n', "covid.koder", "liste med tekster"),
    ('[diagnose_arbeid]\nfysiske_styrk_grupper = ["7"]\n', "diagnose_arbeid.fysiske_styrk_grupper",
     "liste med heltall"),
    ("navn = 5\n", "navn", "tekst"),
], ids=["tekst-for-heltall", "bool-for-heltall", "desimal-for-heltall", "tekst-for-bool",
        "tekst-for-liste", "tekster-for-heltall", "tall-for-tekst"])
def test_check_reports_wrong_type(tmp_path: Path, text: str, key: str, expected: str):
    problems = check_rule_file(_write(tmp_path / "agder.toml", text))
    assert len(problems) == 1, problems
    assert f"«{key}»" in problems[0]
    assert f"skal være {expected}," in problems[0]


def test_check_reports_criterion_that_is_not_a_table(tmp_path: Path):
    problems = check_rule_file(_write(tmp_path / "agder.toml", "grad = 100\n"))
    assert len(problems) == 1 and "[grad]" in problems[0] and "tabell" in problems[0]


def test_check_reports_grade_out_of_range(tmp_path: Path):
    problems = check_rule_file(_write(tmp_path / "agder.toml", "[grad]\nmin_grad = 120\n"))
    assert len(problems) == 1 and "grad.min_grad" in problems[0] and "mellom 20 og 100" in problems[0]


def _complete_without(criterion: str) -> str:
    """The Agder rules as one complete file, minus one criterion table."""
    lines = (REGLER / "agder.toml").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"[{criterion}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    text = "\n".join(lines[:start] + lines[end:]) + "\n"
    assert criterion not in tomllib.loads(text)
    return text


def test_check_reports_missing_table_in_complete_file(tmp_path: Path):
    # Not named after a fylke with shipped rules, so it must be complete.
    path = _write(tmp_path / "mine-regler.toml", _complete_without("covid"))
    problems = check_rule_file(path)
    assert problems == ["mine-regler.toml: mangler tabellen [covid]."]


def test_check_reports_missing_key_in_complete_file(tmp_path: Path):
    text = (REGLER / "agder.toml").read_text(encoding="utf-8").replace("maks_alder = 60\n", "")
    problems = check_rule_file(_write(tmp_path / "buskerud.toml", text))
    assert problems == ["buskerud.toml: [alder] mangler «maks_alder»."]


def test_partial_override_file_is_not_reported_incomplete(tmp_path: Path):
    assert check_rule_file(_write(tmp_path / "agder.toml", _complete_without("covid"))) == []


def test_syntax_error_names_file_and_line(tmp_path: Path):
    path = _write(tmp_path / "agder.toml", "[grad]\naktiv = true\nmin_grad 80\n")
    with pytest.raises(InputError) as error:
        check_rule_file(path)
    message = error.value.message
    assert "agder.toml" in message
    assert "linje 3" in message


def test_rule_file_not_utf8(tmp_path: Path):
    path = tmp_path / "agder.toml"
    path.write_bytes('beskrivelse = "Forsøk"\n'.encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        check_rule_file(path)


def test_fylke_without_rules_asks_for_override_file(kt_home: Path):
    with pytest.raises(UsageError) as error:
        load_ruleset("buskerud")
    assert str(kt_home / "regler" / "buskerud.toml") in error.value.hint
    assert "Buskerud" in error.value.message


def test_fylke_without_shipped_rules_uses_complete_override(kt_home: Path):
    text = (REGLER / "agder.toml").read_text(encoding="utf-8").replace('fylke = "agder"', 'fylke = "buskerud"')
    override = kt_home / "regler" / "buskerud.toml"
    override.parent.mkdir(parents=True)
    _write(override, text)
    rules = load_ruleset("buskerud")
    assert rules.fylke == "buskerud"
    assert rules.sources == [str(override)]


def test_incomplete_override_error_names_full_path_with_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "kt data"
    monkeypatch.setenv("KT_HOME", str(home))
    override = home / "regler" / "buskerud.toml"
    override.parent.mkdir(parents=True)
    _write(override, _complete_without("covid").replace('fylke = "agder"', 'fylke = "buskerud"'))
    with pytest.raises(InputError) as error:
        load_ruleset("buskerud")
    assert "mangler tabellen [covid]" in error.value.message
    assert f"{override}: mangler tabellen [covid]" in error.value.message


def test_schema_covers_every_criterion():
    assert CRITERION_SCHEMA.keys() == CRITERIA.keys()


@pytest.mark.parametrize(("kommune", "fylke"), [
    ("3107", "ostfold"),
    ("3030", "akershus"),  # old (2020–2023) Viken number of a kommune now in Akershus
    ("3004", "ostfold"),   # old number of a kommune now in Østfold
    ("Moss", "ostfold"),
    ("4204", "akershus"),  # not in the region: the first rule set
    ("Atlantis", "akershus"),
    (None, "akershus"),
], ids=["ny-nummer", "gammelt-nummer-akershus", "gammelt-nummer-ostfold", "navn", "annet-fylke",
        "ukjent", "mangler"])
def test_region_picks_rules_by_kommune(kommune, fylke):
    region = load_region(resolve_fylke("viken"))
    assert [r.fylke for r in region.rulesets] == ["akershus", "ostfold"]
    assert region.for_kommune(kommune).fylke == fylke


@pytest.mark.parametrize(("name", "settings", "expected"), [
    ("arbeidsgiver", {}, "Arbeidsgiver eller organisasjonsnummer står i listen"),
    ("sykepengeperiode", {"min_uker_igjen": 8}, "Minst 8 uker igjen av sykepengeperioden (248 sykepengedager)"),
    ("grad", {"min_grad": 80}, "Sykmeldt minst 80 %"),
    ("grad", {"min_grad": 100}, "Sykmeldt 100 %"),
    ("gjentakende", {"min_tidligere_tilfeller": 1, "min_sykepengedager_5ar": 100},
     "Minst 1 tidligere sykefravær, eller minst 100 sykepengedager siste 5 år"),
    ("diagnose_arbeid", {"fysiske_kapitler": ["L"], "fysiske_styrk_grupper": [7, 8], "psykiske_koder": ["P74"]},
     "Diagnose i kapittel L med yrke i STYRK-hovedgruppe 7, 8, eller lettere psykisk lidelse: P74"),
    ("svangerskap", {"kapitler": ["W"]}, "Ikke diagnose i kapittel W"),
    ("covid", {"koder": ["R991", "R992"]}, "Ikke diagnosekode R991, R992"),
    ("alvorlig_sykdom", {"koder": []}, "Ikke diagnosekode (ingen)"),
    ("alder", {"maks_alder": 60}, "Høyst 60 år på listedatoen"),
    ("friskmeldt", {}, "Sykmeldingen er ikke avsluttet før listedatoen"),
    ("geografi", {"alle_kommuner": False, "kommuner": ["4206", "1103"], "unntatt": []},
     "Arbeidsgiver i en av forsøkskommunene: 4206 Farsund, 1103"),
    ("geografi", {"alle_kommuner": True, "kommuner": [], "unntatt": ["4204"]},
     "Alle kommuner i fylket; unntatt 4204 Kristiansand"),
])
def test_each_criterion_is_described_in_words(name: str, settings: dict, expected: str):
    assert describe_criterion(name, settings) == expected


def test_every_criterion_has_a_description(kt_home: Path):
    rules = load_ruleset("agder")
    assert all(describe_criterion(name, rules.data[name]) for name in CRITERIA)


def test_a_fylke_outside_the_trial_is_told_so_before_how_to_add_rules() -> None:
    from tests.conftest import run_kt

    result = run_kt("regler", "vis", "--fylke", "oslo")
    assert result.code == 2
    text = " ".join(result.stderr.split())
    assert text.startswith("Feil: Oslo var ikke med i forsøket, så kt har ingen screeningregler for fylket. "
                           "Fylkene med regler er Agder, Akershus, Finnmark, Innlandet, Nordland, Troms og Østfold.")
    assert "Tips: Skal Oslo screene likevel, kan prosjektgruppa lage" in text

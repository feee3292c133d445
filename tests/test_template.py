"""Interview templates: the shipped registreringsskjema, validation errors, fylke variants, `kt mal sjekk`.

The expected ids and answer keys are copied by hand from shared/REGISTRERINGSSKJEMA.md (the fixed
interface), so a change to the template that breaks the interface fails here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from kompetanse_cli.errors import InputError
from kompetanse_cli.interview.template import (
    DEFAULT_TEMPLATE,
    check_template_file,
    find_template_file,
    load_template,
    load_template_file,
    shown_questions,
    template_for_fylke,
)
from tests.conftest import run_kt

JND = ("ja", "nei", "delvis", "vet_ikke")

# id → (level, answer keys or a type name) as in REGISTRERINGSSKJEMA.md
EXPECTED: dict[str, tuple[int, tuple[str, ...] | str]] = {
    # Nivå 1
    "samtaledato": (1, "dato"),
    "samtaleform": (1, ("telefon", "video", "oppmote")),
    "identifisert_av": (1, ("nav_veileder", "nav_oppfolging", "sykmelder", "sykmeldt_selv", "arbeidslivssenteret",
                            "arbeidsgiver", "andre_utenfor_nav")),
    "samtale_av": (1, ("prosjektgruppa", "nav_veileder", "andre")),
    "utdanning": (1, ("grunnskole", "vgs_studiespes", "vgs_yrkesfag", "fagbrev", "bachelor", "master", "ukjent")),
    "helse_naavaerende_jobb": (1, JND),
    "ag_tilrettelagt": (1, JND),
    "ag_gjenvaerende_muligheter": (1, JND),
    "manglende_kompetanse": (1, JND),
    "onsker_annet_arbeid": (1, JND),
    "onsker_annen_arbeidsgiver": (1, JND),
    "trenger_ny_kompetanse": (1, JND),
    "aktuell": (1, JND),
    "hovedaarsak_ikke_aktuell": (1, ("tilbake_opprinnelig", "helsebehandling", "andre_nav_tiltak", "langvarig_tiltak",
                                     "arbeidsgiver_tiltak", "beholde_arbeid", "vil_ikke_tiltak",
                                     "trenger_ikke_kompetanse", "syk_for_tiltak", "beholde_arbeidsgiver",
                                     "kortvarig_annet", "kortvarig_ikke_tilgjengelig", "vet_ikke", "annet")),
    "hovedaarsak_annet": (1, "tekst"),
    "karriereveiledning": (1, ("karrieresenteret", "andre", "nei", "vet_ikke")),
    "informert_inntekt": (1, ("ja", "nei")),
    "notat": (1, "tekst"),
    # Nivå 2
    "tiltakstype": (2, ("amo", "fag_yrke", "hoyere_utdanning")),
    "kurs": (2, "tekst"),
    "tilbyder": (2, "tekst"),
    "vedtaksdato": (2, "dato"),
    "planlagt_start": (2, "dato"),
    "planlagt_slutt": (2, "dato"),
    # Nivå 3
    "gjennomfort": (3, ("ja", "nei_avbrutt", "pagaar")),
    "nyttig": (3, JND),
    "situasjon_etter": (3, ("jobb_ny_ag", "ny_stilling_samme_ag", "samme_jobb", "sokeprosess", "uten_arbeid",
                            "annet", "vet_ikke")),
    "bidratt_til_jobb": (3, JND),
    # Oppfølging 6 og 12 måneder etter samtalen (malens nivå 4, lagret som nivå 4 og 5)
    "oppfolgingsdato": (4, "dato"),
    "situasjon": (4, ("jobb_ny_ag", "ny_stilling_samme_ag", "samme_jobb", "sokeprosess", "uten_arbeid", "annet",
                      "vet_ikke")),
    "sykmeldt_na": (4, ("ja", "gradert", "nei", "vet_ikke")),
    "kilde": (4, ("samtale", "arbeidsgiver", "register", "annet")),
}

# id → {other id: keys} as in the «shown when» column
CONDITIONS = {
    "onsker_annen_arbeidsgiver": {"onsker_annet_arbeid": ("ja", "delvis")},
    "trenger_ny_kompetanse": {"onsker_annet_arbeid": ("ja", "delvis")},
    "hovedaarsak_ikke_aktuell": {"aktuell": ("nei",)},
    "hovedaarsak_annet": {"hovedaarsak_ikke_aktuell": ("annet",)},
    "informert_inntekt": {"aktuell": ("ja", "delvis")},
}

# a few labels the report and the import rely on
LABELS = {
    ("samtaleform", "oppmote"): "Fysisk oppmøte",
    ("aktuell", "vet_ikke"): "Vet ikke",
    ("hovedaarsak_ikke_aktuell", "annet"): "Annet (spesifiser)",
    ("tiltakstype", "amo"): "Arbeidsmarkedsopplæring (AMO-kurs)",
    ("gjennomfort", "nei_avbrutt"): "Nei, avbrutt",
}


SHIPPED_FILE = Path(str(resources.files("kompetanse_cli.templates").joinpath("kartlegging"))) / "registreringsskjema.toml"


@pytest.fixture(scope="module")
def shipped():
    # straight from the package: a module fixture runs before the per-test KT_HOME is set
    return load_template_file(SHIPPED_FILE)


def test_shipped_template_loads(shipped) -> None:
    assert shipped.id == "registreringsskjema"
    assert shipped.versjon == "1"
    assert set(shipped.nivaer) == {1, 2, 3, 4}  # 4: the follow-up section, asked at 6 and 12 months
    path = find_template_file(DEFAULT_TEMPLATE)
    assert path.resolve() == SHIPPED_FILE.resolve()  # nothing in the test's KT_HOME/maler
    assert load_template(DEFAULT_TEMPLATE) == shipped
    template, problems = check_template_file(path)
    assert problems == []
    assert template is not None and template.id == shipped.id


def test_shipped_template_has_exactly_the_documented_ids_in_order(shipped) -> None:
    assert [q.id for q in shipped.questions] == list(EXPECTED)


@pytest.mark.parametrize("qid", list(EXPECTED))
def test_every_documented_question_has_its_level_and_answers(shipped, qid: str) -> None:
    level, answers = EXPECTED[qid]
    question = shipped.question(qid)
    assert question is not None, f"{qid} mangler i malen"
    assert question.niva == level
    if isinstance(answers, str):
        assert question.type == answers
        assert question.valg == {}
    else:
        assert question.has_choices
        assert tuple(question.valg) == answers  # keys in the documented order (numbers 1, 2, … follow it)
        assert all(label.strip() for label in question.valg.values())
    assert question.vis_naar == CONDITIONS.get(qid, {})


@pytest.mark.parametrize("qid, key", list(LABELS))
def test_labels_are_the_report_wording(shipped, qid: str, key: str) -> None:
    assert shipped.question(qid).valg[key] == LABELS[(qid, key)]


def test_date_rules_of_the_shipped_template(shipped) -> None:
    assert shipped.question("samtaledato").ikke_i_fremtiden
    assert shipped.question("planlagt_slutt").ikke_for == "planlagt_start"


def test_level_lists_follow_the_form(shipped) -> None:
    assert len(shipped.level(1)) == 18
    assert len(shipped.level(2)) == 6
    assert len(shipped.level(3)) == 4


# ---------- check_template_file: every problem names the file and the question ----------

HEAD = 'id = "test"\nversjon = "1"\n[skalaer.jnd]\nja = "Ja"\nnei = "Nei"\n\n'


def _q(qid: str, extra: str = "", *, kind: str = "valg", valg: str | None = 'valg = { a = "A", b = "B" }') -> str:
    lines = ["[[sporsmal]]", f'id = "{qid}"', "niva = 1", f'tekst = "Spørsmål {qid}"', f'type = "{kind}"']
    if valg is not None and kind == "valg":
        lines.append(valg)
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n\n"


BAD_TEMPLATES = {
    "unknown_id_in_condition": (
        _q("forste") + _q("andre", "vis_naar = { finnes_ikke = [\"a\"] }"),
        "andre", ["ukjent spørsmål «finnes_ikke»"]),
    "condition_on_later_question": (
        _q("forste", "vis_naar = { andre = [\"a\"] }") + _q("andre"),
        "forste", ["senere spørsmål «andre»", "må stå før"]),
    "duplicate_id": (
        _q("forste") + _q("forste"),
        "forste", ["brukt to ganger"]),
    "empty_choice_list": (
        _q("forste", valg="valg = {}"),
        "forste", ["svaralternativer er tom"]),
    "choice_without_list": (
        _q("forste", valg=None),
        "forste", ["svaralternativer er tom"]),
    "unknown_type": (
        _q("forste", kind="flervalg"),
        "forste", ["«type» skal være en av", "valg", "skala", "dato", "tekst", "tall"]),
    "unknown_scale": (
        _q("forste", 'skala = "femdelt"', kind="skala"),
        "forste", ["ukjent skala «femdelt»", "Kjente: jnd"]),
    "condition_on_unknown_answer": (
        _q("forste") + _q("andre", "vis_naar = { forste = [\"c\"] }"),
        "andre", ["«forste» ikke har: c"]),
    "ikke_for_not_an_earlier_date": (
        _q("forste", 'ikke_for = "slutt"', kind="dato", valg=None),
        "forste", ["«ikke_for»"]),
}


@pytest.mark.parametrize("case", list(BAD_TEMPLATES))
def test_check_template_file_reports_problem_with_file_and_question(tmp_path: Path, case: str) -> None:
    body, qid, fragments = BAD_TEMPLATES[case]
    path = tmp_path / "feilmal.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    template, problems = check_template_file(path)
    assert template is None
    assert problems, "expected at least one problem"
    matching = [p for p in problems if all(f in p for f in fragments)]
    assert matching, problems
    assert all(p.startswith("feilmal.toml: ") for p in problems)
    assert any(f"spørsmål «{qid}»" in p for p in matching), matching
    with pytest.raises(InputError) as raised:
        load_template_file(path)
    assert "feilmal.toml" in raised.value.message


def test_check_template_file_lists_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "mange.toml"
    path.write_text(HEAD + _q("forste", kind="flervalg") + _q("andre", valg="valg = {}")
                    + _q("tredje", "vis_naar = { borte = [\"a\"] }"), encoding="utf-8")
    _, problems = check_template_file(path)
    assert len(problems) == 3
    assert [p.split("«")[1].split("»")[0] for p in problems] == ["forste", "andre", "tredje"]


def test_good_small_template_passes(tmp_path: Path) -> None:
    path = tmp_path / "liten.toml"
    path.write_text(HEAD + _q("forste") + _q("andre", 'skala = "jnd"\nvis_naar = { forste = ["a"] }', kind="skala"),
                    encoding="utf-8")
    template, problems = check_template_file(path)
    assert problems == []
    assert template.question("andre").valg == {"ja": "Ja", "nei": "Nei"}
    assert template.question("andre").vis_naar == {"forste": ("a",)}


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ødelagt.toml"
    path.write_text('id = "x"\n[[sporsmal]\n', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        check_template_file(path)
    assert "ødelagt.toml" in raised.value.message and "ugyldig TOML" in raised.value.message


# ---------- fylke variants in KT_HOME/maler ----------

AGDER_VARIANT = """\
id = "agder"
versjon = "2"
navn = "Registreringsskjema, Agder"
basert_paa = "registreringsskjema"

[endre_tekst]
samtale_av = "Hvem på NAV-kontoret tok samtalen?"

[[sporsmal]]
id = "kommune_tiltak"
niva = 1
tekst = "Gjelder tiltaket en av forsøkskommunene?"
type = "skala"
skala = "jnd"
etter = "samtale_av"

[[sporsmal]]
id = "nettverk"
niva = 1
tekst = "Har bruker nettverk i bransjen hun/han vil over i?"
type = "valg"
valg = { ja = "Ja", nei = "Nei" }
vis_naar = { aktuell = ["ja", "delvis"] }
etter = "informert_inntekt"

[[sporsmal]]
id = "tiltak_kommentar"
niva = 2
tekst = "Kommentar til tiltaket"
type = "tekst"
"""


def _write_variant(kt_home: Path, text: str, name: str = "agder") -> Path:
    folder = kt_home / "maler"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_fylke_variant_loads_and_keeps_every_base_id(kt_home: Path, shipped) -> None:
    _write_variant(kt_home, AGDER_VARIANT)
    variant = template_for_fylke("agder")
    assert variant.id == "agder" and variant.versjon == "2"
    ids = [q.id for q in variant.questions]
    for qid in EXPECTED:
        assert qid in ids
        base, mine = shipped.question(qid), variant.question(qid)
        assert mine.niva == base.niva
        assert mine.valg == base.valg  # keys and labels kept
        assert mine.vis_naar == base.vis_naar
    # the base's order is kept; the extra question sits right after «samtale_av»
    assert [i for i in ids if i in EXPECTED] == list(EXPECTED)
    assert ids[ids.index("samtale_av") + 1] == "kommune_tiltak"
    assert ids[-1] == "tiltak_kommentar"  # no «etter»: at the end
    assert variant.question("samtale_av").tekst == "Hvem på NAV-kontoret tok samtalen?"
    assert variant.question("kommune_tiltak").valg == {"ja": "Ja", "nei": "Nei", "delvis": "Delvis",
                                                       "vet_ikke": "Vet ikke"}
    assert variant.question("samtaledato").ikke_i_fremtiden
    assert variant.question("planlagt_slutt").ikke_for == "planlagt_start"
    assert variant.nivaer == shipped.nivaer
    assert ids[ids.index("informert_inntekt") + 1] == "nettverk"
    assert variant.question("nettverk").vis_naar == {"aktuell": ("ja", "delvis")}
    shown = [q.id for q in shown_questions(variant, 1, {"aktuell": "nei"})]
    assert "nettverk" not in shown and "kommune_tiltak" in shown
    assert "nettverk" in [q.id for q in shown_questions(variant, 1, {"aktuell": "delvis"})]


def test_fylke_variant_keeps_the_base_question_types(kt_home: Path, shipped) -> None:
    _write_variant(kt_home, AGDER_VARIANT)
    variant = template_for_fylke("agder")
    assert {q.id: q.type for q in variant.questions if q.id in EXPECTED} == {q.id: q.type for q in shipped.questions}


def test_other_fylker_get_the_registreringsskjema(kt_home: Path) -> None:
    _write_variant(kt_home, AGDER_VARIANT)
    assert template_for_fylke("nordland").id == "registreringsskjema"
    assert template_for_fylke(None).id == "registreringsskjema"


@pytest.mark.parametrize("extra, fragments", [
    ('[[sporsmal]]\nid = "aktuell"\nniva = 1\ntekst = "Aktuell?"\ntype = "valg"\nvalg = { ja = "Ja" }\n',
     ["«aktuell»", "finnes i registreringsskjema", "kan ikke defineres på nytt"]),
    ('[endre_tekst]\nfinnes_ikke = "Ny tekst"\n', ["[endre_tekst]", "«finnes_ikke»"]),
    ('[[sporsmal]]\nid = "ekstra"\nniva = 1\ntekst = "Ekstra"\ntype = "tekst"\netter = "borte"\n',
     ["«ekstra»", "«etter»", "«borte»"]),
])
def test_bad_variant_is_an_error(kt_home: Path, extra: str, fragments: list[str]) -> None:
    path = _write_variant(kt_home, 'id = "agder"\nversjon = "1"\nbasert_paa = "registreringsskjema"\n\n' + extra)
    template, problems = check_template_file(path)
    assert template is None
    assert any(all(f in p for f in fragments) and p.startswith("agder.toml: ") for p in problems), problems
    with pytest.raises(InputError) as raised:
        template_for_fylke("agder")
    assert "agder.toml" in raised.value.message


def test_variant_based_on_itself_is_an_error(kt_home: Path) -> None:
    path = _write_variant(kt_home, 'id = "agder"\nversjon = "1"\nbasert_paa = "agder"\n')
    template, problems = check_template_file(path)
    assert template is None and "basert_paa" in problems[0]


# ---------- kt mal sjekk ----------

def test_mal_sjekk_accepts_the_shipped_template() -> None:
    path = find_template_file(DEFAULT_TEMPLATE)
    result = run_kt("mal", "sjekk", str(path))
    assert result.code == 0, result.output
    assert "registreringsskjema.toml" in result.stdout and "er gyldig" in result.stdout
    assert "nivå 1: 18" in result.stdout and "nivå 2: 6" in result.stdout and "nivå 3: 4" in result.stdout


def test_mal_sjekk_accepts_a_variant(kt_home: Path) -> None:
    path = _write_variant(kt_home, AGDER_VARIANT)
    result = run_kt("mal", "sjekk", str(path))
    assert result.code == 0, result.output
    assert "nivå 1: 20" in result.stdout and "nivå 2: 7" in result.stdout


def test_mal_sjekk_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "feil.toml"
    path.write_text(HEAD + _q("forste", "vis_naar = { andre = [\"a\"] }") + _q("andre") + _q("andre")
                    + _q("tredje", kind="flervalg"), encoding="utf-8")
    result = run_kt("mal", "sjekk", str(path))
    assert result.code == 1
    assert result.stderr.startswith("Feil:")
    assert "feil.toml har 3 feil" in result.stderr
    assert "feil.toml: spørsmål «forste»: «vis_naar» viser til et senere spørsmål «andre»" in result.stderr
    assert "feil.toml: spørsmål «andre»: id-en er brukt to ganger" in result.stderr
    assert "feil.toml: spørsmål «tredje»: «type» skal være en av" in result.stderr
    assert "Traceback" not in result.output


def test_mal_sjekk_missing_file_exits_1(tmp_path: Path) -> None:
    result = run_kt("mal", "sjekk", str(tmp_path / "finnes_ikke.toml"))
    assert result.code == 1
    assert "finnes_ikke.toml" in result.stderr

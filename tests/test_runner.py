"""Skip logic, answer parsing and the level runner, driven by scripted `ask`/`review` callables."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest

from kompetanse_cli.interview.runner import Move, Prompt, Summary, first_open, run_level
from kompetanse_cli.interview.template import (
    AnswerProblem,
    is_shown,
    load_template_file,
    parse_answer,
    show_value,
    shown_questions,
)

# straight from the package, so a template in a real KT_HOME/maler can never be picked up at import time
TEMPLATE = load_template_file(Path(str(resources.files("kompetanse_cli.templates").joinpath("kartlegging")))
                              / "registreringsskjema.toml")
TODAY = dt.date(2022, 3, 10)
JND = ("ja", "nei", "delvis", "vet_ikke")
HOVEDAARSAKER = tuple(TEMPLATE.question("hovedaarsak_ikke_aktuell").valg)
MISSING = object()  # the controlling question has not been answered at all


def q(qid: str):
    question = TEMPLATE.question(qid)
    assert question is not None
    return question


# ---------- skip logic ----------

def _skip_cases() -> list[tuple[str, str, object, bool]]:
    cases = []
    for target in ("onsker_annen_arbeidsgiver", "trenger_ny_kompetanse"):
        for value in (*JND, None, MISSING):
            cases.append((target, "onsker_annet_arbeid", value, value in ("ja", "delvis")))
    for value in (*JND, None, MISSING):
        cases.append(("hovedaarsak_ikke_aktuell", "aktuell", value, value == "nei"))
        cases.append(("informert_inntekt", "aktuell", value, value in ("ja", "delvis")))
    for value in (*HOVEDAARSAKER, None, MISSING):
        cases.append(("hovedaarsak_annet", "hovedaarsak_ikke_aktuell", value, value == "annet"))
    return cases


SKIP_CASES = _skip_cases()


def _case_id(case: tuple[str, str, object, bool]) -> str:
    target, _, value, _ = case
    shown = "missing" if value is MISSING else value
    return f"{target}-{shown}"


@pytest.mark.parametrize("target, controller, value, expected", SKIP_CASES, ids=[_case_id(c) for c in SKIP_CASES])
def test_is_shown(target: str, controller: str, value: object, expected: bool) -> None:
    answers: dict[str, str | None] = {} if value is MISSING else {controller: value}
    assert is_shown(q(target), answers) is expected


@pytest.mark.parametrize("target, controller, value, expected", SKIP_CASES, ids=[_case_id(c) for c in SKIP_CASES])
def test_shown_questions(target: str, controller: str, value: object, expected: bool) -> None:
    answers: dict[str, str | None] = {} if value is MISSING else {controller: value}
    if controller == "hovedaarsak_ikke_aktuell":
        answers["aktuell"] = "nei"  # the controller itself is shown
    ids = [x.id for x in shown_questions(TEMPLATE, 1, answers)]
    assert (target in ids) is expected
    assert controller in ids


def test_unconditional_questions_are_always_shown() -> None:
    conditional = {"onsker_annen_arbeidsgiver", "trenger_ny_kompetanse", "hovedaarsak_ikke_aktuell",
                   "hovedaarsak_annet", "informert_inntekt"}
    assert {x.id for x in TEMPLATE.questions if x.vis_naar} == conditional
    empty = [x.id for x in shown_questions(TEMPLATE, 1, {})]
    assert empty == [x.id for x in TEMPLATE.level(1) if x.id not in conditional]
    assert [x.id for x in shown_questions(TEMPLATE, 2, {})] == [x.id for x in TEMPLATE.level(2)]
    assert [x.id for x in shown_questions(TEMPLATE, 3, {})] == [x.id for x in TEMPLATE.level(3)]


@pytest.mark.parametrize("answers, expected_conditional", [
    ({"onsker_annet_arbeid": "ja", "aktuell": "ja"},
     ["onsker_annen_arbeidsgiver", "trenger_ny_kompetanse", "informert_inntekt"]),
    ({"onsker_annet_arbeid": "nei", "aktuell": "nei", "hovedaarsak_ikke_aktuell": "annet"},
     ["hovedaarsak_ikke_aktuell", "hovedaarsak_annet"]),
    ({"onsker_annet_arbeid": "delvis", "aktuell": "delvis"},
     ["onsker_annen_arbeidsgiver", "trenger_ny_kompetanse", "informert_inntekt"]),
    ({"onsker_annet_arbeid": "vet_ikke", "aktuell": "vet_ikke"}, []),
    ({"onsker_annet_arbeid": None, "aktuell": None}, []),
])
def test_shown_questions_for_combinations(answers, expected_conditional) -> None:
    ids = [x.id for x in shown_questions(TEMPLATE, 1, answers)]
    assert [i for i in ids if q(i).vis_naar] == expected_conditional


# ---------- parse_answer ----------

@pytest.mark.parametrize("qid, text, expected", [
    ("samtaleform", "1", "telefon"),
    ("samtaleform", "3", "oppmote"),
    ("samtaleform", "video", "video"),
    ("samtaleform", "VIDEO", "video"),
    ("samtaleform", "  telefon ", "telefon"),
    ("samtaleform", "Fysisk oppmøte", "oppmote"),
    ("samtaleform", "fysisk OPPMØTE", "oppmote"),
    ("aktuell", "Vet ikke", "vet_ikke"),
    ("aktuell", "vet_ikke", "vet_ikke"),
    ("aktuell", "4", "vet_ikke"),
    ("aktuell", "Delvis", "delvis"),
    ("identifisert_av", "Fra NAV-veileder/prosjektgruppa", "nav_veileder"),
    ("hovedaarsak_ikke_aktuell", "14", "annet"),
    ("hovedaarsak_ikke_aktuell", "annet (SPESIFISER)", "annet"),
    ("karriereveiledning", "Ja, fra karrieresenteret", "karrieresenteret"),
    ("informert_inntekt", "2", "nei"),
    ("gjennomfort", "pågår fortsatt", "pagaar"),
    ("notat", "  Vil ta truckførerbevis. ", "Vil ta truckførerbevis."),
])
def test_parse_answer_accepts_number_key_and_label(qid: str, text: str, expected: str) -> None:
    assert parse_answer(q(qid), text, {}, today=TODAY) == expected


@pytest.mark.parametrize("qid, text", [
    ("samtaleform", "0"),
    ("samtaleform", "4"),
    ("samtaleform", "tlf"),
    ("samtaleform", "telefon video"),
    ("aktuell", "kanskje"),
    ("aktuell", "-1"),
    ("informert_inntekt", "delvis"),
])
def test_parse_answer_rejects_unknown_choice_naming_allowed_keys(qid: str, text: str) -> None:
    with pytest.raises(AnswerProblem) as raised:
        parse_answer(q(qid), text, {}, today=TODAY)
    message = str(raised.value)
    for number, key in enumerate(q(qid).valg, start=1):
        assert f"{number} {key}" in message


@pytest.mark.parametrize("qid", ["samtaleform", "notat", "samtaledato"])
def test_parse_answer_rejects_empty(qid: str) -> None:
    with pytest.raises(AnswerProblem, match="tomt"):
        parse_answer(q(qid), "   ", {}, today=TODAY)


@pytest.mark.parametrize("text, expected", [
    ("07.03.2022", "2022-03-07"),
    ("7.3.2022", "2022-03-07"),
    ("7.3.22", "2022-03-07"),
    ("07.03.22", "2022-03-07"),
    ("10.03.2022", "2022-03-10"),  # today itself is not in the future
    ("31.12.2021", "2021-12-31"),
])
def test_parse_date_answers(text: str, expected: str) -> None:
    assert parse_answer(q("samtaledato"), text, {}, today=TODAY) == expected


@pytest.mark.parametrize("text", ["mars 2022", "2022/03/07", "07.03", "i forgårs"])  # «i går» is a date (issue 17.10)
def test_parse_date_rejects_malformed(text: str) -> None:
    with pytest.raises(AnswerProblem, match="dd.mm.åååå"):
        parse_answer(q("samtaledato"), text, {}, today=TODAY)


def test_parse_date_says_when_a_date_does_not_exist() -> None:
    with pytest.raises(AnswerProblem, match="Datoen finnes ikke"):
        parse_answer(q("samtaledato"), "31.02.2022", {}, today=TODAY)


@pytest.mark.parametrize("text", ["11.03.2022", "01.01.2023"])
def test_samtaledato_in_the_future_rejected(text: str) -> None:
    with pytest.raises(AnswerProblem, match="frem i tid"):
        parse_answer(q("samtaledato"), text, {}, today=TODAY)


def test_other_dates_may_be_in_the_future() -> None:
    assert parse_answer(q("vedtaksdato"), "01.05.2022", {}, today=TODAY) == "2022-05-01"
    assert parse_answer(q("planlagt_start"), "01.09.2022", {}, today=TODAY) == "2022-09-01"


def test_planlagt_slutt_before_planlagt_start_rejected() -> None:
    answers = {"planlagt_start": "2022-04-01"}
    with pytest.raises(AnswerProblem) as raised:
        parse_answer(q("planlagt_slutt"), "31.03.2022", answers, today=TODAY)
    # in words, never the question's id
    assert str(raised.value) == "Planlagt slutt kan ikke være før planlagt oppstart 01.04.2022."
    assert parse_answer(q("planlagt_slutt"), "01.04.2022", answers, today=TODAY) == "2022-04-01"
    assert parse_answer(q("planlagt_slutt"), "30.06.2022", answers, today=TODAY) == "2022-06-30"
    # without a start date (skipped or not given) there is nothing to compare with
    assert parse_answer(q("planlagt_slutt"), "31.03.2022", {"planlagt_start": None}, today=TODAY) == "2022-03-31"
    assert parse_answer(q("planlagt_slutt"), "31.03.2022", {}, today=TODAY) == "2022-03-31"


@pytest.mark.parametrize("qid, value, shown", [
    ("samtaleform", "oppmote", "Fysisk oppmøte"),
    ("aktuell", "vet_ikke", "Vet ikke"),
    ("aktuell", None, "Ubesvart"),
    ("samtaledato", "2022-03-07", "07.03.2022"),
    ("notat", "Fritekst", "Fritekst"),
])
def test_show_value(qid: str, value: str | None, shown: str) -> None:
    assert show_value(q(qid), value) == shown


# ---------- run_level with scripted input ----------

class Script:
    """A fake `ask`: each step names the question expected and the reply to give."""

    def __init__(self, steps: list[tuple[str, str | Move]]) -> None:
        self.steps = list(steps)
        self.prompts: list[Prompt] = []

    def __call__(self, prompt: Prompt) -> str | Move:
        self.prompts.append(prompt)
        assert self.steps, f"unexpected question {prompt.question.id}"
        qid, reply = self.steps.pop(0)
        assert prompt.question.id == qid, f"asked {prompt.question.id}, script expected {qid}"
        return reply

    @property
    def asked(self) -> list[str]:
        return [p.question.id for p in self.prompts]


class Reviews:
    """A fake `review`: returns the scripted choices in turn, recording each summary."""

    def __init__(self, *choices: int | None) -> None:
        self.choices = list(choices)
        self.summaries: list[Summary] = []

    def __call__(self, summary: Summary) -> int | None:
        self.summaries.append(summary)
        assert self.choices, "unexpected summary"
        return self.choices.pop(0)


class Store:
    """Records save/remove calls, as the database would see them."""

    def __init__(self) -> None:
        self.saved: list[tuple[str, str | None]] = []
        self.removed: list[str] = []

    def save(self, qid: str, value: str | None) -> None:
        self.saved.append((qid, value))

    def remove(self, qid: str) -> None:
        self.removed.append(qid)


FULL_LEVEL_1 = [
    ("samtaledato", "07.03.2022"),
    ("samtaleform", "2"),
    ("identifisert_av", "nav_veileder"),
    ("samtale_av", "Prosjektgruppa"),
    ("utdanning", "fagbrev"),
    ("helse_naavaerende_jobb", "ja"),
    ("ag_tilrettelagt", "delvis"),
    ("ag_gjenvaerende_muligheter", "Nei"),
    ("manglende_kompetanse", "vet ikke"),
    ("onsker_annet_arbeid", "ja"),
    ("onsker_annen_arbeidsgiver", "ja"),
    ("trenger_ny_kompetanse", "1"),
    ("aktuell", "ja"),
    ("karriereveiledning", "nei"),
    ("informert_inntekt", "ja"),
    ("notat", "Ønsker kurs i truckkjøring."),
]
FULL_LEVEL_1_STORED = {
    "samtaledato": "2022-03-07", "samtaleform": "video", "identifisert_av": "nav_veileder",
    "samtale_av": "prosjektgruppa", "utdanning": "fagbrev", "helse_naavaerende_jobb": "ja",
    "ag_tilrettelagt": "delvis", "ag_gjenvaerende_muligheter": "nei", "manglende_kompetanse": "vet_ikke",
    "onsker_annet_arbeid": "ja", "onsker_annen_arbeidsgiver": "ja", "trenger_ny_kompetanse": "ja",
    "aktuell": "ja", "karriereveiledning": "nei", "informert_inntekt": "ja",
    "notat": "Ønsker kurs i truckkjøring.",
}


def run(answers, ask, review, store, **kwargs):
    return run_level(TEMPLATE, kwargs.pop("niva", 1), answers, ask=ask, review=review, save=store.save,
                     remove=store.remove, today=TODAY, **kwargs)


def test_full_level_1_pass() -> None:
    answers: dict[str, str | None] = {}
    ask, review, store = Script(FULL_LEVEL_1), Reviews(None), Store()
    result = run(answers, ask, review, store)
    assert result.complete and result.answered == 16
    assert store.saved == list(FULL_LEVEL_1_STORED.items())  # each answer saved the moment it was given
    assert answers == FULL_LEVEL_1_STORED
    assert store.removed == []
    assert ask.asked == [qid for qid, _ in FULL_LEVEL_1]
    assert [(p.number, p.total) for p in ask.prompts][:2] == [(1, 13), (2, 13)]  # before the conditions open up
    assert all(not p.answered and p.current is None and p.error is None for p in ask.prompts)
    summary = review.summaries[0]
    assert [x.id for x in summary.questions] == list(FULL_LEVEL_1_STORED)
    assert summary.answers == FULL_LEVEL_1_STORED


def test_level_1_with_aktuell_nei_asks_the_reason() -> None:
    steps = [s for s in FULL_LEVEL_1 if s[0] not in ("onsker_annen_arbeidsgiver", "trenger_ny_kompetanse",
                                                      "informert_inntekt")]
    steps = [(qid, {"onsker_annet_arbeid": "nei", "aktuell": "Nei"}.get(qid, reply)) for qid, reply in steps]
    at = [qid for qid, _ in steps].index("aktuell") + 1
    steps[at:at] = [("hovedaarsak_ikke_aktuell", "annet"), ("hovedaarsak_annet", "Skal flytte")]
    answers: dict[str, str | None] = {}
    ask, store = Script(steps), Store()
    assert run(answers, ask, Reviews(None), store).complete
    assert answers["hovedaarsak_ikke_aktuell"] == "annet" and answers["hovedaarsak_annet"] == "Skal flytte"
    assert "informert_inntekt" not in answers and "onsker_annen_arbeidsgiver" not in answers


def test_back_reasks_the_previous_question() -> None:
    steps = [
        ("samtaledato", "07.03.2022"),
        ("samtaleform", Move.BACK),
        ("samtaledato", "08.03.2022"),  # changed on the way back
        ("samtaleform", "telefon"),
        ("identifisert_av", Move.BACK),
        ("samtaleform", Move.KEEP),  # Enter keeps the stored answer
        ("identifisert_av", "sykmelder"),
        ("samtale_av", Move.QUIT),
    ]
    answers: dict[str, str | None] = {}
    ask, store = Script(steps), Store()
    result = run(answers, ask, Reviews(), store)
    assert not result.complete
    back_to_date = ask.prompts[2]
    assert back_to_date.question.id == "samtaledato" and back_to_date.number == 1
    assert back_to_date.answered and back_to_date.current == "2022-03-07"
    assert ask.prompts[5].current == "telefon" and ask.prompts[5].answered
    assert store.saved == [("samtaledato", "2022-03-07"), ("samtaledato", "2022-03-08"),
                           ("samtaleform", "telefon"), ("identifisert_av", "sykmelder")]
    assert answers == {"samtaledato": "2022-03-08", "samtaleform": "telefon", "identifisert_av": "sykmelder"}


def test_back_on_the_first_question_stays_there() -> None:
    ask, store = Script([("samtaledato", Move.BACK), ("samtaledato", Move.QUIT)]), Store()
    assert not run({}, ask, Reviews(), store).complete
    assert store.saved == []


def test_keep_without_an_answer_is_asked_again() -> None:
    ask = Script([("samtaledato", Move.KEEP), ("samtaledato", Move.QUIT)])
    run({}, ask, Reviews(), Store())
    assert ask.prompts[1].error and "tomt" in ask.prompts[1].error


def test_skip_stores_none() -> None:
    steps = [("samtaledato", "07.03.2022"), ("samtaleform", Move.SKIP), ("identifisert_av", Move.SKIP),
             ("samtale_av", Move.QUIT)]
    answers: dict[str, str | None] = {}
    store = Store()
    run(answers, Script(steps), Reviews(), store)
    assert store.saved == [("samtaledato", "2022-03-07"), ("samtaleform", None), ("identifisert_av", None)]
    assert answers == {"samtaledato": "2022-03-07", "samtaleform": None, "identifisert_av": None}
    assert first_open(TEMPLATE, 1, answers) == 3  # skipped counts as done: resumes at samtale_av


def test_skipping_a_condition_hides_its_followers() -> None:
    steps = [(qid, Move.SKIP if qid in ("onsker_annet_arbeid", "aktuell") else reply) for qid, reply in FULL_LEVEL_1
             if qid not in ("onsker_annen_arbeidsgiver", "trenger_ny_kompetanse", "informert_inntekt")]
    answers: dict[str, str | None] = {}
    store = Store()
    assert run(answers, Script(steps), Reviews(None), store).complete
    assert answers["aktuell"] is None and answers["onsker_annet_arbeid"] is None
    assert len(answers) == 13


def test_quit_returns_incomplete_with_answers_saved() -> None:
    steps = FULL_LEVEL_1[:4] + [("utdanning", Move.QUIT)]
    answers: dict[str, str | None] = {}
    store = Store()
    reviews = Reviews()
    result = run(answers, Script(steps), reviews, store)
    assert not result.complete and result.answered == 4
    assert [qid for qid, _ in store.saved] == ["samtaledato", "samtaleform", "identifisert_av", "samtale_av"]
    assert answers == {k: FULL_LEVEL_1_STORED[k] for k in ("samtaledato", "samtaleform", "identifisert_av",
                                                            "samtale_av")}
    assert reviews.summaries == []


def test_resume_starts_at_the_first_unanswered() -> None:
    done = dict(list(FULL_LEVEL_1_STORED.items())[:5])
    done["samtale_av"] = None  # skipped earlier: not asked again
    answers = dict(done)
    remaining = FULL_LEVEL_1[5:]
    ask, store = Script(remaining), Store()
    assert first_open(TEMPLATE, 1, answers) == 5
    result = run(answers, ask, Reviews(None), store)
    assert result.complete
    assert ask.asked[0] == "helse_naavaerende_jobb"
    assert ask.prompts[0].number == 6
    assert "samtale_av" not in ask.asked
    assert [qid for qid, _ in store.saved] == [qid for qid, _ in remaining]


def test_resume_after_a_condition_opened_up() -> None:
    answers = {k: v for k, v in FULL_LEVEL_1_STORED.items()
               if k not in ("onsker_annen_arbeidsgiver", "trenger_ny_kompetanse", "informert_inntekt")}
    ask = Script([("onsker_annen_arbeidsgiver", "nei"), ("trenger_ny_kompetanse", "nei"),
                  # after a gap the walk goes on in order: stored answers are shown and kept with Enter
                  ("aktuell", Move.KEEP), ("karriereveiledning", Move.KEEP),
                  ("informert_inntekt", "nei"), ("notat", Move.KEEP)])
    store = Store()
    assert run(answers, ask, Reviews(None), store).complete
    assert ask.prompts[2].current == "ja" and ask.prompts[2].answered
    assert store.saved == [("onsker_annen_arbeidsgiver", "nei"), ("trenger_ny_kompetanse", "nei"),
                           ("informert_inntekt", "nei")]


def test_complete_level_opened_at_the_summary() -> None:
    answers = dict(FULL_LEVEL_1_STORED)
    reviews = Reviews(None)
    store = Store()
    result = run(answers, Script([]), reviews, store, start=len(shown_questions(TEMPLATE, 1, answers)))
    assert result.complete and store.saved == [] and len(reviews.summaries) == 1


def test_change_aktuell_in_summary_asks_new_question_and_drops_hidden_answer() -> None:
    answers = dict(FULL_LEVEL_1_STORED)
    numbers = [x.id for x in shown_questions(TEMPLATE, 1, answers)]
    aktuell_number = numbers.index("aktuell") + 1
    ask = Script([("aktuell", "nei"), ("hovedaarsak_ikke_aktuell", "helsebehandling")])
    reviews = Reviews(aktuell_number, None)
    store = Store()
    result = run(answers, ask, reviews, store)
    assert result.complete
    assert ask.prompts[0].current == "ja" and ask.prompts[0].answered
    assert ask.asked == ["aktuell", "hovedaarsak_ikke_aktuell"]
    assert store.saved == [("aktuell", "nei"), ("hovedaarsak_ikke_aktuell", "helsebehandling")]
    assert store.removed == ["informert_inntekt"]
    assert len(reviews.summaries) == 2  # back to the summary after the newly shown question
    final = reviews.summaries[1]
    ids = [x.id for x in final.questions]
    assert "informert_inntekt" not in ids and "informert_inntekt" not in final.answers
    assert ids[ids.index("aktuell") + 1] == "hovedaarsak_ikke_aktuell"
    assert final.answers["aktuell"] == "nei"
    assert "informert_inntekt" not in answers and answers["hovedaarsak_ikke_aktuell"] == "helsebehandling"


def test_change_in_summary_without_new_questions_returns_to_summary() -> None:
    answers = dict(FULL_LEVEL_1_STORED)
    ask = Script([("samtaleform", "oppmote")])
    reviews = Reviews(2, None)
    store = Store()
    assert run(answers, ask, reviews, store).complete
    assert store.saved == [("samtaleform", "oppmote")] and store.removed == []
    assert reviews.summaries[1].answers["samtaleform"] == "oppmote"


def test_quit_while_changing_in_summary_is_incomplete() -> None:
    answers = dict(FULL_LEVEL_1_STORED)
    result = run(answers, Script([("samtaleform", Move.QUIT)]), Reviews(2), Store())
    assert not result.complete
    assert answers == FULL_LEVEL_1_STORED


def test_change_onsker_annet_arbeid_to_nei_drops_both_followers() -> None:
    answers = dict(FULL_LEVEL_1_STORED)
    number = [x.id for x in shown_questions(TEMPLATE, 1, answers)].index("onsker_annet_arbeid") + 1
    store = Store()
    assert run(answers, Script([("onsker_annet_arbeid", "nei")]), Reviews(number, None), store).complete
    assert sorted(store.removed) == ["onsker_annen_arbeidsgiver", "trenger_ny_kompetanse"]


def test_change_aktuell_back_to_ja_drops_the_whole_chain() -> None:
    answers = dict(FULL_LEVEL_1_STORED)
    del answers["informert_inntekt"]
    answers.update(aktuell="nei", hovedaarsak_ikke_aktuell="annet", hovedaarsak_annet="Skal flytte")
    number = [x.id for x in shown_questions(TEMPLATE, 1, answers)].index("aktuell") + 1
    store = Store()
    ask = Script([("aktuell", "ja"), ("informert_inntekt", "ja")])
    assert run(answers, ask, Reviews(number, None), store).complete
    assert sorted(store.removed) == ["hovedaarsak_annet", "hovedaarsak_ikke_aktuell"]
    assert "hovedaarsak_annet" not in answers


def test_invalid_answer_is_asked_again_with_error() -> None:
    steps = [("samtaledato", "32.03.2022"), ("samtaledato", "11.03.2022"), ("samtaledato", "07.03.2022"),
             ("samtaleform", "tlf"), ("samtaleform", "telefon"), ("identifisert_av", Move.QUIT)]
    ask, store = Script(steps), Store()
    run({}, ask, Reviews(), store)
    errors = [p.error for p in ask.prompts]
    assert errors[0] is None
    assert "Datoen finnes ikke" in errors[1]  # 32.03 has the right form but is no date
    assert "frem i tid" in errors[2]
    assert errors[3] is None
    assert all(k in errors[4] for k in ("telefon", "video", "oppmote"))
    assert errors[5] is None
    assert store.saved == [("samtaledato", "2022-03-07"), ("samtaleform", "telefon")]  # nothing invalid saved


def test_level_2_end_before_start_is_asked_again() -> None:
    steps = [("tiltakstype", "AMO"), ("kurs", "Førerkort klasse C"), ("tilbyder", "Testskolen AS"),
             ("vedtaksdato", "14.03.2022"), ("planlagt_start", "01.04.2022"), ("planlagt_slutt", "31.03.2022"),
             ("planlagt_slutt", "30.06.2022")]
    answers: dict[str, str | None] = {}
    ask, store = Script(steps), Store()
    assert run(answers, ask, Reviews(None), store, niva=2).complete
    assert "01.04.2022" in ask.prompts[6].error
    assert answers == {"tiltakstype": "amo", "kurs": "Førerkort klasse C", "tilbyder": "Testskolen AS",
                       "vedtaksdato": "2022-03-14", "planlagt_start": "2022-04-01", "planlagt_slutt": "2022-06-30"}

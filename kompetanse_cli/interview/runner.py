"""Running one level of an interview: skip logic, back, skip, summary and change.

The runner never reads input or prints: it asks through a callable (`ask`) and stores each
answer through another (`save`) the moment it is given, so an interrupted interview loses
nothing and resumes at the first unanswered question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from kompetanse_cli.interview.template import (
    AnswerProblem,
    Question,
    Template,
    hidden_answers,
    parse_answer,
    shown_questions,
)


class Move(Enum):
    """What the veileder can do instead of answering."""

    BACK = "tilbake"
    SKIP = "hopp over"
    KEEP = "behold"
    QUIT = "avslutt"


@dataclass
class Prompt:
    """One question as the terminal shows it."""

    question: Question
    number: int  # 1-based position among the questions shown
    total: int
    current: str | None  # the stored value, when the question was answered before
    answered: bool
    error: str | None = None


@dataclass
class Summary:
    """The end of a level: every shown question with its answer, and what it means."""

    questions: list[Question]
    answers: dict[str, str | None]


Ask = Callable[[Prompt], "str | Move"]
Review = Callable[[Summary], "int | None"]  # a question number to change, or None when done
Save = Callable[[str, "str | None"], None]
Remove = Callable[[str], None]


@dataclass
class RunResult:
    complete: bool
    answered: int


def first_open(template: Template, niva: int, answers: dict[str, str | None]) -> int:
    """Index (among shown questions) of the first question not yet answered or skipped."""
    shown = shown_questions(template, niva, answers)
    for index, question in enumerate(shown):
        if question.id not in answers:
            return index
    return len(shown)


def run_level(template: Template, niva: int, answers: dict[str, str | None], *, ask: Ask, review: Review,
              save: Save, remove: Remove, start: int | None = None, today: dt.date | None = None,
              known: Mapping[str, str | None] | None = None) -> RunResult:
    """Ask the level's shown questions from `start` (default: the first open one), then review.

    `answers` is updated in place as answers are saved. Returns whether the level was completed
    (the veileder went through the summary) or left (Move.QUIT). `known`: what dates are checked
    against besides this level's answers (see `parse_answer`).
    """
    index = first_open(template, niva, answers) if start is None else start
    reviewing = False  # after the summary has been reached, each answer leads back to it
    while True:
        shown = shown_questions(template, niva, answers)
        if index >= len(shown):
            reviewing = True
            _drop_hidden(template, niva, answers, remove)
            choice = review(Summary(shown_questions(template, niva, answers), dict(answers)))
            if choice is None:
                return RunResult(True, len(answers))
            index = max(0, min(choice - 1, len(shown) - 1))
            if not _ask_one(shown[index], index, len(shown), answers, ask, save, today, known):
                return RunResult(False, len(answers))
            index = first_open(template, niva, answers)  # newly shown questions first, then the summary
            continue
        outcome = _ask_until_valid(shown[index], index, len(shown), answers, ask, today, known)
        if outcome is Move.QUIT:
            return RunResult(False, len(answers))
        if outcome is Move.BACK:
            index = max(index - 1, 0)
            continue
        if outcome is Move.KEEP:
            index += 1
            continue
        value = None if outcome is Move.SKIP else outcome
        save(shown[index].id, value)
        answers[shown[index].id] = value
        index = (first_open(template, niva, answers) if reviewing
                 else _position_after(template, niva, answers, shown[index].id))


def _ask_one(question: Question, index: int, total: int, answers: dict[str, str | None], ask: Ask,
             save: Save, today: dt.date | None, known: Mapping[str, str | None] | None) -> bool:
    outcome = _ask_until_valid(question, index, total, answers, ask, today, known)
    if outcome is Move.QUIT:
        return False
    if outcome in (Move.BACK, Move.KEEP):
        return True
    value = None if outcome is Move.SKIP else outcome
    save(question.id, value)
    answers[question.id] = value
    return True


def _ask_until_valid(question: Question, index: int, total: int, answers: dict[str, str | None], ask: Ask,
                     today: dt.date | None, known: Mapping[str, str | None] | None = None) -> str | Move:
    error = None
    while True:
        reply = ask(Prompt(question, index + 1, total, answers.get(question.id), question.id in answers, error))
        if isinstance(reply, Move):
            if reply is Move.KEEP and question.id not in answers:
                error = "Svaret er tomt. Skriv et svar, eller «-» for å hoppe over."
                continue
            return reply
        try:
            return parse_answer(question, reply, answers, today=today, known=known)
        except AnswerProblem as problem:
            error = str(problem)


def _position_after(template: Template, niva: int, answers: dict[str, str | None], qid: str) -> int:
    """Where to go after answering `qid`: the next shown question (the shown list may have changed)."""
    shown = [q.id for q in shown_questions(template, niva, answers)]
    return shown.index(qid) + 1 if qid in shown else len(shown)


def _drop_hidden(template: Template, niva: int, answers: dict[str, str | None], remove: Remove) -> None:
    """Answers to questions whose condition no longer holds are removed (history keeps them)."""
    for qid in hidden_answers(template, niva, answers):
        remove(qid)
        del answers[qid]

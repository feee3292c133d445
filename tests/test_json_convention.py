"""Issue 17.9: every `--json` command follows one convention for its keys, documented in one
section of the README («JSON for skript»), and the test checks each command against it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, run_kt
from tests.test_kartlegg_cli import LEVEL1_JA, answer_file, kartlegg

README = Path(__file__).parent.parent / "README.md"
LISTER = SAMPLES / "uke10_lister.xlsx"
# The English words kt uses in JSON keys. A new key must use these or the README's Norwegian
# faguttrykk: a reviewer sees either this list or the README grow.
ENGLISH = set("""
already imported listed candidates columns earlier differs file note header row ignored known before list date
source manual not persons rejected replaced rows read sheet column reason reasons decision chapter id name weeks
on leave appearances criteria criterion status rule version action details person time funnel measures metadata
questions screening created data template threshold offices period from to text share of stages total counts
level shares suppressed adds up labels n shown when title past type duration start decisions sources rules with deleted outcomes trend per error cells used by hand remembered unrecognised duplicates again
""".split())
SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## JSON for skript")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def _glossary() -> set[str]:
    sentence = re.search(r"Norske faguttrykk i nøkler:(.*?)\. ", _section(), re.S)
    assert sentence, "the README names the Norwegian words used in keys"
    return set(re.findall(r"`([a-z_]+)`", sentence.group(1)))


def _documented() -> dict[tuple[str, ...], tuple[set[str], dict[str, bool]]]:
    """command words → (every key named in its subsection, maps: key → whether its values are objects)."""
    found = {}
    for part in _section().split("\n### ")[1:]:
        header, body = part.split("\n", 1)
        command = tuple(w for w in re.search(r"`kt (.*?) --json`", header).group(1).split() if w.islower())
        keys = set(re.findall(r"`([a-z0-9_]+)`", body))
        maps = {m.group(1): "→ objekt" in m.group(2)
                for m in re.finditer(r"`([a-z0-9_]+)` \(kart: ([^)]*)\)", body.replace("\n", " "))}
        found[command] = (keys, maps)
    return found


def _json_commands() -> set[tuple[str, ...]]:
    """Every kt command that has a --json option, found in the command tree."""
    from typer.main import get_command

    from kompetanse_cli.cli.app import app

    found = set()

    def walk(command, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, (*path, name))
        if any("--json" in getattr(p, "opts", []) for p in command.params):
            found.add(path)

    walk(get_command(app), ())
    return found


def _keys(value: object, maps: dict[str, bool], out: set[str]) -> set[str]:
    """The keys in a JSON value, except the data keys of maps (whose object values are walked)."""
    if isinstance(value, list):
        for item in value:
            _keys(item, maps, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            if key in maps:
                if maps[key]:
                    for inner in (item or {}).values():
                        _keys(inner, maps, out)
                continue
            _keys(item, maps, out)
    return out


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, ...], list[str]]:
    """A database with a screened list and one kartlegging; the arguments that make each command
    print every key it has."""
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    screened = run_kt("screen", str(LISTER), "--fylke", "agder", "--kontor", "NAV Lister", "--json")
    assert screened.code == 0, screened.output
    person = json.loads(screened.stdout)["persons"][0]["id"]
    assert kartlegg(person, answer_file(tmp_path, LEVEL1_JA)).code == 0
    return {("screen",): [str(LISTER), "--fylke", "agder", "--kontor", "NAV Lister"], ("forklar",): [person],
            ("liste",): [], ("logg",): [], ("regler", "vis"): ["--fylke", "agder"], ("rapport",): ["--fylke", "agder"],
            ("oppgaver",): [], ("person", "finn"): ["--navn", "an"]}


def test_every_json_command_is_documented_in_one_section() -> None:
    assert set(_documented()) == _json_commands()


def test_the_documented_keys_follow_the_convention() -> None:
    for command, (keys, _) in _documented().items():
        for key in keys:
            assert SNAKE.fullmatch(key), (command, key)


def test_every_json_command_prints_the_documented_keys_in_the_convention(database) -> None:
    glossary, documented = _glossary(), _documented()
    assert set(database) == _json_commands(), "a new --json command: give it arguments here and document it"
    for command, args in database.items():
        result = run_kt(*command, *args, "--json")
        assert result.code == 0, (command, result.output)
        keys, maps = documented[command]
        printed = _keys(json.loads(result.stdout), maps, set())
        assert printed, command
        assert printed <= keys, (command, sorted(printed - keys))  # every key is documented
        for key in printed:
            assert SNAKE.fullmatch(key), (command, key)
            words = set(key.split("_"))
            assert words <= ENGLISH | glossary, (command, key, sorted(words - ENGLISH - glossary))


@pytest.mark.parametrize("key", ["rows_read", "imported", "rejected", "persons", "id", "sheet", "row", "decision",
                                 "reasons"])
def test_the_screen_keys_fixed_earlier_are_kept(key: str) -> None:
    assert key in _documented()[("screen",)][0]


@pytest.mark.parametrize("key", ["oppgaver", "oppgave", "frist", "kontor", "siden"])
def test_the_words_of_kt_oppgaver_fit_the_convention(key: str) -> None:
    assert set(key.split("_")) <= ENGLISH | _glossary()

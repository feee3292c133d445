"""Line editing at kt's prompts, with prompt_toolkit: the arrow keys, Home/End, Ctrl-A/E, the
earlier answers of this interview with Up/Down, a note over several lines (Alt+Enter for a new
line, Ctrl-X Ctrl-E to write it in $EDITOR).

Only at a terminal: without one (a script, a test feeding input) a plain line is read.
"""

from __future__ import annotations

import sys
from typing import Any

from kompetanse_cli.cli.common import console

NOTE_HINT = "Alt+Enter = ny linje · Ctrl-X Ctrl-E = skriv i $EDITOR"


class LineReader:
    """Reads answers for one interview; what was typed earlier in it is the history (Up/Down)."""

    def __init__(self) -> None:
        self._session: Any = None  # made at the first question: prompt_toolkit is imported only at a terminal

    @staticmethod
    def available() -> bool:
        return sys.stdin.isatty() and sys.stdout.isatty()

    def ask(self, message: str, *, multiline: bool = False, remember: bool = True) -> str:
        """One answer; with `multiline`, Enter still answers and Alt+Enter starts a new line."""
        if not self.available():
            return console.input(message)
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory

        if not remember:  # a yes/no or a number in the summary is not an answer worth recalling
            return PromptSession(mouse_support=False).prompt(message)
        if self._session is None:
            self._session = PromptSession(history=InMemoryHistory(), enable_open_in_editor=True,
                                          key_bindings=_bindings(), mouse_support=False)
        return self._session.prompt(message, multiline=multiline,
                                    prompt_continuation=lambda width, line, wrap: " " * width)


def _bindings() -> Any:
    from prompt_toolkit.filters import is_multiline
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter", filter=is_multiline)
    def _answer(event: Any) -> None:
        event.current_buffer.validate_and_handle()  # Enter answers, also in a note

    @bindings.add("escape", "enter", filter=is_multiline)
    def _new_line(event: Any) -> None:
        event.current_buffer.insert_text("\n")

    return bindings

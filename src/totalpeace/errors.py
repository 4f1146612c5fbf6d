"""Errors that reach the user. Bad input becomes a `InputError`, which the CLI prints as one message and exit 2."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class InputError(Exception):
    """Bad user input: names the file (or flag), the field path and what is wrong."""

    def __init__(self, problems: list[str] | str, *, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = f"{self.source}: " if self.source else ""
        if len(self.problems) == 1:
            return head + self.problems[0]
        lines = [f"{head}{len(self.problems)} problems"] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class InputWarning(UserWarning):
    """Input that loads and runs but probably does not mean what the user wanted (a setting with no effect); the CLI
    prints it as one `warning:` line."""


def format_path(loc: tuple[object, ...] | list[object]) -> str:
    """Dotted path as a user would type it in `--set` (list items as [i]); pydantic's "[key]" marker for a bad key
    is left out, since the path already ends at that key."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def validation_message(error: Mapping[str, Any]) -> str:
    """A pydantic error's message without the "Value error, " that pydantic puts before a check of the project's
    own, whose text already says what is wrong."""
    return str(error["msg"]).removeprefix("Value error, ")

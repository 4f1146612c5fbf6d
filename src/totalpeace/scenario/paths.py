"""Dotted field paths into a scenario: `--set` parsing, typing values by the schema, and "did you mean" hints."""

from __future__ import annotations

import difflib
import tomllib
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel

from totalpeace.errors import InputError

Path = list[str | int]


def split_path(text: str) -> Path:
    """`policy.ceasefires.0.months` -> ["policy", "ceasefires", "0", "months"]; digits become list indices only
    where the schema has a list (`annotation_at`), so territory ids such as "05" stay keys."""
    parts: Path = []
    for raw in text.split("."):
        part = raw.strip()
        if not part:
            raise ValueError(f"empty component in path {text!r}")
        parts.append(part)
    return parts


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that matters for walking."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def annotation_at(root: type[BaseModel], path: Path) -> tuple[Any, Path]:
    """The annotation reached by `path`, and the valid prefix; stops early at an unknown key."""
    current: Any = root
    walked: Path = []
    for part in path:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None, walked
            current = current.model_fields[part].annotation
        elif origin is dict:
            current = typing.get_args(current)[1]
        elif origin is list:
            if isinstance(part, str) and part.isdigit():
                part = int(part)
            if not isinstance(part, int):
                return None, walked
            current = typing.get_args(current)[0]
        else:
            return None, walked
        walked.append(part)
    return current, walked


def valid_keys(root: type[BaseModel], parent: Path) -> list[str]:
    """Field names allowed directly under `parent` (empty when keys are free, as for group ids)."""
    annotation, walked = annotation_at(root, parent)
    if len(walked) != len(parent):
        return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def suggest(name: str, candidates: list[str]) -> str:
    """' (did you mean "x"?)' when a close candidate exists."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _is_textual(annotation: Any) -> bool:
    annotation = _unwrap(annotation)
    if annotation is str:
        return True
    if typing.get_origin(annotation) is Literal:
        return all(isinstance(a, str) for a in typing.get_args(annotation))
    return False


class NotToml(ValueError):
    """A command-line list or table that TOML cannot read."""


def parse_value(raw: str, annotation: Any) -> Any:
    """Type a command-line value by the schema: text fields keep the text, everything else is read as TOML."""
    text = raw.strip()
    if _is_textual(annotation):
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            try:
                return tomllib.loads(f"v = {text}")["v"]
            except tomllib.TOMLDecodeError:
                return text[1:-1]  # not a valid TOML string (control characters...): the text between the quotes
        return text
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if text[:1] in "[{":  # meant as a list or a table: validation would only say "not a list"
            raise NotToml(text) from None
        return text  # validation then reports the wrong type with the field path


def first_clash(texts: list[str]) -> tuple[str, str, str] | None:
    """The first path given two different values, as (path, the text that set it first, the one that contradicts
    it), or None: `--set` and an experiment's `set` both refuse it, as which value held would depend on the order.
    One place, so that both read "the same path" and "a different value" alike. A text that is not `path=value`
    has no value to clash; parse_assignment names it."""
    given: dict[str, str] = {}
    for text in texts:
        key, equals, raw = text.partition("=")
        if not equals:
            continue
        try:
            path = ".".join(str(p) for p in split_path(key))
        except ValueError:
            continue
        first = given.setdefault(path, text)
        if first.partition("=")[2].strip() != raw.strip():
            return path, first, text
    return None


def once_each(texts: list[str], flag: str = "--set") -> list[str]:
    """`texts` when no path is given two different values: on the command line, which one held would depend on the
    flags' order, and the first would be dropped silently."""
    clash = first_clash(texts)
    if clash is not None:
        path, first, then = clash
        raise InputError(f"{flag} {path}: given twice ({first!r}, then {then!r}); give each path once")
    return texts


def parse_assignment(root: type[BaseModel], text: str, *, flag: str = "--set") -> tuple[Path, Any]:
    """Parse `dotted.path=value` against the schema; unknown paths are errors with a suggestion."""
    if "=" not in text:
        raise InputError(f"{flag} {text!r}: expected dotted.path=value")
    key, raw = text.split("=", 1)
    try:
        path = split_path(key)
    except ValueError as exc:
        raise InputError(f"{flag} {text!r}: {exc}") from None
    annotation, walked = annotation_at(root, path)
    if len(walked) != len(path):
        bad = path[len(walked)]
        hint = suggest(str(bad), valid_keys(root, walked))
        where = ".".join(str(p) for p in [*walked, bad])
        raise InputError(f"{flag} {text!r}: unknown field {where!r}{hint}")
    if not raw.strip() and not _is_textual(annotation):  # TOML reads nothing as nothing: name it plainly
        raise InputError(f"{flag} {text!r}: the value of {key.strip()!r} is empty; give one after the '='")
    try:
        return walked, parse_value(raw, annotation)
    except NotToml:
        raise InputError(
            f"{flag} {text!r}: the value of {key.strip()!r} is not a TOML list or table; write tables as "
            '{group = "eln", months = 12} (TOML inline tables: key = value, not JSON\'s "key": value), '
            "text in double quotes") from None


def set_path(data: dict[str, Any], path: Path, value: Any) -> None:
    """Assign `value` at `path`, creating tables on the way; list items must already exist."""
    node: Any = data
    for i, part in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                raise InputError(f"{'.'.join(map(str, path))}: list index {part} out of range")
            node = node[part]
            continue
        if part not in node or not isinstance(node[part], dict | list):
            node[part] = [] if isinstance(nxt, int) else {}
        node = node[part]
    last = path[-1]
    if isinstance(node, list):
        if not isinstance(last, int) or last >= len(node):
            raise InputError(f"{'.'.join(map(str, path))}: list index {last} out of range")
        node[last] = value
    else:
        node[last] = value

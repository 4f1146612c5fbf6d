"""Load a scenario: read TOML, follow `extends`, merge, apply `--set`, validate, check references.

Every failure becomes an `InputError` naming the file that supplied the bad value, the field path and the problem.
"""

from __future__ import annotations

import copy
import difflib
import re
import warnings
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from totalpeace.errors import InputError, InputWarning, format_path, validation_message
from totalpeace.scenario import paths
from totalpeace.scenario.schema import Scenario
from totalpeace.tomlfile import read_toml

BUILTIN_DIR = FsPath(__file__).parent / "builtin"
MAX_EXTENDS_DEPTH = 32

Origins = dict[tuple[Any, ...], str]


FLAGSHIP = "colombia-2022"


def builtin_scenarios() -> dict[str, FsPath]:
    """Built-in scenario names and their files: the flagship first (what lists and the dashboard offer by default),
    then the others by name."""
    files = sorted(BUILTIN_DIR.glob("*.toml"), key=lambda p: (p.stem != FLAGSHIP, p.stem))
    return {p.stem: p for p in files}


def resolve_reference(ref: str, relative_to: FsPath | None = None) -> FsPath:
    """A built-in name or a path (relative to the file that names it) -> an existing file."""
    builtins = builtin_scenarios()
    if ref in builtins:
        return builtins[ref]
    if not ref.strip():  # an empty path is the current folder: say what is missing, not that it is a folder
        raise InputError(f"no scenario given ({ref!r}): give a built-in name ({', '.join(builtins) or 'none'}) or "
                         "the path of a .toml file")
    candidate = FsPath(ref).expanduser()
    if not candidate.is_absolute() and relative_to is not None:
        candidate = relative_to / candidate
    if candidate.is_file():
        return candidate.resolve()
    if candidate.is_dir():
        raise InputError(f"{ref!r} is a folder, not a scenario file: give the path of a .toml file")
    hint = paths.suggest(ref, list(builtins))
    names = ", ".join(builtins) or "none"
    raise InputError(f"no built-in scenario or scenario file named {ref!r}{hint} (built-in: {names})")


class ScenarioWarning(InputWarning):
    """A scenario that loads but may not say what its author meant (the CLI prints it as a warning)."""


def _same_item(a: Any, b: Any) -> bool:
    """Two list items are the same when every field both give (source notes aside) is equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        shared = (set(a) & set(b)) - {"source"}
        return bool(shared) and all(a[k] == b[k] for k in shared)
    return a == b


def dropped_items(base: dict[str, Any], override: dict[str, Any], prefix: str = "") -> list[tuple[str, list[Any]]]:
    """(path, items) for every list of `base` whose items the override's list leaves out: `extends` merges tables
    key by key but a list replaces the base's list whole, so an item not repeated is gone."""
    found = []
    for key, value in override.items():
        path, old = f"{prefix}{key}", base.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            found += dropped_items(old, value, f"{path}.")
        elif isinstance(value, list) and isinstance(old, list):
            gone = [item for item in old if not any(_same_item(item, new) for new in value)]
            if gone:
                found.append((path, gone))
    return found


def _describe_item(item: Any) -> str:
    if isinstance(item, dict):
        return ", ".join(f"{k} {item[k]}" for k in ("group", "kind", "date", "start") if k in item) or "an item"
    return repr(item)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; every other value (lists included) is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_chain(path: FsPath, stack: list[FsPath]) -> tuple[dict[str, Any], Origins]:
    """Read `path` and its `extends` ancestors; returns merged data and which file set each value."""
    if path in stack:
        cycle = " -> ".join(str(p) for p in [*stack[stack.index(path):], path])
        raise InputError(f"extends: cycle {cycle}", source=str(stack[-1]))
    if len(stack) >= MAX_EXTENDS_DEPTH:
        raise InputError(f"extends: chain deeper than {MAX_EXTENDS_DEPTH} files", source=str(path))
    data = read_toml(path)
    _absolutise_territory_files(data, path.parent)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        base, origins = {}, {}
    else:
        if not isinstance(parent_ref, str):
            raise InputError("extends: expected a scenario name or path (text)", source=str(path))
        try:
            parent = resolve_reference(parent_ref, path.parent)
        except InputError as exc:
            raise InputError(f"extends: {exc.message}", source=str(path)) from None
        base, origins = _read_chain(parent, [*stack, path])
        for where, gone in dropped_items(base, data):
            warnings.warn(ScenarioWarning(
                f"{path}: {where} replaces the list of {parent_ref}, dropping {len(gone)} item"
                f"{'s' if len(gone) != 1 else ''} ({'; '.join(_describe_item(g) for g in gone)}): a list in a "
                f"variant is not merged, so repeat the items to keep (`totalpeace show {parent_ref}` lists them)"),
                stacklevel=2)
    merged = deep_merge(base, data)
    for loc, value in _walk_values(data):
        if loc:
            record_origin(origins, loc, str(path), replaces=not isinstance(value, dict))
    return merged, origins


def _walk_values(data: Any, prefix: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], Any]]:
    yield prefix, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk_values(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk_values(value, (*prefix, i))


def record_origin(origins: Origins, loc: tuple[Any, ...], source: str, *, replaces: bool = True) -> None:
    """Note that `source` set the value at `loc`, as the latest assignment (origins keep the order values were set
    in). A value that is not a table replaces everything under it, so what an earlier file set there is forgotten."""
    if replaces:
        for key in [k for k in origins if len(k) > len(loc) and k[:len(loc)] == loc]:
            del origins[key]
    origins.pop(loc, None)
    origins[loc] = source


def _absolutise_territory_files(data: dict[str, Any], base: FsPath) -> None:
    """User data paths are relative to the file that names them, not to the working directory."""
    terr = data.get("territories")
    if not isinstance(terr, dict):
        return
    for key in ("csv", "geojson", "adjacency"):
        value = terr.get(key)
        if isinstance(value, str) and value and not FsPath(value).expanduser().is_absolute():
            terr[key] = str((base / value).resolve())


def origin_of(origins: Origins, loc: tuple[Any, ...], default: str) -> str:
    """The file that supplied the value at `loc` (longest known prefix)."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in origins:
            return origins[loc[:end]]
    return default


def blame(origins: Origins, locs: Iterable[tuple[Any, ...]], default: str) -> str:
    """Who made a problem: of the values at `locs` and everything under them, the source that set one last. A bad
    sum of presence shares after `--set groups.eln.presence.05=0.9`, or a built-in date before a variant's new
    `start`, is then blamed on the `--set` or the variant, not on the built-in file that holds the field."""
    rank = {key: i for i, key in enumerate(origins)}
    best, source = -1, default
    for loc in locs:
        for end in range(len(loc), 0, -1):
            if loc[:end] in origins:
                if rank[loc[:end]] > best:
                    best, source = rank[loc[:end]], origins[loc[:end]]
                break
        for key in origins if loc else ():
            if len(key) > len(loc) and key[:len(loc)] == loc and rank[key] > best:
                best, source = rank[key], origins[key]
    return source


def _located(origins: Origins, loc: tuple[Any, ...], message: str, related: Iterable[tuple[Any, ...]],
             default: str) -> str:
    """'<source>: <path>: <message>', saying where the field itself was set when someone else is blamed."""
    source = blame(origins, [loc, *related], default)
    own = origin_of(origins, loc, default)
    where = f" ({format_path(loc)} is set in {own})" if own != source else ""
    return f"{source}: {format_path(loc)}: {message}{where}"


def _describe(error: dict[str, Any]) -> str:
    """One line for a pydantic error: the path, the problem and a hint."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        hint = paths.suggest(str(loc[-1]), paths.valid_keys(Scenario, list(loc[:-1])))
        return f"{format_path(loc)}: unknown field{hint}"
    if error["type"] == "missing":
        return f"{format_path(loc)}: required field is missing"
    value = error.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    message = validation_message(error).rstrip(".")
    return f"{format_path(loc)}: {message}" + ("" if shown in message else f" (got {shown})")


def validate(data: dict[str, Any], origins: Origins, default_source: str) -> Scenario:
    """Validate merged data; group problems by the file that supplied them."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        by_file: dict[str, list[str]] = {}
        lacking: dict[tuple[Any, ...], tuple[str, list[str]]] = {}  # entry -> (source, its missing fields)
        for err in exc.errors():
            loc = tuple(err["loc"])
            src = blame(origins, [loc], default_source)
            entry = _created(origins, loc) if err["type"] == "missing" else None
            if entry is not None:  # one line per entry a file or --set added, not one per field it lacks
                lacking.setdefault(entry, (src, []))[1].append(format_path(loc[len(entry):]))
                continue
            by_file.setdefault(src, []).append(_describe(err))
        for entry, (src, fields) in lacking.items():
            by_file.setdefault(src, []).append(_new_entry(data, entry, fields))
        problems = [f"{src}: {msg}" for src, msgs in by_file.items() for msg in msgs]
        raise InputError(problems) from None


def _created(origins: Origins, loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The entry on `loc`'s path that one source added to a table others filled (`groups.ELN` for `--set
    groups.ELN.members=3000`, or a variant's `[groups.ELN]`), or None."""
    for end in range(2, len(loc)):
        prefix, parent = loc[:end], loc[:end - 1]
        under = {source for key, source in origins.items() if key[:end] == prefix}
        beside = {source for key, source in origins.items() if key[:end - 1] == parent and key[:end] != prefix
                  and len(key) >= end}
        if len(under) == 1 and beside - under:
            return prefix
    return None


def _new_entry(data: dict[str, Any], entry: tuple[Any, ...], fields: list[str]) -> str:
    """What to say of an added entry that lacks required `fields`: it is new, what it lacks, and the existing entry
    it may have meant (compared without case)."""
    parent: Any = data
    for key in entry[:-1]:
        parent = parent[key]
    name = str(entry[-1])
    others = [str(k) for k in parent if k != entry[-1]] if isinstance(parent, dict) else []
    by_case = {k.lower(): k for k in others}
    close = difflib.get_close_matches(name.lower(), list(by_case), n=1, cutoff=0.6)
    hint = f' (did you mean "{by_case[close[0]]}"?)' if close else ""
    return (f"{format_path(entry)}: a new entry (none of that name before) lacks the required "
            f"{'field' if len(fields) == 1 else 'fields'} {', '.join(fields)}{hint}")


def apply_overrides(
    data: dict[str, Any], origins: Origins, overrides: Iterable[str] | dict[str, Any] | None, flag: str = "--set"
) -> None:
    """Apply `--set path=value` assignments (or a {path: value} mapping from Python). `flag` names where the texts
    came from in errors (`set` for an experiment file's), so that a user is not told of a flag never given."""
    if not overrides:
        return
    items = overrides.items() if isinstance(overrides, dict) else ((None, text) for text in overrides)
    for key, value in items:
        if key is None:
            path, parsed = paths.parse_assignment(Scenario, str(value), flag=flag)
        else:
            path, _ = paths.parse_assignment(Scenario, f"{key}=0", flag=flag)
            parsed = value
        if path == ["extends"]:  # the chain is read before any --set: a new parent would be ignored
            if flag != "--set":
                raise InputError(f"{flag} extends: the scenario a file changes is read before {flag} applies; write "
                                 "a file with extends = \"NAME\" and give that file instead")
            raise InputError("--set extends: the scenario a file changes cannot be set on the command line (it is "
                             "read before any --set); write a file with extends = \"NAME\" and give that file")
        if path and path[0] == "territories" and len(path) == 2 and path[1] in ("csv", "geojson", "adjacency"):
            parsed = str(FsPath(str(parsed)).expanduser().resolve())
        created = _first_missing(data, path)
        paths.set_path(data, path, parsed)
        if created is not None:  # the tables the assignment created are --set's, so their problems are blamed on it
            record_origin(origins, created, "--set", replaces=False)
        record_origin(origins, tuple(path), "--set")  # a table given whole replaces the old one: none of it is a file's
        for loc, node in _walk_values(parsed, tuple(path)):  # as a file's values: a table's keys each recorded
            record_origin(origins, loc, "--set", replaces=not isinstance(node, dict))


def _first_missing(data: Any, path: list[Any]) -> tuple[Any, ...] | None:
    """The first table on `path` that does not exist yet in `data` (the assignment will create it), or None."""
    node = data
    for i, key in enumerate(path[:-1]):
        if isinstance(node, dict):
            if key not in node:
                return tuple(path[:i + 1])
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return None
    return None


def resolve_presence(scenario: Scenario) -> tuple[Scenario, list[tuple[tuple[Any, ...], str]]]:
    """Fill `presence` of groups that name `presence_from` from the territory dataset's presence table."""
    from totalpeace.data import presence_shares
    from totalpeace.scenario.references import Problem
    from totalpeace.territories import load_territories

    wanted = {gid: g for gid, g in scenario.groups.items() if g.presence_from and not g.presence}
    if not wanted:
        return scenario, []
    table = load_territories(scenario.territories)
    groups, problems = dict(scenario.groups), []
    for gid, group in wanted.items():
        shares = presence_shares(table, str(group.presence_from))
        if not shares:
            problems.append(Problem(("groups", gid, "presence_from"),
                                    f"the territory data have no presence rows for {group.presence_from!r}",
                                    (("territories",),)))
            continue
        groups[gid] = group.model_copy(update={"presence": shares})
    return scenario.model_copy(update={"groups": groups}), problems


def load_scenario(name_or_path: str | FsPath, overrides: Iterable[str] | dict[str, Any] | None = None, *,
                  flag: str = "--set") -> Scenario:
    """A built-in name or TOML path (+ `--set` overrides) -> a validated, cross-checked scenario. `flag` is what a
    malformed override is blamed on: `--set` on the command line, `set` for an experiment file's."""
    from totalpeace.scenario.references import check_references, notices

    path = resolve_reference(str(name_or_path))
    data, origins = _read_chain(path, [])
    apply_overrides(data, origins, overrides, flag)
    _name_variant(data, origins, path)
    from totalpeace.calibration.paramset import apply_set

    apply_set(data, origins, path.parent)
    scenario = validate(data, origins, str(path))
    scenario, problems = resolve_presence(scenario)
    from totalpeace.scenario.zones import resolve_zone_names

    scenario, zone_problems = resolve_zone_names(scenario)
    problems += zone_problems + check_references(scenario, data)
    if problems:
        raise InputError([_located(origins, p[0], p[1], getattr(p, "related", ()), str(path)) for p in problems])
    for notice in notices(scenario):
        warnings.warn(InputWarning(_located(origins, notice[0], notice[1], notice.related, str(path))), stacklevel=2)
    return scenario


def _name_variant(data: dict[str, Any], origins: Origins, path: FsPath) -> None:
    """A file that `extends` another and sets no `name` is named after itself: with the inherited name it would
    write its results over the scenario it changes (out/NAME is the default output folder)."""
    if origins.get(("name",)) in (str(path), "--set") or "name" not in data or path.parent == BUILTIN_DIR:
        return
    derived = re.sub(r"[^\w .+-]", "-", path.stem).lstrip("_ .+-")[:100]
    if not derived:
        raise InputError("name: required in a file that extends another (its file name cannot serve as one)",
                         source=str(path))
    warnings.warn(InputWarning(f"{path}: name: not set, so this variant is named {derived!r} after its file (the "
                               f"inherited name {data['name']!r} would share its output folder); set name to choose "
                               "another"), stacklevel=3)
    data["name"] = derived
    record_origin(origins, ("name",), str(path))

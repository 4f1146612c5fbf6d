"""Human names for actors: what a reader knows a group by, never its id.

Scenario names are full ("Ejército de Liberación Nacional (ELN)"); charts and sentences need the short form a
reader uses ("ELN", "Clan del Golfo", "Los Pachenca"). The rule is mechanical so that any scenario gets one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SHORT_PARENTHESIS = 14  # a parenthesis this short is the name people use ("ELN", "Los Pachenca")
SPLINTER = " (dissidents)"


def short_name(name: str) -> str:
    """'Ejército de Liberación Nacional (ELN)' -> 'ELN'; 'Clan del Golfo / AGC (AGC)' -> 'Clan del Golfo';
    '... (dissidents)' -> '<short parent> dissidents'."""
    if name.endswith(SPLINTER):
        return short_name(name[: -len(SPLINTER)]) + " dissidents"
    first = name.split(" / ")[0].strip()
    found = re.search(r"\(([^()]*)\)\s*$", first)
    if found:
        inner = found.group(1).strip()
        if len(inner) <= SHORT_PARENTHESIS and " line" not in inner:
            return inner
        first = first[: found.start()].strip()
    return first or name


def actor_names(summary: Mapping[str, Any]) -> dict[str, str]:
    """Short names of every actor a summary mentions: its groups, the policy's names, and the state."""
    names: dict[str, str] = {"state": "State"}
    for aid, name in (summary.get("policy") or {}).get("names", {}).items():
        names[aid] = short_name(name)
    for gid, entry in summary.get("groups", {}).items():
        names[gid] = short_name(entry.get("name") or gid)
    return names


def name_of(actor: str, names: Mapping[str, str]) -> str:
    """The actor's short name, or its id made readable when nothing better is known."""
    return names.get(actor) or actor.replace("_", " ").capitalize()

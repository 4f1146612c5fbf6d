"""Zone territories by name: a ceasefire or concession zone may list territories by id or by name.

At municipal scale a zone is a list of municipalities: "18001", "Florencia" (when only one municipality has that
name), "Florencia, Caquetá" or "Florencia (Caquetá)" (municipality and department), or a whole department by its name
or 2-digit code ("Arauca", "81"), which stands for all its municipalities. Names match without regard to case or
accents. An ambiguous name is an error that lists the candidates with their codes; an unknown one is left for the
reference check, which reports it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from totalpeace.scenario.schema import Scenario
from totalpeace.territories import TerritoryTable, load_territories

Problem = tuple[tuple[Any, ...], str]
QUALIFIED = re.compile(r"^\s*(?P<name>[^,(]+?)\s*(?:,\s*(?P<dep>[^)]+?)|\((?P<dep2>[^)]+)\))\s*$")


def plain(text: str) -> str:
    """Case- and accent-free form used to match names."""
    return " ".join(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().split())


def _index(table: TerritoryTable) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """name -> ids, department (name or code) -> ids, id -> department name."""
    frame = table.frame
    by_name: dict[str, list[str]] = {}
    by_department: dict[str, list[str]] = {}
    department_name: dict[str, str] = {}
    has_department = "department" in frame.columns and "department_id" in frame.columns
    for tid, row in frame.iterrows():
        by_name.setdefault(plain(str(row["name"])), []).append(str(tid))
        if has_department:
            for key in (plain(str(row["department"])), str(row["department_id"])):
                by_department.setdefault(key, []).append(str(tid))
            department_name[str(tid)] = str(row["department"])
    return by_name, by_department, department_name


def resolve(entry: str, table: TerritoryTable) -> tuple[list[str] | None, str | None]:
    """The ids an entry stands for (None when unknown), or an error for an ambiguous name."""
    ids = set(table.ids)
    if entry in ids:
        return [entry], None
    by_name, by_department, department_name = _index(table)
    matches = by_name.get(plain(entry), [])
    if len(matches) == 1:
        return matches, None
    if len(matches) > 1:
        listed = ", ".join(f"{t} ({department_name.get(t, '')})" if department_name else t for t in matches)
        return None, (f"{entry!r} names {len(matches)} territories: {listed}; give the code or the department "
                      f"('{entry}, DEPARTMENT')")
    qualified = QUALIFIED.match(entry)
    if qualified and by_department:
        dep = plain(qualified.group("dep") or qualified.group("dep2") or "")
        found = [t for t in by_name.get(plain(qualified.group("name")), []) if t in by_department.get(dep, [])]
        if len(found) == 1:
            return found, None
    whole = by_department.get(plain(entry)) or by_department.get(entry.strip())
    if whole:
        return sorted(whole), None
    return None, None


def resolve_zone_names(scenario: Scenario) -> tuple[Scenario, list[Problem]]:
    """Replace names in zone territory lists by ids (departments expand to their municipalities)."""
    policy = scenario.policy
    if not any(item.territories for item in (*policy.ceasefires, *policy.concessions)):
        return scenario, []
    table = load_territories(scenario.territories)
    ids, problems = set(table.ids), []
    updates: dict[str, list[Any]] = {}
    for kind in ("ceasefires", "concessions"):
        items = []
        for i, item in enumerate(getattr(policy, kind)):
            resolved: list[str] = []
            for k, entry in enumerate(item.territories):
                if entry in ids:
                    resolved.append(entry)
                    continue
                found, error = resolve(entry, table)
                if error:
                    problems.append((("policy", kind, i, "territories", k), error))
                    continue
                resolved.extend(found if found else [entry])  # unknown entries are reported by the reference check
            items.append(item.model_copy(update={"territories": list(dict.fromkeys(resolved))}))
        updates[kind] = items
    return scenario.model_copy(update={"policy": policy.model_copy(update=updates)}), problems

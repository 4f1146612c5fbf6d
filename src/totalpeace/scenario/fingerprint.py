"""A scenario's identity: the SHA-256 of its resolved content and the territory data it uses.

Two scenarios have the same hash only if the engine sees the same thing: the resolved scenario in its own order
(groups, tables and actors are indexed in the order the file gives them, so moving a `[groups.eln]` block changes
the results and must change the hash; no key is sorted) and every territory value at full precision (the bytes of
each number, so 1000 and 1000.0000000001 differ), with the territory ids, columns and adjacency pairs in order.
Notes that document a value (its source, notes, descriptions) are left out: they cannot change a result, and a
scenario rebuilt from its levers (a dashboard run read back by `rerun`) carries no notes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.scenario.schema import Scenario
from totalpeace.territories import load_territories

FINGERPRINT_FORMAT = b"totalpeace-scenario-3"
# Keys that only document the value beside them; the territory data behind `territories.source` are hashed below.
DOCUMENTATION_KEYS = frozenset({"source", "members_source", "source_note", "notes", "description"})


def scenario_sha256(scenario: Scenario) -> str:
    """Same scenario content and territory data -> same hash, whichever files or flags produced them."""
    digest = hashlib.sha256(FINGERPRINT_FORMAT)
    # json.dumps writes floats with repr (exact) and keeps every mapping's order
    content = _without_documentation(scenario.model_dump(mode="json"))
    _update(digest, "scenario", json.dumps(content, separators=(",", ":")).encode())
    table = load_territories(scenario.territories)
    _update(digest, "ids", json.dumps([str(i) for i in table.frame.index]).encode())
    for column in table.frame.columns:
        _update(digest, f"column {column}", _column_bytes(table.frame[column]))
    adjacency = np.ascontiguousarray(table.adjacency, dtype=np.int64)
    _update(digest, f"adjacency {adjacency.shape}", adjacency.tobytes())
    return digest.hexdigest()


def _without_documentation(value: Any) -> Any:
    """The dumped scenario without the keys of DOCUMENTATION_KEYS, at every depth (order kept)."""
    if isinstance(value, dict):
        return {k: _without_documentation(v) for k, v in value.items() if k not in DOCUMENTATION_KEYS}
    if isinstance(value, list):
        return [_without_documentation(v) for v in value]
    return value


def _update(digest: Any, label: str, data: bytes) -> None:
    """Length-prefixed fields, so that no two different inputs give the same byte stream."""
    name = label.encode()
    digest.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)


def _column_bytes(values: pd.Series) -> bytes:
    """A numeric column as its float64 bits (exact), anything else as JSON text of its values."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return b"f8" + np.ascontiguousarray(values.to_numpy(dtype=np.float64, na_value=np.nan)).tobytes()
    return b"js" + json.dumps([None if pd.isna(v) else str(v) for v in values], ensure_ascii=False).encode()

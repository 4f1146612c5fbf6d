"""A scenario's identity: the SHA-256 of its resolved content and the territory data it uses."""

from __future__ import annotations

import hashlib
import json

from totalpeace.scenario.schema import Scenario
from totalpeace.territories import load_territories


def scenario_sha256(scenario: Scenario) -> str:
    """Same scenario content and territory data -> same hash, whichever files or flags produced them."""
    digest = hashlib.sha256()
    digest.update(json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode())
    table = load_territories(scenario.territories)
    digest.update(table.frame.to_csv(float_format="%.10g").encode())
    digest.update(table.adjacency.tobytes())
    return digest.hexdigest()

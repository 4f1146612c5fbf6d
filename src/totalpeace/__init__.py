"""totalpeace: simulator and decision-support lab for multi-party peace processes.

The public names are imported on first use (PEP 562): `import totalpeace` and the command line's start stay quick,
while `totalpeace.simulate` and the others load the engine, pandas and scipy only when a program asks for them.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("totalpeace")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

_PUBLIC = {
    "simulate": "totalpeace.engine.simulate",
    "compare": "totalpeace.notebook",
    "Scenario": "totalpeace.scenario",
    "load_scenario": "totalpeace.scenario",
    "simulate_uncertain": "totalpeace.uncertainty.ensemble",
}
__all__ = ["Scenario", "__version__", "compare", "load_scenario", "simulate", "simulate_uncertain"]

if TYPE_CHECKING:
    from totalpeace.engine.simulate import simulate
    from totalpeace.notebook import compare
    from totalpeace.scenario import Scenario, load_scenario
    from totalpeace.uncertainty.ensemble import simulate_uncertain


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'totalpeace' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

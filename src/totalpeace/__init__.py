"""totalpeace: simulator and decision-support lab for multi-party peace processes."""

from importlib.metadata import PackageNotFoundError, version

from totalpeace.engine.simulate import simulate
from totalpeace.notebook import compare
from totalpeace.scenario import Scenario, load_scenario
from totalpeace.uncertainty.ensemble import simulate_uncertain

try:
    __version__ = version("totalpeace")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["Scenario", "__version__", "compare", "load_scenario", "simulate", "simulate_uncertain"]

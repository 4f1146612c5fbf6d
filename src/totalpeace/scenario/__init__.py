"""Scenario files: schema, loading with `extends` and `--set`, built-in scenarios."""

from totalpeace.scenario.loader import builtin_scenarios, load_scenario
from totalpeace.scenario.schema import Scenario

__all__ = ["Scenario", "builtin_scenarios", "load_scenario"]

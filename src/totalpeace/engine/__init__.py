"""The engine: the scenario's arrays, the monthly step composed of the model's functions, the runner and simulate."""

from totalpeace.engine import compiled_cache

compiled_cache.configure()

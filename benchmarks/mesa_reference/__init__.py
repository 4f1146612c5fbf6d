"""A Mesa 3 reference implementation of the totalpeace model: an agent-per-object oracle for the fast engine."""

from .model import TotalPeaceModel, run_ensemble

__all__ = ["TotalPeaceModel", "run_ensemble"]

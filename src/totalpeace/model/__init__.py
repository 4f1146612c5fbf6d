"""Mechanisms of the simulation engine: pure, vectorised numpy functions."""

"""Calibrating the model's uncertain parameters to Colombia's history with ABC-SMC (pyabc)."""

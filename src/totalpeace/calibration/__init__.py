"""Calibrating the model to the pattern catalogue of Colombia's history: screening, ABC-SMC with MCMC moves over
parameters and model forms, predictive checks, identifiability and form weights (docs/validation.md section 3)."""

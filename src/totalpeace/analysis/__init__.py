"""Analyses of experiments: global sensitivity (SALib), scenario discovery (PRIM) and policy search (Optuna)."""

"""Structural, parameter and stochastic uncertainty: run plans above `simulate`, and how much each source adds.

`plan` gives every run a model form (`forms`, the registry of structural switches) and a draw from the calibration's
posterior (`posterior`), and on request the unidentified assumptions from their plausible ranges (`assumptions`);
`ensemble` simulates the plan's cells; `decomposition` splits each outcome's spread by the
law of total variance and `summary` writes it into summary.json.
"""

"""The compiled engine: the monthly step of engine/step.py as numba kernels that loop over runs.

One run's territories and groups stay in cache while its month is computed, and one call advances a whole batch by
a month, so neither interpreter overhead nor temporaries over the batch remain. Each run is computed on its own, in
a fixed order, with counter-based draws: results cannot depend on the batch size by construction. engine/step.py is
the vectorised reference implementation of the same equations (model/*.py); tests/test_compiled_engine.py checks
that both follow the same path month by month.
"""

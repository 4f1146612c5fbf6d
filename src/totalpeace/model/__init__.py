"""The model's mechanisms, each written once: numba-compiled functions over one run's arrays, one module per
mechanism group (economy, contest, security, values, negotiation, bargaining, commitment, strength, violence,
spillover), composed by the engine (engine/month.py) and callable from Python for tests and reports. Parameters
arrive as the `Params` record of model/params.py."""

import totalpeace.engine  # noqa: F401  (sets where the compiled functions are cached, before any is defined)

"""The dashboard: a FastAPI application (JSON API + a local web page) that runs ensembles in the background."""

"""Projections: the vectorised engine, the statsmodels reference, the model table, trend paths, P(meet), plan realism and backtests. May import series, inputs and contract."""

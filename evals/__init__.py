"""Evaluations: datasets, runners and metrics (``python -m evals <command>``)."""

"""Simulated customers on the tau-bench retail shop, scored the benchmark's way (``python -m evals simulate``).

- ``shop``: the imported shop, cached once per dataset; the tasks; this process's settings for one run.
- ``folder``: a run folder (``run.json``: the task, the transcript, how it ended, the result; the run's own shop and
  conversation checkpoints), so a person can play one message per call.
- ``play``: one customer message through the real graph, and the automatic loop with a model as the customer.
- ``user``: the model that plays the customer from the task's instruction (tau-bench's user-simulator prompt).
- ``scoring``: the run's final database against the gold replay's, required outputs, writes the gold lacks.
- ``summary``: pass rate, handoffs and writes not in the gold over a folder of runs.
"""

from __future__ import annotations


class SimulationError(Exception):
    """A simulation that cannot go on as asked (unknown task, ended run, no model...); the message says why."""

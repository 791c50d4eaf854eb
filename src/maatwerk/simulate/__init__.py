"""Simulation: populations decided at scale and synthetic histories.

- ``run`` decides a regulation, and a reform of it, over a population file (``population``,
  ``synthetic``, ``reform``) and sums the result exactly (``compare``), locally or on a
  dask.distributed cluster (``cluster``); ``output`` and ``charts`` present it.
- ``history`` generates a synthetic history of the case file for the demo and for insight.
  Everything either of them holds is invented.
"""

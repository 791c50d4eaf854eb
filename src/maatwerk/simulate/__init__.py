"""Synthetic histories of the case file, for the demo and for insight: see
``maatwerk.simulate.history``. Everything they hold is invented."""

from __future__ import annotations

from maatwerk.simulate.history import Options, Summary, generate, history_today

__all__ = ["Options", "Summary", "generate", "history_today"]

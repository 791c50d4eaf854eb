"""The case file: the service with every action and the views of the people who work on it."""

from __future__ import annotations

from maatwerk.cases.discretion import Discretion
from maatwerk.cases.worklist import WorkList


class CaseFile(Discretion, WorkList):
    """Every action on cases (``CaseService``, ``Discretion``) and the work views
    (``WorkList``)."""

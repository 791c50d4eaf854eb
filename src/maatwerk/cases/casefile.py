"""The case file: the service with every action and the views of the people who work on it."""

from __future__ import annotations

from maatwerk.cases.claims import Claims
from maatwerk.cases.discretion import Discretion
from maatwerk.cases.lifecycle import Lifecycle
from maatwerk.cases.reading import Reading
from maatwerk.cases.submission import Submission
from maatwerk.cases.worklist import WorkList


class CaseFile(Submission, Lifecycle, Discretion, Claims, Reading, WorkList):
    """Every action on cases (``Submission``, ``Lifecycle``, ``Discretion``, ``Claims``), reading
    them (``Reading``) and the work views (``WorkList``), on the shared ``CaseService``."""

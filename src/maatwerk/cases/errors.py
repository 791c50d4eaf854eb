"""Errors of the case file. Each has a code, a message naming the thing and what was expected,
and the HTTP status the API answers with.

    MaatwerkError
    └── CodedError (maatwerk.spec.errors)
        └── CaseError            a refused action on the case file; nothing was changed
"""

from __future__ import annotations

from typing import ClassVar

from maatwerk.spec.errors import CodedError

CASE_CODES: dict[str, tuple[str, int]] = {
    "MW801": ("the action is not possible in the case's state", 409),
    "MW802": ("the person may not do this (role, or not their case)", 403),
    "MW803": ("no such case, request, objection, regulation or user", 404),
    "MW804": ("someone else changed it first; reload and try again", 409),
    "MW805": ("the case is not ready for this step", 409),
    "MW806": ("the term for this has passed", 409),
    "MW807": ("not signed in, or the credentials are wrong", 401),
    "MW808": ("separation of duties: this must be done by someone else", 403),
    "MW809": ("the request is invalid", 422),
    "MW810": ("a claim on this fact is already pending", 409),
}


class CaseError(CodedError):
    """A refused action on the case file."""

    registry: ClassVar[dict[str, str]] = {code: s for code, (s, _) in CASE_CODES.items()}

    @property
    def status(self) -> int:
        return CASE_CODES[self.code][1]

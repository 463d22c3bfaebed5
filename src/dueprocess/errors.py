"""Domain errors: each carries the HTTP status and stable code it maps to.

The API maps them to responses in exactly one place (``dueprocess.web.api``); the
console shows their message. Code that raises them never thinks about HTTP.
"""

from __future__ import annotations

#: Codes raised with ``code=`` (a rule's own code) rather than as a class of their own.
_DECLARED: set[str] = set()


def declare_codes(*codes: str) -> None:
    """Name the codes a module raises with ``code=``, so the API's description lists them."""
    _DECLARED.update(codes)


def error_codes() -> list[str]:
    """Every code an error answer may carry: the classes' codes and the declared ones."""
    found = set(_DECLARED)
    todo: list[type[DomainError]] = [DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls.code)
        todo.extend(cls.__subclasses__())
    return sorted(found)


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:  # a rule's own stable code, e.g. ``four_eyes``
            self.code = code


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The demand is not in a state that allows this step."""

    status = 409
    code = "conflict"


class RecipientNotRegistered(InvalidInput):
    """A letter may only go to an address in the authority registry (its verified domains)."""

    code = "recipient_not_registered"


class SenderNotVerified(Conflict):
    """No letter goes out while the demand is held until its sender is verified."""

    code = "sender_not_verified"


class ApprovalRequired(Conflict):
    """A letter refusing all or part of a demand needs a second person's approval first."""

    code = "approval_required"


class ForeignInstrument(Forbidden):
    """An authority's own officer cites an instrument of another legal system; staff
    recording a demand on an authority's behalf get a vetting finding instead."""

    code = "foreign_instrument"

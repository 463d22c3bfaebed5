"""``GET /api/v1/dsa/statements``: statements of reasons, one batch of at most 100 per page.

The body of each page (``statements``) is exactly what the Transparency Database's batch
endpoint accepts; ``next`` is the cursor for the following batch (keyset, so a long export
is cheap at any depth). Staff with the reading permission only: the statements hold no
personal data, but they describe the platform's decisions before it publishes them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from dueprocess.accounts.roles import READ_PERM
from dueprocess.errors import Forbidden
from dueprocess.execution import sor
from dueprocess.web.schemas import ErrorOut

router = Router(tags=["dsa"])


class StatementsQuery(Schema):
    since: date = Field(description="Statements created on or after this day")
    after: int = Field(default=0, ge=0, description="Cursor: the 'next' of the previous page")
    include_outside_eea: bool = Field(
        default=False, description="Also restrictions with no effect in the EEA")


class StatementsPage(Schema):
    statements: list[dict[str, Any]]
    next: int | None


@router.get("/dsa/statements", response={200: StatementsPage, 401: ErrorOut, 403: ErrorOut,
                                          422: ErrorOut})
def statements(request: HttpRequest, query: Query[StatementsQuery]) -> StatementsPage:
    user = request.user
    if not getattr(user, "is_staff", False) or not user.has_perm(READ_PERM):
        raise Forbidden(_("statements of reasons are for the platform's staff"))
    sor.ensure_all()
    rows = sor.statements_since(query.since, include_outside_eea=query.include_outside_eea,
                                after=query.after, limit=sor.BATCH_SIZE)
    if rows:
        sor.StatementBatch.model_validate({"statements": [r.statement for r in rows]})
    more = len(rows) == sor.BATCH_SIZE and bool(sor.statements_since(
        query.since, include_outside_eea=query.include_outside_eea, after=rows[-1].pk,
        limit=1))
    return StatementsPage(statements=[r.statement for r in rows],
                          next=rows[-1].pk if more else None)

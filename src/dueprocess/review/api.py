"""Review over the API: decisions, the second person's approval, sending back, notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pydantic
from django.http import HttpRequest
from ninja import Router, Status

from dueprocess.accounts.roles import APPROVE_PERM, NOTE_PERM, READ_PERM
from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import Demand
from dueprocess.intake.api import _out
from dueprocess.intake.schemas import DemandOut
from dueprocess.review import actions as review_actions
from dueprocess.review.models import Note
from dueprocess.web.api import ERRORS
from dueprocess.web.auth import TokenAuth, get_visible_demand, require_perm

router = Router(auth=TokenAuth())


@router.post("/demands/{demand_id}/decisions", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def decide(request: HttpRequest, demand_id: int, payload: DecisionsIn) -> DemandOut:
    """Record decisions per ask (and optionally per target); staff only."""
    require_perm(request.user, "demands.add_decision")
    demand = get_visible_demand(request.user, demand_id)
    demand = actions.record_decisions(demand, payload, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


@router.post("/demands/{demand_id}/approve", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def approve(request: HttpRequest, demand_id: int) -> DemandOut:
    """Four-eyes approval by someone other than the person who decided."""
    require_perm(request.user, "demands.change_decision")
    demand = get_visible_demand(request.user, demand_id)
    demand = actions.approve_demand(demand, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


class SendBackIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"comment": "The rationale does not say why the whole period is needed."}]})
    comment: str = pydantic.Field(max_length=5000, description="Why the decision goes back")


class NoteIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    body: str = pydantic.Field(max_length=10_000)


class NoteOut(pydantic.BaseModel):
    id: int
    author: str
    body: str
    created_at: datetime


@router.post("/demands/{demand_id}/send-back", response={200: DemandOut, **ERRORS},
          tags=["demands"])
def send_back(request: HttpRequest, demand_id: int, payload: SendBackIn) -> DemandOut:
    """The approver returns decisions waiting for approval, with a comment; they must be
    decided again before anyone can approve them."""
    require_perm(request.user, APPROVE_PERM)
    demand = get_visible_demand(request.user, demand_id)
    review_actions.send_back(demand, payload.comment, user=request.user)
    return _out(request, Demand.objects.select_related("authority").get(pk=demand.pk))


def _note_out(note: Any) -> NoteOut:
    return NoteOut(id=note.pk, author=note.author.get_username(), body=note.body,
                   created_at=note.created_at)


@router.post("/demands/{demand_id}/notes", response={201: NoteOut, **ERRORS}, tags=["demands"])
def add_note(request: HttpRequest, demand_id: int, payload: NoteIn) -> Status[NoteOut]:
    """An internal note on a demand: staff only, never shown to the authority."""
    require_perm(request.user, NOTE_PERM)
    demand = get_visible_demand(request.user, demand_id)
    return Status(201, _note_out(review_actions.add_note(demand, payload.body, user=request.user)))


@router.get("/demands/{demand_id}/notes", response={200: list[NoteOut], **ERRORS},
         tags=["demands"])
def list_notes(request: HttpRequest, demand_id: int) -> list[NoteOut]:
    """The demand's internal notes, oldest first (staff only)."""
    require_perm(request.user, READ_PERM)
    demand = get_visible_demand(request.user, demand_id)
    return [_note_out(n) for n in Note.objects.filter(demand=demand)
            .select_related("author").order_by("pk")[:1000]]

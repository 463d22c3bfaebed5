"""Letters to the authority over the API: drafts for staff, sent letters for the authority."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import BaseModel

from dueprocess.demands.models import Notice, NoticeKind, NoticeStatus
from dueprocess.errors import Forbidden
from dueprocess.notices import actions as letters
from dueprocess.notices.reasons import reason_options
from dueprocess.web.api import ERRORS
from dueprocess.web.auth import TokenAuth, get_visible_demand, is_staff, require_perm
from dueprocess.web.schemas import OneOf

router = Router(auth=TokenAuth())


class LetterOut(BaseModel):
    """A letter to the authority. Authorities see only sent letters, without the drafting
    details (generated text, quoted reason keys, who edited or approved)."""

    id: int
    kind: Annotated[str, OneOf(NoticeKind)]
    status: Annotated[str, OneOf(NoticeStatus)]
    subject: str
    body: str
    language: str
    sent_at: datetime | None
    addresses: list[str] = []
    generated_subject: str | None = None
    generated_body: str | None = None
    quoted_reasons: list[str] | None = None
    reason_options: list[dict[str, Any]] | None = None
    needs_approval: bool | None = None
    approved_by: str | None = None
    edited_by: str | None = None


class LetterEditIn(BaseModel):
    subject: str | None = None
    body: str | None = None
    reasons: list[str] | None = None


class LetterSendIn(BaseModel):
    to: list[str] | None = None


def _letter_out(notice: Notice, *, staff: bool) -> LetterOut:
    out = LetterOut(id=notice.pk, kind=notice.kind, status=notice.status,
                    subject=notice.subject, body=notice.body, language=notice.language,
                    sent_at=notice.sent_at, addresses=list(notice.addresses or []))
    if staff:
        out.generated_subject = notice.generated_subject
        out.generated_body = notice.generated_body
        out.quoted_reasons = list(notice.quoted_reasons or [])
        out.reason_options = [{"key": o.key, "text": o.label, "internal": o.internal}
                              for o in reason_options(notice.demand, notice.kind)]
        out.needs_approval = notice.needs_second_person and notice.approved_by_id is None
        out.approved_by = notice.approved_by.get_username() if notice.approved_by else None
        out.edited_by = notice.edited_by.get_username() if notice.edited_by else None
    return out


def _staff_letter(request: HttpRequest, demand_id: int, letter_id: int, perm: str) -> Notice:
    if not is_staff(request.user):
        raise Forbidden(_("only staff handle draft letters"))
    require_perm(request.user, perm)
    demand = get_visible_demand(request.user, demand_id)
    return letters.letter_of(demand, letter_id)


@router.get("/demands/{demand_id}/letters", response={200: list[LetterOut], **ERRORS},
         tags=["letters"])
def list_letters(request: HttpRequest, demand_id: int) -> list[LetterOut]:
    """Letters to the authority: staff see drafts too, the authority only what was sent."""
    demand = get_visible_demand(request.user, demand_id)
    staff = is_staff(request.user)
    rows = (demand.notices.exclude(kind=NoticeKind.USER)
            .select_related("demand__authority", "approved_by", "edited_by").order_by("pk"))
    if not staff:
        rows = rows.filter(status=NoticeStatus.SENT)
    return [_letter_out(n, staff=staff) for n in rows]


@router.put("/demands/{demand_id}/letters/{letter_id}", response={200: LetterOut, **ERRORS},
         tags=["letters"])
def edit_letter(request: HttpRequest, demand_id: int, letter_id: int,
                payload: LetterEditIn) -> LetterOut:
    """Edit a draft: `subject`, `body`, or `reasons` (keys from `reason_options`; drafts
    the text again). An edit withdraws an approval."""
    notice = _staff_letter(request, demand_id, letter_id, "demands.add_decision")
    notice = letters.edit_letter(notice, user=request.user, subject=payload.subject,
                                 body=payload.body, reasons=payload.reasons)
    return _letter_out(notice, staff=True)


@router.post("/demands/{demand_id}/letters/{letter_id}/approve",
          response={200: LetterOut, **ERRORS}, tags=["letters"])
def approve_letter(request: HttpRequest, demand_id: int, letter_id: int) -> LetterOut:
    """Second-person approval of a refusal, MLAT referral or partial compliance letter."""
    notice = _staff_letter(request, demand_id, letter_id, "demands.change_decision")
    return _letter_out(letters.approve_letter(notice, user=request.user), staff=True)


@router.post("/demands/{demand_id}/letters/{letter_id}/send",
          response={200: LetterOut, **ERRORS}, tags=["letters"])
def send_letter(request: HttpRequest, demand_id: int, letter_id: int,
                payload: LetterSendIn) -> LetterOut:
    """Send a draft; `to` (optional) must be addresses in the authority registry, else
    `422 recipient_not_registered`."""
    perm = ("demands.add_decision" if request.user.has_perm("demands.add_decision")
            else "demands.change_decision")
    notice = _staff_letter(request, demand_id, letter_id, perm)
    notice = letters.send_letter(notice, user=request.user, to=payload.to)
    return _letter_out(notice, staff=True)

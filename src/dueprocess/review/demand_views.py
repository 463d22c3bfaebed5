"""The demand page, its sub-pages (targets, documents, productions) and the reviewers' steps.

Every render of user data is an audited view. Every step goes through an action
(:mod:`dueprocess.demands.actions`, :mod:`dueprocess.review.actions`); a refused step (a
:class:`~dueprocess.errors.DomainError`) is shown on the page with its status code instead
of surfacing as a server error. Forms carry the demand's version (its last audit event), so
a decision or approval on a page that is out of date is refused rather than lost.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from dueprocess.accounts.roles import (
    APPROVE_PERM,
    DECIDE_PERM,
    HUMAN_RIGHTS_PERM,
    NOTE_PERM,
    OVERRIDE_PERM,
)
from dueprocess.blobstore import BlobError
from dueprocess.demands import actions, invariants
from dueprocess.demands.inputs import DecisionsIn
from dueprocess.demands.models import (
    AskKind,
    Demand,
    Document,
    Notice,
    Severity,
    Status,
)
from dueprocess.demands.scope import offers
from dueprocess.errors import Conflict, DomainError
from dueprocess.execution.models import Production
from dueprocess.intake.documents import open_document
from dueprocess.intake.email_intake import open_original
from dueprocess.notices import actions as letter_actions
from dueprocess.notices.delivery import verified_addresses
from dueprocess.notices.reasons import reason_options
from dueprocess.review import actions as review_actions
from dueprocess.review import selectors, timeline
from dueprocess.review.forms import (
    AssignForm,
    ClarifyForm,
    DecisionForm,
    HumanRightsForm,
    LetterForm,
    NoteForm,
    OverrideForm,
    SendBackForm,
    SendLetterForm,
    TargetTableForm,
    decision_forms,
    posted_rows,
)
from dueprocess.web.access import staff_required

TARGETS_LIST_PAGE = 500
LIST_LIMIT = selectors.LIST_LIMIT




def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _version_param(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None






def _deciders() -> list[Any]:
    """People a demand can be assigned to: active staff who may decide."""
    app, codename = DECIDE_PERM.split(".")
    perm = Q(content_type__app_label=app, codename=codename)
    from django.contrib.auth.models import Permission

    ids = list(Permission.objects.filter(perm).values_list("pk", flat=True))
    return list(get_user_model().objects.filter(is_active=True, is_staff=True).filter(
        Q(is_superuser=True) | Q(user_permissions__in=ids) | Q(groups__permissions__in=ids))
        .distinct().order_by("username")[:200])








def _block_codes(demand: Demand) -> list[str]:
    return sorted(set(demand.findings.current().filter(severity=Severity.BLOCK)
                      .values_list("code", flat=True)))


def _binding_notes(case: invariants.Case) -> list[str]:
    """What the rules will ask of a complying decision, said before anyone tries."""
    out = []
    open_hits = [h.label for h in case.hits if h.status == "open"]
    if open_hits:
        out.append(ngettext(
            "Screening unresolved: %(count)s sanctions hit to review (%(hits)s); complying "
            "and approving are refused until it is marked true or false.",
            "Screening unresolved: %(count)s sanctions hits to review (%(hits)s); complying "
            "and approving are refused until each is marked true or false.", len(open_hits))
            % {"count": len(open_hits), "hits": ", ".join(open_hits)})
    unsigned = [h.label for h in case.hits if h.status == "confirmed" and not h.signed_off]
    if unsigned:
        out.append(ngettext(
            "Confirmed hit %(hits)s: complying cannot be approved before sanctions counsel "
            "signs off.",
            "Confirmed hits %(hits)s: complying cannot be approved before sanctions counsel "
            "signs off.", len(unsigned)) % {"hits": ", ".join(unsigned)})
    if case.block_findings:
        out.append(ngettext(
            "Block finding %(codes)s: complying needs an override with reasons (legal lead) "
            "and a second approver.",
            "Block findings %(codes)s: complying needs an override with reasons (legal "
            "lead) and a second approver.", len(case.block_findings))
            % {"codes": ", ".join(sorted(case.block_findings))})
    if case.hr_required and case.hr_conclusion is None:
        out.append(_("A human-rights review is required before complying."))
    elif case.hr_conclusion == invariants.DO_NOT_PROCEED:
        out.append(_("The human-rights review concluded not to proceed: only refusing, "
                     "holding or referring to MLAT, unless overridden."))
    elif case.hr_required and case.hr_conclusion == invariants.PROCEED_WITH_ALTERNATIVE:
        out.append(_("The human-rights review allows only a less restrictive alternative: "
                     "withholding in %(jurisdiction)s only, or the alternatives it names.")
                   % {"jurisdiction": case.jurisdiction})
    return out


def _withhold_defaults(demand: Demand, asks: list[Any]) -> dict[int, list[str]]:
    """Where each restriction would be withheld: vetting's proposal, else the issuing
    jurisdiction (least restrictive first)."""

    out = {a.position: [demand.jurisdiction] for a in asks
           if a.kind in (AskKind.RESTRICT_CONTENT, AskKind.RESTRICT_ACCOUNT)}
    for offer in offers(demand):
        out[offer["ask"]] = list(offer["withhold_in"])
    return out


def _demand_page(request: HttpRequest, demand: Demand, *, status: int = 200,
                 forms: list[DecisionForm] | None = None,
                 table_data: Any = None,
                 table_errors: dict[str, list[str]] | None = None,
                 clarify: ClarifyForm | None = None,
                 hr_form: HumanRightsForm | None = None,
                 override_form: OverrideForm | None = None,
                 send_back_form: SendBackForm | None = None,
                 note_form: NoteForm | None = None,
                 letter_form: tuple[int, LetterForm | SendLetterForm, str] | None = None,
                 error: str = "") -> HttpResponse:
    """Render the whole case file; each render of user data is an audited view."""
    actions.record_view(demand, user=request.user, what="demand_page")
    kind = request.GET.get("events", "")
    page = selectors.case_file(demand, targets_after=_int_param(request, "targets_after"),
                               events_after=_int_param(request, "events_after"),
                               events_kind=kind if kind in dict(timeline.KINDS) else "")
    drafts = _draft_panels(request, demand, page.drafts, letter_form)
    asks, case, reviews, triggers = page.asks, page.case, page.reviews, page.hr_triggers
    current_review = page.hr_current
    user = request.user
    may_decide = user.has_perm(DECIDE_PERM)
    decidable = may_decide and demand.status in actions.DECIDABLE
    may_review_rights = user.has_perm(HUMAN_RIGHTS_PERM) and demand.is_open
    may_approve = user.has_perm(APPROVE_PERM) and demand.awaiting_approval
    refusal = invariants.check_approval(case, user.pk, second_person=True) \
        if may_approve else None
    approval_refusal = actions.refusal_text(refusal) if refusal is not None else None
    blocks = sorted(case.block_findings)
    withhold = _withhold_defaults(demand, asks) if decidable else {}
    table = TargetTableForm(page.rows, data=table_data, withhold_in=withhold) \
        if decidable else None
    if table is not None and table_data is not None:
        table.is_valid()  # show its errors beside the rows again
        for key, errors in (table_errors or {}).items():
            if key in table.fields and key not in table.errors:
                table.add_error(key, errors)
    context = {
        "demand": demand,
        "version": page.version,
        "instrument": page.instrument,
        "officials": page.officials,
        "screening": page.screening,
        "asks": asks,
        "targets": page.targets,
        "targets_next": page.targets_next,
        "targets_after": page.targets_after,
        "related": page.related,
        "documents": page.documents,
        "inbound_email": page.inbound_email,
        "findings": page.findings,
        "findings_total": sum(page.severity_counts.values()),
        "findings_history": page.findings_history,
        "severity_counts": page.severity_counts,
        "decisions": page.decisions,
        "action_summary": page.action_summary,
        "action_rows": page.action_rows,
        "action_total": page.action_total,
        "letters": page.letters,
        "drafts": drafts,
        "answers": page.answers,
        "letter_addresses": page.letter_addresses,
        "sender_verified": page.sender_verified,
        "user_notices": page.user_notices,
        "notice_counts": page.notice_counts,
        "events": page.events,
        "events_next": page.events_next,
        "events_after": page.events_after,
        "deadlines": page.deadlines,
        "decidable": decidable,
        "view_only": not may_decide and demand.status in actions.DECIDABLE,
        "forms": forms if forms is not None else (
            decision_forms(asks, current=page.current, withhold_in=withhold)
            if decidable else []),
        "rows": page.rows,
        "table": table,
        "timeline": page.lines,
        "timeline_kinds": timeline.KINDS,
        "events_kind": page.events_kind,
        "views": page.views,
        "views_total": page.views_total,
        "clarify": clarify or ClarifyForm(),
        "assign_form": AssignForm(_deciders(), initial={"assignee": demand.assignee_id})
        if may_decide and demand.is_open else None,
        "hr_triggers": triggers,
        "hr_required": bool(triggers),
        "hr_current": current_review,
        "hr_reviews": reviews,
        "hr_form": (hr_form or HumanRightsForm()) if may_review_rights else None,
        "can_claim": may_decide and demand.is_open and demand.assignee_id != user.pk,
        "can_clarify": may_decide and (
            Status.AWAITING_AUTHORITY in actions.TRANSITIONS[demand.status]),
        "can_approve": may_approve and user.pk not in case.authors,
        "approval_refusal": approval_refusal,
        "own_decision_waiting": demand.awaiting_approval and user.pk in case.authors,
        "send_back_form": (send_back_form or SendBackForm()) if may_approve else None,
        "binding_notes": _binding_notes(case) if demand.is_open else [],
        "override_form": (override_form or OverrideForm(blocks)) if (
            decidable and user.has_perm(OVERRIDE_PERM) and (blocks or case.hr_required))
        else None,
        "overrides": page.overrides,
        "notes": page.notes,
        "note_form": (note_form or NoteForm()) if user.has_perm(NOTE_PERM) else None,
        "error": error,
    }
    return render(request, "review/demand.html", context, status=status)


def _draft_panels(request: HttpRequest, demand: Demand, drafts: list[Notice],
                  failed: tuple[int, LetterForm | SendLetterForm, str] | None
                  ) -> list[dict[str, Any]]:
    """Per draft letter: its preview, the edit and send forms, who may approve it, and the
    error of a refused step beside the form it came from."""
    user = request.user
    may_decide = user.has_perm(DECIDE_PERM)
    panels = []
    for notice in drafts:
        options = reason_options(demand, notice.kind)
        edit: LetterForm | SendLetterForm = LetterForm(
            prefix=f"letter-{notice.pk}", options=options,
            initial={"subject": notice.subject, "body": notice.body,
                     "reasons": list(notice.quoted_reasons)})
        send: LetterForm | SendLetterForm = SendLetterForm(
            prefix=f"send-{notice.pk}", initial={"to": "\n".join(verified_addresses(demand))})
        error = ""
        if failed is not None and failed[0] == notice.pk:
            error = failed[2]
            if isinstance(failed[1], LetterForm):
                edit = failed[1]
            else:
                send = failed[1]
        panels.append({
            "notice": notice, "edit": edit, "send": send, "error": error,
            "may_edit": may_decide,
            "may_approve": (notice.needs_second_person and notice.approved_by_id is None
                            and user.has_perm(APPROVE_PERM)
                            and user.pk not in (notice.author_id, notice.edited_by_id)),
            "may_send": (may_decide or user.has_perm(APPROVE_PERM)) and (
                not notice.needs_second_person or notice.approved_by_id is not None),
        })
    return panels


def _refuse_without(request: HttpRequest, demand: Demand, perm: str) -> HttpResponse | None:
    """Same permissions as the API's decision endpoints, so both doors apply one rule."""
    if request.user.has_perm(perm):
        return None
    return render(request, "review/refused.html", {"demand": demand, "perm": perm},
                  status=403)


def _load(pk: int) -> Demand:
    return get_object_or_404(
        Demand.objects.select_related("authority", "requester__user", "assignee",
                                      "decided_by", "approved_by"),
        pk=pk)


@staff_required
@require_GET
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _demand_page(request, _load(pk))


@staff_required
@require_GET
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Every target of a demand, a page at a time, optionally narrowed by a prefix."""
    demand = _load(pk)
    after = _int_param(request, "after")
    prefix = request.GET.get("q", "").strip()[:2048]
    qs = demand.targets.order_by("pk")
    if prefix:
        qs = qs.filter(identifier__startswith=prefix)
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs[: TARGETS_LIST_PAGE + 1])
    more = len(rows) > TARGETS_LIST_PAGE
    rows = rows[:TARGETS_LIST_PAGE]
    actions.record_view(demand, user=request.user, what="targets")
    return render(request, "review/targets.html", {
        "demand": demand, "targets": rows, "q": prefix,
        "next_after": rows[-1].pk if more and rows else None, "after": after})


@staff_required
@require_GET
def document(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    """Serve an uploaded PDF back, inline, as bytes only: it is never parsed or run here."""
    demand = _load(pk)
    doc = get_object_or_404(Document, pk=doc_pk, demand=demand)

    try:
        fh = open_document(doc)
    except Conflict:
        fh = None
    if fh is None:
        raise Http404("the document's file is not in the store")
    actions.record_view(demand, user=request.user, what=f"document:{doc.pk}")
    response = FileResponse(fh, content_type="application/pdf",
                            as_attachment=False, filename=doc.filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; object-src 'self'"
    return response


@staff_required
@require_GET
def original_email(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The e-mail a demand arrived in, byte for byte, as plain text."""
    demand = _load(pk)
    email = selectors.inbound_email(demand)
    if email is None:
        raise Http404("this demand did not arrive by e-mail")

    try:
        fh = open_original(email)
    except BlobError:
        fh = None
    if fh is None:
        raise Http404("the original message is not in the store")
    actions.record_view(demand, user=request.user, what="original_email")
    response = FileResponse(fh, content_type="text/plain; charset=utf-8",
                            as_attachment=False, filename=f"demand-{demand.pk}.eml")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@staff_required
@require_GET
def productions(request: HttpRequest, pk: int) -> HttpResponse:
    """What was disclosed: package metadata (files, hashes, expiry); the data stays sealed."""

    demand = _load(pk)
    rows = list(Production.objects.filter(demand=demand).select_related("action__target")
                .order_by("pk")[:LIST_LIMIT])
    actions.record_view(demand, user=request.user, what="productions")
    return render(request, "review/productions.html", {"demand": demand, "productions": rows})


# ----------------------------------------------------------------------------- steps


@staff_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the per-ask forms and target rows into one DecisionsIn for the action."""
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, DECIDE_PERM)) is not None:
        return refused
    asks = list(demand.asks.all())
    forms = decision_forms(asks, data=request.POST)
    keys = posted_rows(request.POST)
    rows = selectors.posted_target_rows(demand, asks, keys)
    table = TargetTableForm(rows, data=request.POST)
    override = OverrideForm(_block_codes(demand), data=request.POST)

    def failed(status: int, error: str, again: Demand | None = None) -> HttpResponse:
        """The page again with what was submitted, and why nothing was recorded."""
        return _demand_page(request, again or demand, status=status, forms=forms,
                            table_data=request.POST, override_form=override, error=error,
                            table_errors={k: [str(e) for e in v]
                                          for k, v in table.errors.items()})

    if len(rows) != len(set(keys)):
        return failed(422, _("The decision was not recorded: a target row names a target "
                             "this demand does not have under that ask."))
    valid = (all(f.is_valid() for f in forms) & table.is_valid() & override.is_valid())
    if not forms or not valid:
        return failed(400, _("The decision was not recorded: correct the marked fields."))
    try:
        exceptions = table.to_decisions(forms)
        if table.errors:
            said = sorted({str(e) for errors in table.errors.values() for e in errors})
            return failed(400, _("The decision was not recorded: %(problems)s.")
                          % {"problems": "; ".join(said)})
        data = DecisionsIn(decisions=[f.to_decision() for f in forms] + exceptions,
                           override=override.to_override())
    except ValidationError as exc:
        detail = "; ".join(str(e["msg"]) for e in exc.errors())
        return failed(400, _("The decision was not recorded: %(problems)s")
                      % {"problems": detail})
    try:
        updated = review_actions.decide(demand, data, user=request.user,
                                        version=_version_param(request))
    except DomainError as exc:
        return failed(exc.status, exc.message, _load(pk))
    if updated.awaiting_approval:
        messages.success(request, _("Decisions recorded. A second reviewer must approve "
                                    "them before anything is carried out."))
    else:
        messages.success(request, _("Decisions recorded; the demand is now %(status)s.")
                         % {"status": timeline.status_word(updated.status)})
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, DECIDE_PERM)) is not None:
        return refused
    try:
        actions.claim_demand(demand, request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, error=exc.message)
    messages.success(request, _("You are now assigned to this demand."))
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, DECIDE_PERM)) is not None:
        return refused
    form = AssignForm(_deciders(), request.POST)
    if not form.is_valid():
        return _demand_page(request, demand, status=400,
                            error=_("Choose one of the listed reviewers."))
    try:
        updated = review_actions.assign(demand, form.cleaned_data["assignee"],
                                        user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, error=exc.message)
    if updated.assignee:
        messages.success(request, _("Assigned to %(who)s.")
                         % {"who": updated.assignee.get_username()})
    else:
        messages.success(request, _("Assigned to nobody."))
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def clarify(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, DECIDE_PERM)) is not None:
        return refused
    form = ClarifyForm(request.POST)
    if not form.is_valid():
        return _demand_page(request, demand, status=400, clarify=form,
                            error=_("The clarification request was not sent."))
    try:
        actions.request_clarification(demand, form.cleaned_data["message"], user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, clarify=form,
                            error=exc.message)
    messages.success(request, _("Clarification requested: the letter is drafted below; "
                                "check it and send it."))
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, APPROVE_PERM)) is not None:
        return refused
    try:
        updated = review_actions.approve(demand, user=request.user,
                                         version=_version_param(request))
    except DomainError as exc:
        return _demand_page(request, _load(pk), status=exc.status, error=exc.message)
    messages.success(request, _("Approved; the demand is now %(status)s.")
                     % {"status": timeline.status_word(updated.status)})
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def human_rights(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, HUMAN_RIGHTS_PERM)) is not None:
        return refused
    form = HumanRightsForm(request.POST)
    if not form.is_valid():
        return _demand_page(request, demand, status=400, hr_form=form,
                            error=_("The human-rights review was not recorded: correct "
                                    "the marked fields."))
    try:
        review_actions.record_human_rights_review(demand, form.cleaned_data,
                                                  user=request.user,
                                                  version=_version_param(request))
    except DomainError as exc:
        return _demand_page(request, _load(pk), status=exc.status, hr_form=form,
                            error=exc.message)
    messages.success(request, _("Human-rights review recorded."))
    return redirect("review:demand", pk=demand.pk)


@staff_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, APPROVE_PERM)) is not None:
        return refused
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _demand_page(request, demand, status=400, send_back_form=form,
                            error=_("Nothing was sent back: say why the decision goes "
                                    "back."))
    try:
        review_actions.send_back(demand, form.cleaned_data["comment"], user=request.user,
                                 version=_version_param(request))
    except DomainError as exc:
        return _demand_page(request, _load(pk), status=exc.status, send_back_form=form,
                            error=exc.message)
    messages.success(request, _("Sent back with your comment; the decisions must be made "
                                "again before anyone can approve them."))
    return redirect("review:demand", pk=demand.pk)


# ----------------------------------------------------------------------------- letters


def _letter_step(request: HttpRequest, pk: int, notice_id: int, perm: str
                 ) -> tuple[Demand, Notice | None, HttpResponse | None]:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, perm)) is not None:
        return demand, None, refused
    try:
        return demand, letter_actions.letter_of(demand, notice_id), None
    except DomainError as exc:
        raise Http404(exc.message) from exc


@staff_required
@require_POST
def letter_edit(request: HttpRequest, pk: int, notice_id: int) -> HttpResponse:
    """Save the text, or (``redraft``) choose other reasons and draft the text again."""
    demand, notice, refused = _letter_step(request, pk, notice_id, DECIDE_PERM)
    if refused is not None or notice is None:
        return refused or redirect("review:demand", pk=pk)
    form = LetterForm(request.POST, prefix=f"letter-{notice.pk}",
                      options=reason_options(demand, notice.kind))
    if not form.is_valid():
        return _demand_page(request, demand, status=400,
                            letter_form=(notice.pk, form, _("The letter was not saved: "
                                                            "correct the marked fields.")))
    try:
        if "redraft" in request.POST:
            letter_actions.edit_letter(notice, user=request.user,
                                       reasons=list(form.cleaned_data["reasons"]))
        else:
            letter_actions.edit_letter(notice, user=request.user,
                                       subject=form.cleaned_data["subject"],
                                       body=form.cleaned_data["body"])
    except DomainError as exc:
        return _demand_page(request, _load(pk), status=exc.status,
                            letter_form=(notice.pk, form, exc.message))
    messages.success(request, _("Letter saved; it is still a draft."))
    return redirect(reverse("review:demand", args=[pk]) + f"#letter-{notice.pk}")


@staff_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _load(pk)
    if (refused := _refuse_without(request, demand, NOTE_PERM)) is not None:
        return refused
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _demand_page(request, demand, status=400, note_form=form,
                            error=_("The note was not added: write the note."))
    try:
        review_actions.add_note(demand, form.cleaned_data["body"], user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status, note_form=form,
                            error=exc.message)
    messages.success(request, _("Note added (staff only; the authority never sees it)."))
    return redirect(reverse("review:demand", args=[demand.pk]) + "#notes")


@staff_required
@require_POST
def letter_approve(request: HttpRequest, pk: int, notice_id: int) -> HttpResponse:
    demand, notice, refused = _letter_step(request, pk, notice_id, APPROVE_PERM)
    if refused is not None or notice is None:
        return refused or redirect("review:demand", pk=pk)
    try:
        letter_actions.approve_letter(notice, user=request.user)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status,
                            letter_form=(notice.pk, SendLetterForm(prefix=f"send-{notice.pk}"),
                                         exc.message))
    messages.success(request, _("Letter approved; it can now be sent."))
    return redirect("review:demand", pk=pk)


@staff_required
@require_POST
def letter_send(request: HttpRequest, pk: int, notice_id: int) -> HttpResponse:
    """Reviewers send letters; so may the approver who just approved one."""
    perm = DECIDE_PERM if request.user.has_perm(DECIDE_PERM) else APPROVE_PERM
    demand, notice, refused = _letter_step(request, pk, notice_id, perm)
    if refused is not None or notice is None:
        return refused or redirect("review:demand", pk=pk)
    form = SendLetterForm(request.POST, prefix=f"send-{notice.pk}")
    if not form.is_valid():
        return _demand_page(request, demand, status=400,
                            letter_form=(notice.pk, form, _("The letter was not sent.")))
    try:
        sent = letter_actions.send_letter(notice, user=request.user,
                                          to=form.addresses() or None)
    except DomainError as exc:
        return _demand_page(request, demand, status=exc.status,
                            letter_form=(notice.pk, form,
                                         _("The letter was not sent: %(why)s")
                                         % {"why": exc.message}))
    if sent.addresses:
        messages.success(request, _("Letter sent to the authority's portal and e-mailed to "
                                    "%(addresses)s.") % {"addresses": ", ".join(sent.addresses)})
    else:
        messages.success(request, _("Letter sent to the authority's portal; no registry "
                                    "address to e-mail it to."))
    return redirect("review:demand", pk=pk)

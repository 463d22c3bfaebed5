"""A letter's life as a draft: edited, approved by a second person where it refuses, sent.

Each step locks the letter, checks it may happen, writes the row and its audit event in one
transaction (the pattern of :mod:`dueprocess.demands.actions`). What was generated from the
decision is kept beside what was edited and sent, so the timeline shows both.

Rules:

- only a draft can be edited, approved or sent; a sent letter is never changed;
- a refusal, an MLAT referral and a partial compliance letter need the approval of a
  person who neither drafted nor last edited it; an edit after the approval withdraws it;
- no letter goes out while the demand is held until its sender is verified;
- a letter is e-mailed only to addresses in the authority registry (on one of its verified
  domains): any other address is refused with ``recipient_not_registered``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.actions import refuse_while_unverified
from dueprocess.demands.models import Demand, Notice, NoticeKind, NoticeStatus
from dueprocess.errors import (
    ApprovalRequired,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RecipientNotRegistered,
)
from dueprocess.locking import for_update
from dueprocess.notices.delivery import (
    email_letter_on_commit,
    is_verified_address,
    record_held_email,
    verified_addresses,
)
from dueprocess.notices.letters import render_letter
from dueprocess.notices.reasons import default_reasons, reason_options

MAX_SUBJECT = 300
MAX_BODY = 50_000


def _lock(notice: Notice) -> Notice:
    try:
        return (for_update(Notice.objects).select_related("demand__authority")
                .get(pk=notice.pk))
    except Notice.DoesNotExist as exc:
        raise NotFound(_("no such letter")) from exc


def letter_of(demand: Demand, notice_id: int) -> Notice:
    """A letter to the authority on this demand (never a user notice), or ``NotFound``."""
    notice = (Notice.objects.select_related("demand__authority")
              .filter(pk=notice_id, demand=demand).exclude(kind=NoticeKind.USER).first())
    if notice is None:
        raise NotFound(_("demand %(demand)s has no letter %(notice_id)s")
                       % {"demand": demand.pk, "notice_id": notice_id})
    return notice


def _draft_only(notice: Notice) -> None:
    if notice.kind == NoticeKind.USER:
        raise NotFound(_("no such letter"))
    if notice.status != NoticeStatus.DRAFT:
        raise Conflict(_("this letter is %(status)s, not a draft: it cannot be changed")
                       % {"status": notice.status})


def _uid(user: User) -> int:
    if user.pk is None or not user.is_authenticated:
        raise Forbidden(_("a person must be logged in to handle letters"))
    return int(user.pk)


def edit_letter(notice: Notice, *, user: User, subject: str | None = None,
                body: str | None = None, reasons: list[str] | None = None) -> Notice:
    """Change the draft's text, or choose other reasons to quote (which drafts the text
    again from the decision, replacing earlier edits unless a new body is given too)."""
    uid = _uid(user)
    with transaction.atomic():
        notice = _lock(notice)
        _draft_only(notice)
        demand = notice.demand
        changed: list[str] = []
        if reasons is not None:
            offered = {o.key for o in reason_options(demand, notice.kind)}
            unknown = sorted(set(reasons) - offered)
            if unknown:
                raise InvalidInput(_("this letter cannot quote %(unknown)s")
                                   % {"unknown": ', '.join(unknown)},
                                   field="reasons")
            chosen = list(dict.fromkeys(reasons))
            if chosen != list(notice.quoted_reasons):
                # only refusals, referrals and partial compliance quote reasons, and
                # they carry no words of the reviewer's beyond what is edited in
                new_subject, new_body = render_letter(demand, notice.kind, reasons=chosen)
                notice.quoted_reasons = chosen
                notice.generated_subject, notice.generated_body = new_subject, new_body
                notice.subject, notice.body = new_subject, new_body
                changed += ["reasons"]
        if subject is not None:
            text = subject.strip()
            if not text:
                raise InvalidInput(_("the letter needs a subject"), field="subject")
            if len(text) > MAX_SUBJECT:
                raise InvalidInput(_("the subject is longer than %(max_subject)s characters")
                                   % {"max_subject": MAX_SUBJECT},
                                   field="subject")
            if text != notice.subject:
                notice.subject = text
                changed.append("subject")
        if body is not None:
            text = body.replace("\r\n", "\n").strip()
            if not text:
                raise InvalidInput(_("the letter needs a text"), field="body")
            if len(text) > MAX_BODY:
                raise InvalidInput(_("the text is longer than %(max_body)s characters")
                                   % {"max_body": f"{MAX_BODY:,}"},
                                   field="body")
            text += "\n"
            if text != notice.body:
                notice.body = text
                changed.append("body")
        if not changed:
            return notice
        notice.edited_by_id = uid
        notice.edited_at = timezone.now()
        withdrawn = notice.approved_by_id is not None
        notice.approved_by_id = None
        notice.approved_at = None
        notice.save(update_fields=["subject", "body", "generated_subject", "generated_body",
                                   "quoted_reasons", "edited_by", "edited_at", "approved_by",
                                   "approved_at"])
        record("letter.edited", actor=actor_label(user), demand_id=notice.demand_id, payload={
            "notice": notice.pk, "kind": notice.kind, "changed": changed,
            "reasons": list(notice.quoted_reasons), "approval_withdrawn": withdrawn,
            "subject": notice.subject, "body": notice.body})
    return notice


def approve_letter(notice: Notice, *, user: User) -> Notice:
    """The second person: someone other than whoever drafted or last edited the letter."""
    uid = _uid(user)
    with transaction.atomic():
        notice = _lock(notice)
        _draft_only(notice)
        if not notice.needs_second_person:
            raise Conflict(_("a %(kind)s letter needs no approval; send it")
                           % {"kind": notice.get_kind_display().lower()})
        if uid in (notice.author_id, notice.edited_by_id):
            raise Forbidden(_("four-eyes: the person who drafted or edited this letter cannot "
                              "also approve it"))
        notice.approved_by_id = uid
        notice.approved_at = timezone.now()
        notice.save(update_fields=["approved_by", "approved_at"])
        record("letter.approved", actor=actor_label(user), demand_id=notice.demand_id,
               payload={"notice": notice.pk, "kind": notice.kind})
    return notice


def registry_check(demand: Demand, addresses: list[str]) -> list[str]:
    """The addresses, each on a verified domain of the authority, or the refusal naming the
    rule and the address."""
    domains = list(demand.authority.domains or [])
    out: list[str] = []
    for raw in addresses:
        address = raw.strip()
        if not address:
            continue
        if not is_verified_address(address, domains):
            raise RecipientNotRegistered(
                _("%(address)s is not in the authority registry: letters go only to addresses "
                  "on a verified domain of %(authority)s (%(domains)s)")
                % {"address": address,
                   "authority": demand.authority.name,
                   "domains": ", ".join(domains) or _("none registered")}, field="to")
        if address.lower() not in {a.lower() for a in out}:
            out.append(address)
    return out


def send_letter(notice: Notice, *, user: User, to: list[str] | None = None) -> Notice:
    """Send the draft: to the authority's portal, and by e-mail to ``to`` (by default the
    demand's addresses on a verified domain), once after the commit."""
    uid = _uid(user)
    with transaction.atomic():
        notice = _lock(notice)
        _draft_only(notice)
        demand = notice.demand
        addresses = registry_check(demand, to) if to is not None else verified_addresses(demand)
        refuse_while_unverified(demand)
        if notice.needs_second_person and notice.approved_by_id is None:
            raise ApprovalRequired(_("a second person must approve this letter before it is "
                                     "sent (someone who neither drafted nor edited it)"))
        notice.status = NoticeStatus.SENT
        notice.sent_at = timezone.now()
        notice.sent_by_id = uid
        notice.addresses = addresses
        notice.save(update_fields=["status", "sent_at", "sent_by", "addresses"])
        record("notice.sent", actor=actor_label(user), demand_id=demand.pk, payload={
            "notice": notice.pk, "kind": notice.kind, "to": notice.recipient,
            "addresses": addresses, "edited": notice.edited,
            "approved_by": notice.approved_by_id, "subject": notice.subject,
            "body": notice.body})

        email_letter_on_commit(notice)
    return notice


# ------------------------------------------------------------- letters the case file asks for


def render(demand: Demand, kind: str, body: str = "") -> tuple[str, str]:
    """A letter of a kind as it would go out now: ``(subject, body)``."""
    return render_letter(demand, kind, extra=body)


def send_acknowledgement(demand: Demand, actor: str, rendered: tuple[str, str],
                         email: bool) -> Notice:
    """A letter sent at once: only the acknowledgement, which says nothing of the merits.

    With ``email`` false (the sender is not verified) it stays in the portal only.
    """
    subject, text = rendered
    kind = NoticeKind.ACKNOWLEDGEMENT
    notice = Notice.objects.create(demand=demand, kind=kind, recipient=demand.authority.slug,
                                   status=NoticeStatus.SENT, subject=subject, body=text,
                                   generated_subject=subject, generated_body=text,
                                   language=demand.language or "en", sent_at=timezone.now())
    record("notice.sent", actor=actor, demand_id=demand.pk,
           payload={"notice": notice.pk, "kind": kind, "to": notice.recipient})
    if email:
        email_letter_on_commit(notice)  # the same letter by e-mail to verified addresses
    else:
        record_held_email(notice)
    return notice


def draft_letter(demand: Demand, kind: str, actor: str, author: User | None,
                 body: str) -> Notice:
    """A letter drafted from the decision, for a reviewer to preview, edit and send.

    A draft of the same kind not yet sent is drafted again rather than doubled (decisions
    recorded twice before approval).
    """
    reasons = default_reasons(reason_options(demand, kind))
    subject, text = render_letter(demand, kind, extra=body, reasons=reasons)
    author_id = author.pk if author is not None and author.is_authenticated else None
    notice = Notice.objects.filter(demand=demand, kind=kind, status=NoticeStatus.DRAFT).first()
    fields = {"subject": subject, "body": text, "generated_subject": subject,
              "generated_body": text, "quoted_reasons": reasons, "author_id": author_id,
              "edited_by_id": None, "edited_at": None, "approved_by_id": None,
              "approved_at": None, "language": demand.language or "en"}
    if notice is None:
        notice = Notice.objects.create(demand=demand, kind=kind,
                                       recipient=demand.authority.slug,
                                       status=NoticeStatus.DRAFT, **fields)
    else:
        for name, value in fields.items():
            setattr(notice, name, value)
        notice.save(update_fields=[n.removesuffix("_id") for n in fields])
    record("letter.drafted", actor=actor, demand_id=demand.pk,
           payload={"notice": notice.pk, "kind": kind, "reasons": reasons})
    return notice

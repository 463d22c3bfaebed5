"""Lumen-style publication of restriction demands, redacted and reviewed.

The public copy is built from the demand, never the demand itself: e-mail addresses, phone
numbers, URL paths, handles and the names of private persons (the affected users, anyone
after a salutation or the word "user", and any person the preparer lists) are replaced by
``[redacted]`` automatically (:mod:`dueprocess.redaction`, the same redactor
as the DSA statements of reasons). Officials named on the
demand are kept, because they act in a public capacity and their accountability is the
point of publishing. A draft becomes public only when a person with the publish permission
has reviewed it; every step is one transaction with its audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.audit.actors import actor_label
from dueprocess.audit.chain import record
from dueprocess.demands.models import AskKind, Demand
from dueprocess.errors import Conflict, Forbidden, InvalidInput
from dueprocess.locking import for_update
from dueprocess.redaction import REDACTED, Redaction, redact
from dueprocess.transparency.access import require_publisher
from dueprocess.transparency.models import Publication, PublicationStatus
from dueprocess.transparency.reports import legal_process_label, territory_name

__all__ = ["REDACTED", "Redaction", "edit_publication", "prepare_publication", "public_list",
           "publish", "redact", "withdraw"]

MAX_TEXT = 20000


def _private_names(demand: Demand, extra: Sequence[str]) -> list[str]:
    names = [*extra]
    for t in demand.targets.filter(type="account").values_list("identifier", flat=True)[:1000]:
        names.append(t)
        names.append(t.lstrip("@"))
    return names


def _public_target(kind: str, identifier: str) -> str:
    if kind == "content":
        parts = urlsplit(identifier)
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}/{REDACTED}"
        return f"content item {REDACTED}"
    return f"account {REDACTED}"


def _body(demand: Demand) -> str:
    lines = [
        f"Received: {demand.received_at.date().isoformat()}",
        f"Authority: {demand.authority.name} ({territory_name(demand.jurisdiction)})",
        f"Legal process: {legal_process_label(demand.instrument)} ({demand.instrument})",
    ]
    issued = demand.issued_by or {}
    if issued.get("name"):
        title = f", {issued['title']}" if issued.get("title") else ""
        lines.append(f"Issued by: {issued['name']}{title}")
    for label, value in (("Legal basis", demand.legal_basis),
                         ("Statement of reasons", demand.statement_of_reasons),
                         ("Offences", ", ".join(map(str, demand.offences or []))),
                         ("Redress", demand.redress)):
        if value:
            lines.append(f"{label}: {value}")
    for ask in demand.asks.all():
        scope = f" in {', '.join(ask.territorial_scope)}" if ask.territorial_scope else ""
        lines.append(f"Asked: {ask.kind.replace('_', ' ')} {ask.measure}{scope}".rstrip())
    lines.append(f"Items named: {demand.target_count or demand.targets.count()}")
    return "\n".join(lines)


def _restriction(demand: Demand) -> bool:
    return demand.asks.filter(kind__in=(AskKind.RESTRICT_CONTENT,
                                        AskKind.RESTRICT_ACCOUNT)).exists()


def prepare_publication(demand: Demand, *, user: Any = None,
                        private_names: Sequence[str] = ()) -> Publication:
    """Create the redacted draft of a restriction demand (nothing is public yet)."""
    if user is not None:
        require_publisher(user)
    with transaction.atomic():
        demand = for_update(Demand.objects).select_related("authority").get(
            pk=demand.pk)
        if not _restriction(demand):
            raise InvalidInput(_("only demands to restrict content or accounts are published"),
                               field="demand")
        if Publication.objects.filter(demand=demand).exists():
            raise Conflict(_("this demand already has a publication"))
        redaction = redact(_body(demand), _private_names(demand, private_names))
        targets = [_public_target(t, i) for t, i in
                   demand.targets.values_list("type", "identifier")[:100]]
        pub = Publication.objects.create(
            demand=demand, title=f"{legal_process_label(demand.instrument)} from "
                                 f"{demand.authority.name}"[:300],
            jurisdiction=demand.jurisdiction, authority_name=demand.authority.name[:300],
            instrument=demand.instrument, received_on=demand.received_at.date(),
            redacted_text=redaction.text, redactions=redaction.count, targets=targets,
            prepared_by_id=getattr(user, "pk", None))
        record("publication.prepared", actor=actor_label(user), demand_id=demand.pk,
               payload={"publication": pub.pk, "redactions": redaction.count})
    return pub


def _lock(pub: Publication) -> Publication:
    return for_update(Publication.objects).get(pk=pub.pk)


def edit_publication(pub: Publication, text: str, *, user: Any,
                     private_names: Sequence[str] = ()) -> Publication:
    """The reviewer's corrections; the automatic redactions are applied to them again."""
    require_publisher(user)
    if not text.strip() or len(text) > MAX_TEXT:
        raise InvalidInput(_("the text must have 1 to %(max_text)s characters")
                           % {"max_text": MAX_TEXT}, field="text")
    with transaction.atomic():
        pub = _lock(pub)
        if pub.status != PublicationStatus.DRAFT:
            raise Conflict(_("a %(status)s publication cannot be edited") % {"status": pub.status})
        demand = Demand.objects.get(pk=pub.demand_id)
        redaction = redact(text, _private_names(demand, private_names))
        pub.redacted_text = redaction.text
        pub.redactions += redaction.count
        pub.save(update_fields=["redacted_text", "redactions"])
        record("publication.edited", actor=actor_label(user), demand_id=pub.demand_id,
               payload={"publication": pub.pk, "redactions": redaction.count})
    return pub


def publish(pub: Publication, *, user: Any) -> Publication:
    """The review: a person with the permission makes the redacted copy public."""
    require_publisher(user)
    with transaction.atomic():
        pub = _lock(pub)
        if pub.status != PublicationStatus.DRAFT:
            raise Conflict(_("a %(status)s publication cannot be published")
                           % {"status": pub.status})
        if pub.prepared_by_id is not None and pub.prepared_by_id == user.pk:
            raise Forbidden(_("the person who prepared a publication does not also publish it"))
        pub.status = PublicationStatus.PUBLISHED
        pub.reviewed_by_id = user.pk
        pub.published_at = timezone.now()
        pub.save(update_fields=["status", "reviewed_by", "published_at"])
        record("publication.published", actor=actor_label(user), demand_id=pub.demand_id,
               payload={"publication": pub.pk})
    return pub


def withdraw(pub: Publication, *, user: Any, reason: str = "") -> Publication:
    require_publisher(user)
    with transaction.atomic():
        pub = _lock(pub)
        if pub.status == PublicationStatus.WITHDRAWN:
            raise Conflict(_("the publication is already withdrawn"))
        pub.status = PublicationStatus.WITHDRAWN
        pub.save(update_fields=["status"])
        record("publication.withdrawn", actor=actor_label(user), demand_id=pub.demand_id,
               payload={"publication": pub.pk, "reason": reason[:500]})
    return pub


def public_list(query: str = "") -> QuerySet[Publication]:
    qs = Publication.objects.filter(status=PublicationStatus.PUBLISHED)
    q = query.strip()[:200]
    if q:
        cond = (Q(title__icontains=q) | Q(redacted_text__icontains=q)
                | Q(authority_name__icontains=q) | Q(instrument__icontains=q))
        if len(q) == 2 and q.isalpha():
            cond |= Q(jurisdiction=q.upper())
        qs = qs.filter(cond)
    return qs

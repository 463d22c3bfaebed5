"""Published demands as Lumen notices (the JSON body of Lumen's "Create notice" call).

Only publications a second person has published are exported, and only from their public
copy: the redacted text, the redacted item list (``https://host/[redacted]``), the
authority, the legal process. Nothing is read from the demand that the public page does
not already show, except what was done (``action_taken``) and the order's language. The
schema is ``transparency/data/lumen-notice.schema.json`` (docs/lumen.md explains each field).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from dueprocess.demands.models import Outcome, Status
from dueprocess.law import default_library
from dueprocess.transparency.dsa import default_provider
from dueprocess.transparency.models import Publication, PublicationStatus
from dueprocess.transparency.reports import legal_process_label

SCHEMA = "lumen-notice.schema.json"
LANGUAGES = frozenset((
    "af", "ar", "be", "bg", "ca", "cs", "cy", "da", "de", "el", "en", "eo", "es", "et", "fa",
    "fi", "fr", "ga", "gl", "hi", "hr", "ht", "hu", "id", "is", "it", "iw", "ja", "ko", "lt",
    "lv", "mk", "ml", "ms", "mt", "nl", "no", "pl", "pt", "ro", "ru", "si", "sk", "sl", "sq",
    "sr", "sv", "sw", "th", "tl", "tr", "uk", "vi", "yi", "yo", "zh",
))
_CHANNEL = {"api": "API", "portal": "Online form", "email": "Email", "import": "Mail"}
_REQUEST_TYPE = {"warrant": "Warrant", "subpoena": "Subpoena",
                 "preservation": "Records Preservation"}


@cache
def schema() -> dict[str, Any]:
    data = resources.files("dueprocess.transparency").joinpath("data", SCHEMA).read_text()
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def _type(pub: Publication) -> str:
    instrument = default_library().get(pub.demand.instrument)
    kind = pub.demand.authority.kind
    if kind == "court" or (instrument is not None and instrument.kind in ("order", "warrant")
                           and "court" in instrument.id):
        return "CourtOrder"
    if kind in ("police", "prosecutor", "agency"):
        return "LawEnforcementRequest"
    return "Other"


def _action_taken(pub: Publication) -> str:
    demand = pub.demand
    outcomes = set(demand.decisions.filter(superseded=False).values_list("outcome", flat=True))
    complied = outcomes & {Outcome.COMPLY, Outcome.COMPLY_PARTIALLY}
    if not complied or demand.status in (Status.REJECTED, Status.WITHDRAWN):
        return "No"
    if Outcome.COMPLY_PARTIALLY in outcomes or outcomes - complied:
        return "Partial"
    return "Yes"


def notice(pub: Publication) -> dict[str, Any]:
    """One publication as ``{"notice": {...}}``."""
    demand = pub.demand
    kind = _type(pub)
    body: dict[str, Any] = {
        "title": pub.title[:300],
        "type": kind,
        "subject": f"{legal_process_label(pub.instrument)} from {pub.authority_name}",
        "body": pub.redacted_text,
        "date_received": pub.received_on.isoformat(),
        "source": _CHANNEL.get(demand.channel, "Other"),
        "jurisdiction_list": pub.jurisdiction.upper(),
        "action_taken": _action_taken(pub),
        "works_attributes": [{
            "kind": "Online content",
            "description": f"{len(pub.targets)} item(s) named in the order "
                           "(identifiers redacted)",
            "infringing_urls_attributes": [{"url": t} for t in pub.targets
                                           if t.startswith(("http://", "https://"))]}],
        "entity_notice_roles_attributes": [
            {"name": "sender", "entity_attributes": {
                "name": pub.authority_name, "kind": "organization",
                "country_code": pub.jurisdiction.upper()}},
            {"name": "recipient", "entity_attributes": {
                "name": default_provider(), "kind": "organization"}},
        ],
    }
    language = (demand.language or "").split("-")[0].lower()
    if language in LANGUAGES:
        body["language"] = language
    if kind in ("CourtOrder", "LawEnforcementRequest"):
        body["regulation_list"] = pub.instrument
    if kind == "LawEnforcementRequest":
        instrument = default_library().get(pub.instrument)
        body["request_type"] = _REQUEST_TYPE.get(instrument.kind if instrument else "",
                                                 "Agency")
    if demand.content_category:
        body["tag_list"] = demand.content_category.removeprefix(
            "STATEMENT_CATEGORY_").replace("_", " ").lower()
    return {"notice": body}


def notices(since: date | None = None) -> Iterator[dict[str, Any]]:
    """Every published (not withdrawn) publication, oldest first."""
    qs = Publication.objects.filter(status=PublicationStatus.PUBLISHED).select_related(
        "demand__authority").order_by("published_at", "pk")
    if since is not None:
        qs = qs.filter(published_at__date__gte=since)
    for pub in qs.iterator(chunk_size=200):
        yield notice(pub)

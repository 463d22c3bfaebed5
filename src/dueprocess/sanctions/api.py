"""``POST /api/v1/screening/search``: ranked list hits for a name, with explanations.

Mounted on the /api/v1 NinjaAPI under ``/screening``, so bearer tokens, rate limits and the
single error mapping apply. Staff only: screening is the platform's own check, and an
authority's token must not be able to probe how names score against it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field, StringConstraints, field_validator

from dueprocess.errors import InvalidInput, NotFound
from dueprocess.sanctions import service
from dueprocess.sanctions.actions import sign_off_hit
from dueprocess.screening import DEFAULT_THRESHOLD, Query
from dueprocess.screening.dates import parse_dates
from dueprocess.web.auth import require_staff
from dueprocess.web.schemas import ErrorOut

router = Router(tags=["screening"])
ERRORS: dict[int | str, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut,
                                422: ErrorOut, 429: ErrorOut}

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class SearchIn(Schema):
    name: Name
    birth_date: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None \
        = None
    nationality: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] \
        | None = None
    position: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] \
        | None = None
    schema_: Literal["Person", "Organization", "LegalEntity", "Vessel", "Aircraft"] = Field(
        "Person", alias="schema")
    limit: int = Field(10, ge=1, le=100)
    threshold: float = Field(0.0, ge=0.0, le=1.0,
                             description="Leave out hits scoring below this (0: all ranked)")

    model_config = {"extra": "forbid", "populate_by_name": True}

    @field_validator("birth_date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value and not parse_dates(value):
            raise ValueError("use YYYY, YYYY-MM or YYYY-MM-DD")
        return value or None


class ListOut(Schema):
    list_id: str
    version: int
    source: str
    entries: int
    loaded_at: datetime


class HitOut(Schema):
    list_id: str
    entry_id: str
    schema_: str = Field(alias="schema")
    name: str
    matched_name: str
    score: float
    alert: bool
    explanation: str
    programmes: list[str]
    birth_dates: list[str]
    nationalities: list[str]
    positions: list[str]

    model_config = {"populate_by_name": True}


class SearchOut(Schema):
    threshold: float = Field(description="Score at which a hit is an alert for review")
    lists: list[ListOut]
    hits: list[HitOut]


@router.post("/search", response={200: SearchOut, **ERRORS}, by_alias=True)
def search(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    """Hits for a name against the lists in force, best first, each with its explanation.

    `alert` is true at or above the screening threshold; below it, hits are shown for
    context (`threshold` in the body leaves them out).
    """
    require_staff(request.user)
    query = Query(payload.name, schema=payload.schema_, birth_date=payload.birth_date,
                  nationality=payload.nationality, position=payload.position)
    hits = service.search(query, limit=payload.limit, threshold=payload.threshold)
    # Plain dicts: ninja reads output by alias, and "schema" is a method name on models.
    return {
        "threshold": DEFAULT_THRESHOLD,
        "lists": [{"list_id": v.list_id, "version": v.pk, "source": v.source,
                   "entries": v.entry_count, "loaded_at": v.loaded_at}
                  for v in service.active_versions()],
        "hits": [{
            "list_id": h.entry.list_id, "entry_id": h.entry.entry_id, "schema": h.entry.schema,
            "name": h.entry.primary_name, "matched_name": h.matched_name, "score": h.score,
            "alert": h.score >= DEFAULT_THRESHOLD, "explanation": h.explanation,
            "programmes": list(h.entry.programmes), "birth_dates": list(h.entry.birth_dates),
            "nationalities": list(h.entry.nationalities), "positions": list(h.entry.positions),
        } for h in hits],
    }


class SignoffIn(Schema):
    note: Annotated[str, StringConstraints(max_length=5000)]

    model_config = {"extra": "forbid"}


class SignoffOut(Schema):
    id: int
    result: int
    signed_by: str
    signed_at: datetime


@router.post("/results/{result_id}/signoff", response={201: SignoffOut, **ERRORS, 404: ErrorOut,
                                                       409: ErrorOut})
def signoff(request: HttpRequest, result_id: int, payload: SignoffIn) -> Any:
    """Sanctions counsel signs off a hit confirmed true, so complying may be approved."""
    from ninja import Status


    require_staff(request.user)
    row = sign_off_hit(result_id, user=request.user, note=payload.note)
    return Status(201, SignoffOut(id=row.pk, result=row.result_id,
                                  signed_by=row.signed_by.get_username(),
                                  signed_at=row.signed_at))


# ------------------------------------------------------------ yente-compatible matching

match_router = Router(tags=["screening"])
"""``POST /match/{dataset}`` as yente answers it, so tools built for yente work unchanged.

Self-contained: mount it on any NinjaAPI (today beside ``/screening`` on /api/v1)."""

_YENTE_SCHEMAS = {"Person": "Person", "Organization": "Organization", "Company": "Organization",
                  "LegalEntity": "LegalEntity", "Vessel": "Vessel", "Airplane": "Aircraft"}
_FTM_SCHEMAS = {"Aircraft": "Airplane"}
PropValues = list[Annotated[str, StringConstraints(max_length=500)]]


class EntityExample(Schema):
    schema_: str = Field(alias="schema")
    properties: dict[str, PropValues] = Field(default_factory=dict)

    model_config = {"populate_by_name": True}

    @field_validator("schema_")
    @classmethod
    def _schema(cls, value: str) -> str:
        if value not in _YENTE_SCHEMAS:
            raise ValueError(f"schema must be one of {', '.join(_YENTE_SCHEMAS)}")
        return value

    @field_validator("properties")
    @classmethod
    def _props(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not any(v.strip() for v in value.get("name", [])):
            raise ValueError("a query needs at least one name")
        if len(value.get("name", [])) > 20:
            raise ValueError("at most 20 names per query")
        return value


class MatchIn(Schema):
    queries: dict[str, EntityExample] = Field(max_length=100)


def _first(props: dict[str, list[str]], *keys: str) -> str | None:
    for k in keys:
        for v in props.get(k, []):
            if v.strip():
                return v.strip()
    return None


def _result(hit: Any, threshold: float) -> dict[str, Any]:
    e = hit.entry
    return {
        "id": e.entry_id, "caption": e.primary_name,
        "schema": _FTM_SCHEMAS.get(e.schema, e.schema),
        "properties": {"name": [e.primary_name], "alias": list(e.names[1:]),
                       "birthDate": list(e.birth_dates),
                       "nationality": [n.lower() for n in e.nationalities],
                       "position": list(e.positions), "programId": list(e.programmes)},
        "datasets": [e.list_id], "score": hit.score, "match": hit.score >= threshold,
        "features": hit.features, "explanation": hit.explanation,
    }


@match_router.post("/match/{dataset}", response={200: dict[str, Any], **ERRORS, 404: ErrorOut})
def match(request: HttpRequest, dataset: str, payload: MatchIn, limit: int = 5,
          threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Score entity examples (schema + FtM properties) against the lists in force.

    `dataset` is a list id in force (e.g. `us_ofac_sdn`) or `default` for all of them.
    Each query answers with `results` ranked by `score`; `match` is true at or above
    `threshold` (default: the screening threshold).
    """

    require_staff(request.user)
    if not 1 <= limit <= 100 or not 0.0 <= threshold <= 1.0:
        raise InvalidInput(_("limit is 1 to 100 and threshold 0 to 1"), field="limit")
    lists = {v.list_id for v in service.active_versions()}
    if dataset != "default" and dataset not in lists:
        raise NotFound(_("no list %(dataset)r in force; in force: %(lists)s")
                       % {"dataset": dataset, "lists": ", ".join(sorted(lists)) or _("none")})
    responses: dict[str, Any] = {}
    for key, example in payload.queries.items():
        props = example.properties
        best: dict[tuple[str, str], Any] = {}
        for name in (n for n in props.get("name", []) if n.strip()):
            query = Query(name.strip(), schema=_YENTE_SCHEMAS[example.schema_],
                          birth_date=_first(props, "birthDate"),
                          nationality=_first(props, "nationality", "citizenship", "country"),
                          position=_first(props, "position"))
            for h in service.search(query, limit=limit * 4):
                if dataset != "default" and h.entry.list_id != dataset:
                    continue
                if h.entry.key not in best or h.score > best[h.entry.key].score:
                    best[h.entry.key] = h
        ranked = sorted(best.values(), key=lambda h: -h.score)[:limit]
        responses[key] = {"status": 200, "results": [_result(h, threshold) for h in ranked],
                          "total": {"value": len(ranked), "relation": "eq"},
                          "query": {"schema": example.schema_, "properties": props}}
    return {"responses": responses, "limit": limit,
            "matcher": {"name": "dueprocess", "threshold": threshold}}

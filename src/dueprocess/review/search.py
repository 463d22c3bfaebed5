"""Search across demands, targets, authorities and officials, by index only.

Every lookup here is an exact match or a prefix match on an indexed expression, so a search
costs the same at a thousand demands as at millions of targets: no ``LIKE '%…%'`` over the
big tables. The expression indexes are created by this app's migration 0002 (per database
vendor); the queries below are written to match them exactly:

- demands by number (``#123`` or ``123``), or by reference: ``upper(reference)`` prefix;
- targets by identifier: ``left(identifier, 255)`` prefix (PostgreSQL), plain ``identifier``
  range (SQLite); exact and prefix both;
- officials by name: ``upper(name)`` prefix (surname first, as lists and orders write it);
- authorities: a small registry, matched anywhere in name, slug or domains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Left, Upper

from dueprocess.demands.models import Authority, Demand, Official, Target

LIMIT = 50
TARGET_KEY = 255
MAX_QUERY = 2048
# The largest code point: a prefix p matches exactly the strings in [p, p + MAX_CHAR).
MAX_CHAR = "\U0010ffff"


@dataclass
class Results:
    query: str
    demands: list[Demand] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    authorities: list[Authority] = field(default_factory=list)
    officials: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.demands or self.targets or self.authorities or self.officials)


def _prefix(qs: QuerySet[Any], expression: Any, alias: str, prefix: str) -> QuerySet[Any]:
    """``LIKE 'p%'`` on PostgreSQL (text_pattern_ops index); a range on SQLite, whose LIKE
    cannot use an expression index but whose binary order makes [p, p + MAX_CHAR) a prefix."""
    qs = qs.annotate(**{alias: expression})
    if connection.vendor == "postgresql":
        return qs.filter(**{f"{alias}__startswith": prefix})
    return qs.filter(**{f"{alias}__gte": prefix, f"{alias}__lt": prefix + MAX_CHAR})


def target_rows(identifiers: list[str], *, exact: bool = True) -> QuerySet[Target]:
    """Targets whose identifier equals (or, with ``exact=False``, starts with) the query."""
    qs = Target.objects.all()
    if connection.vendor == "postgresql":
        if exact:
            keys = [i[:TARGET_KEY] for i in identifiers]
            return (qs.annotate(ident_key=Left("identifier", TARGET_KEY))
                    .filter(ident_key__in=keys, identifier__in=identifiers))
        prefix = identifiers[0]
        return _prefix(qs, Left("identifier", TARGET_KEY), "ident_key",
                       prefix[:TARGET_KEY]).filter(identifier__startswith=prefix)
    if exact:
        return qs.filter(identifier__in=identifiers)
    prefix = identifiers[0]
    return qs.filter(identifier__gte=prefix, identifier__lt=prefix + MAX_CHAR)


def search(raw: str) -> Results:
    q = " ".join(raw.split())[:MAX_QUERY]
    results = Results(query=q)
    if not q:
        return results
    number = q[1:] if q.startswith("#") else q
    demands: dict[int, Demand] = {}
    base = Demand.objects.select_related("authority").only(
        "id", "reference", "status", "jurisdiction", "instrument", "received_at",
        "authority__name")
    if number.isdigit() and len(number) < 19:
        for d in base.filter(pk=int(number)):
            demands[d.pk] = d
    # No ORDER BY: the planner can stop after LIMIT index entries; the few found are sorted
    # here (a pattern-ops index does not give the collation's order anyway).
    found = list(_prefix(base, Upper("reference"), "ref_key", q.upper()).order_by()[:LIMIT])
    for d in sorted(found, key=lambda d: (d.reference.upper(), d.pk)):
        demands.setdefault(d.pk, d)
    results.demands = list(demands.values())[:LIMIT]

    rows = target_rows([q], exact=True).values(
        "identifier", "type", "demand_id", "demand__reference", "demand__status",
        "demand__authority__name", "demand__received_at").order_by("-demand_id")[:LIMIT]
    targets: list[dict[str, Any]] = [dict(r) for r in rows]
    seen = {(r["identifier"], r["demand_id"]) for r in targets}
    if len(targets) < LIMIT:
        more = target_rows([q], exact=False).values(
            "identifier", "type", "demand_id", "demand__reference", "demand__status",
            "demand__authority__name", "demand__received_at")[: LIMIT * 2]
        for r in more:
            if (r["identifier"], r["demand_id"]) not in seen and len(targets) < LIMIT:
                targets.append(dict(r))
    results.targets = targets

    results.authorities = list(Authority.objects.filter(
        Q(name__icontains=q) | Q(slug__icontains=q) | Q(domains__icontains=q.lower()))
        .order_by("name")[:LIMIT])

    officials = (_prefix(Official.objects.all(), Upper("name"), "name_key", q.upper())
                 .values("name", "title", "demand_id", "demand__reference", "demand__status")
                 .order_by()[:LIMIT])
    results.officials = sorted((dict(o) for o in officials),
                               key=lambda o: (o["name"].upper(), -o["demand_id"]))
    return results


def related_demands(demand: Demand, identifiers: list[str], *,
                    limit: int = 50) -> list[dict[str, Any]]:
    """Earlier or later demands naming the same targets: "targeted before by…"."""
    if not identifiers:
        return []
    rows = (target_rows(identifiers, exact=True).exclude(demand_id=demand.pk)
            .values("identifier", "type", "demand_id", "demand__reference",
                    "demand__status", "demand__received_at", "demand__authority__name")
            .order_by("-demand_id")[:limit])
    return [dict(r) for r in rows]

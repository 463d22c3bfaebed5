"""Every change of a demand's state, each in one transaction with its audit event.

Views, API handlers, commands and tasks call these functions and never write demand state
themselves. Each function checks the transition is legal for the demand's current status,
writes the rows, and appends the audit event before the transaction commits, so the log
and the data can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dueprocess.audit.actors import User, actor_label
from dueprocess.audit.chain import record
from dueprocess.connectors import get_connector
from dueprocess.demands import hooks, invariants
from dueprocess.demands.inputs import DecisionsIn, DemandIn, PersonIn
from dueprocess.demands.models import (
    ACTION_DONE,
    Action,
    ActionKind,
    Ask,
    AskKind,
    Authority,
    Decision,
    Demand,
    Finding,
    Notice,
    NoticeKind,
    Official,
    Outcome,
    Policy,
    Requester,
    Status,
    Target,
)
from dueprocess.demands.scope import narrow_to_withholding, planned_measure
from dueprocess.demands.states import DECIDABLE, TRANSITIONS
from dueprocess.demands.vet import open_demands, run_vetting
from dueprocess.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    SenderNotVerified,
    declare_codes,
)
from dueprocess.locking import for_update
from dueprocess.vetting import VettingResult
from dueprocess.vetting.recommend import held_for_authenticity

declare_codes("idempotency_conflict")


def user_id(user: User) -> int:
    if user.pk is None:
        raise Forbidden(_("a person must be logged in to decide"))
    return int(user.pk)


def _lock(demand: Demand) -> Demand:
    return for_update(Demand.objects).select_related("authority").get(pk=demand.pk)


def _transition(demand: Demand, to: str, actor: str, **payload: Any) -> None:
    if to == demand.status:
        return
    if to not in TRANSITIONS[demand.status]:
        raise Conflict(_("a demand that is %(status)s cannot become %(to)s")
                       % {"status": demand.status, "to": to})
    before = demand.status
    demand.status = to
    demand.updated_at = timezone.now()
    demand.save(update_fields=["status", "updated_at"])
    record("demand.status_changed", actor=actor, demand_id=demand.pk,
           payload={"from": before, "to": to, **payload})


# ----------------------------------------------------------------------------- intake


def _target_rows(data: DemandIn) -> list[Target]:
    """The demand's distinct targets with what the platform knows of them (no demand yet:
    the count goes into the demand's own row)."""
    connector = get_connector()
    seen: set[tuple[str, str]] = set()
    rows: list[Target] = []
    for t in data.targets:
        key = (t.type, t.identifier)
        if not t.identifier or key in seen:
            continue
        seen.add(key)
        info = connector.lookup(t.type, t.identifier)
        rows.append(Target(type=t.type, identifier=t.identifier,
                           exists=info.exists, country=info.country,
                           data_location=info.data_location, flags=list(info.flags)))
    return rows


#: How far ahead of our clock an imported time may be before it is refused as a mistake.
CLOCK_SKEW = timedelta(minutes=5)


def replayed(authority: Authority, idempotency_key: str, request_sha256: str) -> Demand | None:
    """The demand an earlier request with this ``Idempotency-Key`` made, if any; the same
    key with a different request is refused, so a client's retry never makes two demands
    and a reused key never hides a new one."""
    if not idempotency_key:
        return None
    earlier = Demand.objects.filter(authority=authority, idempotency_key=idempotency_key).first()
    if earlier is not None and earlier.request_sha256 != request_sha256:
        raise Conflict(_("this Idempotency-Key was used for a different request"),
                       code="idempotency_conflict", field="Idempotency-Key")
    return earlier


def receive_demand(data: DemandIn, *, authority: Authority, requester: Requester | None,
                   user: User | None, received_at: datetime | None = None,
                   channel: str = "api", sender_email: str = "", idempotency_key: str = "",
                   request_sha256: str = "") -> Demand:
    """Store a demand whole (or not at all), vet it and route it to review or hold.

    An import (``received_at`` given) was acknowledged when the record it comes from says,
    or at an unknown time: never at the moment of import, which would put years into the
    acknowledgement times a transparency report gives.
    """
    now = timezone.now()
    for field, value in (("received_at", received_at), ("acknowledged_at", data.acknowledged_at)):
        if value is not None and value > now + CLOCK_SKEW:
            raise InvalidInput(_("%(field)s is in the future") % {"field": field}, field=field)
    try:
        return _receive(data, authority=authority, requester=requester, user=user,
                        received_at=received_at, now=now, channel=channel,
                        sender_email=sender_email, idempotency_key=idempotency_key,
                        request_sha256=request_sha256)
    except IntegrityError:
        # The same key arrived twice at once: the other request made the demand.
        earlier = replayed(authority, idempotency_key, request_sha256)
        if earlier is None:
            raise
        return earlier


def _receive(data: DemandIn, *, authority: Authority, requester: Requester | None,
             user: User | None, received_at: datetime | None, now: datetime, channel: str,
             sender_email: str, idempotency_key: str, request_sha256: str) -> Demand:
    with transaction.atomic():
        nd = data.non_disclosure
        targets = _target_rows(data)
        earlier = (Demand.objects.filter(authority=authority, reference=data.reference)
                   .exclude(reference="").order_by("pk").values_list("pk", flat=True).first())
        demand = Demand.objects.create(
            authority=authority,
            requester=requester,
            reference=data.reference,
            instrument=data.instrument,
            jurisdiction=authority.jurisdiction,
            issued_by=data.issued_by.model_dump(mode="json") if data.issued_by else {},
            validated_by=data.validated_by.model_dump(mode="json") if data.validated_by else {},
            emergency=data.emergency,
            emergency_justification=data.emergency_justification,
            legal_basis=data.legal_basis,
            statement_of_reasons=data.statement_of_reasons,
            redress=data.redress,
            offences=list(data.offences),
            non_disclosure=nd is not None,
            non_disclosure_until=nd.until if nd else None,
            deadline=data.deadline,
            language=data.language,
            received_at=received_at or now,
            channel=channel,
            sender_email=sender_email,
            target_count=len(targets),
            duplicate_of_id=earlier,
            idempotency_key=idempotency_key[:200],
            request_sha256=request_sha256 if idempotency_key else "",
            created_at=now,
            updated_at=now,
        )
        officials = list(data.officials)
        if data.issued_by and all(o.name != data.issued_by.name for o in officials):
            officials.insert(0, data.issued_by)
        validator = data.validated_by
        if validator and validator.name and all(o.name != validator.name for o in officials):
            # screened like every person named on the demand
            officials.append(PersonIn(name=validator.name, title=validator.title,
                                      role=validator.role))
        created_officials = Official.objects.bulk_create(
            Official(demand=demand, name=o.name, title=o.title, role=o.role or "")
            for o in officials
        )
        created_asks = Ask.objects.bulk_create(
            Ask(demand=demand, position=i, kind=a.kind, data_categories=list(a.data_categories),
                date_from=a.date_from, date_to=a.date_to, days=a.days, measure=a.measure or "",
                territorial_scope=list(a.territorial_scope),
                equivalent_content=a.equivalent_content)
            for i, a in enumerate(data.asks)
        )
        for target in targets:
            target.demand = demand
        Target.objects.bulk_create(targets, batch_size=1000)
        _hold(demand, officials=created_officials, asks=created_asks, targets=targets)
        result = run_vetting(demand)
        acknowledgement = hooks.render_letter(demand, NoticeKind.ACKNOWLEDGEMENT, "")
        record("demand.received", actor=actor_label(user), demand_id=demand.pk, payload={
            "reference": demand.reference,
            "authority": authority.slug,
            "instrument": demand.instrument,
            "received_at": demand.received_at.isoformat(),
            "channel": channel,
            "asks": [a.model_dump(mode="json") for a in data.asks],
            "targets": len(targets),
            **({"duplicate_of": earlier} if earlier else {}),
        })
        _store_vetting(demand, result, "system", route=True)
        ack = hooks.send_acknowledgement(demand, "system", acknowledgement,
                                         not held_for_authenticity(result.findings))
        demand.acknowledged_at = ack.sent_at if received_at is None else data.acknowledged_at
        demand.save(update_fields=["acknowledged_at"])
    return demand


def _hold(demand: Demand, **rows: list[Any]) -> None:
    """Keep rows just written at hand, as ``prefetch_related`` would, so that vetting and
    the answer read them without reading them back."""
    cache: dict[str, Any] = {}
    for name, objects in rows.items():
        queryset = getattr(demand, name).all()
        queryset._result_cache = list(objects)
        queryset._prefetch_done = True
        cache[name] = queryset
    demand._prefetched_objects_cache = cache  # type: ignore[attr-defined]


def _vet(demand: Demand, actor: str, *, route: bool) -> None:
    _store_vetting(demand, run_vetting(demand), actor, route=route)


def _store_vetting(demand: Demand, result: VettingResult, actor: str, *, route: bool) -> None:
    vetted_at = timezone.now()
    if demand.vetted_at is not None:  # a first vetting has nothing to supersede
        demand.findings.current().update(superseded_at=vetted_at)
    Finding.objects.bulk_create(
        Finding(demand=demand, code=f.code, severity=f.severity, message=f.message,
                evidence=dict(f.evidence), rule=f.rule, rule_version=f.rule_version,
                data_version=result.data_version, ask_position=f.ask_index,
                created_at=vetted_at)
        for f in result.findings
    )
    demand.recommendation = result.recommendation
    demand.explanation = result.explanation
    demand.rules_version = result.rules_version
    demand.data_version = result.data_version
    demand.vetted_at = vetted_at
    demand.risk = risk_of(demand, result.findings)
    demand.save(update_fields=["recommendation", "explanation", "rules_version",
                               "data_version", "vetted_at", "risk"])
    record("demand.vetted", actor=actor, demand_id=demand.pk, payload={
        "recommendation": result.recommendation,
        "findings": [{"code": f.code, "severity": f.severity, "rule": f.rule,
                      "rule_version": f.rule_version} for f in result.findings],
        "rules_version": result.rules_version,
        "data_version": result.data_version,
    })
    if route and demand.status == Status.RECEIVED:
        to = Status.ON_HOLD if result.recommendation == "hold" else Status.IN_REVIEW
        _transition(demand, to, actor, reason=f"vetting recommends {result.recommendation}")


#: Queue rank of a demand's worst block, by kind (higher is riskier); see docs/reviewers.md.
#: A forged or spoofed demand is the worst (nothing it asks may be done), then a sanctions
#: hit, then a human-rights block, then any other block (legal process: the instrument
#: cannot compel it, the issuer is not competent, ...). Emergencies and warnings rank below.
BLOCK_RANKS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("auth.",), 6),
    (("sanctions.",), 5),
    (("rights.", "policy.human_rights_review"), 4),
)
RISK_LEGAL_BLOCK = 3
RISK_EMERGENCY = 2
RISK_WARNING = 1


def risk_of(demand: Demand, findings: Iterable[Any]) -> int:
    """Queue order: blocks by kind first, then emergencies, then anything to look at."""
    found = list(findings)
    blocks = [f.code for f in found if f.severity == "block"]
    if blocks:
        return max(next((rank for prefixes, rank in BLOCK_RANKS
                         if code.startswith(prefixes)), RISK_LEGAL_BLOCK) for code in blocks)
    if demand.emergency:
        return RISK_EMERGENCY
    return RISK_WARNING if any(f.severity == "warning" for f in found) else 0


def revet_demand(demand: Demand, *, user: User | None = None) -> Demand:
    """Vet again after a policy, the law library, a list or the demand changed."""
    with transaction.atomic():
        demand = _lock(demand)
        if not demand.is_open:
            raise Conflict(_("a closed demand is not vetted again"))
        _vet(demand, actor_label(user), route=False)
        _follow_policy_hold(demand, actor_label(user))
    return demand


def _follow_policy_hold(demand: Demand, actor: str) -> None:
    """A pause policy now in force holds the demand; once lifted, the hold is released.

    Only holds that vetting made are released: a person's ``hold`` decision stays.
    """
    held_by_person = demand.decisions.filter(superseded=False, outcome=Outcome.HOLD).exists()
    if (demand.recommendation == "hold" and not demand.awaiting_approval
            and demand.status in (Status.RECEIVED, Status.IN_REVIEW)):
        _transition(demand, Status.ON_HOLD, actor, reason="re-vetted: held by policy")
    elif (demand.recommendation != "hold" and demand.status == Status.ON_HOLD
            and not held_by_person):
        _transition(demand, Status.IN_REVIEW, actor, reason="re-vetted: no policy holds it")


@dataclass(frozen=True)
class RevetSummary:
    vetted: int
    changed: int
    skipped: int

    def describe(self) -> str:
        text = f"vetted {self.vetted} open demand(s); {self.changed} changed recommendation"
        if self.skipped:
            text += f"; {self.skipped} closed meanwhile"
        return text


def revet_open(
    *,
    only_stale: bool = False,
    user: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> RevetSummary:
    """Vet open demands again, one transaction each, reporting ``(done, total)``.

    One demand at a time keeps locks short and lets a long run over a large backlog be
    interrupted and resumed (``only_stale`` skips what is already current).
    """
    ids = open_demands(only_stale=only_stale)
    total = len(ids)
    vetted = changed = skipped = 0
    for done, pk in enumerate(ids, start=1):
        before = Demand.objects.filter(pk=pk).values_list("recommendation", flat=True).first()
        try:
            after = revet_demand(Demand(pk=pk), user=user).recommendation
        except (Conflict, Demand.DoesNotExist):
            skipped += 1
        else:
            vetted += 1
            changed += after != before
        if progress is not None:
            progress(done, total)
    return RevetSummary(vetted=vetted, changed=changed, skipped=skipped)


def revet_open_demands(*, user: User | None = None) -> int:
    count = 0
    for pk in Demand.objects.filter(status__in=DECIDABLE).values_list("pk", flat=True):
        revet_demand(Demand(pk=pk), user=user)
        count += 1
    return count


# ----------------------------------------------------------------------------- review


def claim_demand(demand: Demand, user: User) -> Demand:
    with transaction.atomic():
        demand = _lock(demand)
        if not demand.is_open:
            raise Conflict(_("a %(status)s demand cannot be claimed") % {"status": demand.status})
        demand.assignee_id = user.pk
        demand.save(update_fields=["assignee"])
        record("demand.claimed", actor=actor_label(user), demand_id=demand.pk)
        if demand.status == Status.RECEIVED:
            _transition(demand, Status.IN_REVIEW, actor_label(user))
    return demand


def _vet_if_policies_changed(demand: Demand, actor: str) -> None:
    """A policy added since the demand was vetted (outside the admin, which re-vets by
    itself) must still guard this decision: vet again first."""
    if demand.vetted_at is None or Policy.objects.filter(
            created_at__gt=demand.vetted_at).exists():
        _vet(demand, actor, route=False)


def requires_four_eyes(demand: Demand) -> bool:
    """Whether vetting found a four-eyes policy that applies (the finding already weighs
    the policy's jurisdiction, dates, ask kinds, instruments and condition), or a current
    override makes a second person's approval necessary."""
    return (demand.findings.current().filter(code="policy.four_eyes").exists()
            or bool(_facts(demand).overrides))


def _facts(demand: Demand) -> hooks.CaseFacts:
    return hooks.merged(hooks.case_facts.each(demand))


def _proposed(d: Decision) -> invariants.Proposed:
    ask = d.ask
    narrowed = d.narrowed or {}
    withhold: list[str] = []
    if narrowed.get("measure") == "withhold":
        withhold = list(narrowed.get("territorial_scope") or ())
    elif (ask.kind in (AskKind.RESTRICT_CONTENT, AskKind.RESTRICT_ACCOUNT)
            and ask.territorial_scope):
        # A restriction limited to territories is carried out as a withholding there.
        withhold = list(ask.territorial_scope)
    cats = narrowed.get("data_categories")
    dates = any(narrowed.get(k) not in (None, getattr(ask, k) and getattr(ask, k).isoformat())
                for k in ("date_from", "date_to"))
    return invariants.Proposed(
        outcome=d.outcome, ask_kind=ask.kind, withhold_in=tuple(withhold),
        narrows_categories=cats is not None and set(cats) < set(ask.data_categories),
        narrows_dates=dates)


def binding_case(demand: Demand) -> invariants.Case:
    """The demand as the rules of :mod:`dueprocess.demands.invariants` see it."""
    decisions = list(demand.decisions.filter(superseded=False).select_related("ask"))
    facts = _facts(demand)
    return invariants.Case(
        jurisdiction=demand.jurisdiction,
        block_findings=frozenset(demand.findings.current().filter(severity="block")
                                 .values_list("code", flat=True)),
        hr_required=facts.hr_required,
        hr_conclusion=facts.hr_conclusion,
        hr_alternatives=facts.hr_alternatives,
        hits=facts.hits,
        four_eyes_policy=demand.findings.current().filter(code="policy.four_eyes").exists(),
        decisions=tuple(_proposed(d) for d in decisions),
        overrides=facts.overrides,
        authors=invariants.authors_of([d.decided_by_id for d in decisions]
                                      + [o.author for o in facts.overrides]
                                      + [demand.decided_by_id]),
    )


def refusal_text(refusal: invariants.Refusal) -> str:
    """A rule's refusal in the language of the person it is shown to."""
    return _(refusal.template) % refusal.params


def refuse(refusal: invariants.Refusal | None) -> None:
    if refusal is None:
        return
    error = {403: Forbidden, 422: InvalidInput}.get(refusal.status, Conflict)
    raise error(refusal_text(refusal), code=refusal.code, field=refusal.field)


def record_decisions(demand: Demand, data: DecisionsIn, *, user: User) -> Demand:
    """Record decisions for asks (and optionally single targets), then route the demand."""
    actor = actor_label(user)
    with transaction.atomic():
        demand = _lock(demand)
        if demand.status not in DECIDABLE:
            raise Conflict(_("a %(status)s demand cannot be decided") % {"status": demand.status})
        _vet_if_policies_changed(demand, actor)
        asks = {a.position: a for a in demand.asks.all()}
        made: list[Decision] = []
        for i, d in enumerate(data.decisions):
            ask = asks.get(d.ask)
            if ask is None:
                raise InvalidInput(_("the demand has no ask %(ask)s")
                                   % {"ask": d.ask}, field=f"decisions.{i}.ask")
            target = None
            if d.target:
                target = demand.targets.filter(identifier=d.target).first()
                if target is None:
                    raise InvalidInput(_("the demand has no target %(target)r")
                                       % {"target": d.target},
                                       field=f"decisions.{i}.target")
            narrowed: dict[str, Any] = {}
            if d.outcome == Outcome.COMPLY_PARTIALLY:
                if d.data_categories is not None:
                    extra = set(d.data_categories) - set(ask.data_categories)
                    if extra:
                        raise InvalidInput(_("narrowing cannot add data categories: %(extra)s")
                                           % {"extra": ", ".join(sorted(extra))},
                                           field=f"decisions.{i}.data_categories")
                    narrowed["data_categories"] = list(d.data_categories)
                narrowed.update(_narrow_dates(ask, d.date_from, d.date_to, i))
                if d.withhold_in is not None:
                    narrowed.update(narrow_to_withholding(ask, d.withhold_in, i))
            Decision.objects.filter(demand=demand, ask=ask, target=target,
                                    superseded=False).update(superseded=True)
            made.append(Decision.objects.create(
                demand=demand, ask=ask, target=target, outcome=d.outcome,
                reason_codes=list(d.reason_codes), rationale=d.rationale, narrowed=narrowed,
                decided_by_id=user_id(user), dsa_category=d.dsa_category or "",
                dsa_keywords=list(dict.fromkeys(d.dsa_keywords))))
        _categorise_from(demand, made)
        record("demand.decided", actor=actor, demand_id=demand.pk, payload={
            "decisions": [{"ask": d.ask.position, "target": d.target.identifier
                           if d.target else None, "outcome": d.outcome,
                           "reason_codes": d.reason_codes, "narrowed": d.narrowed,
                           **({"dsa_category": d.dsa_category, "dsa_keywords": d.dsa_keywords}
                              if d.dsa_category or d.dsa_keywords else {})}
                          for d in made]})
        if data.override is not None:
            hooks.record_override(demand, data.override, user)
        # Checked on the decisions as they now stand; a refusal rolls all of this back, so
        # what was recorded before stays as it was.
        refuse(invariants.check_decision(binding_case(demand)))
        _route_after_decisions(demand, user)
    return demand


def _categorise_from(demand: Demand, made: list[Decision]) -> None:
    """The first DSA category a reviewer gives becomes the demand's (for the Annex I
    template) unless the demand has one; its keywords join the demand's."""
    chosen = next((d for d in made if d.dsa_category), None)
    keywords = [k for d in made for k in d.dsa_keywords]
    if chosen is None and not keywords:
        return
    fields = []
    if chosen is not None and not demand.content_category:
        demand.content_category = chosen.dsa_category
        fields.append("content_category")
    merged = list(dict.fromkeys([*(demand.category_keywords or []), *keywords]))
    if merged != (demand.category_keywords or []):
        demand.category_keywords = merged
        fields.append("category_keywords")
    if fields:
        demand.save(update_fields=fields)


def _narrow_dates(ask: Ask, date_from: date | None, date_to: date | None,
                  i: int) -> dict[str, str]:
    out: dict[str, str] = {}
    if date_from is not None:
        if ask.date_from and date_from < ask.date_from:
            raise InvalidInput(_("narrowing cannot widen the date range"),
                               field=f"decisions.{i}.date_from")
        out["date_from"] = date_from.isoformat()
    if date_to is not None:
        if ask.date_to and date_to > ask.date_to:
            raise InvalidInput(_("narrowing cannot widen the date range"),
                               field=f"decisions.{i}.date_to")
        out["date_to"] = date_to.isoformat()
    return out


def _current_outcomes(demand: Demand) -> set[str]:
    return set(demand.decisions.filter(superseded=False).values_list("outcome", flat=True))


def _route_after_decisions(demand: Demand, user: User) -> None:
    actor = actor_label(user)
    outcomes = _current_outcomes(demand)
    if outcomes & {Outcome.COMPLY, Outcome.COMPLY_PARTIALLY}:
        if outcomes - {Outcome.COMPLY}:  # part refused or narrowed: say so, with reasons
            _draft(demand, NoticeKind.PARTIAL_COMPLIANCE, actor, author=user)
        if requires_four_eyes(demand):
            demand.decided_by_id = user.pk
            demand.awaiting_approval = True
            demand.save(update_fields=["decided_by", "awaiting_approval"])
            if demand.status != Status.IN_REVIEW:
                _transition(demand, Status.IN_REVIEW, actor)
            record("demand.approval_requested", actor=actor, demand_id=demand.pk)
            return
        demand.decided_by_id = user.pk
        demand.approved_by_id = user.pk
        demand.awaiting_approval = False
        demand.save(update_fields=["decided_by", "approved_by", "awaiting_approval"])
        _approve_and_plan(demand, actor)
    elif Outcome.HOLD in outcomes:
        _transition(demand, Status.ON_HOLD, actor, reason="decided: hold")
    elif outcomes == {Outcome.ROUTE_MLAT}:
        _draft(demand, NoticeKind.MLAT_REFERRAL, actor, author=user)
        _transition(demand, Status.REJECTED, actor, reason="routed to MLAT")
    else:
        _draft(demand, NoticeKind.REFUSAL, actor, author=user)
        _transition(demand, Status.REJECTED, actor, reason="refused")


def approve_demand(demand: Demand, *, user: User) -> Demand:
    """The second pair of eyes: approve decisions another person recorded."""
    actor = actor_label(user)
    with transaction.atomic():
        demand = _lock(demand)
        if not demand.awaiting_approval:
            raise Conflict(_("no decisions are waiting for approval"))
        refuse(invariants.check_approval(binding_case(demand), user_id(user),
                                          second_person=True))
        demand.approved_by_id = user.pk
        demand.awaiting_approval = False
        demand.save(update_fields=["approved_by", "awaiting_approval"])
        record("demand.approved", actor=actor, demand_id=demand.pk)
        _approve_and_plan(demand, actor)
    return demand


def _plan(demand: Demand) -> list[Action]:
    """Turn current decisions into one action per complied ask and target, nothing more."""
    decisions = list(demand.decisions.filter(superseded=False).select_related("ask", "target"))
    by_ask: dict[int, Decision] = {}
    by_target: dict[tuple[int, int], Decision] = {}
    for d in decisions:
        if d.target_id is None:
            by_ask[d.ask_id] = d
        else:
            by_target[(d.ask_id, d.target_id)] = d
    actions: list[Action] = []
    targets = list(demand.targets.all())
    for ask in demand.asks.all():
        wanted = "content" if ask.kind == AskKind.RESTRICT_CONTENT else "account"
        for t in targets:
            if t.type != wanted:
                continue
            chosen = by_target.get((ask.pk, t.pk)) or by_ask.get(ask.pk)
            if chosen is None or chosen.outcome not in (Outcome.COMPLY,
                                                        Outcome.COMPLY_PARTIALLY):
                continue
            d = chosen
            kind, params = _action_for(ask, d)
            actions.append(Action(
                demand=demand, decision=d, target=t, kind=kind, params=params,
                idempotency_key=f"demand-{demand.pk}-ask-{ask.pk}-target-{t.pk}-{kind}"))
    return actions


def _action_for(ask: Ask, d: Decision) -> tuple[str, dict[str, Any]]:
    if ask.kind == AskKind.DISCLOSE:
        n = d.narrowed or {}
        return ActionKind.EXPORT, {
            "categories": n.get("data_categories", ask.data_categories),
            "date_from": n.get("date_from", ask.date_from.isoformat() if ask.date_from else None),
            "date_to": n.get("date_to", ask.date_to.isoformat() if ask.date_to else None),
        }
    if ask.kind == AskKind.PRESERVE:
        return ActionKind.PRESERVE, {"days": ask.days or 90}
    return planned_measure(ask, d.narrowed)


def _approve_and_plan(demand: Demand, actor: str) -> None:
    # Again at planning: nothing reaches execution past a rule of the invariants module.
    refuse(invariants.check_approval(binding_case(demand), demand.approved_by_id,
                                      second_person=demand.approved_by_id
                                      != demand.decided_by_id))
    _transition(demand, Status.APPROVED, actor)
    actions = _plan(demand)
    Action.objects.bulk_create(actions, ignore_conflicts=True)
    record("demand.execution_planned", actor=actor, demand_id=demand.pk, payload={
        "actions": [{"kind": a.kind, "target": a.target.identifier if a.target else None,
                     "params": a.params} for a in actions]})
    _transition(demand, Status.EXECUTING, actor)
    if not actions:
        _finish(demand, actor)
        return
    hooks.execution_planned(demand, actions, actor)


def request_clarification(demand: Demand, message: str, *, user: User) -> Demand:
    actor = actor_label(user)
    if not message.strip():
        raise InvalidInput(_("say what needs clarifying"), field="message")
    with transaction.atomic():
        demand = _lock(demand)
        refuse_while_unverified(demand)
        _draft(demand, NoticeKind.CLARIFICATION_REQUEST, actor, author=user, body=message)
        _transition(demand, Status.AWAITING_AUTHORITY, actor)
    return demand


def withdraw_demand(demand: Demand, *, user: User | None, reason: str = "") -> Demand:
    with transaction.atomic():
        demand = _lock(demand)
        _transition(demand, Status.WITHDRAWN, actor_label(user), reason=reason[:1000])
    return demand


# ----------------------------------------------------------------------------- execution


def finish_if_done(demand: Demand, actor: str) -> None:
    """The last action of an executing demand is done: the demand is completed."""
    if demand.status == Status.EXECUTING and not demand.actions.exclude(
            status__in=ACTION_DONE).exists():
        _finish(demand, actor)


def _finish(demand: Demand, actor: str) -> None:
    hooks.execution_finished(demand, actor)  # users told now, later or never
    _draft(demand, NoticeKind.EFFECT_REPORT, actor)
    _transition(demand, Status.COMPLETED, actor)




def _draft(demand: Demand, kind: str, actor: str, *, author: User | None = None,
           body: str = "") -> Notice:
    return hooks.draft_letter(demand, kind, actor, author, body)


def refuse_while_unverified(demand: Demand) -> None:
    """No letter goes to a demand's sender while it is held for authenticity."""
    held = demand.findings.current().filter(code__startswith="auth.").exclude(
        severity="info").values_list("code", flat=True)
    if held:
        raise SenderNotVerified(
            # The advice is vetting's VERIFY_FIRST, spelt out so that it is translated.
            _("the demand is held until its sender is verified (%(held)s): verify the sender "
              "through a registry contact first; no letter is sent before that")
            % {"held": ", ".join(sorted(set(held)))})


def record_view(demand: Demand, *, user: User, what: str) -> None:
    """Viewing a demand's user data is itself an audited event."""
    with transaction.atomic():
        record("demand.viewed", actor=actor_label(user), demand_id=demand.pk,
               payload={"what": what})

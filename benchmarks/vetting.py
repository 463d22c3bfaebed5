"""Vetting benchmark: one typical demand against the full rule set and 1,000 policies.

    python benchmarks/vetting.py [--policies 1000] [--runs 5000] [--seed 3]

A typical demand has two asks (identification records and a removal) and five targets
(four posts, the author's account), under HK NSL Schedule 4, with officials and offences;
a second one is a US warrant. The policy set is seeded: 1,000 dated policies over 60
jurisdictions and all effects, a third with CEL conditions, some limited to instruments,
some jurisdiction-wide, a few with risk-flag filters; about twenty concern Hong Kong.

Printed side by side, in the same run, per demand (p50, p99, mean in microseconds):

* ``engine``: :func:`vet` with the policies indexed once (``PolicySet``), CEL caches warm:
  how the product runs (the index is rebuilt only when a policy changes);
* ``no policies``: the same demand with no policy at all: the cost of the rules alone;
* ``list input``: the policies passed as a plain list, so the index is rebuilt (and every
  policy's params validated) on each call;
* ``naive``: a plain list and no CEL caching (compile caches cleared before every call):
  every policy's condition compiled and evaluated for every ask, as a naive engine would.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from dueprocess.law import default_library
from dueprocess.law.regions import ZONES
from dueprocess.vetting import (
    AskFacts,
    DemandFacts,
    PolicyFacts,
    TargetFacts,
    VettingResult,
    cel_policy,
    vet,
)
from dueprocess.vetting.context import PolicySet

LIB = default_library()

HK_DEMAND = DemandFacts(
    reference="NSD-2020-0708",
    instrument_id="hk.nsl43.sch4",
    jurisdiction="HK",
    authority_kind="police",
    issuer_role="police_senior",
    received_at=datetime(2020, 7, 8, 2, 30, tzinfo=UTC),
    legal_basis="Implementation Rules for Article 43, Schedule 4",
    statement_of_reasons="Messages likely to constitute incitement to secession",
    offences=("hk.nsl.art21",),
    asks=(
        AskFacts("disclose", ("subscriber",)),
        AskFacts("restrict_content", measure="remove", territorial_scope=("HK",)),
    ),
    targets=(
        *(
            TargetFacts("content", f"https://example.social/standwithhk/posts/{i}",
                        exists=True, country="HK", data_location="US")
            for i in range(4)
        ),
        TargetFacts("account", "standwithhk", exists=True, country="HK", data_location="US",
                    flags=("activist",)),
    ),
    officials=(("LI Kwai-wah", "Assistant Commissioner of Police", "signatory"),
               ("LEE Ka-chiu", "Secretary for Security", "approver")),
)
US_DEMAND = DemandFacts(
    reference="2:20-mj-00417",
    instrument_id="us.ecpa.warrant",
    jurisdiction="US",
    authority_kind="agency",
    issuer_role="judge",
    received_at=datetime(2020, 10, 5, 18, tzinfo=UTC),
    legal_basis="18 U.S.C. 2703(a)",
    statement_of_reasons="Probable cause: distribution of child sexual abuse material",
    offences=("us.18usc2252",),
    asks=(AskFacts("disclose", ("subscriber", "content"), date(2020, 1, 1),
                   date(2020, 9, 30)),),
    targets=tuple(TargetFacts("account", f"suspect_{i}", exists=True, country="US",
                              data_location="US") for i in range(5)),
)

CONDITIONS = (
    "ask == 'disclose' && 'content' in categories",
    "targets > 50",
    "emergency",
    "authority_kind == 'police' && ask != 'preserve'",
    "'political_expression' in flags",
    "issuer_role != 'judge' && ask == 'disclose'",
    "instrument.startsWith('generic.')",
    "categories.exists(c, c == 'traffic')",
)
EFFECTS = ("pause", "route_mlat", "four_eyes", "human_rights_review", "scope_limit")


def make_policies(count: int, seed: int) -> list[PolicyFacts]:
    """A seeded, realistic mix: mostly national policies, some global ones."""
    rng = random.Random(seed)
    jurisdictions = [*sorted(ZONES)[:59], "US"]
    instruments = sorted(LIB.instruments)
    out: list[PolicyFacts] = []
    for pid in range(1, count + 1):
        effect = rng.choice(EFFECTS)
        jurisdiction = None if rng.random() < 0.03 else rng.choice(jurisdictions)
        params: dict[str, object] = {}
        if effect == "scope_limit":
            params = rng.choice([{"max_days": rng.randint(30, 365)},
                                 {"max_targets": rng.randint(10, 1000)},
                                 {"categories": ["subscriber", "traffic"]},
                                 {"categories": {rng.choice(instruments): ["subscriber"]}}])
        elif effect == "human_rights_review" and rng.random() < 0.5:
            params = {"flags": ["political_expression"]}
        start = date(2015, 1, 1) + (date(2024, 1, 1) - date(2015, 1, 1)) * rng.random()
        out.append(PolicyFacts(
            id=pid,
            name=f"policy {pid}",
            effect=effect,
            jurisdiction=jurisdiction,
            ask_kinds=tuple(rng.sample(["disclose", "preserve", "restrict_account",
                                        "restrict_content"], rng.randint(0, 2))),
            instruments=(rng.choice(instruments),) if rng.random() < 0.2 else (),
            valid_from=start,
            valid_to=None if rng.random() < 0.8 else date(2026, 1, 1),
            condition=rng.choice(CONDITIONS) if rng.random() < 0.33 else None,
            params=params,
        ))
    return out


def measure(call: Callable[[], VettingResult], runs: int) -> tuple[float, float, float]:
    for _ in range(min(200, runs)):
        call()
    timings = []
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter_ns()
            call()
            timings.append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    timings.sort()
    p50 = timings[len(timings) // 2] / 1000
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))] / 1000
    return p50, p99, statistics.fmean(timings) / 1000


def _naive(demand: DemandFacts, policies: list[PolicyFacts]) -> Callable[[], VettingResult]:
    def call() -> VettingResult:
        cel_policy._compile.cache_clear()
        cel_policy._evaluate_cached.cache_clear()
        return vet(demand, LIB, policies)

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    policies = make_policies(args.policies, args.seed)
    build_start = time.perf_counter()
    indexed = PolicySet(policies)
    build_ms = (time.perf_counter() - build_start) * 1000
    print(f"{len(policies)} policies; index built in {build_ms:.1f} ms; "
          f"{len(indexed.in_force('HK', HK_DEMAND.received_at.date()))} in force for HK, "
          f"{len(indexed.in_force('US', US_DEMAND.received_at.date()))} for US on the "
          "demands' dates")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{args.runs} runs per row (list input: {max(1, args.runs // 5)}, naive: "
          f"{max(1, args.runs // 10)}); {os.cpu_count()} CPUs, load average {load}\n")
    print("| demand | variant | findings | p50 µs | p99 µs | mean µs |")
    print("|---|---|---:|---:|---:|---:|")
    for label, demand in (("HK Sch. 4, 2 asks, 5 targets", HK_DEMAND),
                          ("US warrant, 1 ask, 5 targets", US_DEMAND)):
        variants: list[tuple[str, Callable[[], VettingResult], int]] = [
            ("engine (indexed, cached)", lambda d=demand: vet(d, LIB, indexed), args.runs),
            ("no policies (rules only)", lambda d=demand: vet(d, LIB, ()), args.runs),
            ("list input (index per call)", lambda d=demand: vet(d, LIB, policies),
             max(1, args.runs // 5)),
            ("naive (no index, no CEL cache)", _naive(demand, policies),
             max(1, args.runs // 10)),
        ]
        for name, call, runs in variants:
            findings = len(call().findings)
            p50, p99, mean = measure(call, runs)
            print(f"| {label} | {name} | {findings} | {p50:.0f} | {p99:.0f} | {mean:.0f} |")


if __name__ == "__main__":
    main()

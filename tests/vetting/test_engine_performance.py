"""The benchmark's variants compute the same thing (timings live in benchmarks/vetting.py).

A benchmark comparing an indexed, cached engine with a naive one is only meaningful if
both give the same findings for the same 1,000 policies.
"""

from __future__ import annotations

import pytest
from benchmarks.vetting import HK_DEMAND, US_DEMAND, make_policies

from dueprocess.vetting import DemandFacts, PolicySet, cel_policy, vet
from tests.vetting.factories import LIB

POLICIES = make_policies(1000, seed=3)
INDEXED = PolicySet(POLICIES)


@pytest.mark.parametrize("demand", [HK_DEMAND, US_DEMAND], ids=["hk", "us"])
def test_indexed_list_and_uncached_vetting_agree(demand: DemandFacts) -> None:
    indexed = vet(demand, LIB, INDEXED)
    listed = vet(demand, LIB, POLICIES)
    cel_policy._compile.cache_clear()
    cel_policy._evaluate_cached.cache_clear()
    uncached = vet(demand, LIB, POLICIES)
    assert indexed.to_dict() == listed.to_dict() == uncached.to_dict()


def test_the_benchmark_policies_concern_the_benchmark_demands() -> None:
    assert len(POLICIES) == 1000
    assert INDEXED.in_force("HK", HK_DEMAND.received_at.date())
    assert INDEXED.in_force("US", US_DEMAND.received_at.date())
    assert not INDEXED.invalid
    assert any(f.code.startswith("policy.") for f in vet(HK_DEMAND, LIB, INDEXED).findings)

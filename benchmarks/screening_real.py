"""Screening accuracy on real list data only: labelled pairs no one here wrote.

    python benchmarks/screening_real.py [--per-category 600] [--seed 11] [--no-reference]

Every pair comes from the real lists shipped with the repository (the OFAC SDN snapshot in
the package, the UN consolidated list in the test data); the labels come from the lists
themselves, never from a matcher:

* positives: a name and another name the list gives for the same entry (aliases, weak
  aliases, names in the original script); and a name of a UN entry against the OFAC entry
  that carries the same identity-document number (cross-list, often another spelling);
* hard negatives, within one list (a UN entry and an OFAC entry are often the same
  person, two entries of one list are two designations): names of *different* entries
  that share at least one token (one at
  random among them), pairs whose tokens are the same in another order, and people with
  the same name on both sides but birth dates that cannot be the same person's (the query
  carries its own entry's birth date).

Pairs are grouped by category (Han, Arabic, Cyrillic, companies, transliteration = other
Latin-script person names, same name other birth date). For each, it prints recall at 1 %
and 5 % false positives and ROC AUC for our scorer and, in the same run, nomenklatura's
`logic-v2` and `ofac` matchers when a Python with nomenklatura is available
($NOMENKLATURA_PYTHON, default a venv `nkvenv` in the temp directory, see docs/screening.md).
Nothing here is tuned to a public pair set: the pairs are drawn by seed from the lists, and
which pairs are drawn does not depend on the matcher under test (see `_plain`).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from defusedxml import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dueprocess.screening import (
    ListEntry,
    Query,
    adjust,
    compare_names,
    load_ofac_csv,
    load_un_xml,
)
from dueprocess.screening.dates import dates_compatible
from dueprocess.screening.han import has_han
from dueprocess.screening.normalize import LEGAL_FORMS, PARTICLES
from screening import Case, recall_at_fpr, reference_scores

ROOT = Path(__file__).resolve().parents[1]
OFAC = ROOT / "src" / "dueprocess" / "sanctions" / "data" / "ofac"
UN = ROOT / "tests" / "data" / "reference" / "sanctions" / "un_consolidated.xml"

CATEGORIES = ("Han", "Arabic", "Cyrillic", "companies", "transliteration", "same name, other DOB")
_ARABIC = re.compile("[\u0600-\u06ff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ARABIC_PARTS = frozenset(["bin", "ibn", "bint", "abu", "abd", "abdul", "abdel", "al", "el"])
_DOC = re.compile(
    r"(?:Passport|National ID No\.|Identification Number|Cedula No\.)\s+([A-Z0-9]{6,})"
)


@dataclass(frozen=True, slots=True)
class Pair:
    query: str
    query_dob: str | None
    target: ListEntry  # carries only the names the query is compared with
    positive: bool
    category: str
    kind: str


def _plain(name: str) -> str:
    """Which pairs are drawn must not depend on the matcher under test, so the pair set
    stays the same when the matcher changes: a plain form (Latin letters, case-folded,
    words as a sorted set) decides what is a trivial alias, a shared token, a same name."""
    return " ".join(sorted(set(_PLAIN_WORD.findall(anyascii(name).casefold()))))


_PLAIN_WORD = re.compile(r"[a-z0-9]+")


def _tokens(name: str) -> set[str]:
    return {t for t in _plain(name).split() if len(t) > 2 and t not in PARTICLES}


def category(a: str, b: str, schema: str) -> str:
    if schema != "Person":
        return "companies"
    both = a + " " + b
    if has_han(both):
        return "Han"
    if _ARABIC.search(both) or _ARABIC_PARTS & set(_plain(both).split()):
        return "Arabic"
    if _CYRILLIC.search(both):
        return "Cyrillic"
    return "transliteration"


def un_documents(path: Path) -> dict[str, set[str]]:
    """Identity-document numbers per UN reference number."""
    out: dict[str, set[str]] = defaultdict(set)
    tree = ElementTree.parse(path)
    for ind in tree.getroot().iter("INDIVIDUAL"):
        ref = (ind.findtext("REFERENCE_NUMBER") or "").strip()
        for doc in ind.iter("INDIVIDUAL_DOCUMENT"):
            number = re.sub(r"[^A-Z0-9]", "", (doc.findtext("NUMBER") or "").upper())
            if len(number) >= 6:
                out[ref].add(number)
    return out


def _only(entry: ListEntry, names: tuple[str, ...]) -> ListEntry:
    return ListEntry(
        entry.list_id,
        entry.entry_id,
        entry.schema,
        names,
        birth_dates=entry.birth_dates,
        nationalities=entry.nationalities,
    )


def build_pairs(ofac: list[ListEntry], un: list[ListEntry], seed: int) -> list[Pair]:
    rng = random.Random(seed)
    pairs: list[Pair] = []
    entries = ofac + un

    # positives: another name of the same entry
    for e in entries:
        if len(e.names) < 2:
            continue
        primary = e.names[0]
        for alias in e.names[1:]:
            if _plain(alias) == _plain(primary):
                continue
            cat = category(alias, primary, e.schema)
            pairs.append(Pair(alias, None, _only(e, (primary,)), True, cat, "alias"))

    # positives: the same person on two lists, linked by an identity-document number
    docs = un_documents(UN)
    by_doc: dict[str, ListEntry] = {}
    for e in ofac:
        for number in _DOC.findall(e.remarks):
            by_doc[number] = e
    linked: set[tuple[str, str]] = set()
    for e in un:
        for number in docs.get(e.entry_id, ()):
            o = by_doc.get(number)
            if o is None or (e.entry_id, o.entry_id) in linked:
                continue
            linked.add((e.entry_id, o.entry_id))
            for name in e.names[:3]:
                cat = category(name, o.names[0], "Person")
                pairs.append(Pair(name, None, _only(o, o.names[:1]), True, cat, "cross-list"))

    # hard negatives: a name of a different entry sharing at least one token (chosen at
    # random among them, so the share of near-identical names is the lists' own), and every
    # pair of different entries whose tokens are the same in another order
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    name_tokens: dict[tuple[int, int], set[str]] = {}
    for i, e in enumerate(entries):
        for j, n in enumerate(e.names[:8]):
            toks = _tokens(n) - LEGAL_FORMS
            name_tokens[(i, j)] = toks
            for t in toks:
                postings[t].append((i, j))
    linked_ids = {("ofac", o) for _, o in linked} | {("un", u) for u, _ in linked}
    for i, e in enumerate(entries):
        for j, n in enumerate(e.names[:8]):
            toks = name_tokens[(i, j)]
            shared: dict[tuple[int, int], int] = defaultdict(int)
            for t in toks:
                plist = postings[t]
                if len(plist) > 400:
                    continue
                for other in plist:
                    # the same list only: two entries of one list are two designations,
                    # while a UN entry and an OFAC entry are often one person
                    if other[0] != i and entries[other[0]].list_id == e.list_id:
                        shared[other] += 1
            if not shared:
                continue
            top = max(shared.values())
            same_tokens = [k for k, v in shared.items() if v == top and name_tokens[k] == toks]
            oi, oj = min(same_tokens) if same_tokens else rng.choice(sorted(shared))
            other = entries[oi]
            if (e.list_id, e.entry_id) in linked_ids and (
                other.list_id,
                other.entry_id,
            ) in linked_ids:
                continue  # possibly the same person on two lists
            if other.schema != e.schema and "Person" in (other.schema, e.schema):
                continue
            on = other.names[oj]
            same_name = _plain(on) == _plain(n)
            if same_name:
                # only a birth date can tell them apart; without dates the pair is undecidable
                if not e.birth_dates or not other.birth_dates:
                    continue
                if any(dates_compatible(a, b) for a in e.birth_dates for b in other.birth_dates):
                    continue
                pairs.append(
                    Pair(n, e.birth_dates[0], _only(other, (on,)), False, CATEGORIES[5], "dob")
                )
                continue
            kind = "order" if sorted(_tokens(on)) == sorted(toks) else "shared tokens"
            cat = category(n, on, e.schema)
            pairs.append(Pair(n, None, _only(other, (on,)), False, cat, kind))

    # positives for the birth-date category: an alias queried with the entry's own date
    for e in entries:
        if e.schema == "Person" and e.birth_dates and len(e.names) > 1:
            pairs.append(
                Pair(
                    e.names[1], e.birth_dates[0], _only(e, e.names[:1]), True, CATEGORIES[5], "dob"
                )
            )
    return pairs


def sample(pairs: list[Pair], per_category: int, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    groups: dict[tuple[str, bool], list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[(p.category, p.positive)].append(p)
    out: list[Pair] = []
    for key in sorted(groups):
        g = groups[key]
        rng.shuffle(g)
        out.extend(g[:per_category])
    return out


def roc_auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a positive outscores a negative (ties count half)."""
    if not pos or not neg:
        return float("nan")
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        k = i
        while k < len(ranked) and ranked[k][0] == ranked[i][0]:
            k += 1
        avg = (i + k + 1) / 2
        rank_sum += avg * sum(1 for x in ranked[i:k] if x[1])
        i = k
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def our_score(p: Pair) -> float:
    q = Query(p.query, p.target.schema, birth_date=p.query_dob)
    best = max((compare_names(p.query, n) for n in p.target.names), key=lambda s: s.score)
    return adjust(best, q, p.target)[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-category", type=int, default=600, help="pairs per category and label")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--no-reference", action="store_true", help="skip nomenklatura")
    args = ap.parse_args()

    ofac = load_ofac_csv(OFAC).entries
    un = load_un_xml(UN).entries
    every = build_pairs(ofac, un, args.seed)
    pairs = sample(every, args.per_category, args.seed)
    print(f"lists: OFAC {len(ofac):,} entries, UN {len(un):,} entries; pairs built {len(every):,}")
    kinds: dict[str, int] = defaultdict(int)
    for p in pairs:
        kinds[("+" if p.positive else "-") + p.kind] += 1
    print("sampled pairs: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))

    t0 = time.perf_counter()
    ours = [our_score(p) for p in pairs]
    t_ours = time.perf_counter() - t0
    scores: dict[str, list[float]] = {"ours": ours}
    if not args.no_reference:
        cases = [
            Case(Query(p.query, p.target.schema, birth_date=p.query_dob), i, p.positive, p.kind)
            for i, p in enumerate(pairs)
        ]
        ref = reference_scores(cases, [p.target for p in pairs])
        if ref is None:
            print("nomenklatura unavailable: reporting ours only")
        else:
            scores.update(ref)
    print(f"scored {len(pairs):,} pairs in {t_ours:.1f} s (ours)")
    print()
    header = f"{'category':<22}{'pos':>6}{'neg':>6}  " + "  ".join(f"{m:>24}" for m in scores)
    print(header)
    print(f"{'':<34}" + "  ".join(f"{'R@1%  R@5%   AUC':>24}" for _ in scores))
    for cat in (*CATEGORIES, "all"):
        idx = [i for i, p in enumerate(pairs) if cat in ("all", p.category)]
        pos_i = [i for i in idx if pairs[i].positive]
        neg_i = [i for i in idx if not pairs[i].positive]
        cells = []
        for s in scores.values():
            pos = [s[i] for i in pos_i]
            neg = [s[i] for i in neg_i]
            cells.append(
                f"{recall_at_fpr(pos, neg, 0.01):>8.3f}{recall_at_fpr(pos, neg, 0.05):>6.3f}"
                f"{roc_auc(pos, neg):>8.3f}  "
            )
        print(f"{cat:<22}{len(pos_i):>6}{len(neg_i):>6}  " + "  ".join(cells))


if __name__ == "__main__":
    main()

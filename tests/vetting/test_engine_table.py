"""What vetting says about real legal processes: instrument x ask x issuer x policy x dates.

Each row is a demand as an authority would send it, the policies the platform has in force,
the warning/block finding codes a lawyer would expect (exactly: an unexpected warning is a
failure too), the recommendation, and the provision that justifies the expectation.
Informational codes are checked only where a row names them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from dueprocess.vetting import (
    AskFacts,
    DemandFacts,
    EstablishmentFacts,
    PolicyFacts,
    ScreeningHitFacts,
    SenderFacts,
    TargetFacts,
    VettingResult,
    vet,
)
from tests.vetting.factories import LIB, at

# --------------------------------------------------------------------------- builders


def acct(identifier: str = "@user", country: str | None = None, **kw: Any) -> TargetFacts:
    return TargetFacts("account", identifier, exists=True, country=country, **kw)


def url(path: str = "p/1", country: str | None = None) -> TargetFacts:
    return TargetFacts("content", f"https://example.social/{path}", exists=True, country=country)


def disclose(*categories: str, start: date | None = date(2024, 1, 1),
             end: date | None = date(2024, 1, 31)) -> AskFacts:
    return AskFacts("disclose", tuple(categories), date_from=start, date_to=end)


def restrict(measure: str = "withhold", *scope: str) -> AskFacts:
    return AskFacts("restrict_content", measure=measure, territorial_scope=tuple(scope))


def account_measure(measure: str) -> AskFacts:
    return AskFacts("restrict_account", measure=measure)


def preserve(days: int = 90) -> AskFacts:
    return AskFacts("preserve", days=days)


US = {
    "jurisdiction": "US", "authority_kind": "agency", "issuer_role": "judge",
    "received_at": at(2024, 3, 1),
    "legal_basis": "18 U.S.C. 2703", "statement_of_reasons": "Child exploitation case",
    "offences": ("us.18usc2252",), "asks": (disclose("content"),),
    "targets": (acct("@suspect", "US"),),
}
DE_DSA9 = {
    "jurisdiction": "DE", "authority_kind": "regulator", "issuer_role": "regulator",
    "received_at": at(2024, 6, 3), "legal_basis": "Art. 9 DSA; § 130 StGB",
    "statement_of_reasons": "Incitement to hatred", "redress": "Verwaltungsgericht",
    "offences": (), "asks": (restrict("withhold", "DE"),), "targets": (url("p/9", "DE"),),
}
DE_DSA10 = {
    "jurisdiction": "DE", "authority_kind": "police", "issuer_role": "police",
    "received_at": at(2025, 5, 6), "legal_basis": "Art. 10 DSA; § 100j StPO",
    "statement_of_reasons": "Threats against a politician", "redress": "§ 98(2) StPO",
    "offences": (), "asks": (disclose("subscriber", start=date(2025, 4, 1),
                                      end=date(2025, 4, 30)),),
    "targets": (acct("@threat", "DE"),),
}
FR_EPOC = {
    "jurisdiction": "FR", "authority_kind": "prosecutor", "issuer_role": "prosecutor",
    "received_at": at(2026, 9, 1), "legal_basis": "Reg. (EU) 2023/1543",
    "statement_of_reasons": "Fraud", "offences": ("fr.code_penal.313-1",),
    "asks": (disclose("subscriber", start=date(2026, 6, 1), end=date(2026, 8, 31)),),
    "targets": (acct("@fraud", "FR"),),
}
HK_SCH4 = {
    "jurisdiction": "HK", "authority_kind": "police", "issuer_role": "police_senior",
    "received_at": at(2020, 7, 20), "legal_basis": "A406A Schedule 4",
    "statement_of_reasons": "Incitement to secession", "offences": ("hk.nsl.art21",),
    "asks": (restrict("withhold", "HK"),), "targets": (url("p/8964", "HK"),),
    "officials": (("LI Kwai-wah", "Assistant Commissioner of Police", "signatory"),
                  ("LEE Ka-chiu", "Secretary for Security", "approver")),
}
HK_SCH7 = {
    "jurisdiction": "HK", "authority_kind": "court", "issuer_role": "judge",
    "received_at": at(2021, 3, 1), "legal_basis": "A406A Schedule 7",
    "statement_of_reasons": "Investigation of subversion", "offences": ("hk.nsl.art22",),
    "asks": (disclose("content", start=date(2020, 7, 1), end=date(2021, 2, 1)),),
    "targets": (acct("@organiser", "HK"),),
}
BR = {
    "jurisdiction": "BR", "authority_kind": "court", "issuer_role": "judge",
    "received_at": at(2024, 10, 1), "legal_basis": "Lei 12.965/2014",
    "statement_of_reasons": "Defamation of a candidate", "offences": (),
    "asks": (restrict("withhold", "BR"),), "targets": (url("p/br", "BR"),),
}

BASES = {"us": US, "dsa9": DE_DSA9, "dsa10": DE_DSA10, "epoc": FR_EPOC, "sch4": HK_SCH4,
         "sch7": HK_SCH7, "br": BR}


def d(base: str, instrument: str, **changes: Any) -> DemandFacts:
    values = {**BASES[base], **changes}
    return DemandFacts(reference=f"{base}-{instrument}", instrument_id=instrument, **values)


def pol(pid: int, effect: str, jurisdiction: str | None, start: date = date(2020, 1, 1),
        **kw: Any) -> PolicyFacts:
    return PolicyFacts(id=pid, name=f"{effect} #{pid}", effect=effect,
                       jurisdiction=jurisdiction, valid_from=start, **kw)


PAUSE_HK = pol(1, "pause", "HK", date(2020, 7, 6), ask_kinds=("disclose",))
MLAT_HK = pol(2, "route_mlat", "HK", date(2020, 8, 13))
SPEECH_REVIEW = pol(3, "human_rights_review", None, date(2020, 7, 6),
                    params={"flags": ["political_expression"]})
FOUR_EYES_US = pol(4, "four_eyes", "US")
RANGE_30 = pol(5, "scope_limit", "US", params={"max_days": 30})
WARRANT_NO_CONTENT = pol(6, "scope_limit", "US",
                         params={"categories": {"us.ecpa.warrant": ["subscriber", "traffic"]}})
TWO_TARGETS = pol(7, "scope_limit", None, params={"max_targets": 2})
PAUSE_US_PRESERVE = pol(8, "pause", "US", condition="ask == 'preserve' && !emergency")
MLAT_DE_NEVER = pol(9, "route_mlat", "DE", condition="authority_kind == 'executive'")
BROKEN_CONDITION = pol(10, "pause", "US", condition="targets / 0 > 1")
BROKEN_PARAMS = pol(11, "scope_limit", "US", params={"max_days": "ninety"})
EU_REVIEW_FLAGGED = pol(12, "human_rights_review", "EU",
                        params={"flags": ["no_judicial_oversight"]})

VERIFIED = SenderFacts(email="agent@fbi.gov", domain="fbi.gov", verified=True)
CALLED_BACK = dataclasses.replace(VERIFIED, callback_recorded=True)
UNVERIFIED = SenderFacts(email="agent@gmail.com", domain="gmail.com", channel="email")
LOOKALIKE = SenderFacts(email="m.hill@fbi-gov.us", domain="fbi-gov.us", channel="email",
                        lookalike_of="fbi.gov", lookalike_reason="edit distance 1")
FLAGGED = dataclasses.replace(VERIFIED, flagged_fraudulent=True)
TANG = ScreeningHitFacts(subject="official", name="TANG Ping-keung", list_id="ofac.sdn",
                         entry_id="27826", entry_name="TANG, Ping-keung", score=0.97,
                         programmes=("HK-EO13936",), explanation="name and title match")
LISTED_BODY = ScreeningHitFacts(subject="authority", name="Hong Kong Police Force",
                                list_id="xx.list", entry_id="A-1", entry_name="HKPF",
                                score=0.91, programmes=("TEST",))
OFFICIALS_TANG = (("TANG Ping-keung", "Commissioner of Police", "signatory"),
                  ("LEE Ka-chiu", "Secretary for Security", "approver"))


@dataclass(frozen=True)
class Case:
    name: str
    demand: DemandFacts
    codes: frozenset[str]
    recommendation: str
    why: str
    policies: tuple[PolicyFacts, ...] = ()
    info: frozenset[str] = field(default_factory=frozenset)


def c(name: str, demand: DemandFacts, codes: set[str], rec: str, why: str,
      *policies: PolicyFacts, info: set[str] | None = None) -> Case:
    return Case(name, demand, frozenset(codes), rec, why, policies, frozenset(info or ()))


NOT_IN_FORCE = "legal.instrument_not_in_force"
IRELAND = EstablishmentFacts(main="IE")
P2_ART6, P2_ART7 = "coe.budapest_p2.art6", "coe.budapest_p2.art7"
#: A Japanese prosecutor's order to a provider abroad under the Second Protocol.
P2_JP = {"jurisdiction": "JP", "authority_kind": "prosecutor",
         "legal_basis": "CETS No. 224, Art. 7", "offences": ("unauthorised computer access",),
         "targets": (acct("@intruder", "JP"),)}
INSUFFICIENT = "legal.insufficient_process"
ISSUER = "legal.issuer_not_competent"
MISSING = "legal.missing_element"
RISK = "rights.high_risk_instrument"
MISMATCH = "legal.statute_mismatch"

CASES: list[Case] = [
    # ---- United States: Stored Communications Act tiers (18 U.S.C. 2703)
    c("subpoena for subscriber data", d("us", "us.ecpa.subpoena", issuer_role="prosecutor",
      asks=(disclose("subscriber"),)), set(), "comply", "2703(c)(2) basic subscriber info"),
    c("administrative subpoena", d("us", "us.ecpa.subpoena", issuer_role="regulator",
      asks=(disclose("subscriber"),)), set(), "comply", "administrative subpoena, 2703(c)(2)"),
    c("subpoena for subscriber and traffic", d("us", "us.ecpa.subpoena",
      issuer_role="prosecutor", asks=(disclose("subscriber", "traffic"),)), {INSUFFICIENT},
      "comply_partially", "traffic needs a 2703(d) order: only the subscriber part stands"),
    c("subpoena for content", d("us", "us.ecpa.subpoena", issuer_role="prosecutor"),
      {INSUFFICIENT}, "reject", "content needs a warrant (2703(a); Warshak)"),
    c("subpoena from a patrol officer", d("us", "us.ecpa.subpoena", issuer_role="police",
      asks=(disclose("subscriber"),)), {ISSUER}, "reject", "subpoenas come from a grand jury, "
      "prosecutor, court or an agency with statutory subpoena power"),
    c("2703(d) order for traffic", d("us", "us.ecpa.2703d", asks=(disclose("traffic"),)),
      set(), "comply", "2703(c)(1)(B), (d)"),
    c("2703(d) order from a court for records", d("us", "us.ecpa.2703d", issuer_role="court",
      asks=(disclose("subscriber", "traffic"),)), set(), "comply", "2703(d)"),
    c("2703(d) order for content", d("us", "us.ecpa.2703d"), {INSUFFICIENT}, "reject",
      "content is beyond a 2703(d) order in practice since Warshak"),
    c("2703(d) order signed by a prosecutor", d("us", "us.ecpa.2703d", issuer_role="prosecutor",
      asks=(disclose("traffic"),)), {ISSUER}, "reject",
      "a court of competent jurisdiction, 2711(3)"),
    c("warrant for content", d("us", "us.ecpa.warrant"), set(), "comply", "2703(a), (b)(1)(A)"),
    c("warrant for everything", d("us", "us.ecpa.warrant",
      asks=(disclose("subscriber", "traffic", "content"),)), set(), "comply", "2703(c)(1)(A)"),
    c("warrant signed by police", d("us", "us.ecpa.warrant", issuer_role="police"), {ISSUER},
      "reject", "Fed. R. Crim. P. 41: a judge issues warrants"),
    c("warrant reaching into the future", d("us", "us.ecpa.warrant",
      asks=(disclose("content", start=date(2024, 1, 1), end=date(2024, 6, 30)),)),
      {INSUFFICIENT}, "comply_partially", "the SCA reaches stored data; prospective "
      "collection is Wiretap Act territory"),
    c("warrant only for future data", d("us", "us.ecpa.warrant",
      asks=(disclose("content", start=date(2024, 4, 1), end=date(2024, 6, 30)),)),
      {INSUFFICIENT}, "reject", "nothing in the range is stored yet"),
    c("warrant asking for removal", d("us", "us.ecpa.warrant",
      asks=(restrict("remove", "US"),), targets=(url("p/1", "US"),)), {INSUFFICIENT}, "reject",
      "a search warrant compels disclosure, not removal"),
    c("warrant asking for preservation", d("us", "us.ecpa.warrant", asks=(preserve(),)),
      {INSUFFICIENT}, "reject", "preservation is 2703(f)"),
    c("warrant with a 60-day gag", d("us", "us.ecpa.warrant", non_disclosure=True,
      non_disclosure_until=date(2024, 4, 30)), set(), "comply", "2705: up to 90 days"),
    c("warrant with a 180-day gag", d("us", "us.ecpa.warrant", non_disclosure=True,
      non_disclosure_until=date(2024, 8, 28)), set(), "comply",
      "2705(a)(1)(A), (a)(4): 90 days per period, renewable; 2705(b) lets the court set "
      "the period", info={"rights.gag_extension"}),
    c("warrant with an indefinite gag", d("us", "us.ecpa.warrant", non_disclosure=True),
      {"rights.indefinite_gag"}, "escalate", "2705(b) gags must have an end"),
    c("US warrant from Hong Kong", d("us", "us.ecpa.warrant", jurisdiction="HK"),
      {MISMATCH, "jurisdiction.foreign_target"}, "escalate",
      "a HK authority cannot issue a US warrant (forgery sign), for a US resident"),
    c("warrant before the SCA", d("us", "us.ecpa.warrant", received_at=at(1986, 6, 1),
      asks=(disclose("content", start=date(1986, 1, 1), end=date(1986, 5, 1)),)),
      {NOT_IN_FORCE}, "reject", "ECPA Title II effective 1987-01-19"),
    c("warrant for a German resident", d("us", "us.ecpa.warrant",
      targets=(acct("@expat", "DE", data_location="IE"),)), {"jurisdiction.foreign_target"},
      "escalate", "CLOUD Act 2713 / comity: a person should look"),
    c("warrant for a journalist", d("us", "us.ecpa.warrant",
      targets=(acct("@reporter", "US", flags=("journalist",)),)), {"rights.target_at_risk"},
      "escalate", "Privacy Protection Act concerns, human-rights policy"),
    c("warrant without targets", d("us", "us.ecpa.warrant", targets=()), {MISSING},
      "request_clarification", "who is the subscriber?"),
    c("warrant without an issuer", d("us", "us.ecpa.warrant", issuer_role=None), {MISSING},
      "request_clarification", "the issuing court must be identified"),
    c("warrant citing a HK offence", d("us", "us.ecpa.warrant", offences=("hk.nsl.art22",)),
      {MISMATCH, RISK}, "escalate", "US process for a HK speech offence"),
    c("warrant, four-eyes policy", d("us", "us.ecpa.warrant"), set(), "comply",
      "four-eyes is a procedure, not a finding", FOUR_EYES_US, info={"policy.four_eyes"}),
    # ---- 2702 emergency disclosure (voluntary; good-faith danger of death or injury)
    c("emergency request with justification", d("us", "us.ecpa.emergency",
      issuer_role="police", emergency=True, emergency_justification="Hostage, threat to life",
      asks=(disclose("subscriber", "traffic"),), callback_confirmed=True), set(), "comply",
      "2702(c)(4)",
      info={"legal.voluntary_disclosure"}),
    c("emergency request without justification", d("us", "us.ecpa.emergency",
      issuer_role="police", emergency=True, asks=(disclose("subscriber"),),
      callback_confirmed=True), {MISSING},
      "request_clarification", "2702(b)(8): the danger must be described"),
    c("emergency from a verified sender, no callback", d("us", "us.ecpa.emergency",
      issuer_role="police", emergency=True, emergency_justification="Suicide threat",
      asks=(disclose("subscriber"),), sender=VERIFIED), {"auth.emergency_unverified"},
      "hold", "forged EDRs come from hijacked police mailboxes: call back"),
    c("emergency confirmed by callback", d("us", "us.ecpa.emergency", issuer_role="police",
      emergency=True, emergency_justification="Suicide threat", asks=(disclose("subscriber"),),
      sender=CALLED_BACK), set(), "comply", "good faith established out of band"),
    c("emergency from a look-alike domain", d("us", "us.ecpa.emergency",
      issuer_role="police", emergency=True, emergency_justification="Respond within the hour",
      asks=(disclose("subscriber", "traffic"),), sender=LOOKALIKE),
      {"auth.lookalike_domain", "auth.emergency_unverified"}, "hold",
      "fbi-gov.us imitates fbi.gov"),
    c("emergency look-alike with missing parts still goes to a person",
      d("us", "us.ecpa.emergency", issuer_role="police", emergency=True,
        asks=(disclose("subscriber"),), targets=(), sender=LOOKALIKE),
      {"auth.lookalike_domain", "auth.emergency_unverified", MISSING}, "hold",
      "never ask a forger for clarification"),
    # ---- 2703(f) preservation, 90 + 90 days
    c("preservation request", d("us", "us.ecpa.preservation", issuer_role="police",
      asks=(preserve(90),)), set(), "comply", "2703(f)(2)", info={"deadline.statutory"}),
    c("preservation for 180 days", d("us", "us.ecpa.preservation", issuer_role="police",
      asks=(preserve(180),)), set(), "comply", "90 days, one renewal: informational",
      info={"deadline.statutory"}),
    c("preservation request also asking for data", d("us", "us.ecpa.preservation",
      issuer_role="police", asks=(preserve(90), disclose("subscriber"))), {INSUFFICIENT},
      "comply_partially", "preservation discloses nothing"),
    c("preservation paused by a conditional policy", d("us", "us.ecpa.preservation",
      issuer_role="police", asks=(preserve(90),)), {"policy.jurisdiction_paused"}, "hold",
      "CEL condition true for preserve asks", PAUSE_US_PRESERVE),
    c("emergency preservation is not paused", d("us", "us.ecpa.preservation",
      issuer_role="police", emergency=True, emergency_justification="Kidnapping",
      asks=(preserve(90),)), set(), "comply", "CEL condition false in an emergency",
      PAUSE_US_PRESERVE),
    # ---- National Security Letters (18 U.S.C. 2709)
    c("NSL for subscriber data with a gag", d("us", "us.nsl", issuer_role="police_senior",
      asks=(disclose("subscriber"),), non_disclosure=True), {RISK, "rights.indefinite_gag"},
      "escalate", "no judge; 2709(c) gag, challengeable under 3511"),
    c("NSL for content", d("us", "us.nsl", issuer_role="police_senior"),
      {INSUFFICIENT, RISK}, "reject", "OLC 2008: name, address, length of service only"),
    c("NSL for traffic", d("us", "us.nsl", issuer_role="police_senior",
      asks=(disclose("traffic"),)), {INSUFFICIENT, RISK}, "reject", "no ECTR power"),
    c("NSL from a field agent", d("us", "us.nsl", issuer_role="police",
      asks=(disclose("subscriber"),)), {ISSUER, RISK}, "reject",
      "Director or a designee at SAC / DAD level, 2709(b)"),
    c("NSL under a flagged-instrument review policy", d("us", "us.nsl",
      issuer_role="police_senior", asks=(disclose("subscriber"),)),
      {RISK}, "escalate", "EU policy does not reach US demands", EU_REVIEW_FLAGGED),
    # ---- DSA Art. 9 orders to act against illegal content
    c("complete DSA Art. 9 order", d("dsa9", "eu.dsa.art9"), set(), "comply", "Art. 9(2)"),
    c("Art. 9 order naming an account, not URLs", d("dsa9", "eu.dsa.art9",
      targets=(acct("@hater", "DE"),)), {MISSING}, "request_clarification",
      "Art. 9(2)(a)(iii): exact URLs"),
    c("Art. 9 order without redress", d("dsa9", "eu.dsa.art9", redress=""), {MISSING},
      "request_clarification", "Art. 9(2)(a)(iv)"),
    c("Art. 9 order without territorial scope", d("dsa9", "eu.dsa.art9",
      asks=(restrict("withhold"),)), {MISSING}, "request_clarification", "Art. 9(2)(b)"),
    c("Art. 9 order without a statement of reasons", d("dsa9", "eu.dsa.art9",
      statement_of_reasons=""), {MISSING}, "request_clarification", "Art. 9(2)(a)(i)"),
    c("Art. 9 removal in Germany", d("dsa9", "eu.dsa.art9", asks=(restrict("remove", "DE"),)),
      set(), "comply", "lawful; withholding would do", info={"scope.less_restrictive_available"}),
    c("Art. 9 order for worldwide withholding", d("dsa9", "eu.dsa.art9",
      asks=(restrict("withhold", "WW"),)), {"jurisdiction.extraterritorial_scope"}, "escalate",
      "Art. 9(2)(b): strictly necessary scope", info={"scope.less_restrictive_available"}),
    c("Art. 9 order across Member States", d("dsa9", "eu.dsa.art9",
      asks=(restrict("withhold", "DE", "AT", "FR"),)), set(), "comply",
      "a Union order may reach the Union"),
    c("Art. 9 order before the DSA applied", d("dsa9", "eu.dsa.art9",
      received_at=at(2023, 12, 1)), {NOT_IN_FORCE}, "reject", "Art. 93(2): 2024-02-17"),
    c("Art. 9 order asking for data", d("dsa9", "eu.dsa.art9",
      asks=(disclose("subscriber", start=date(2024, 5, 1), end=date(2024, 5, 31)),)),
      {INSUFFICIENT}, "reject", "Art. 9 is about content, Art. 10 about information"),
    c("DSA order from a US agency", d("dsa9", "eu.dsa.art9", jurisdiction="US",
      targets=(url("p/9"),)), {MISMATCH}, "escalate", "only Member State authorities"),
    # ---- DSA Art. 10 orders to provide information
    c("complete DSA Art. 10 order", d("dsa10", "eu.dsa.art10"), set(), "comply", "Art. 10(2)"),
    c("Art. 10 order for traffic", d("dsa10", "eu.dsa.art10",
      asks=(disclose("traffic", start=date(2025, 4, 1), end=date(2025, 4, 30)),)),
      {INSUFFICIENT}, "reject", "identifying information only"),
    c("Art. 10 order without reasons", d("dsa10", "eu.dsa.art10", statement_of_reasons=""),
      {MISSING}, "request_clarification", "Art. 10(2)(a)(iv): ask why"),
    c("Art. 10 order for data not yet collected", d("dsa10", "eu.dsa.art10",
      asks=(disclose("subscriber", start=date(2025, 4, 1), end=date(2025, 7, 1)),)),
      {INSUFFICIENT}, "comply_partially", "Art. 10(2)(b): only data already collected"),
    c("Art. 10 order about a US resident", d("dsa10", "eu.dsa.art10",
      targets=(acct("@american", "US"),)), {"jurisdiction.foreign_target"}, "escalate",
      "outside the Union"),
    c("Art. 10 order about a French resident", d("dsa10", "eu.dsa.art10",
      targets=(acct("@voisin", "FR"),)), set(), "comply", "within the Union"),
    c("Art. 10 order without identifiers", d("dsa10", "eu.dsa.art10",
      targets=(acct(" ", "DE"),)), {MISSING}, "request_clarification",
      "Art. 10(2)(a)(ii): recipient identifiers"),
    # ---- e-Evidence: European Production / Preservation Orders (Reg. 2023/1543)
    c("EPOC for subscriber data by a prosecutor", d("epoc", "eu.evidence.epoc"), set(),
      "comply", "Art. 4(1)", info={"deadline.statutory", "legal.unknown_offence"}),
    c("EPOC for traffic by a prosecutor", d("epoc", "eu.evidence.epoc",
      asks=(disclose("traffic", start=date(2026, 6, 1), end=date(2026, 8, 31)),)), {ISSUER},
      "reject", "Art. 4(2): judge or court only"),
    c("EPOC for traffic by a judge", d("epoc", "eu.evidence.epoc", issuer_role="judge",
      asks=(disclose("traffic", start=date(2026, 6, 1), end=date(2026, 8, 31)),)), set(),
      "comply", "Art. 4(2)"),
    c("EPOC for subscriber and traffic by a prosecutor", d("epoc", "eu.evidence.epoc",
      asks=(disclose("subscriber", "traffic", start=date(2026, 6, 1), end=date(2026, 8, 31)),)),
      {ISSUER}, "comply_partially", "the subscriber part stands"),
    c("EPOC for content of a German resident", d("epoc", "eu.evidence.epoc",
      issuer_role="court", asks=(disclose("content", start=date(2026, 6, 1),
                                          end=date(2026, 8, 31)),),
      targets=(acct("@nachbar", "DE"),)), set(), "comply", "Art. 8: notify the enforcing State",
      info={"jurisdiction.enforcing_state_notification"}),
    c("EPOC before the Regulation applies", d("epoc", "eu.evidence.epoc",
      received_at=at(2026, 5, 4), asks=(disclose("subscriber", start=date(2026, 1, 1),
                                                 end=date(2026, 3, 31)),)),
      {NOT_IN_FORCE}, "reject", "Art. 34: 2026-08-18"),
    c("EPOC for traffic without a period", d("epoc", "eu.evidence.epoc", issuer_role="judge",
      asks=(disclose("traffic", start=None, end=None),)), {MISSING}, "request_clarification",
      "the certificate states the period"),
    c("EPOC without an offence", d("epoc", "eu.evidence.epoc", offences=()), {MISSING},
      "request_clarification", "Art. 5: the offence determines what may be ordered"),
    c("EPOC signed by police", d("epoc", "eu.evidence.epoc", issuer_role="police"), {ISSUER},
      "reject", "Art. 4: police may only have it validated"),
    c("EPOC-PR by a prosecutor", d("epoc", "eu.evidence.epoc_pr", asks=(preserve(60),)),
      set(), "comply", "Art. 4(3), Art. 11: 60 days", info={"deadline.statutory"}),
    c("EPOC-PR signed by police", d("epoc", "eu.evidence.epoc_pr", issuer_role="police",
      asks=(preserve(60),)), {ISSUER}, "reject", "Art. 4(3)"),
    c("EPOC from outside the Union", d("epoc", "eu.evidence.epoc", jurisdiction="US",
      targets=(acct("@fraud"),)), {MISMATCH}, "escalate", "only Member State authorities"),
    # ---- the platform's establishment (Ireland): DSA Art. 9(2)(b), Recital 36
    c("DSA Art. 9 order of Germany for the whole Union", d("dsa9", "eu.dsa.art9",
      asks=(restrict("withhold", "EU"),), establishment=IRELAND), {"scope.beyond_issuing_state"},
      "comply_partially", "Art. 9(2)(b): withhold in DE; Ireland has jurisdiction (Art. 56)"),
    c("DSA Art. 9 order of Ireland for the whole Union", d("dsa9", "eu.dsa.art9",
      jurisdiction="IE", asks=(restrict("withhold", "EU"),), targets=(url("p/9", "IE"),),
      establishment=IRELAND), set(), "comply", "the State of establishment"),
    c("TCO removal order of Germany", d("dsa9", "eu.tco.art3", asks=(restrict("remove"),),
      legal_basis="Regulation (EU) 2021/784", establishment=IRELAND), set(), "comply",
      "TCO Art. 3: all Member States; Art. 4 scrutiny in Ireland",
      info={"jurisdiction.cross_border_scrutiny"}),
    # ---- Second Additional Protocol to the Budapest Convention (CETS No. 224): not in force
    # when the library was reviewed (Art. 16(3): five Parties' consent, then three months)
    c("Second Protocol Art. 7 order for subscriber data", d("epoc", P2_ART7, **P2_JP),
      {NOT_IN_FORCE}, "reject", "CETS 224 Art. 7(1), Art. 16(3): not in force"),
    c("Second Protocol Art. 7 order for traffic data", d("epoc", P2_ART7, **{**P2_JP,
      "asks": (disclose("subscriber", "traffic", start=date(2026, 6, 1),
                        end=date(2026, 8, 31)),)}), {NOT_IN_FORCE, INSUFFICIENT}, "reject",
      "Art. 7(1): specified, stored subscriber information only"),
    c("Second Protocol Art. 6 domain registration request", d("epoc", P2_ART6, **P2_JP,
      issuer_role="police"), {NOT_IN_FORCE}, "reject", "CETS 224 Art. 6(1), Art. 16(3)",
      info={"legal.voluntary_disclosure"}),
    # ---- Hong Kong NSL Art. 43 Implementation Rules, Schedules 4 and 7
    c("Schedule 4 withholding in HK", d("sch4", "hk.nsl43.sch4"), {RISK}, "escalate",
      "speech offence, no court"),
    c("Schedule 4 removal without the Secretary's approval", d("sch4", "hk.nsl43.sch4",
      officials=(("LI Kwai-wah", "Assistant Commissioner", "signatory"),)), {MISSING, RISK},
      "request_clarification", "Sch. 4: approval of the Secretary for Security"),
    c("Schedule 4 worldwide removal", d("sch4", "hk.nsl43.sch4",
      asks=(restrict("remove", "WW"),)), {"jurisdiction.extraterritorial_scope", RISK},
      "escalate", "NSL Art. 38 extraterritorial claim", info={"scope.less_restrictive_available"}),
    c("Schedule 4 identification by an Assistant Commissioner", d("sch4", "hk.nsl43.sch4",
      asks=(disclose("subscriber", start=None, end=None),), targets=(acct("@activist", "HK"),)),
      {ISSUER, RISK}, "reject", "identification records need a magistrate's warrant"),
    c("Schedule 4 identification on a magistrate's warrant", d("sch4", "hk.nsl43.sch4",
      issuer_role="judge", asks=(disclose("subscriber", start=None, end=None),),
      targets=(acct("@activist", "HK"),)), {RISK}, "escalate", "warrant, but a speech offence"),
    c("Schedule 4 identification claiming urgency", d("sch4", "hk.nsl43.sch4", emergency=True,
      emergency_justification="Planned bombing tonight", callback_confirmed=True,
      asks=(disclose("subscriber", start=None, end=None),), targets=(acct("@activist", "HK"),)),
      {"legal.urgent_issuer", RISK}, "escalate", "warrantless only where delay would defeat it"),
    c("Schedule 4 identification, July 2020, paused", d("sch4", "hk.nsl43.sch4",
      issuer_role="judge", asks=(disclose("subscriber", start=None, end=None),),
      targets=(acct("@activist", "HK"),)), {"policy.jurisdiction_paused", RISK}, "hold",
      "platforms paused HK data requests from 2020-07-06", PAUSE_HK, MLAT_HK),
    c("Schedule 4 identification, September 2020, MLAT", d("sch4", "hk.nsl43.sch4",
      issuer_role="judge", received_at=at(2020, 9, 15),
      asks=(disclose("subscriber", start=None, end=None),), targets=(acct("@activist", "HK"),)),
      {"policy.route_mlat", RISK}, "route_mlat", "HK data demands via the US MLAT",
      PAUSE_HK, MLAT_HK),
    c("Schedule 4 removal, September 2020, still reviewed", d("sch4", "hk.nsl43.sch4",
      received_at=at(2020, 9, 15)), {RISK}, "escalate", "pause and MLAT concern data only",
      PAUSE_HK, MLAT_HK),
    c("Schedule 4 removal with a speech-law review policy", d("sch4", "hk.nsl43.sch4"),
      {RISK, "policy.human_rights_review"}, "escalate", "policy for flagged instruments",
      SPEECH_REVIEW),
    c("Schedule 4 before the Implementation Rules", d("sch4", "hk.nsl43.sch4",
      received_at=at(2020, 7, 1)), {NOT_IN_FORCE, RISK}, "reject", "A406A from 2020-07-07"),
    c("Schedule 4 at 01:00 on 7 July, Hong Kong time", d("sch4", "hk.nsl43.sch4",
      received_at=at(2020, 7, 6, 17)), {RISK}, "escalate",
      "HK law applies on HK dates (17:00 UTC on 6 July is 7 July in HK)"),
    c("Schedule 4 citing a US offence", d("sch4", "hk.nsl43.sch4",
      offences=("us.18usc875",)), {MISMATCH, RISK}, "escalate", "forgery sign"),
    c("Schedule 4 citing repealed sedition", d("sch4", "hk.nsl43.sch4",
      received_at=at(2025, 1, 6), offences=("hk.crimes.sedition",)), {RISK}, "escalate",
      "repealed 2024-03-23: only earlier conduct", info={"legal.offence_not_in_force"}),
    c("Schedule 4 account closure", d("sch4", "hk.nsl43.sch4",
      asks=(account_measure("terminate"),), targets=(acct("@party", "HK"),)),
      {INSUFFICIENT, RISK}, "reject", "Schedule 4 provides for messages, not accounts"),
    c("Schedule 4 signed by a sanctioned official", d("sch4", "hk.nsl43.sch4",
      received_at=at(2020, 9, 15), officials=OFFICIALS_TANG, screening_hits=(TANG,)),
      {"sanctions.listed_person", RISK}, "escalate", "OFAC HK-EO13936 (2020-08-07)"),
    c("sanctioned official and a gap: verify first", d("sch4", "hk.nsl43.sch4",
      officials=(("TANG Ping-keung", "Commissioner of Police", "signatory"),),
      screening_hits=(TANG,)), {"sanctions.listed_person", MISSING, RISK}, "escalate",
      "no letter to a listed official before a lawyer decides"),
    c("listed authority", d("sch4", "hk.nsl43.sch4", screening_hits=(LISTED_BODY,)),
      {"sanctions.listed_authority", RISK}, "escalate", "the issuing body itself is listed"),
    c("Schedule 7 production order", d("sch7", "hk.nsl43.sch7"), {RISK}, "escalate",
      "court order, but NSL offences"),
    c("Schedule 7 signed by police", d("sch7", "hk.nsl43.sch7", issuer_role="police_senior"),
      {ISSUER, RISK}, "reject", "Court of First Instance on the SJ's application"),
    c("Schedule 7 without an offence", d("sch7", "hk.nsl43.sch7", offences=()), {MISSING, RISK},
      "request_clarification", "offence endangering national security required"),
    c("NSL offence cited before the NSL existed", d("sch7", "generic.court_order",
      received_at=at(2020, 6, 1), offences=("hk.nsl.art22",)),
      {"legal.offence_not_in_force", RISK}, "escalate", "NSL in force 2020-06-30"),
    # ---- Generic instruments (any other jurisdiction)
    c("Brazilian court order to withhold", d("br", "generic.court_order"), set(), "comply",
      "court order under national law"),
    c("court order to terminate an account", d("br", "generic.court_order",
      asks=(account_measure("terminate"),), targets=(acct("@bot", "BR"),)), set(),
      "comply_partially", "court order; least restrictive first: withhold the account in BR",
      info={"scope.less_restrictive_available"}),
    c("court order signed by police", d("br", "generic.court_order", issuer_role="police"),
      {ISSUER}, "reject", "a court order comes from a court"),
    c("police request for subscriber data", d("br", "generic.police_request",
      issuer_role="police", asks=(disclose("subscriber"),), targets=(acct("@x", "BR"),)),
      set(), "comply", "voluntary, within policy", info={"legal.voluntary_disclosure"}),
    c("police request for content", d("br", "generic.police_request", issuer_role="police",
      asks=(disclose("content"),), targets=(acct("@x", "BR"),)), {INSUFFICIENT}, "reject",
      "content needs a court order"),
    c("police request to terminate", d("br", "generic.police_request", issuer_role="police",
      asks=(account_measure("terminate"),), targets=(acct("@x", "BR"),)), {INSUFFICIENT},
      "reject", "only suspension on request"),
    c("unknown instrument", d("br", "br.cpp.art240"), {"legal.unknown_instrument"},
      "request_clarification", "which law?"),
    # ---- Brazil, Marco Civil da Internet (the worked example of docs/law-library.md)
    c("Marco Civil art. 19 removal", d("br", "br.mci.art19", asks=(restrict("remove", "BR"),)),
      set(), "comply", "art. 19", info={"scope.less_restrictive_available"}),
    c("Marco Civil art. 19 removal with no territorial limit", d("br", "br.mci.art19",
      asks=(restrict("remove"),)), set(), "comply_partially",
      "least restrictive first: withhold in BR", info={"scope.less_restrictive_available"}),
    c("Marco Civil art. 19 order naming an account", d("br", "br.mci.art19",
      targets=(acct("@perfil", "BR"),)), {MISSING}, "request_clarification",
      "art. 19 § 1: specific identification, on pain of nullity"),
    c("Marco Civil art. 22 order for access records", d("br", "br.mci.art22",
      asks=(disclose("traffic", start=date(2024, 8, 1), end=date(2024, 8, 31)),),
      targets=(acct("@perfil", "BR"),)), set(), "comply", "art. 22"),
    c("Marco Civil art. 22 order without a period", d("br", "br.mci.art22",
      asks=(disclose("traffic", start=None, end=None),), targets=(acct("@perfil", "BR"),)),
      {MISSING}, "request_clarification", "art. 22, III"),
    c("registration data on a delegado's request", d("br", "br.mci.art10_3",
      issuer_role="police_senior", asks=(disclose("subscriber"),),
      targets=(acct("@perfil", "BR"),)), set(), "comply", "art. 10 § 3"),
    c("access records on a delegado's request", d("br", "br.mci.art10_3",
      issuer_role="police_senior", asks=(disclose("traffic"),),
      targets=(acct("@perfil", "BR"),)), {INSUFFICIENT}, "reject", "records need art. 22"),
    c("Marco Civil before it applied", d("br", "br.mci.art19", received_at=at(2014, 5, 1)),
      {NOT_IN_FORCE}, "reject", "art. 32: 60 days after 2014-04-24"),
    # ---- platform policies on lawful demands
    c("range beyond 30 days", d("us", "us.ecpa.warrant",
      asks=(disclose("content", start=date(2023, 10, 1), end=date(2024, 1, 31)),)),
      {"scope.overbroad"}, "comply_partially", "platform limit", RANGE_30),
    c("content beyond the warrant category limit", d("us", "us.ecpa.warrant"),
      {"scope.overbroad"}, "comply_partially", "per-instrument category limit",
      WARRANT_NO_CONTENT),
    c("category limit for another instrument", d("us", "us.ecpa.2703d",
      asks=(disclose("traffic"),)), set(), "comply", "limit names only the warrant",
      WARRANT_NO_CONTENT),
    c("three targets, two allowed", d("us", "us.ecpa.warrant",
      targets=(acct("@a", "US"), acct("@b", "US"), acct("@c", "US"))), {"scope.overbroad"},
      "comply_partially", "max_targets", TWO_TARGETS),
    c("MLAT policy whose condition does not hold", d("dsa10", "eu.dsa.art10"), set(),
      "comply", "CEL false", MLAT_DE_NEVER),
    c("policy condition that fails", d("us", "us.ecpa.warrant"), {"policy.condition_error"},
      "escalate", "never silently skip a policy", BROKEN_CONDITION),
    c("malformed scope limit", d("us", "us.ecpa.warrant"), {"policy.invalid"}, "escalate",
      "reported, not guessed", BROKEN_PARAMS),
    c("unverified sender", d("us", "us.ecpa.warrant", sender=UNVERIFIED),
      {"auth.unverified_sender"}, "hold", "a gmail address for the FBI"),
    c("unverified sender and a gap", d("us", "us.ecpa.warrant", sender=UNVERIFIED,
      issuer_role=None), {"auth.unverified_sender", MISSING}, "hold",
      "a clarification would go to whoever sent it: verify the sender first"),
    c("sender on the fraud list", d("us", "us.ecpa.warrant", sender=FLAGGED),
      {"auth.flagged_sender"}, "hold", "shared fraud signal"),
    c("verified sender", d("us", "us.ecpa.warrant", sender=VERIFIED), set(), "comply",
      "registry domain"),
]


def _run(case: Case) -> VettingResult:
    return vet(case.demand, LIB, case.policies)


def test_the_table_is_large_and_has_unique_names() -> None:
    assert len(CASES) >= 80
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_vetting_matches_the_law(case: Case) -> None:
    result = _run(case)
    found = {f.code for f in result.findings if f.severity != "info"}
    assert found == case.codes, (case.why, result.explanation)
    assert result.recommendation == case.recommendation, (case.why, result.explanation)
    missing_info = case.info - set(result.codes)
    assert not missing_info, (case.why, result.codes)
    if result.recommendation != "comply":
        assert result.recommendation in result.explanation


DESIGN_CODES = {
    "policy.jurisdiction_paused", "policy.route_mlat", "legal.unknown_instrument",
    "legal.insufficient_process", "legal.issuer_not_competent", "legal.missing_element",
    "legal.statute_mismatch", "jurisdiction.foreign_target", "rights.high_risk_instrument",
    "rights.target_at_risk", "rights.indefinite_gag", "scope.overbroad",
    "auth.unverified_sender", "auth.lookalike_domain", "auth.emergency_unverified",
    "sanctions.listed_person", "sanctions.listed_authority", "deadline.statutory",
}


def test_every_design_finding_code_is_exercised_by_the_table() -> None:
    produced = set().union(*(set(_run(case).codes) for case in CASES))
    assert produced >= DESIGN_CODES, DESIGN_CODES - produced


def test_every_recommendation_is_exercised_by_the_table() -> None:
    assert {case.recommendation for case in CASES} == {
        "comply", "comply_partially", "request_clarification", "route_mlat", "reject",
        "hold", "escalate",
    }


def _protocol_in_force() -> Any:
    """The library as it will read once CETS No. 224 has entered into force."""
    instruments = dict(LIB.instruments)
    for key in (P2_ART6, P2_ART7):
        instruments[key] = instruments[key].model_copy(update={"in_force_from": date(2026, 1, 1)})
    return dataclasses.replace(LIB, instruments=instruments)


@pytest.mark.parametrize(("name", "demand", "codes", "rec"), [
    ("Art. 7 order for subscriber data", d("epoc", P2_ART7, **P2_JP), set(), "comply"),
    ("Art. 7 order for content", d("epoc", P2_ART7, **{**P2_JP, "asks": (
        disclose("content", start=date(2026, 6, 1), end=date(2026, 8, 31)),)}),
     {INSUFFICIENT}, "reject"),
    ("Art. 7 order naming no offence", d("epoc", P2_ART7, **{**P2_JP, "offences": ()}),
     {MISSING}, "request_clarification"),
    ("Art. 6 request by the police", d("epoc", P2_ART6, **P2_JP, issuer_role="police"), set(),
     "comply"),
])
def test_second_protocol_once_in_force(name: str, demand: DemandFacts, codes: set[str],
                                       rec: str) -> None:
    """Art. 7(1), (3)(d): stored subscriber information for a stated offence, nothing more."""
    result = vet(demand, _protocol_in_force())
    assert {f.code for f in result.findings if f.severity != "info"} == codes, name
    assert result.recommendation == rec, result.explanation

"""The demand page's timeline in words: every audit event code as a translatable sentence.

The audit log keeps codes (``demand.approved``) and JSON payloads, which is what a verifier
needs; reviewers need "Maria Chen approved the decisions". Each code the system records has
one entry here (a test reads the sources and fails on a code without one), with the kind
it is filtered under. Sentences are gettext strings with named placeholders filled from
the event's payload, so a translation can reorder them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dueprocess.audit.models import AuditEvent

DECISIONS = "decisions"
VETTING = "vetting"
EXECUTION = "execution"
LETTERS = "letters"
NOTES = "notes"
VIEWS = "views"
INTAKE = "intake"
ADMIN = "admin"

#: The filters above the timeline (views are folded away instead of filtered).
KINDS: list[tuple[str, Promise]] = [
    ("", _("All")),
    (DECISIONS, _("Decisions")),
    (VETTING, _("Vetting")),
    (EXECUTION, _("Execution")),
    (LETTERS, _("Letters")),
    (NOTES, _("Notes")),
]

#: The word on each event's pill (lower case, like the codes it stands for).
KIND_WORDS: dict[str, Promise] = {
    DECISIONS: pgettext_lazy("timeline event kind", "decisions"),
    VETTING: pgettext_lazy("timeline event kind", "vetting"),
    EXECUTION: pgettext_lazy("timeline event kind", "execution"),
    LETTERS: pgettext_lazy("timeline event kind", "letters"),
    NOTES: pgettext_lazy("timeline event kind", "notes"),
    VIEWS: pgettext_lazy("timeline event kind", "views"),
    INTAKE: pgettext_lazy("timeline event kind", "intake"),
    ADMIN: pgettext_lazy("timeline event kind", "admin"),
    "": pgettext_lazy("timeline event kind", "other"),
}


@dataclass(frozen=True)
class Sentence:
    kind: str
    text: Promise


#: Event code → what kind of event it is and how it reads. Placeholders: ``actor`` (a
#: person's name, or "The system"), then payload keys.
SENTENCES: dict[str, Sentence] = {
    # the demand and its review
    "demand.received": Sentence(INTAKE, _("%(actor)s received the demand %(reference)s "
                                          "from %(authority)s")),
    "demand.targets_added": Sentence(INTAKE, _("%(actor)s added %(added)s targets from "
                                               "%(filename)s")),
    "document.added": Sentence(INTAKE, _("%(actor)s added the document %(filename)s")),
    "email.imported": Sentence(INTAKE, _("%(actor)s imported the demand from an e-mail by "
                                         "%(from)s")),
    "email.kept_unread": Sentence(INTAKE, _("%(actor)s kept an e-mail from %(from)s "
                                            "unread: %(reason)s")),
    "demand.callback_recorded": Sentence(VETTING, _("%(actor)s called the authority back "
                                                    "on %(phone)s: %(outcome)s")),
    "demand.clarification_answered": Sentence(LETTERS, _("The authority answered the "
                                                         "clarification request")),
    "demand.vetted": Sentence(VETTING, _("Vetting recommended: %(recommendation)s")),
    "demand.claimed": Sentence(DECISIONS, _("%(actor)s claimed the demand")),
    "demand.assigned": Sentence(DECISIONS, _("%(actor)s reassigned the demand")),
    "demand.status_changed": Sentence(DECISIONS, _("The status changed from %(from)s to "
                                                   "%(to)s")),
    "demand.human_rights_reviewed": Sentence(DECISIONS, _("%(actor)s recorded a "
                                                          "human-rights review: "
                                                          "%(conclusion)s")),
    "demand.decided": Sentence(DECISIONS, _("%(actor)s recorded the decisions")),
    "demand.override_recorded": Sentence(DECISIONS, _("%(actor)s recorded an override")),
    "demand.approval_requested": Sentence(DECISIONS, _("The decisions wait for a second "
                                                       "reviewer's approval")),
    "demand.approved": Sentence(DECISIONS, _("%(actor)s approved the decisions")),
    "demand.sent_back": Sentence(DECISIONS, _("%(actor)s sent the decisions back: "
                                              "%(comment)s")),
    "demand.note_added": Sentence(NOTES, _("%(actor)s added an internal note")),
    "demand.viewed": Sentence(VIEWS, _("%(actor)s viewed %(what)s")),
    "demand.execution_planned": Sentence(EXECUTION, _("Execution was planned")),
    # sanctions screening
    "sanctions.screened": Sentence(VETTING, _("Sanctions screening ran")),
    "sanctions.rescreened": Sentence(VETTING, _("%(actor)s screened the demand again "
                                                "against the sanctions lists")),
    "sanctions.hit_marked": Sentence(VETTING, _("%(actor)s marked the sanctions hit on "
                                                "%(name)s as %(to)s")),
    "sanctions.hit_signed_off": Sentence(VETTING, _("%(actor)s signed off the sanctions "
                                                    "hit on %(name)s")),
    "sanctions.list_imported": Sentence(ADMIN, _("%(actor)s imported the sanctions list "
                                                 "%(list)s")),
    # letters to the authority
    "letter.drafted": Sentence(LETTERS, _("A %(kind)s letter was drafted")),
    "letter.edited": Sentence(LETTERS, _("%(actor)s edited the %(kind)s letter")),
    "letter.approved": Sentence(LETTERS, _("%(actor)s approved the %(kind)s letter")),
    "letter.emailed": Sentence(LETTERS, _("The %(kind)s letter was e-mailed")),
    "letter.email_failed": Sentence(LETTERS, _("E-mailing the %(kind)s letter failed")),
    "letter.email_skipped": Sentence(LETTERS, _("The %(kind)s letter was not e-mailed: "
                                                "%(reason)s")),
    "notice.sent": Sentence(LETTERS, _("%(actor)s sent the %(kind)s letter to %(to)s")),
    # execution
    "action.started": Sentence(EXECUTION, _("The %(kind)s action started (attempt "
                                            "%(attempt)s)")),
    "action.succeeded": Sentence(EXECUTION, _("The %(kind)s action succeeded")),
    "action.failed": Sentence(EXECUTION, _("The %(kind)s action failed: %(error)s")),
    "action.cancelled": Sentence(EXECUTION, _("%(actor)s cancelled the %(kind)s action")),
    "action.lease_expired": Sentence(EXECUTION, _("The worker running the %(kind)s action "
                                                  "stopped answering; it will be retried")),
    "action.dead_lettered": Sentence(EXECUTION, _("The %(kind)s action gave up after "
                                                  "%(attempts)s attempts")),
    "deadletter.resolved": Sentence(EXECUTION, _("%(actor)s resolved a dead letter: "
                                                 "%(resolution)s")),
    "webhook.conflicting_answer": Sentence(EXECUTION, _("A connector answered the same "
                                                        "call twice, differently")),
    "production.created": Sentence(EXECUTION, _("A production package was sealed")),
    "production.downloaded": Sentence(VIEWS, _("%(actor)s downloaded the production")),
    "production.rekeyed": Sentence(EXECUTION, _("A production package was encrypted "
                                                "under a new key")),
    "production.purged": Sentence(EXECUTION, _("A production package expired and was "
                                               "deleted")),
    "preservation.started": Sentence(EXECUTION, _("Preservation of %(account)s started "
                                                  "until %(until)s")),
    "preservation.extended": Sentence(EXECUTION, _("%(actor)s extended the preservation "
                                                   "until %(until)s")),
    "preservation.released": Sentence(EXECUTION, _("%(actor)s released the preservation")),
    "preservation.expiry_reminder": Sentence(EXECUTION, _("Reminder: the preservation "
                                                          "ends in %(days_left)s days")),
    "dsa.statement_created": Sentence(EXECUTION, _("A DSA statement of reasons was "
                                                   "written")),
    "dsa.statements_submitted": Sentence(EXECUTION, _("Statements of reasons were "
                                                      "submitted: %(outcome)s")),
    # notices to users
    "notice.created": Sentence(EXECUTION, _("A notice to %(recipient)s was prepared "
                                            "(%(status)s)")),
    "notice.flagged_for_challenge": Sentence(EXECUTION, _("The notice to %(recipient)s "
                                                          "was flagged for challenge: "
                                                          "%(why)s")),
    "notice.released": Sentence(EXECUTION, _("%(actor)s released a notice to the user")),
    "notice.delivery_failed": Sentence(EXECUTION, _("Delivering a notice failed: "
                                                    "%(error)s")),
    "notice.dead_lettered": Sentence(EXECUTION, _("Delivering a notice gave up after "
                                                  "%(attempts)s attempts")),
    "disclosure.waiting": Sentence(EXECUTION, _("Disclosure waits until %(until)s for the "
                                                "user to object")),
    "disclosure.objected": Sentence(EXECUTION, _("%(actor)s recorded the user's "
                                                 "objection")),
    "disclosure.proceeds": Sentence(EXECUTION, _("%(actor)s let the disclosure proceed")),
    "disclosure.withheld": Sentence(EXECUTION, _("%(actor)s withheld the disclosure")),
    "reminder.sent": Sentence(DECISIONS, _("A deadline reminder was sent (%(kind)s, due "
                                           "%(due)s)")),
    # publication
    "publication.prepared": Sentence(LETTERS, _("%(actor)s prepared a redacted "
                                                "publication")),
    "publication.edited": Sentence(LETTERS, _("%(actor)s edited the publication")),
    "publication.published": Sentence(LETTERS, _("%(actor)s published the demand")),
    "publication.withdrawn": Sentence(LETTERS, _("%(actor)s withdrew the publication")),
    # not about one demand (never on the demand page, but said the same way)
    "console.searched": Sentence(ADMIN, _("%(actor)s searched the console")),
    "audit.checkpoint_exported": Sentence(ADMIN, _("%(actor)s exported an audit "
                                                   "checkpoint")),
    "audit.viewed": Sentence(ADMIN, _("%(actor)s looked at the audit log")),
    "audit.verified": Sentence(ADMIN, _("%(actor)s verified the audit chain (%(checked)s "
                                        "events)")),
    "audit.exported": Sentence(ADMIN, _("%(actor)s exported the audit log")),
    "account.language_set": Sentence(ADMIN, _("%(actor)s chose %(language)s as their "
                                              "language")),
    "review.view_saved": Sentence(ADMIN, _("%(actor)s saved the queue view %(name)s")),
    "review.view_deleted": Sentence(ADMIN, _("%(actor)s deleted the queue view %(name)s")),
    "signing_key.created": Sentence(ADMIN, _("A signing key was created")),
    "signing_key.resealed": Sentence(ADMIN, _("A signing key was sealed again")),
    "token.created": Sentence(ADMIN, _("%(actor)s created an API token")),
    "token.revoked": Sentence(ADMIN, _("%(actor)s revoked an API token")),
    "staff.user_created": Sentence(ADMIN, _("%(actor)s created the staff account "
                                            "%(email)s")),
    "staff.two_factor_enrolled": Sentence(ADMIN, _("%(actor)s enrolled a second factor")),
    "requester.invited": Sentence(ADMIN, _("%(actor)s invited %(email)s to the portal")),
    "requester.joined": Sentence(ADMIN, _("A requester joined the portal")),
    "authority.created": Sentence(ADMIN, _("%(actor)s registered an authority")),
    "fraud_signal.marked": Sentence(ADMIN, _("%(actor)s marked a fraud signal")),
    "fraud_signal.cleared": Sentence(ADMIN, _("%(actor)s cleared a fraud signal")),
    "fraud_signal.imported": Sentence(ADMIN, _("%(actor)s imported fraud signals")),
    "worker.presumed_dead": Sentence(ADMIN, _("A worker stopped answering")),
}

#: Codes folded into the "viewed N times" line rather than listed.
VIEW_CODES = tuple(code for code, s in SENTENCES.items() if s.kind == VIEWS)

OUTCOME_WORDS: dict[str, Promise] = {
    "comply": _("comply"),
    "comply_partially": _("comply in part"),
    "reject": _("refuse"),
    "hold": _("hold"),
    "route_mlat": _("refer to MLAT"),
}

#: A demand's status as a word in running text ("the demand is now in review").
STATUS_WORDS: dict[str, Promise] = {
    "received": pgettext_lazy("demand status", "received"),
    "in_review": pgettext_lazy("demand status", "in review"),
    "awaiting_authority": pgettext_lazy("demand status", "awaiting authority"),
    "on_hold": pgettext_lazy("demand status", "on hold"),
    "approved": pgettext_lazy("demand status", "approved"),
    "executing": pgettext_lazy("demand status", "executing"),
    "completed": pgettext_lazy("demand status", "completed"),
    "rejected": pgettext_lazy("demand status", "rejected"),
    "withdrawn": pgettext_lazy("demand status", "withdrawn"),
}

#: What vetting recommends, as words ("Vetting recommended: request clarification").
RECOMMENDATION_WORDS: dict[str, Promise] = {
    "comply": pgettext_lazy("vetting recommendation", "comply"),
    "comply_partially": pgettext_lazy("vetting recommendation", "comply partially"),
    "request_clarification": pgettext_lazy("vetting recommendation", "request clarification"),
    "route_mlat": pgettext_lazy("vetting recommendation", "route mlat"),
    "reject": pgettext_lazy("vetting recommendation", "reject"),
    "hold": pgettext_lazy("vetting recommendation", "hold"),
    "escalate": pgettext_lazy("vetting recommendation", "escalate"),
}


#: A letter's kind as a word in running text ("the acknowledgement letter was e-mailed").
LETTER_WORDS: dict[str, Promise] = {
    "user": pgettext_lazy("letter kind", "user notice"),
    "acknowledgement": pgettext_lazy("letter kind", "acknowledgement"),
    "clarification_request": pgettext_lazy("letter kind", "clarification request"),
    "refusal": pgettext_lazy("letter kind", "refusal"),
    "mlat_referral": pgettext_lazy("letter kind", "MLAT referral"),
    "effect_report": pgettext_lazy("letter kind", "effect report"),
    "partial_compliance": pgettext_lazy("letter kind", "partial compliance"),
}


def status_word(status: str) -> str:
    """The status in the reader's language; an unknown code reads as itself."""
    return str(STATUS_WORDS.get(status, status.replace("_", " ")))


#: What a ``demand.viewed`` event says was looked at.
VIEWED: dict[str, Promise] = {
    "demand_page": _("the demand"),
    "targets": _("the target list"),
    "original_email": _("the original e-mail"),
    "productions": _("the productions"),
    "screening": _("the screening"),
    "intake_page": _("the intake page"),
    "api": _("the demand through the API"),
}


def _viewed(what: str) -> str:
    if what in VIEWED:
        return str(VIEWED[what])
    kind, _sep, pk = what.partition(":")
    if kind == "document":
        return gettext("document %(pk)s") % {"pk": pk}
    if kind == "email":
        return gettext("e-mail %(pk)s") % {"pk": pk}
    return what


def codes_of(kind: str) -> list[str]:
    """The codes a timeline filter shows (empty for "all")."""
    return sorted(code for code, s in SENTENCES.items() if s.kind == kind) if kind else []


def person_ids(events: Iterable[AuditEvent]) -> set[int]:
    """The people named by the events' actors (``user:<pk>:<username>``)."""
    out = set()
    for e in events:
        parts = e.actor.split(":", 2)
        if parts[0] == "user" and len(parts) > 1 and parts[1].isdigit():
            out.add(int(parts[1]))
    return out


def actor_name(actor: str, names: Mapping[int, str]) -> str:
    parts = actor.split(":", 2)
    if parts[0] == "user" and len(parts) == 3:
        return names.get(int(parts[1]), parts[2]) if parts[1].isdigit() else parts[2]
    if actor == "system":
        return gettext("The system")
    if actor == "cli":
        return gettext("An administrator (command line)")
    return actor


class _Fill(dict[str, str]):
    """Payload values as text; a key the event lacks reads as a dash, never a crash."""

    def __missing__(self, key: str) -> str:
        return "—"


#: Payload keys holding codes (statuses, outcomes, kinds) that read better as words.
WORDY = {"from", "to", "recommendation", "outcome", "conclusion", "kind", "resolution",
         "status"}


def _text(key: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(key, v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    text = str(value)
    return text.replace("_", " ") if key in WORDY and "@" not in text else text


@dataclass
class Line:
    """One event as the page says it: a sentence, what it found or decided, the payload."""

    event: AuditEvent
    kind: str
    sentence: str
    points: list[str] = field(default_factory=list)
    who: str = ""

    @property
    def kind_label(self) -> str:
        """The kind in the reader's language ("other" for a code this release lacks)."""
        return str(KIND_WORDS.get(self.kind, KIND_WORDS[""]))


def _points(event: AuditEvent) -> list[str]:
    """The lines worth reading without opening the details."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if event.verb == "demand.vetted":
        return [gettext("Vetting found: %(code)s (%(severity)s)")
                % {"code": f.get("code", "?"), "severity": f.get("severity", "?")}
                for f in payload.get("findings") or [] if isinstance(f, dict)]
    if event.verb == "demand.decided":
        out = []
        for d in payload.get("decisions") or []:
            if not isinstance(d, dict):
                continue
            params = {"ask": d.get("ask"), "outcome": str(OUTCOME_WORDS.get(
                str(d.get("outcome")), str(d.get("outcome")))), "target": d.get("target")}
            out.append(gettext("Ask %(ask)s, target %(target)s: %(outcome)s") % params
                       if d.get("target") else gettext("Ask %(ask)s: %(outcome)s") % params)
        return out
    return []


def describe(event: AuditEvent, names: Mapping[int, str]) -> Line:
    """The event as a sentence; an unknown code (an older release's) reads as itself."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    known = SENTENCES.get(event.verb)
    fill = _Fill({k: _text(k, v) for k, v in payload.items()})
    who = fill["actor"] = actor_name(event.actor, names)
    if event.verb == "demand.viewed":
        fill["what"] = _viewed(str(payload.get("what", "")))
    recommendation = payload.get("recommendation")
    if event.verb == "demand.vetted" and isinstance(recommendation, str) \
            and recommendation in RECOMMENDATION_WORDS:
        fill["recommendation"] = str(RECOMMENDATION_WORDS[recommendation])
    kind = payload.get("kind")
    if event.verb.startswith(("letter.", "notice.")) and isinstance(kind, str) \
            and kind in LETTER_WORDS:
        fill["kind"] = str(LETTER_WORDS[kind])
    if event.verb == "demand.status_changed":
        for key in ("from", "to"):
            if isinstance(payload.get(key), str) and payload[key]:
                fill[key] = status_word(payload[key])
    if known is None:
        return Line(event, "", gettext("%(actor)s: %(code)s") % {"actor": who,
                                                                   "code": event.verb},
                    who=who)
    return Line(event, known.kind, str(known.text) % fill, _points(event), who=who)

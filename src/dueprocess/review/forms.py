"""HTML forms of the console.

Django forms own the browser side (rendering, per-field errors, sticky values); they turn
into the same pydantic inputs the API uses, so the rules in
:mod:`dueprocess.demands.actions` are checked once, whichever door a decision comes in by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from dueprocess.demands.inputs import DecisionIn
from dueprocess.demands.models import Ask, AskKind, Decision, Outcome, Status
from dueprocess.review.reasons import REASONS

OUTCOME_CHOICES: list[tuple[str, str]] = [
    (Outcome.COMPLY, "Comply"),
    (Outcome.COMPLY_PARTIALLY, "Comply in part (narrowed)"),
    (Outcome.REJECT, "Reject"),
    (Outcome.HOLD, "Hold"),
    (Outcome.ROUTE_MLAT, "Refer to MLAT"),
]

CATEGORY_LABELS = {"subscriber": "Subscriber", "traffic": "Traffic", "content": "Content"}

QUEUE_STATUSES: tuple[str, ...] = (
    Status.RECEIVED, Status.IN_REVIEW, Status.AWAITING_AUTHORITY, Status.ON_HOLD,
    Status.APPROVED, Status.EXECUTING,
)


class QueueFilterForm(forms.Form):
    """Query-string filters of the queue; a bad value is dropped rather than failing."""

    status = forms.ChoiceField(
        required=False,
        choices=[("", "Open"), ("all", "All"), *Status.choices],
    )
    jurisdiction = forms.CharField(
        required=False, max_length=2,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", "two letters, e.g. HK or EU")],
    )
    mine = forms.BooleanField(required=False)
    after = forms.IntegerField(required=False, min_value=1)

    def clean_jurisdiction(self) -> str:
        return str(self.cleaned_data.get("jurisdiction") or "").upper()

    def value(self, name: str) -> Any:
        """The cleaned value, or the empty default when the submitted one was invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)


class DecisionForm(forms.Form):
    """The decision for one ask; narrowing fields exist only for disclose asks."""

    outcome = forms.ChoiceField(choices=[("", "— choose —"), *OUTCOME_CHOICES])
    reason_codes = forms.MultipleChoiceField(
        choices=REASONS, widget=forms.CheckboxSelectMultiple, label="Reasons",
        error_messages={"required": "give at least one reason"},
    )
    rationale = forms.CharField(required=False, max_length=20_000,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, ask: Ask, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"ask-{ask.position}")
        super().__init__(*args, **kwargs)
        self.ask = ask
        if self.narrowable:
            self.fields["data_categories"] = forms.MultipleChoiceField(
                required=False, widget=forms.CheckboxSelectMultiple,
                label="Disclose only",
                choices=[(c, CATEGORY_LABELS.get(c, c)) for c in ask.data_categories],
            )
            self.fields["date_from"] = forms.DateField(
                required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
            self.fields["date_to"] = forms.DateField(
                required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    @property
    def narrowable(self) -> bool:
        return self.ask.kind == AskKind.DISCLOSE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") != Outcome.COMPLY_PARTIALLY:
            return data
        if not self.narrowable:
            return data
        chosen = set(data.get("data_categories") or ())
        fewer = bool(chosen) and chosen != set(self.ask.data_categories)
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if not (fewer or date_from or date_to):
            raise forms.ValidationError(
                "complying in part needs fewer data categories or a narrower date range")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "the end is before the start")
        return data

    def to_decision(self) -> DecisionIn:
        data = self.cleaned_data
        partial = data["outcome"] == Outcome.COMPLY_PARTIALLY and self.narrowable
        return DecisionIn(
            ask=self.ask.position,
            outcome=data["outcome"],
            reason_codes=list(data["reason_codes"]),
            rationale=data.get("rationale") or "",
            data_categories=(list(data["data_categories"])
                             if partial and data.get("data_categories") else None),
            date_from=data.get("date_from") if partial else None,
            date_to=data.get("date_to") if partial else None,
        )


def decision_forms(asks: Sequence[Ask], data: Mapping[str, Any] | None = None,
                   current: Mapping[int, Decision] | None = None) -> list[DecisionForm]:
    """One form per ask, bound to POST data or pre-filled with the decision in force."""
    out: list[DecisionForm] = []
    for ask in asks:
        if data is not None:
            out.append(DecisionForm(ask, data=data))
            continue
        initial: dict[str, Any] = {}
        made = (current or {}).get(ask.pk)
        if made is not None:
            narrowed = made.narrowed or {}
            initial = {
                "outcome": made.outcome,
                "reason_codes": list(made.reason_codes or ()),
                "rationale": made.rationale,
                "data_categories": narrowed.get("data_categories") or [],
                "date_from": narrowed.get("date_from"),
                "date_to": narrowed.get("date_to"),
            }
        out.append(DecisionForm(ask, initial=initial))
    return out


class ClarifyForm(forms.Form):
    message = forms.CharField(
        max_length=5000, label="What needs clarifying",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

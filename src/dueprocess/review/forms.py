"""HTML forms of the console.

Django forms own the browser side (rendering, per-field errors, sticky values); they turn
into the same pydantic inputs the API uses, so the rules in
:mod:`dueprocess.demands.actions` are checked once, whichever door a decision comes in by.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, get_args

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dueprocess.demands.dsa_vocabulary import Category, Keyword
from dueprocess.demands.inputs import DecisionIn, OverrideIn
from dueprocess.demands.models import Ask, AskKind, Decision, Outcome, Status
from dueprocess.demands.reasons import REASONS
from dueprocess.review.models import Alternative, Assessment, Conclusion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OUTCOME_CHOICES: list[tuple[str, StrOrPromise]] = [
    (Outcome.COMPLY, pgettext_lazy("outcome choice", "Comply")),
    (Outcome.COMPLY_PARTIALLY, _("Comply in part (narrowed)")),
    (Outcome.REJECT, pgettext_lazy("outcome choice", "Reject")),
    (Outcome.HOLD, pgettext_lazy("outcome choice", "Hold")),
    (Outcome.ROUTE_MLAT, pgettext_lazy("outcome choice", "Refer to MLAT")),
]

CATEGORY_LABELS = {"subscriber": _("Subscriber"), "traffic": _("Traffic"),
                   "content": pgettext_lazy("data category", "Content")}



def _dsa_label(value: str) -> str:
    """``STATEMENT_CATEGORY_SCAMS_AND_FRAUD`` -> ``Scams and fraud``."""
    words = value.removeprefix("STATEMENT_CATEGORY_").removeprefix("KEYWORD_")
    return words.replace("_", " ").capitalize().replace(" eu ", " EU ").replace(" tc", " T&C")


#: The Transparency Database's own enumerations (the same lists the API validates against).
DSA_CATEGORY_CHOICES = [(c, _dsa_label(c)) for c in get_args(Category)]
DSA_KEYWORD_CHOICES = [(k, _dsa_label(k)) for k in get_args(Keyword)]

QUEUE_STATUSES: tuple[str, ...] = (
    Status.RECEIVED, Status.IN_REVIEW, Status.AWAITING_AUTHORITY, Status.ON_HOLD,
    Status.APPROVED, Status.EXECUTING,
)


class QueueFilterForm(forms.Form):
    """Query-string filters of the queue; a bad value is dropped rather than failing."""

    status = forms.ChoiceField(
        required=False,
        choices=[("", pgettext_lazy("open demands", "Open")),
                 ("all", pgettext_lazy("all demands", "All")), *Status.choices],
    )
    jurisdiction = forms.CharField(
        required=False, max_length=2,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("two letters, e.g. HK or EU"))],
    )
    mine = forms.BooleanField(required=False)
    assignee = forms.CharField(required=False, max_length=20,
                               validators=[RegexValidator(r"^(none|\d{1,18})$")])
    due = forms.ChoiceField(required=False, choices=[("", _("Any time")),
                                                     ("overdue", _("Overdue")),
                                                     ("week", _("Due within 7 days"))])
    approval = forms.BooleanField(required=False)
    emergency = forms.BooleanField(required=False)
    hr = forms.BooleanField(required=False)
    answered = forms.BooleanField(required=False)
    sort = forms.RegexField(required=False, max_length=20, regex=r"^-?[a-z]{1,15}$")
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def clean_jurisdiction(self) -> str:
        return str(self.cleaned_data.get("jurisdiction") or "").upper()

    def value(self, name: str) -> Any:
        """The cleaned value, or the empty default when the submitted one was invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)


class BulkAssignForm(forms.Form):
    """Rows ticked in the queue, and to whom they go ("me" claims them)."""

    demands = forms.TypedMultipleChoiceField(coerce=int, choices=())
    assignee = forms.CharField(max_length=20, validators=[RegexValidator(r"^(me|\d{1,18})$")])
    next = forms.CharField(required=False, max_length=1000)

    def __init__(self, people: Sequence[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk for p in people}
        ids = [v for v in (args[0].getlist("demands") if args else []) if v.isdigit()]
        field = self.fields["demands"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, v) for v in ids[:200]]

    def clean_assignee(self) -> str:
        value = str(self.cleaned_data["assignee"])
        if value != "me" and int(value) not in self.people:
            raise forms.ValidationError(_("choose one of the listed reviewers"))
        return value


class SaveViewForm(forms.Form):
    name = forms.CharField(max_length=80, strip=True)
    query = forms.CharField(required=False, max_length=1000)


_COUNTRY = re.compile(r"^[A-Z]{2}$")


class CountriesField(forms.CharField):
    """Country codes typed as "HK" or "DE, AT": ISO alpha-2 (or EU), upper-cased, unique."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        codes = [c.upper() for c in re.split(r"[\s,;]+", text or "") if c]
        bad = [c for c in codes if not _COUNTRY.match(c)]
        if bad:
            raise forms.ValidationError(
                _("two-letter country codes, e.g. HK or DE, AT (not %(bad)s)"),
                params={"bad": ", ".join(bad)})
        return sorted(set(codes))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


class DecisionForm(forms.Form):
    """The decision for one ask; narrowing fields exist for disclose asks (categories,
    dates) and for restrictions (withhold only in some countries: least restrictive)."""

    outcome = forms.ChoiceField(choices=[("", _("— choose —")), *OUTCOME_CHOICES],
                                label=_("Outcome"))
    reason_codes = forms.MultipleChoiceField(
        choices=REASONS, widget=forms.CheckboxSelectMultiple, label=_("Reasons"),
        error_messages={"required": _("give at least one reason")},
    )
    rationale = forms.CharField(required=False, max_length=20_000, label=_("Rationale"),
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, ask: Ask, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"ask-{ask.position}")
        super().__init__(*args, **kwargs)
        self.ask = ask
        if self.withholdable:
            self.fields["withhold_in"] = CountriesField(
                required=False, max_length=200,
                label=(_("Withhold the account only in")
                       if ask.kind == AskKind.RESTRICT_ACCOUNT
                       else _("Withhold the content only in")),
                help_text=_("Comply in part: the least restrictive way. Country codes, e.g. "
                            "HK; the item stays available everywhere else."))
            # What the DSA statement of reasons reports; empty keeps the demand's category.
            self.fields["dsa_category"] = forms.ChoiceField(
                required=False, label=_("DSA category"),
                choices=[("", _("— as recorded on the demand —")), *DSA_CATEGORY_CHOICES],
                help_text=_("Reported in the statement of reasons to the DSA Transparency "
                            "Database."))
            self.fields["dsa_keywords"] = forms.MultipleChoiceField(
                required=False, label=_("DSA keywords"), choices=DSA_KEYWORD_CHOICES,
                widget=forms.SelectMultiple(attrs={"size": 6}),
                help_text=_("Optional; hold Ctrl or Cmd to pick several."))
        if self.narrowable:
            self.fields["data_categories"] = forms.MultipleChoiceField(
                required=False, widget=forms.CheckboxSelectMultiple,
                label=_("Disclose only"),
                choices=[(c, CATEGORY_LABELS.get(c, c)) for c in ask.data_categories],
            )
            self.fields["date_from"] = forms.DateField(
                required=False, label=pgettext_lazy("start of a date range", "From"),
                widget=forms.DateInput(attrs={"type": "date"}))
            self.fields["date_to"] = forms.DateField(
                required=False, label=pgettext_lazy("end of a date range", "To"),
                widget=forms.DateInput(attrs={"type": "date"}))

    @property
    def narrowable(self) -> bool:
        return self.ask.kind == AskKind.DISCLOSE

    @property
    def withholdable(self) -> bool:
        return self.ask.kind in (AskKind.RESTRICT_CONTENT, AskKind.RESTRICT_ACCOUNT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") != Outcome.COMPLY_PARTIALLY:
            return data
        if self.withholdable:
            if not data.get("withhold_in") and "withhold_in" not in self.errors:
                self.add_error("withhold_in", _("name the countries to withhold in"))
            return data
        if not self.narrowable:
            return data
        chosen = set(data.get("data_categories") or ())
        fewer = bool(chosen) and chosen != set(self.ask.data_categories)
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if not (fewer or date_from or date_to):
            raise forms.ValidationError(
                _("complying in part needs fewer data categories or a narrower date range"))
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("the end is before the start"))
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
            withhold_in=(list(data["withhold_in"])
                         if data["outcome"] == Outcome.COMPLY_PARTIALLY and self.withholdable
                         else None),
            dsa_category=data.get("dsa_category") or None,
            dsa_keywords=list(data.get("dsa_keywords") or ()),
        )


class OverrideForm(forms.Form):
    """Complying against block findings or the human-rights conclusion, on the record.

    Left empty it is no override; filled in part, the decision action refuses it with the
    rule it breaks.
    """

    findings = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Block findings overridden"))
    human_rights = forms.BooleanField(
        required=False, label=_("Go beyond the human-rights review's conclusion"))
    reason_codes = forms.MultipleChoiceField(
        required=False, choices=REASONS, widget=forms.CheckboxSelectMultiple,
        label=_("Reasons for the override"))
    rationale = forms.CharField(required=False, max_length=20_000, label=_("Why the override"),
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, block_codes: Sequence[str], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "override")
        super().__init__(*args, **kwargs)
        field = self.fields["findings"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c, c) for c in block_codes]

    def to_override(self) -> OverrideIn | None:
        data = self.cleaned_data
        if not (data.get("findings") or data.get("human_rights") or data.get("reason_codes")
                or (data.get("rationale") or "").strip()):
            return None
        return OverrideIn(findings=list(data.get("findings") or ()),
                          human_rights=bool(data.get("human_rights")),
                          reason_codes=list(data.get("reason_codes") or ()),
                          rationale=data.get("rationale") or "")


class SendBackForm(forms.Form):
    comment = forms.CharField(max_length=5000, label=_("What needs another look"),
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("say why the decision goes back")})


class NoteForm(forms.Form):
    body = forms.CharField(max_length=10_000, label=_("Internal note"),
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("write the note")})


class SignoffForm(forms.Form):
    note = forms.CharField(max_length=5000, label=_("Sign-off note"),
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("say on what basis you sign off")})


def decision_forms(asks: Sequence[Ask], data: Mapping[str, Any] | None = None,
                   current: Mapping[int, Decision] | None = None,
                   withhold_in: Mapping[int, list[str]] | None = None) -> list[DecisionForm]:
    """One form per ask, bound to POST data or pre-filled with the decision in force.

    ``withhold_in`` (ask position to countries) pre-fills where a restriction would be
    withheld: vetting's proposal, else the issuing jurisdiction.
    """
    out: list[DecisionForm] = []
    for ask in asks:
        if data is not None:
            out.append(DecisionForm(ask, data=data))
            continue
        initial: dict[str, Any] = {}
        if (withhold_in or {}).get(ask.position):
            initial["withhold_in"] = list((withhold_in or {})[ask.position])
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
            if made.dsa_category:
                initial["dsa_category"] = made.dsa_category
            if made.dsa_keywords:
                initial["dsa_keywords"] = list(made.dsa_keywords)
            if narrowed.get("measure") == "withhold":
                initial["withhold_in"] = list(narrowed.get("territorial_scope") or ())
        out.append(DecisionForm(ask, initial=initial))
    return out


#: A row of the target table: ``row-<target id>-<ask position>``.
ROW_KEY = re.compile(r"^row-(\d{1,18})-(\d{1,4})$")
#: The row follows its ask's decision (no decision for the target alone).
AS_ASK = ""
#: Comply in part by withholding only in the countries named for the ask.
WITHHOLD = "withhold"
ROW_LIMIT = 2000


def row_value(decision: Decision | None) -> str:
    """How a decision for one target shows in its row's select."""
    if decision is None:
        return AS_ASK
    if (decision.outcome == Outcome.COMPLY_PARTIALLY
            and (decision.narrowed or {}).get("measure") == "withhold"):
        return WITHHOLD
    return str(decision.outcome)


def row_choices(ask: Ask, withhold_in: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The outcomes the decision action accepts for one target of this ask."""
    out = [(AS_ASK, gettext("As ask %(position)s decides") % {"position": ask.position}),
           (str(Outcome.COMPLY), str(pgettext_lazy("outcome choice", "Comply")))]
    if ask.kind == AskKind.DISCLOSE:
        out.append((str(Outcome.COMPLY_PARTIALLY), gettext("Comply in part (the ask's narrowing)")))
    if ask.kind in (AskKind.RESTRICT_CONTENT, AskKind.RESTRICT_ACCOUNT):
        out.append((WITHHOLD, gettext("Withhold only in %(countries)s") % {
            "countries": ", ".join(withhold_in)} if withhold_in
            else gettext("Withhold only in the ask's countries")))
    out += [(str(Outcome.REJECT), str(pgettext_lazy("outcome choice", "Refuse"))),
            (str(Outcome.HOLD), str(pgettext_lazy("outcome choice", "Hold"))),
            (str(Outcome.ROUTE_MLAT), str(pgettext_lazy("outcome choice", "Refer to MLAT")))]
    return out


class TargetTableForm(forms.Form):
    """One outcome per target and ask, replacing the ask's decision for that target.

    Only rows whose select changed become decisions; they share one set of reasons and a
    rationale. A row set back to "as the ask decides" is decided again like its ask, so
    the earlier decision for that target alone no longer applies. Narrowing (categories,
    dates, countries) and anything else the ask's decision carries comes from the ask's
    fields, so a target is never narrowed differently from what the form shows.
    """

    row_reasons = forms.MultipleChoiceField(
        required=False, choices=REASONS, widget=forms.CheckboxSelectMultiple,
        label=_("Reasons for the targets decided differently"))
    row_rationale = forms.CharField(required=False, max_length=20_000,
                                    label=_("Rationale for those targets"),
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, rows: Sequence[Any], *args: Any,
                 withhold_in: Mapping[int, list[str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[row.key] = forms.ChoiceField(
                required=False,
                label=gettext("Outcome for %(target)s, ask %(position)s") % {
                    "target": row.target.identifier, "position": row.ask.position},
                choices=row_choices(row.ask, (withhold_in or {}).get(row.ask.position, ())),
                initial=row_value(row.exception))

    def changed_rows(self) -> list[tuple[Any, str]]:
        data = getattr(self, "cleaned_data", {})
        return [(row, data.get(row.key) or AS_ASK) for row in self.rows
                if (data.get(row.key) or AS_ASK) != row_value(row.exception)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deciding = [row for row, value in self.changed_rows() if value != AS_ASK]
        if deciding and not data.get("row_reasons"):
            self.add_error("row_reasons", _("give at least one reason for the targets "
                                            "decided differently from their ask"))
        return data

    def to_decisions(self, ask_forms: Sequence[DecisionForm]) -> list[DecisionIn]:
        """Decisions for the changed rows, built on their ask's decision."""
        by_position = {f.ask.position: f for f in ask_forms}
        out = []
        for row, value in self.changed_rows():
            form = by_position[row.ask.position]
            base = form.to_decision()
            target = {"target": row.target.identifier}
            if value == AS_ASK:
                out.append(base.model_copy(update=target))
                continue
            update: dict[str, Any] = {
                **target, "outcome": value, "reason_codes": list(self.cleaned_data[
                    "row_reasons"]), "rationale": self.cleaned_data.get("row_rationale") or "",
                "data_categories": None, "date_from": None, "date_to": None,
                "withhold_in": None}
            if value == WITHHOLD:
                where = list(form.cleaned_data.get("withhold_in") or ())
                if not where:
                    self.add_error(row.key, gettext(
                        "name the countries to withhold in under ask %(position)s")
                        % {"position": row.ask.position})
                    continue
                update.update(outcome=Outcome.COMPLY_PARTIALLY, withhold_in=where)
            elif value == Outcome.COMPLY_PARTIALLY:
                if not (form.cleaned_data.get("data_categories")
                        or form.cleaned_data.get("date_from") or form.cleaned_data.get("date_to")):
                    self.add_error(row.key, gettext(
                        "narrow ask %(position)s (categories or dates) to comply in part for "
                        "a target") % {"position": row.ask.position})
                    continue
                cats = form.cleaned_data.get("data_categories")
                update.update(data_categories=list(cats) if cats else None,
                              date_from=form.cleaned_data.get("date_from"),
                              date_to=form.cleaned_data.get("date_to"))
            out.append(DecisionIn.model_validate({**base.model_dump(), **update}))
        return out


def posted_rows(data: Mapping[str, Any]) -> list[tuple[int, int]]:
    """(target id, ask position) of the target rows a POST carries, at most ROW_LIMIT."""
    out = []
    for key in data:
        m = ROW_KEY.match(key)
        if m:
            out.append((int(m.group(1)), int(m.group(2))))
    return out[:ROW_LIMIT]


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(coerce=int, empty_value=None, required=False,
                                      choices=(), label=_("Assign to"))

    def __init__(self, people: Sequence[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext("— nobody —")), *[
            (p.pk, p.get_username()) for p in people]]


class HumanRightsForm(forms.Form):
    """Legality, necessity, proportionality and less restrictive alternatives."""

    legality = forms.ChoiceField(choices=Assessment.choices, widget=forms.RadioSelect,
                                 label=_("Legality: a clear, accessible law authorises this"))
    legality_notes = forms.CharField(required=False, max_length=10_000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    necessity = forms.ChoiceField(choices=Assessment.choices, widget=forms.RadioSelect,
                                  label=_("Necessity: it pursues a legitimate aim and is "
                                          "needed"))
    necessity_notes = forms.CharField(required=False, max_length=10_000,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    proportionality = forms.ChoiceField(
        choices=Assessment.choices, widget=forms.RadioSelect,
        label=_("Proportionality: the harm to the user is not excessive for that aim"))
    proportionality_notes = forms.CharField(required=False, max_length=10_000,
                                            widget=forms.Textarea(attrs={"rows": 2}))
    alternatives = forms.MultipleChoiceField(
        required=False, choices=Alternative.choices, widget=forms.CheckboxSelectMultiple,
        label=_("Less restrictive alternatives that would suffice"))
    alternatives_notes = forms.CharField(required=False, max_length=10_000,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    conclusion = forms.ChoiceField(choices=[("", _("— choose —")), *Conclusion.choices],
                                   label=_("Conclusion"))
    rationale = forms.CharField(max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}),
                                label=_("Rationale"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("conclusion") == Conclusion.PROCEED_WITH_ALTERNATIVE
                and not data.get("alternatives")):
            self.add_error("alternatives",
                           _("name the alternative the demand may proceed with"))
        return data


class ClarifyForm(forms.Form):
    message = forms.CharField(
        max_length=5000, label=_("What needs clarifying"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LetterForm(forms.Form):
    """A draft letter: its text and the reasons it quotes (internal ones unchecked unless
    the reviewer checks them)."""

    subject = forms.CharField(max_length=300, label=_("Subject"))
    body = forms.CharField(max_length=50_000, widget=forms.Textarea(attrs={"rows": 16}),
                           label=_("Text"))
    reasons = forms.MultipleChoiceField(required=False, label=_("Reasons quoted"),
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, options: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reasons"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(o.key, gettext("%(reason)s (internal assessment)")
                          % {"reason": o.label} if o.internal else o.label)
                         for o in options]


class SendLetterForm(forms.Form):
    to = forms.CharField(required=False, label=_("E-mail to"),
                         help_text=_("One address a line; only addresses on a verified domain "
                                     "of the authority are accepted"),
                         widget=forms.Textarea(attrs={"rows": 2}))

    def addresses(self) -> list[str]:
        return [line.strip() for line in str(self.cleaned_data.get("to", "")).replace(
            ",", "\n").splitlines() if line.strip()]

"""Forms of the authority portal and the intake console.

The demand form is built per instrument: the fields an instrument's law requires
(``required_elements`` and ``ask_required_elements`` in the law library) are required in
the form, and only the asks, data categories and measures the instrument can compel are
offered. The result is the same :class:`~dueprocess.demands.inputs.DemandIn` the API takes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from dueprocess.accounts.actions import TOKEN_SCOPES
from dueprocess.demands.models import Authority
from dueprocess.intake.instruments import may_cite
from dueprocess.intake.models import CallbackOutcome
from dueprocess.intake.normalise import BadLine, Entry, read_entries
from dueprocess.law import default_library

MAX_FORM_TARGETS = 1000
#: Field-name prefixes of the form's asks: the first, and an optional second.
ASK_PREFIXES = ("", "also_")

ROLE_CHOICES = [
    ("", "—"), ("judge", "Judge"), ("court", "Court"), ("prosecutor", "Prosecutor"),
    ("police_senior", "Senior police officer"), ("police", "Police officer"),
    ("regulator", "Regulator"), ("executive", "Executive"),
]
ASK_LABELS = {
    "disclose": "Disclose user data", "preserve": "Preserve data",
    "restrict_account": "Restrict an account", "restrict_content": "Restrict content",
}
ELEMENT_HELP = {
    "legal_basis": "the legal provisions the demand relies on",
    "statement_of_reasons": "why the demand is made (facts and offence)",
    "issuing_authority": "who issued it, with their role",
    "exact_urls": "the exact URL of every item of content",
    "redress": "how the demand can be challenged",
    "territorial_scope": "the countries a restriction applies in",
    "recipient_identifiers": "the accounts or content concerned",
    "emergency_justification": "why it is an emergency",
    "offences": "the offences investigated",
    "approval": "the official who approved it",
    "date_range": "the period of the data asked for",
}


def instruments_for(authority: Authority) -> list[Any]:
    """Instruments this authority may use: its own jurisdiction's, the EU's for a Member
    State, and the generic ones; only those in force today."""
    today = date.today()
    out = []
    for inst in default_library().instruments.values():
        in_force = inst.in_force_from is not None and inst.in_force_from <= today and (
            inst.in_force_to is None or inst.in_force_to >= today)
        if in_force and may_cite(authority, inst):
            out.append(inst)
    return sorted(out, key=lambda i: (i.jurisdiction == "ZZ", i.id))


class InstrumentChoiceForm(forms.Form):
    instrument = forms.ChoiceField(label="Legal instrument")

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(i.id, f"{i.name} — {i.citation}") for i in instruments_for(authority)]


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


class DemandForm(forms.Form):
    reference = forms.CharField(max_length=200, label="Your reference")
    issued_by_name = forms.CharField(max_length=300, required=False, label="Issued by (name)")
    issued_by_title = forms.CharField(max_length=300, required=False, label="Title")
    issued_by_role = forms.ChoiceField(choices=ROLE_CHOICES, required=False, label="Role")
    validated_by_role = forms.ChoiceField(
        choices=[("", "Not validated"), ("judge", "Judge"), ("court", "Court"),
                 ("prosecutor", "Prosecutor")], required=False, label="Validated by",
        help_text="When another authority issued the order and a judge, court or prosecutor "
                  "validated it (e-Evidence Art. 4)")
    validated_by_name = forms.CharField(max_length=300, required=False,
                                        label="Validated by (name)")
    approver_name = forms.CharField(max_length=300, required=False,
                                    label="Approved by (name)")
    approver_title = forms.CharField(max_length=300, required=False, label="Approver's title")
    emergency = forms.BooleanField(required=False, label="This is an emergency")
    emergency_justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                                              required=False, max_length=20_000,
                                              label="Why is it an emergency?")
    legal_basis = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=20_000)
    statement_of_reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                                           required=False, max_length=20_000)
    offences = forms.CharField(max_length=2000, required=False,
                               help_text="Offence ids from the law library, comma-separated")
    redress = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=20_000, label="Redress")
    ask_kind = forms.ChoiceField(label="What do you ask for?")
    data_categories = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple,
                                                required=False, label="Data categories")
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(required=False, min_value=1, max_value=3650,
                              label="Preserve for (days)")
    measure = forms.ChoiceField(required=False, label="Measure")
    territorial_scope = forms.CharField(max_length=400, required=False,
                                        help_text="ISO country codes, comma-separated")
    equivalent_content = forms.BooleanField(
        required=False, label="Also identical or equivalent content",
        help_text="The order reaches content identical or equivalent to the items named")
    # A second, optional ask of the same demand (a warrant that also asks for preservation,
    # an order that removes content and asks who posted it).
    also_ask_kind = forms.ChoiceField(required=False, label="Also ask for")
    also_data_categories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False, label="Data categories")
    also_date_from = forms.DateField(required=False, label="Date from",
                                     widget=forms.DateInput(attrs={"type": "date"}))
    also_date_to = forms.DateField(required=False, label="Date to",
                                   widget=forms.DateInput(attrs={"type": "date"}))
    also_days = forms.IntegerField(required=False, min_value=1, max_value=3650,
                                   label="Preserve for (days)")
    also_measure = forms.ChoiceField(required=False, label="Measure")
    also_territorial_scope = forms.CharField(max_length=400, required=False,
                                             label="Territorial scope",
                                             help_text="ISO country codes, comma-separated")
    also_equivalent_content = forms.BooleanField(
        required=False, label="Also identical or equivalent content",
        help_text="The order reaches content identical or equivalent to the items named")
    target_type = forms.ChoiceField(choices=[("auto", "Detect (URLs are content)"),
                                             ("account", "Accounts"),
                                             ("content", "Content")], initial="auto",
                                    label="The lines below are")
    targets = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                              max_length=2_500_000,
                              help_text=f"One per line, up to {MAX_FORM_TARGETS:,}; upload "
                                        "longer lists on the demand's page afterwards")
    non_disclosure = forms.ChoiceField(choices=[("", "No non-disclosure order"),
                                                ("until", "Until a date"),
                                                ("indefinite", "Without an end date")],
                                       required=False, label="Non-disclosure")
    non_disclosure_until = forms.DateField(required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(choices=[("en", "English"), ("zh-hant", "繁體中文"),
                                          ("de", "Deutsch"), ("fr", "Français"),
                                          ("pt", "Português")], initial="en")

    def __init__(self, *args: Any, instrument: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        compels: dict[str, tuple[str, ...]] = dict(instrument.compels)
        kinds = [(k, ASK_LABELS.get(k, k)) for k in compels]
        self._choice("ask_kind").choices = kinds
        self._choice("also_ask_kind").choices = [("", "Nothing else"), *kinds]
        cats = compels.get("disclose", ())
        measures = sorted(set(compels.get("restrict_account", ()))
                          | set(compels.get("restrict_content", ())))
        for prefix in ASK_PREFIXES:
            field = self.fields[f"{prefix}data_categories"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(c, c) for c in cats]
            self._choice(f"{prefix}measure").choices = [("", "—"), *((m, m) for m in measures)]
        # Validation by another authority and stay-down asks only where they can matter.
        self.offers_validation = bool(instrument.accepts_validation)
        if not self.offers_validation:
            del self.fields["validated_by_role"], self.fields["validated_by_name"]
        self.offers_equivalent = "restrict_content" in compels
        if not self.offers_equivalent:
            del self.fields["equivalent_content"], self.fields["also_equivalent_content"]
        self.required_elements = set(instrument.required_elements)
        for element in self.required_elements:
            self._require(element)

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def _require(self, element: str) -> None:
        names = {"legal_basis": ["legal_basis"],
                 "statement_of_reasons": ["statement_of_reasons"],
                 "redress": ["redress"], "offences": ["offences"],
                 "issuing_authority": ["issued_by_name", "issued_by_role"],
                 "approval": ["approver_name"],
                 "recipient_identifiers": ["targets"], "exact_urls": ["targets"]}.get(element, [])
        for name in names:
            self.fields[name].required = True
            hint = ELEMENT_HELP.get(element, element)
            self.fields[name].help_text = (f"Required by {self.instrument.id}: {hint}. "
                                           + (self.fields[name].help_text or ""))

    def ask_requirements(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.instrument.ask_required_elements.items()}

    def kinds(self, data: dict[str, Any]) -> list[str]:
        """The kinds asked for, first ask first; the second only when chosen."""
        return [data[f"{p}ask_kind"] for p in ASK_PREFIXES if data.get(f"{p}ask_kind")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = set(self.required_elements)
        for kind in self.kinds(data):
            needed |= set(self.instrument.ask_required_elements.get(kind, ()))
        if data.get("emergency") and not (data.get("emergency_justification") or "").strip():
            self.add_error("emergency_justification", "An emergency needs a justification.")
        for prefix in ASK_PREFIXES:
            self._check_ask(data, prefix, needed)
        if "approval" in needed and not (data.get("approver_name") or "").strip():
            self.add_error("approver_name", f"{self.instrument.id} needs the approving "
                                            "official.")
        if (data.get("validated_by_name") or "").strip() and not data.get("validated_by_role"):
            self.add_error("validated_by_role", "Say whether a judge, court or prosecutor "
                                                "validated it.")
        if data.get("non_disclosure") == "until" and not data.get("non_disclosure_until"):
            self.add_error("non_disclosure_until", "Give the date the order ends.")
        self.target_rows = self._targets(data, needed)
        return data

    def _check_ask(self, data: dict[str, Any], prefix: str, needed: set[str]) -> None:
        kind = data.get(f"{prefix}ask_kind")
        if not kind:
            return
        if prefix and kind == data.get("ask_kind"):
            self.add_error(f"{prefix}ask_kind", "The first ask already asks for this; say "
                                                "all of it there.")
        if kind == "disclose" and not data.get(f"{prefix}data_categories"):
            self.add_error(f"{prefix}data_categories", "Choose at least one data category.")
        if kind in ("restrict_account", "restrict_content") and not data.get(
                f"{prefix}measure"):
            self.add_error(f"{prefix}measure", "Choose the measure.")
        if data.get(f"{prefix}equivalent_content") and kind != "restrict_content":
            self.add_error(f"{prefix}equivalent_content",
                           "Identical or equivalent content goes with restricting content.")
        scoped = kind == "restrict_content" and (
            data.get(f"{prefix}measure") == "withhold" or "territorial_scope" in needed)
        if scoped and not _lines(data.get(f"{prefix}territorial_scope") or ""):
            self.add_error(f"{prefix}territorial_scope",
                           "Name the countries the restriction applies in.")
        start, end = data.get(f"{prefix}date_from"), data.get(f"{prefix}date_to")
        if start and end and end < start:
            self.add_error(f"{prefix}date_to", "The end date is before the start date.")
        if "date_range" in needed and kind == "disclose" and not (
                data.get(f"{prefix}date_from") and data.get(f"{prefix}date_to")):
            self.add_error(f"{prefix}date_from",
                           f"{self.instrument.id} needs the period of the data.")

    def _targets(self, data: dict[str, Any], needed: set[str]) -> list[dict[str, str]]:
        text = data.get("targets") or ""
        items = read_entries(text.encode("utf-8"), default_type=data.get("target_type")
                             or "auto")
        bad = [i for i in items if isinstance(i, BadLine)]
        good = [i for i in items if isinstance(i, Entry)]
        if bad:
            self.add_error("targets", "; ".join(f"line {b.line}: {b.message}"
                                                for b in bad[:10]))
        if len(good) > MAX_FORM_TARGETS:
            self.add_error("targets", f"At most {MAX_FORM_TARGETS:,} targets in the form; "
                                      "upload the rest on the demand's page.")
        if {"recipient_identifiers", "exact_urls"} & needed and not good and not bad:
            self.add_error("targets", f"{self.instrument.id} needs at least one target here; "
                                      "longer lists can be uploaded afterwards.")
        restricting = "restrict_content" in self.kinds(data)
        if "exact_urls" in needed and good and (
                not any(g.type == "content" for g in good)
                or any((g.type == "content" or restricting)
                       and not g.identifier.startswith("https://") for g in good)):
            self.add_error("targets", f"{self.instrument.id} needs the exact URL of every "
                                      "item of content.")
        seen: set[tuple[str, str]] = set()
        rows = []
        for g in good:
            if (g.type, g.identifier) in seen:
                continue
            seen.add((g.type, g.identifier))
            key = "url" if g.identifier.startswith("https://") else "id"
            rows.append({"type": g.type, key: g.identifier})
        return rows

    def _ask(self, prefix: str) -> dict[str, Any]:
        d = self.cleaned_data
        kind = d[f"{prefix}ask_kind"]
        ask: dict[str, Any] = {"kind": kind}
        if kind == "disclose":
            ask["data_categories"] = list(d.get(f"{prefix}data_categories") or [])
            for end in ("date_from", "date_to"):
                if d.get(f"{prefix}{end}"):
                    ask[end] = d[f"{prefix}{end}"].isoformat()
        elif kind == "preserve":
            if d.get(f"{prefix}days"):
                ask["days"] = d[f"{prefix}days"]
        else:
            ask["measure"] = d.get(f"{prefix}measure") or None
            if kind == "restrict_content":
                ask["territorial_scope"] = [c.upper() for c in _lines(
                    d.get(f"{prefix}territorial_scope") or "")]
                ask["equivalent_content"] = bool(d.get(f"{prefix}equivalent_content"))
        return ask

    def to_body(self) -> dict[str, Any]:
        d = self.cleaned_data
        asks = [self._ask(p) for p in ASK_PREFIXES if d.get(f"{p}ask_kind")]
        issued_by = None
        if d.get("issued_by_name"):
            issued_by = {"name": d["issued_by_name"], "title": d.get("issued_by_title") or "",
                         "role": d.get("issued_by_role") or None}
        officials = []
        if d.get("approver_name"):
            officials.append({"name": d["approver_name"],
                              "title": d.get("approver_title") or "", "role": "approver"})
        body: dict[str, Any] = {
            "reference": d["reference"], "instrument": self.instrument.id,
            "issued_by": issued_by, "officials": officials,
            "validated_by": {"role": d["validated_by_role"],
                             "name": d.get("validated_by_name") or ""}
            if d.get("validated_by_role") else None,
            "emergency": bool(d.get("emergency")),
            "emergency_justification": d.get("emergency_justification") or "",
            "legal_basis": d.get("legal_basis") or "",
            "statement_of_reasons": d.get("statement_of_reasons") or "",
            "offences": _lines(d.get("offences") or ""),
            "redress": d.get("redress") or "",
            "asks": asks, "targets": self.target_rows,
            "language": d.get("language") or "",
        }
        if d.get("non_disclosure") == "until":
            body["non_disclosure"] = {"until": d["non_disclosure_until"].isoformat()}
        elif d.get("non_disclosure") == "indefinite":
            body["non_disclosure"] = {"until": None}
        if d.get("deadline"):
            body["deadline"] = f"{d['deadline'].isoformat()}T23:59:59Z"
        return body


class PortalLoginForm(forms.Form):
    email = forms.CharField(max_length=254, label="E-mail")
    password = forms.CharField(widget=forms.PasswordInput, max_length=4096)
    otp_token = forms.CharField(max_length=12, required=False, label="Authenticator code",
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)


class WithdrawForm(forms.Form):
    """The reason is required: it is recorded with the withdrawal and read by the reviewer
    whose work stops."""

    reason = forms.CharField(
        max_length=1000, label="Why do you withdraw this demand?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for withdrawing the demand.",
                        "max_length": "Keep the reason under 1,000 characters."})

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError("Give the reason for withdrawing the demand.")
        return reason


class AttachmentsForm(forms.Form):
    """Documents sent with a new demand, one input per kind the checklist names; each is
    stored through the same path as a document uploaded later (PDF only, size-limited)."""

    attach_order = forms.FileField(required=False, label="Signed order (PDF)")
    attach_translation = forms.FileField(required=False, label="Translation (PDF)")
    attach_other = forms.FileField(required=False, label="Another document (PDF)")

    def uploads(self) -> list[tuple[str, Any]]:
        return [(name, self.cleaned_data[name]) for name in self.fields
                if self.cleaned_data.get(name)]


class VerifyPackageForm(forms.Form):
    package = forms.FileField(label="Production package (ZIP)",
                              error_messages={"required": "Choose the ZIP file to check."})
    public_key = forms.CharField(
        required=False, label="Public key (PEM)", max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="Empty: the platform's key shown on this page")


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    scopes = forms.MultipleChoiceField(choices=[(s, s) for s in TOKEN_SCOPES],
                                       widget=forms.CheckboxSelectMultiple, required=False,
                                       help_text="None ticked: everything your account may do")
    expires_in_days = forms.IntegerField(min_value=1, max_value=366, initial=90)


class AcceptInvitationForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, max_length=4096)
    password_again = forms.CharField(widget=forms.PasswordInput, max_length=4096,
                                     label="Password again")
    otp_token = forms.CharField(max_length=12, label="Code from your authenticator app",
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class TargetUploadForm(forms.Form):
    file = forms.FileField(label="CSV or text file")
    type = forms.ChoiceField(choices=[("auto", "Detect (URLs are content)"),
                                      ("account", "Accounts"), ("content", "Content")],
                             initial="auto", label="Plain lines are")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on one page with the document upload: ids must differ from its ``id_file``.
        kwargs.setdefault("auto_id", "targets_%s")
        super().__init__(*args, **kwargs)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label="PDF document")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)


class CallbackForm(forms.Form):
    """Who was reached, on which registry number, when, and what they said.

    Nothing is preselected: an outcome the reviewer did not pick must never confirm an
    emergency, so an untouched form is refused rather than recorded as a confirmation.
    """

    phone = forms.ChoiceField(label="Registered number called")
    outcome = forms.ChoiceField(choices=[("", "— choose what the authority said —"),
                                         *CallbackOutcome.choices])
    spoke_with = forms.CharField(max_length=200, required=False, label="Spoke with",
                                 help_text="Name and role; required for a confirmation")
    called_at = forms.DateTimeField(required=False, label="Called at (UTC)",
                                    help_text="Empty: now",
                                    widget=forms.DateTimeInput(attrs={"type":
                                                                      "datetime-local"}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                            required=False)

    def __init__(self, *args: Any, phones: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["phone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— choose a registry number —"), *((p, p) for p in phones)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == CallbackOutcome.CONFIRMED and not data.get("spoke_with"):
            self.add_error("spoke_with", "Name the person at the authority who confirmed.")
        return data


class EmailImportForm(forms.Form):
    file = forms.FileField(label="E-mail message (.eml)")
    authority = forms.ChoiceField(required=False, label="Authority (if the sender's domain "
                                                        "is not registered)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— from the sender's domain —"),
                         *((a.slug, a.name) for a in Authority.objects.order_by("name"))]


class SignalForm(forms.Form):
    value = forms.CharField(max_length=400, label="Sender address or domain")
    kind = forms.ChoiceField(choices=[("auto", "Detect"), ("sender", "Address"),
                                      ("domain", "Domain")], initial="auto")
    reason = forms.CharField(max_length=2000, required=False)


class SignalImportForm(forms.Form):
    file = forms.FileField(label="CSV (kind,value,reason,first_seen,source)")
    source = forms.CharField(max_length=200, required=False,
                             help_text="Where the list comes from")


class InvitationForm(forms.Form):
    email = forms.EmailField()
    authority = forms.ChoiceField()
    title = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.slug, a.name) for a in Authority.objects.order_by("name")]

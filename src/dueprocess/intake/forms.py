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
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from dueprocess.accounts.actions import TOKEN_SCOPES
from dueprocess.demands.models import Authority
from dueprocess.intake.instruments import may_cite
from dueprocess.intake.models import CallbackOutcome
from dueprocess.intake.normalise import BadLine, Entry, read_entries
from dueprocess.law import default_library

MAX_FORM_TARGETS = 1000
#: Field-name prefixes of the form's asks: the first, and an optional second.
ASK_PREFIXES = ("", "also_")



def _lazy_format(message: str, **params: Any) -> Any:
    """A message with placeholders, translated when it is shown rather than at import."""
    return lazy(lambda: gettext(message) % {k: _shown(v) for k, v in params.items()}, str)()


def _shown(value: Any) -> Any:
    """A count in the reader's digit grouping (1,000 / 1.000)."""
    return number_format(value, force_grouping=True) if isinstance(value, int) else value


ROLE_CHOICES = [
    ("", "—"), ("judge", _("Judge")), ("court", _("Court")), ("prosecutor", _("Prosecutor")),
    ("police_senior", _("Senior police officer")), ("police", _("Police officer")),
    ("regulator", _("Regulator")), ("executive", _("Executive")),
]
ASK_LABELS = {
    "disclose": _("Disclose user data"), "preserve": _("Preserve data"),
    "restrict_account": _("Restrict an account"), "restrict_content": _("Restrict content"),
}
ELEMENT_HELP = {
    "legal_basis": _("the legal provisions the demand relies on"),
    "statement_of_reasons": _("why the demand is made (facts and offence)"),
    "issuing_authority": _("who issued it, with their role"),
    "exact_urls": _("the exact URL of every item of content"),
    "redress": _("how the demand can be challenged"),
    "territorial_scope": _("the countries a restriction applies in"),
    "recipient_identifiers": _("the accounts or content concerned"),
    "emergency_justification": _("why it is an emergency"),
    "offences": _("the offences investigated"),
    "approval": _("the official who approved it"),
    "date_range": _("the period of the data asked for"),
}
TARGET_TYPE_CHOICES = [("auto", _("Detect (URLs are content)")), ("account", _("Accounts")),
                       ("content", _("Content"))]
OUTCOME_CHOICES = [
    (CallbackOutcome.CONFIRMED.value, _("Confirmed by the authority")),
    (CallbackOutcome.DENIED.value, _("Denied by the authority")),
    (CallbackOutcome.UNREACHABLE.value, _("Not confirmed")),
]


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
    instrument = forms.ChoiceField(label=_("Legal instrument"))

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(i.id, f"{i.name} — {i.citation}") for i in instruments_for(authority)]


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


class DemandForm(forms.Form):
    reference = forms.CharField(max_length=200, label=_("Your reference"))
    issued_by_name = forms.CharField(max_length=300, required=False,
                                     label=_("Issued by (name)"))
    issued_by_title = forms.CharField(max_length=300, required=False,
                                      label=_("Title"))
    issued_by_role = forms.ChoiceField(choices=ROLE_CHOICES, required=False, label=_("Role"))
    validated_by_role = forms.ChoiceField(
        choices=[("", _("Not validated")), ("judge", _("Judge")), ("court", _("Court")),
                 ("prosecutor", _("Prosecutor"))], required=False, label=_("Validated by"),
        help_text=_("When another authority issued the order and a judge, court or "
                    "prosecutor validated it (e-Evidence Art. 4)"))
    validated_by_name = forms.CharField(max_length=300, required=False,
                                        label=_("Validated by (name)"))
    approver_name = forms.CharField(max_length=300, required=False,
                                    label=_("Approved by (name)"))
    approver_title = forms.CharField(max_length=300, required=False,
                                     label=_("Approver's title"))
    emergency = forms.BooleanField(required=False, label=_("This is an emergency"))
    emergency_justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                                              required=False, max_length=20_000,
                                              label=_("Why is it an emergency?"))
    legal_basis = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=20_000, label=_("Legal basis"))
    statement_of_reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                                           required=False, max_length=20_000,
                                           label=_("Statement of reasons"))
    offences = forms.CharField(max_length=2000, required=False, label=_("Offences"),
                               help_text=_("Offence ids from the law library, comma-separated"))
    redress = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=20_000, label=_("Redress"))
    ask_kind = forms.ChoiceField(label=_("What do you ask for?"))
    data_categories = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple,
                                                required=False, label=_("Data categories"))
    date_from = forms.DateField(required=False, label=_("Date from"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("Date to"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(required=False, min_value=1, max_value=3650,
                              label=_("Preserve for (days)"))
    measure = forms.ChoiceField(required=False, label=_("Measure"))
    territorial_scope = forms.CharField(max_length=400, required=False,
                                        label=_("Territorial scope"),
                                        help_text=_("ISO country codes, comma-separated"))
    equivalent_content = forms.BooleanField(
        required=False, label=_("Also identical or equivalent content"),
        help_text=_("The order reaches content identical or equivalent to the items named"))
    # A second, optional ask of the same demand (a warrant that also asks for preservation,
    # an order that removes content and asks who posted it).
    also_ask_kind = forms.ChoiceField(required=False, label=_("Also ask for"))
    also_data_categories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False, label=_("Data categories"))
    also_date_from = forms.DateField(required=False, label=_("Date from"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    also_date_to = forms.DateField(required=False, label=_("Date to"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    also_days = forms.IntegerField(required=False, min_value=1, max_value=3650,
                                   label=_("Preserve for (days)"))
    also_measure = forms.ChoiceField(required=False, label=_("Measure"))
    also_territorial_scope = forms.CharField(max_length=400, required=False,
                                             label=_("Territorial scope"),
                                             help_text=_("ISO country codes, comma-separated"))
    also_equivalent_content = forms.BooleanField(
        required=False, label=_("Also identical or equivalent content"),
        help_text=_("The order reaches content identical or equivalent to the items named"))
    target_type = forms.ChoiceField(choices=TARGET_TYPE_CHOICES, initial="auto",
                                    label=_("The lines below are"))
    targets = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                              max_length=2_500_000, label=_("Targets"),
                              help_text=_lazy_format(gettext_noop(
                                  "One per line, up to %(limit)s; upload longer lists on "
                                  "the demand's page afterwards"),
                                  limit=MAX_FORM_TARGETS))
    non_disclosure = forms.ChoiceField(choices=[("", _("No non-disclosure order")),
                                                ("until", _("Until a date")),
                                                ("indefinite", _("Without an end date"))],
                                       required=False, label=_("Non-disclosure"))
    non_disclosure_until = forms.DateField(required=False, label=_("Non disclosure until"),
                                           widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(required=False, label=_("Deadline"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    # Each language in its own name, as a language menu shows them.
    language = forms.ChoiceField(choices=[("en", "English"), ("zh-hant", "繁體中文"),
                                          ("de", "Deutsch"), ("fr", "Français"),
                                          ("pt", "Português")], initial="en",
                                 label=_("Language"))

    def __init__(self, *args: Any, instrument: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        compels: dict[str, tuple[str, ...]] = dict(instrument.compels)
        kinds = [(k, ASK_LABELS.get(k, k)) for k in compels]
        self._choice("ask_kind").choices = kinds
        self._choice("also_ask_kind").choices = [("", _("Nothing else")), *kinds]
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
            # The form is built per request, so the active language is the reader's.
            required = gettext("Required by %(instrument)s: %(what)s.") % {
                "instrument": self.instrument.id, "what": hint}
            more = self.fields[name].help_text
            self.fields[name].help_text = f"{required} {more}" if more else required

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
            self.add_error("emergency_justification",
                           gettext("An emergency needs a justification."))
        for prefix in ASK_PREFIXES:
            self._check_ask(data, prefix, needed)
        if "approval" in needed and not (data.get("approver_name") or "").strip():
            self.add_error("approver_name", gettext(
                "%(instrument)s needs the approving official.")
                % {"instrument": self.instrument.id})
        if (data.get("validated_by_name") or "").strip() and not data.get("validated_by_role"):
            self.add_error("validated_by_role", gettext(
                "Say whether a judge, court or prosecutor validated it."))
        if data.get("non_disclosure") == "until" and not data.get("non_disclosure_until"):
            self.add_error("non_disclosure_until", gettext("Give the date the order ends."))
        self.target_rows = self._targets(data, needed)
        return data

    def _check_ask(self, data: dict[str, Any], prefix: str, needed: set[str]) -> None:
        kind = data.get(f"{prefix}ask_kind")
        if not kind:
            return
        if prefix and kind == data.get("ask_kind"):
            self.add_error(f"{prefix}ask_kind", gettext(
                "The first ask already asks for this; say all of it there."))
        if kind == "disclose" and not data.get(f"{prefix}data_categories"):
            self.add_error(f"{prefix}data_categories",
                           gettext("Choose at least one data category."))
        if kind in ("restrict_account", "restrict_content") and not data.get(
                f"{prefix}measure"):
            self.add_error(f"{prefix}measure", gettext("Choose the measure."))
        if data.get(f"{prefix}equivalent_content") and kind != "restrict_content":
            self.add_error(f"{prefix}equivalent_content",
                           gettext("Identical or equivalent content goes with "
                                   "restricting content."))
        scoped = kind == "restrict_content" and (
            data.get(f"{prefix}measure") == "withhold" or "territorial_scope" in needed)
        if scoped and not _lines(data.get(f"{prefix}territorial_scope") or ""):
            self.add_error(f"{prefix}territorial_scope",
                           gettext("Name the countries the restriction applies in."))
        start, end = data.get(f"{prefix}date_from"), data.get(f"{prefix}date_to")
        if start and end and end < start:
            self.add_error(f"{prefix}date_to",
                           gettext("The end date is before the start date."))
        if "date_range" in needed and kind == "disclose" and not (
                data.get(f"{prefix}date_from") and data.get(f"{prefix}date_to")):
            self.add_error(f"{prefix}date_from",
                           gettext("%(instrument)s needs the period of the data.")
                           % {"instrument": self.instrument.id})

    def _targets(self, data: dict[str, Any], needed: set[str]) -> list[dict[str, str]]:
        text = data.get("targets") or ""
        items = read_entries(text.encode("utf-8"), default_type=data.get("target_type")
                             or "auto")
        bad = [i for i in items if isinstance(i, BadLine)]
        good = [i for i in items if isinstance(i, Entry)]
        if bad:
            self.add_error("targets", "; ".join(
                gettext("line %(line)s: %(message)s") % {"line": b.line, "message": b.message}
                for b in bad[:10]))
        if len(good) > MAX_FORM_TARGETS:
            self.add_error("targets", gettext(
                "At most %(limit)s targets in the form; upload the rest on the demand's page.")
                % {"limit": _shown(MAX_FORM_TARGETS)})
        if {"recipient_identifiers", "exact_urls"} & needed and not good and not bad:
            self.add_error("targets", gettext(
                "%(instrument)s needs at least one target here; longer lists can be uploaded "
                "afterwards.") % {"instrument": self.instrument.id})
        restricting = "restrict_content" in self.kinds(data)
        if "exact_urls" in needed and good and (
                not any(g.type == "content" for g in good)
                or any((g.type == "content" or restricting)
                       and not g.identifier.startswith("https://") for g in good)):
            self.add_error("targets", gettext(
                "%(instrument)s needs the exact URL of every item of content.")
                % {"instrument": self.instrument.id})
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
    email = forms.CharField(max_length=254, label=_("E-mail"))
    password = forms.CharField(widget=forms.PasswordInput, max_length=4096, label=_("Password"))
    otp_token = forms.CharField(max_length=12, required=False, label=_("Authenticator code"),
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000,
                             label=_("Answer"))


class WithdrawForm(forms.Form):
    """The reason is required: it is recorded with the withdrawal and read by the reviewer
    whose work stops."""

    reason = forms.CharField(
        max_length=1000, label=_("Why do you withdraw this demand?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for withdrawing the demand."),
                        "max_length": _("Keep the reason under 1,000 characters.")})

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(gettext("Give the reason for withdrawing the demand."))
        return reason


class AttachmentsForm(forms.Form):
    """Documents sent with a new demand, one input per kind the checklist names; each is
    stored through the same path as a document uploaded later (PDF only, size-limited)."""

    attach_order = forms.FileField(required=False, label=_("Signed order (PDF)"))
    attach_translation = forms.FileField(required=False, label=_("Translation (PDF)"))
    attach_other = forms.FileField(required=False, label=_("Another document (PDF)"))

    def uploads(self) -> list[tuple[str, Any]]:
        return [(name, self.cleaned_data[name]) for name in self.fields
                if self.cleaned_data.get(name)]


class VerifyPackageForm(forms.Form):
    package = forms.FileField(label=_("Production package (ZIP)"),
                              error_messages={"required": _("Choose the ZIP file to check.")})
    public_key = forms.CharField(
        required=False, label=_("Public key (PEM)"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("Empty: the platform's key shown on this page"))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label=_("Name"))
    scopes = forms.MultipleChoiceField(choices=[(s, s) for s in TOKEN_SCOPES],
                                       widget=forms.CheckboxSelectMultiple, required=False,
                                       label=_("Scopes"),
                                       help_text=_("None ticked: everything your account "
                                                   "may do"))
    expires_in_days = forms.IntegerField(min_value=1, max_value=366, initial=90,
                                         label=_("Expires in days"))


class AcceptInvitationForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, max_length=4096, label=_("Password"))
    password_again = forms.CharField(widget=forms.PasswordInput, max_length=4096,
                                     label=_("Password again"))
    otp_token = forms.CharField(max_length=12, label=_("Code from your authenticator app"),
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", gettext("The two passwords differ."))
        return data


class TargetUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or text file"))
    type = forms.ChoiceField(choices=TARGET_TYPE_CHOICES, initial="auto",
                             label=_("Plain lines are"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on one page with the document upload: ids must differ from its ``id_file``.
        kwargs.setdefault("auto_id", "targets_%s")
        super().__init__(*args, **kwargs)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("PDF document"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)


class CallbackForm(forms.Form):
    """Who was reached, on which registry number, when, and what they said.

    Nothing is preselected: an outcome the reviewer did not pick must never confirm an
    emergency, so an untouched form is refused rather than recorded as a confirmation.
    """

    phone = forms.ChoiceField(label=_("Registered number called"))
    outcome = forms.ChoiceField(choices=[("", _("— choose what the authority said —")),
                                         *OUTCOME_CHOICES], label=_("Outcome"))
    spoke_with = forms.CharField(max_length=200, required=False, label=_("Spoke with"),
                                 help_text=_("Name and role; required for a confirmation"))
    called_at = forms.DateTimeField(required=False, label=_("Called at (UTC)"),
                                    help_text=_("Empty: now"),
                                    widget=forms.DateTimeInput(attrs={"type":
                                                                      "datetime-local"}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                            required=False, label=_("Notes"))

    def __init__(self, *args: Any, phones: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["phone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— choose a registry number —")), *((p, p) for p in phones)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == CallbackOutcome.CONFIRMED and not data.get("spoke_with"):
            self.add_error("spoke_with",
                           gettext("Name the person at the authority who confirmed."))
        return data


class EmailImportForm(forms.Form):
    file = forms.FileField(label=_("E-mail message (.eml)"))
    authority = forms.ChoiceField(required=False, label=_("Authority (if the sender's domain "
                                                          "is not registered)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— from the sender's domain —")),
                         *((a.slug, a.name) for a in Authority.objects.order_by("name"))]


class SignalForm(forms.Form):
    value = forms.CharField(max_length=400, label=_("Sender address or domain"))
    kind = forms.ChoiceField(choices=[("auto", _("Detect")), ("sender", _("Address")),
                                      ("domain", _("Domain"))], initial="auto",
                             label=_("Kind"))
    reason = forms.CharField(max_length=2000, required=False, label=_("Reason"))


class SignalImportForm(forms.Form):
    file = forms.FileField(label=_("CSV (kind,value,reason,first_seen,source)"))
    source = forms.CharField(max_length=200, required=False, label=_("Source"),
                             help_text=_("Where the list comes from"))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    authority = forms.ChoiceField(label=_("Authority"))
    title = forms.CharField(max_length=200, required=False, label=_("Title"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.slug, a.name) for a in Authority.objects.order_by("name")]

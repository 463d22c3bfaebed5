"""What a demand under a given instrument still needs, as a checklist for the portal form.

Built from the law library: the instrument's ``required_elements``, the elements an ask of
each kind adds (``ask_required_elements``), and the documents the instrument implies: the
signed order for any compulsory instrument (signed by the judge or court when only they
may issue it), and a translation for an instrument made to reach abroad (``cross_border``).

The same items drive the small script on the form (ticking them off as fields are filled)
and the server, which computes them again from what was actually posted: the script is a
convenience, never the judge. Each item names the form fields that satisfy it as groups of
alternatives (``[["date_from", "date_to"], ["also_date_from", "also_date_to"]]``: either
ask's period will do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from dueprocess.intake.forms import ASK_PREFIXES, ELEMENT_HELP

#: Form fields that carry each element; an element of an ask may sit in either ask.
ELEMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "legal_basis": ("legal_basis",),
    "statement_of_reasons": ("statement_of_reasons",),
    "issuing_authority": ("issued_by_name", "issued_by_role"),
    "exact_urls": ("targets",),
    "recipient_identifiers": ("targets",),
    "redress": ("redress",),
    "offences": ("offences",),
    "approval": ("approver_name",),
    "emergency_justification": ("emergency_justification",),
}
PER_ASK_FIELDS: dict[str, tuple[str, ...]] = {
    "territorial_scope": ("territorial_scope",),
    "date_range": ("date_from", "date_to"),
}
#: The portal form's file inputs, one per kind of document.
DOCUMENT_FIELDS = {"order": "attach_order", "translation": "attach_translation"}
JUDICIAL = frozenset({"judge", "court"})


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    kind: str  # "element" or "document"
    asks: tuple[str, ...]  # ask kinds it applies to; empty: every demand
    fields: tuple[tuple[str, ...], ...]  # alternatives, each a group of fields all filled
    done: bool = False

    @property
    def fields_attr(self) -> str:
        """For the page's script: groups separated by ``|``, fields by spaces."""
        return "|".join(" ".join(group) for group in self.fields)


def _element(key: str, asks: tuple[str, ...]) -> Item:
    # Items are built per request, so the label is in the reader's language.
    label = str(ELEMENT_HELP.get(key, key.replace("_", " ")))
    label = label[:1].upper() + label[1:]
    if key in PER_ASK_FIELDS:
        fields = tuple(tuple(p + f for f in PER_ASK_FIELDS[key]) for p in ASK_PREFIXES)
    else:
        fields = (ELEMENT_FIELDS.get(key, ()),)
    return Item(key, label, "element", asks, fields)


def documents_needed(instrument: Any) -> list[Item]:
    items = []
    if not instrument.voluntary:
        judicial = set(instrument.issuers) <= JUDICIAL
        label = (gettext("The order signed by the judge or court (PDF)") if judicial
                 else gettext("The signed order (PDF)"))
        items.append(Item("order", label, "document", (), ((DOCUMENT_FIELDS["order"],),)))
    if instrument.cross_border:
        items.append(Item("translation",
                          gettext("A translation of the order into English (PDF)"),
                          "document", (), ((DOCUMENT_FIELDS["translation"],),)))
    return items


def checklist(instrument: Any) -> list[Item]:
    """Every item the instrument can ask for, those of an ask kind marked with it."""
    items = [_element(e, ()) for e in instrument.required_elements]
    seen = set(instrument.required_elements)
    by_kind: dict[str, list[str]] = {}
    for kind, elements in instrument.ask_required_elements.items():
        for element in elements:
            if element not in seen:
                by_kind.setdefault(element, []).append(kind)
    items += [_element(e, tuple(kinds)) for e, kinds in by_kind.items()]
    return items + documents_needed(instrument)


def _filled(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_filled(v) for v in value)
    return value is not None and str(value).strip() != ""


def check(instrument: Any, data: Mapping[str, Any], files: Mapping[str, Any]) -> list[Item]:
    """The items that apply to what was posted, each marked done or not.

    ``data`` is the posted form (a QueryDict or a dict), ``files`` the uploaded files by
    field name. Items of an ask kind that was not chosen are left out.
    """
    def value(name: str) -> Any:
        if files.get(name):
            return files[name]
        getlist = getattr(data, "getlist", None)
        return getlist(name) if getlist is not None else data.get(name)

    kinds = {data.get(f"{p}ask_kind") for p in ASK_PREFIXES} - {None, ""}
    out = []
    for item in checklist(instrument):
        if item.asks and not kinds & set(item.asks):
            continue
        done = any(group and all(_filled(value(f)) for f in group) for group in item.fields)
        out.append(Item(item.key, item.label, item.kind, item.asks, item.fields, done))
    return out


def missing(items: list[Item]) -> list[Item]:
    return [i for i in items if not i.done]

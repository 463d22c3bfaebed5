"""Django admin for the registries (authorities, requesters, policies) and a read-only case view.

Demand state is never edited here: it changes only through
:mod:`dueprocess.demands.actions`, which audits every change. Saving or deleting a policy
re-vets the open demands, because a policy in force changes their findings.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest

from dueprocess.demands import actions
from dueprocess.demands.models import (
    Ask,
    AskKind,
    Authority,
    Demand,
    Finding,
    Official,
    Policy,
    Requester,
)
from dueprocess.law import default_library
from dueprocess.vetting.policy_params import validate_params


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin[Authority]):
    list_display = ("name", "slug", "jurisdiction", "kind")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Requester)
class RequesterAdmin(admin.ModelAdmin[Requester]):
    list_display = ("user", "authority", "title", "verified")
    list_filter = ("verified", "authority__jurisdiction")
    list_select_related = ("user", "authority")
    search_fields = ("user__username", "user__email", "authority__name", "authority__slug")
    raw_id_fields = ("user",)
    autocomplete_fields = ("authority",)


def _validate_cel(condition: str) -> str | None:
    """The CEL checker's verdict; refuse rather than store an unchecked expression."""
    try:
        from dueprocess.vetting.cel_policy import validate_condition  # needs the CEL library
    except ImportError:
        return ("the CEL validator is not available, so the condition cannot be checked; "
                "leave it empty or install the vetting component")
    return validate_condition(condition)


def _validate_params(effect: str, params: Any) -> str | None:
    """The same check vetting applies, so a saved policy is never reported as malformed."""

    library = default_library()
    return validate_params(effect, params, lambda i: library.get(i) is not None)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ("name", "effect", "jurisdiction", "ask_kinds", "instruments", "condition",
                  "params", "valid_from", "valid_to", "active")

    def clean_condition(self) -> str:
        condition = str(self.cleaned_data.get("condition") or "").strip()
        if condition:
            error = _validate_cel(condition)
            if error:
                raise forms.ValidationError(f"Invalid CEL condition: {error}")
        return condition

    def clean_jurisdiction(self) -> str:
        value = str(self.cleaned_data.get("jurisdiction") or "").strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise forms.ValidationError("two letters (ISO 3166-1 alpha-2, or EU), or empty")
        return value

    def clean_ask_kinds(self) -> list[str]:
        value = self.cleaned_data.get("ask_kinds") or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise forms.ValidationError('a JSON list such as ["disclose"]')
        unknown = sorted(set(value) - set(AskKind.values))
        if unknown:
            raise forms.ValidationError(
                f"unknown ask kinds: {', '.join(unknown)} (use {', '.join(AskKind.values)})")
        return value

    def clean_instruments(self) -> list[str]:
        value = self.cleaned_data.get("instruments") or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise forms.ValidationError('a JSON list of instrument ids, e.g. ["hk.nsl43.sch4"]')

        unknown = [i for i in value if default_library().get(i) is None]
        if unknown:
            raise forms.ValidationError(f"not in the law library: {', '.join(unknown)}")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", "must be after valid from (it is exclusive)")
        if data.get("effect") and "params" in data:
            error = _validate_params(str(data["effect"]), data.get("params") or {})
            if error:
                self.add_error("params", f"Invalid parameters: {error}")
        return data


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin[Policy]):
    form = PolicyForm
    list_display = ("name", "effect", "jurisdiction", "valid_from", "valid_to", "active")
    list_filter = ("effect", "active", "jurisdiction")
    search_fields = ("name", "condition")

    def _revet(self, request: HttpRequest) -> None:
        count = actions.revet_open_demands(user=request.user)
        self.message_user(request, f"Vetted {count} open demand(s) again under the new policy "
                                   "set.", messages.INFO)

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._revet(request)

    def delete_model(self, request: HttpRequest, obj: Policy) -> None:
        super().delete_model(request, obj)
        self._revet(request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Policy]) -> None:
        super().delete_queryset(request, queryset)
        self._revet(request)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OfficialInline(_ReadOnlyInline):
    model = Official
    fields = ("name", "title", "role")


class AskInline(_ReadOnlyInline):
    model = Ask
    fields = ("position", "kind", "data_categories", "date_from", "date_to", "days",
              "measure", "territorial_scope", "equivalent_content")


class FindingInline(_ReadOnlyInline):
    """Current findings first, then the history that earlier vettings left."""

    model = Finding
    fields = ("severity", "code", "message", "rule", "rule_version", "ask_position",
              "data_version", "created_at", "superseded_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        return super().get_queryset(request).order_by(
            F("superseded_at").desc(nulls_first=True), "pk")


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin[Demand]):
    """A window on the case file; the console and the actions are where work happens."""

    list_display = ("id", "reference", "authority", "jurisdiction", "instrument", "status",
                    "recommendation", "target_count", "received_at")
    list_filter = ("status", "jurisdiction")
    list_select_related = ("authority",)
    search_fields = ("reference",)
    ordering = ("-id",)
    show_full_result_count = False
    inlines = (OfficialInline, AskInline, FindingInline)
    readonly_fields = ("status", "recommendation", "explanation", "awaiting_approval",
                       "decided_by", "approved_by", "assignee")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

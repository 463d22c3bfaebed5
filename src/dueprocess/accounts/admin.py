"""API tokens in the admin: listed and revocable, never created or shown.

A token's secret exists once, when ``dueprocess token create`` prints it; the admin only
ever sees its prefix, so the hash is left out of every page as well.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from dueprocess.accounts.actions import revoke_token
from dueprocess.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at",
                    "last_used_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("prefix", "user__username", "user__email", "name")
    fields = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at",
              "last_used_at")
    readonly_fields = fields
    exclude = ("key_hash",)
    ordering = ("-created_at",)
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke selected tokens", permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        """Revocation is audited: it may cut off an authority mid-case."""
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            revoke_token(token, user=request.user)
        self.message_user(request, f"Revoked {len(live)} token(s).", messages.SUCCESS)

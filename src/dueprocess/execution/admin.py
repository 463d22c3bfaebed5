"""Admin list of productions; read-only, since a production is evidence of a disclosure."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dueprocess.execution.models import Production


@admin.register(Production)
class ProductionAdmin(admin.ModelAdmin[Production]):
    list_display = ("pk", "demand", "action", "size", "created_at", "expires_at", "purged_at")
    list_filter = ("purged_at",)
    search_fields = ("demand__reference", "manifest_sha256")
    readonly_fields = ("demand", "action", "path", "manifest_sha256", "size", "files",
                       "created_at", "expires_at", "purged_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest,
                              obj: Production | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest,
                              obj: Production | None = None) -> bool:
        return False

"""Intake records in the admin, read-only: changes go through the intake pages and actions,
which write the audit events and vet affected demands again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dueprocess.intake.models import (
    BulkTargetJob,
    CallbackRecord,
    FraudSignal,
    InboundEmail,
    Invitation,
)


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FraudSignal)
class FraudSignalAdmin(ReadOnly):
    list_display = ("kind", "value", "reason", "source", "first_seen", "revoked_at")
    list_filter = ("kind", "source")
    search_fields = ("value", "reason")


@admin.register(CallbackRecord)
class CallbackRecordAdmin(ReadOnly):
    list_display = ("demand", "phone", "outcome", "spoke_with", "called_at", "recorded_by")
    list_filter = ("outcome",)


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnly):
    list_display = ("received_at", "from_address", "subject", "demand")
    search_fields = ("from_address", "subject", "message_id")


@admin.register(Invitation)
class InvitationAdmin(ReadOnly):
    list_display = ("email", "authority", "created_at", "expires_at", "accepted_at",
                    "revoked_at")
    exclude = ("token_hash",)


@admin.register(BulkTargetJob)
class BulkTargetJobAdmin(ReadOnly):
    list_display = ("id", "demand", "status", "filename", "lines", "added", "duplicates",
                    "rejected", "created_at")
    list_filter = ("status",)
    exclude = ("errors",)

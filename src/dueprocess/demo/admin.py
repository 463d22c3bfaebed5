"""Admin views of the demo platform, so a demo user can see what a demand did to it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dueprocess.demo.models import (
    Hold,
    LoginRecord,
    PlatformAccount,
    PlatformOperation,
    Post,
    UserMessage,
)


@admin.register(PlatformAccount)
class PlatformAccountAdmin(admin.ModelAdmin[PlatformAccount]):
    list_display = ("handle", "display_name", "country", "data_location", "status",
                    "withheld_in")
    list_filter = ("status", "country", "data_location")
    search_fields = ("handle", "display_name", "email", "phone", "=uid")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ("url", "status", "withheld_in", "created_at")
    list_filter = ("status",)
    search_fields = ("url", "text", "=uid")
    raw_id_fields = ("account",)


@admin.register(LoginRecord)
class LoginRecordAdmin(admin.ModelAdmin[LoginRecord]):
    list_display = ("account", "at", "ip")
    search_fields = ("account__handle", "ip")
    raw_id_fields = ("account",)


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin[Hold]):
    list_display = ("account", "until", "created_at", "released_at")
    raw_id_fields = ("account",)


@admin.register(UserMessage)
class UserMessageAdmin(admin.ModelAdmin[UserMessage]):
    list_display = ("account", "subject", "language", "at")
    raw_id_fields = ("account",)


@admin.register(PlatformOperation)
class PlatformOperationAdmin(admin.ModelAdmin[PlatformOperation]):
    list_display = ("idempotency_key", "kind", "at")
    list_filter = ("kind",)
    search_fields = ("idempotency_key",)

    def has_change_permission(self, request: HttpRequest,
                              obj: PlatformOperation | None = None) -> bool:
        return False  # the ledger is evidence of what the platform did

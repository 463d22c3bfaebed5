"""The demo platform: a small social network that dueprocess acts upon in demos and tests.

It stands in for the platform's own systems behind a connector, so it keeps only what a
real platform would have to answer a demand: accounts, posts, logins, preservation holds,
the messages it delivered to users, and a ledger of every mutating call it accepted.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AccountStatus(models.TextChoices):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class PostStatus(models.TextChoices):
    VISIBLE = "visible"
    REMOVED = "removed"
    DISABLED = "disabled"


class PlatformAccount(models.Model):
    # A stable public numeric id (like a snowflake id), independent of the database key so
    # that demands naming it stay valid when the platform is seeded again.
    uid = models.PositiveBigIntegerField(unique=True)
    handle = models.CharField(max_length=50, unique=True, help_text="Lower case, no @")
    display_name = models.CharField(max_length=200)
    email = models.CharField(max_length=254, db_index=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True,
                             help_text="E.164, e.g. +85251234567")
    country = models.CharField(max_length=2, help_text="Country of residence, ISO alpha-2")
    data_location = models.CharField(max_length=2, help_text="Where the data is stored")
    flags = models.JSONField(default=list, blank=True,
                             help_text="e.g. journalist, human_rights_defender, politician")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=AccountStatus.choices,
                              default=AccountStatus.ACTIVE)
    withheld_in = models.JSONField(default=list, blank=True,
                                   help_text="Territories (ISO alpha-2) where it is hidden")

    class Meta:
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def visible_in(self, territory: str) -> bool:
        return (self.status == AccountStatus.ACTIVE
                and territory.upper() not in (self.withheld_in or ()))


class Post(models.Model):
    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="posts")
    uid = models.PositiveBigIntegerField(unique=True, help_text="Public numeric post id")
    number = models.PositiveIntegerField(help_text="Sequence number within the account")
    url = models.CharField(max_length=300, unique=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=PostStatus.choices,
                              default=PostStatus.VISIBLE)
    withheld_in = models.JSONField(default=list, blank=True,
                                   help_text="Territories (ISO alpha-2) where it is hidden")

    class Meta:
        ordering = ["account", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="demo_post_number"),
        ]

    def __str__(self) -> str:
        return self.url

    def visible_in(self, territory: str) -> bool:
        return self.status == PostStatus.VISIBLE and territory.upper() not in self.withheld_in


class LoginRecord(models.Model):
    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE,
                                related_name="logins")
    at = models.DateTimeField()
    ip = models.GenericIPAddressField()
    user_agent = models.CharField(max_length=300)

    class Meta:
        ordering = ["account", "at"]
        indexes = [models.Index(fields=["account", "at"])]

    def __str__(self) -> str:
        return f"{self.account} {self.at:%Y-%m-%d %H:%M} {self.ip}"


class Hold(models.Model):
    """A preservation hold: the platform must keep the account's data until ``until``.

    ``snapshot`` is the account's data as it stood when the hold began (subscriber record,
    logins, posts), so what the user deletes afterwards is still there for a later
    disclosure. Releasing the hold drops the snapshot.
    """

    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="holds")
    until = models.DateField()
    idempotency_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField(default=dict, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"hold {self.account} until {self.until}"


class UserMessage(models.Model):
    """A notice the platform delivered to one of its users."""

    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE,
                                related_name="messages")
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"to {self.account}: {self.subject}"


class PlatformOperation(models.Model):
    """Ledger of accepted mutating calls; a repeated key returns the stored result."""

    idempotency_key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=30)
    result = models.JSONField(default=dict)
    # SHA-256 of the operation and its parameters: the same key for another request is a
    # conflict (empty on rows written before it was kept).
    request_sha256 = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"

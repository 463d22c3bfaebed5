"""Reporting tallies and published (redacted) demands.

A report over a million demands cannot afford to count ten million targets and millions
of actions on every request, so each demand has one :class:`DemandTally` row holding what
the reports need about it (its counts, outcomes and timestamps). Tallies are derived data:
any change to a demand or its rows appends a :class:`StaleDemand` marker in the same
transaction, and the next report recomputes the marked demands before it reads (see
:mod:`dueprocess.transparency.tally`). A tally can always be rebuilt from the case file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dueprocess.demands.models import Demand


class DemandTally(models.Model):
    demand = models.OneToOneField(Demand, primary_key=True, on_delete=models.CASCADE,
                                  related_name="+", db_constraint=False)
    received_at = models.DateTimeField()
    jurisdiction = models.CharField(max_length=2)
    instrument = models.CharField(max_length=100)
    status = models.CharField(max_length=20)
    emergency = models.BooleanField(default=False)
    #: Issued by a court or judge (authority kind or the signing person's role).
    court = models.BooleanField(default=False)
    disclose = models.BooleanField(default=False)
    preserve = models.BooleanField(default=False)
    restrict = models.BooleanField(default=False)
    accounts = models.IntegerField(default=0)
    content_items = models.IntegerField(default=0)
    produced = models.BooleanField(default=False)
    preserved = models.IntegerField(default=0)
    removed = models.IntegerField(default=0)
    withheld = models.IntegerField(default=0)
    suspended = models.IntegerField(default=0)
    terminated = models.IntegerField(default=0)
    open_actions = models.IntegerField(default=0)
    succeeded_actions = models.IntegerField(default=0)
    #: Succeeded actions whose finish time was not recorded.
    untimed_actions = models.IntegerField(default=0)
    last_finished_at = models.DateTimeField(null=True)
    acknowledged_at = models.DateTimeField(null=True)
    held_by_policy = models.BooleanField(default=False)
    mlat = models.BooleanField(default=False)
    notices_sent = models.IntegerField(default=0)
    notices_pending = models.IntegerField(default=0)
    notices_delayed = models.IntegerField(default=0)
    notices_barred = models.IntegerField(default=0)
    content_category = models.CharField(max_length=80, blank=True)
    category_keywords = models.JSONField(default=list, blank=True)
    #: The boolean columns above as bits (see ``tally.FLAGS``): reports group on one small
    #: integer instead of ten columns.
    flags = models.SmallIntegerField(default=0)

    class Meta:
        # Covering indexes (PostgreSQL; elsewhere plain ones): the period's cube and the
        # DSA orders are read by index-only scans, without touching the wide rows.
        indexes = [
            models.Index(fields=["received_at"], name="tally_period_idx", include=[
                "jurisdiction", "instrument", "status", "flags", "accounts", "content_items",
                "preserved", "removed", "withheld", "suspended", "terminated",
                "notices_sent", "notices_pending", "notices_delayed", "notices_barred"]),
            models.Index(fields=["instrument", "received_at"], name="tally_orders_idx",
                         include=["jurisdiction", "status", "acknowledged_at",
                                  "last_finished_at", "open_actions", "succeeded_actions",
                                  "untimed_actions", "accounts", "content_items",
                                  "content_category", "category_keywords"]),
        ]

    def __str__(self) -> str:
        return f"tally of demand {self.demand_id}"


class WithheldTally(models.Model):
    """Items withheld in one territory for one demand (a withhold names its territories)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+",
                               db_constraint=False)
    jurisdiction = models.CharField(max_length=2)
    received_at = models.DateTimeField()
    territory = models.CharField(max_length=10)
    items = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["demand"], name="withheld_demand_idx"),
                   models.Index(fields=["received_at"], name="withheld_received_idx")]

    def __str__(self) -> str:
        return f"{self.items} withheld in {self.territory}"


class StaleDemand(models.Model):
    """A demand whose tally must be recomputed; written in the changing transaction."""

    demand_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"stale {self.demand_id}"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Publication(models.Model):
    """A restriction demand prepared for the public record, Lumen-style.

    Only the redacted text is ever shown publicly; the demand itself stays private. A
    draft is created with automatic redactions and becomes public only when a person
    (not the one who prepared it) reviews and publishes it.
    """

    demand = models.OneToOneField(Demand, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=PublicationStatus.choices,
                              default=PublicationStatus.DRAFT)
    title = models.CharField(max_length=300)
    jurisdiction = models.CharField(max_length=2)
    authority_name = models.CharField(max_length=300)
    instrument = models.CharField(max_length=100)
    received_on = models.DateField()
    redacted_text = models.TextField()
    redactions = models.PositiveIntegerField(default=0)
    targets = models.JSONField(default=list, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        permissions = [("review_publication", "Can review and publish redacted demands")]

    def __str__(self) -> str:
        return self.title

"""List versions, their entries, screening results per demand and remembered false hits.

A list (``us_ofac_sdn``, ``un_sc`` ...) has many versions; exactly one per list is active,
and a new version becomes active only in the transaction that stored all of its entries,
so screening never sees a half-loaded list. Rows here are written by
:mod:`dueprocess.sanctions.actions` and :mod:`dueprocess.sanctions.service` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ListVersion(models.Model):
    """One loaded download of one list."""

    list_id = models.CharField(max_length=100, db_index=True)
    source = models.CharField(max_length=255, help_text="File name(s) the version came from")
    format = models.CharField(max_length=30)
    sha256 = models.CharField(max_length=64, help_text="Of the file, or of the OFAC CSV set")
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    entry_count = models.PositiveIntegerField(default=0)
    published = models.DateField(null=True, blank=True,
                                 help_text="Publication date the list states, else the file's date")
    skipped_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict, blank=True,
                               help_text="Skip reasons with counts, and the first rows")
    diff = models.JSONField(default=dict, blank=True,
                            help_text="Counts of added, removed, changed against the previous")
    active = models.BooleanField(default=False)
    entries_pruned = models.BooleanField(default=False,
                                         help_text="Entries deleted; the version row stays")

    class Meta:
        ordering = ["list_id", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["list_id"], condition=Q(active=True),
                                    name="one_active_version_per_list"),
        ]

    def __str__(self) -> str:
        return f"{self.list_id} #{self.pk} ({self.entry_count} entries)"

    @property
    def age_days(self) -> int | None:
        """Days since publication (None when the date is unknown)."""
        if self.published is None:
            return None
        return (timezone.now().date() - self.published).days

    @property
    def stale(self) -> bool:
        """Older than the operator's limit (DUEPROCESS_LIST_MAX_AGE_DAYS, default 30)."""
        age = self.age_days
        return age is not None and age > list_max_age_days()


def list_max_age_days() -> int:
    return int(getattr(settings, "DUEPROCESS_LIST_MAX_AGE_DAYS", 30))


class StoredEntry(models.Model):
    """One list entry of one version: the fields of a screening ``ListEntry`` as JSON."""

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="entries")
    entry_id = models.CharField(max_length=100)
    schema = models.CharField(max_length=20)
    name = models.CharField(max_length=500, help_text="Primary name")
    data = models.JSONField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["version", "entry_id"])]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.name}"


class Subject(models.TextChoices):
    OFFICIAL = "official"
    REQUESTER = "requester"
    AUTHORITY = "authority"


class HitStatus(models.TextChoices):
    OPEN = "open"
    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"


class ScreeningResult(models.Model):
    """A list entry that a name on a demand matched, and what a reviewer said about it.

    Re-screening updates the score and explanation of a row in place and keeps its status;
    a hit that a later screening no longer finds (delisted, list changed) gets
    ``cleared_at`` and no longer reaches vetting.
    """

    demand = models.ForeignKey("demands.Demand", on_delete=models.CASCADE,
                               related_name="screening_results")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    official = models.ForeignKey("demands.Official", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="screening_results")
    name = models.CharField(max_length=300, help_text="The name as the demand gives it")
    name_key = models.CharField(max_length=64, db_index=True,
                                help_text="SHA-256 of the normalised name")
    list_id = models.CharField(max_length=100)
    entry_id = models.CharField(max_length=100)
    entry_name = models.CharField(max_length=500)
    matched_name = models.CharField(max_length=500, blank=True)
    programmes = models.JSONField(default=list, blank=True)
    score = models.FloatField()
    explanation = models.TextField(blank=True)
    list_version = models.ForeignKey(ListVersion, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=HitStatus.choices, default=HitStatus.OPEN)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    screened_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True,
                                      help_text="A later screening no longer found it")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "subject", "name_key", "list_id",
                                            "entry_id"], name="one_result_per_hit"),
        ]
        indexes = [models.Index(fields=["list_id", "entry_id"])]

    def __str__(self) -> str:
        return f"{self.name} ~ {self.list_id} {self.entry_id} ({self.status})"

    @property
    def is_current(self) -> bool:
        return self.cleared_at is None


class FalsePositive(models.Model):
    """A reviewer's word that this name is not this list entry; it never alerts again."""

    name_key = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    list_id = models.CharField(max_length=100)
    entry_id = models.CharField(max_length=100)
    entry_name = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    from_result = models.ForeignKey(ScreeningResult, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["name_key", "list_id", "entry_id"],
                                    name="one_false_positive_per_name_and_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.name} is not {self.list_id} {self.entry_id}"


class HitSignoff(models.Model):
    """Sanctions counsel's sign-off that complying may go ahead despite a confirmed hit.

    It holds for the hit as it was confirmed: a sign-off older than the hit's latest review
    no longer counts.
    """

    result = models.ForeignKey(ScreeningResult, on_delete=models.CASCADE,
                               related_name="signoffs")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    note = models.TextField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"sign-off {self.pk} of hit {self.result_id}"

"""What reviewers add to a case beyond decisions: human-rights reviews and sent reminders.

Both are written only by :mod:`dueprocess.review.actions`, each together with its audit
event, like every other change to a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dueprocess.demands.models import Demand


class Assessment(models.TextChoices):
    MET = "met", gettext_lazy("Met")
    NOT_MET = "not_met", gettext_lazy("Not met")
    UNCLEAR = "unclear", gettext_lazy("Unclear")


class Alternative(models.TextChoices):
    """Less restrictive ways to answer a demand than doing all it asks."""

    WITHHOLD_IN_TERRITORY = ("withhold_in_territory",
                             gettext_lazy("Withhold in the requesting territory only"))
    NARROW_CATEGORIES = "narrow_categories", gettext_lazy("Disclose fewer data categories")
    NARROW_DATES = "narrow_dates", gettext_lazy("Shorten the date range")
    FEWER_TARGETS = "fewer_targets", gettext_lazy("Act on fewer targets")
    PRESERVE_ONLY = "preserve_only", gettext_lazy("Preserve only, pending better legal process")
    NOTIFY_USER = "notify_user", gettext_lazy("Notify the user so they can challenge it")
    MLAT = "mlat", gettext_lazy("Require the treaty (MLAT) channel")


class Conclusion(models.TextChoices):
    PROCEED = "proceed", gettext_lazy("Proceed as asked")
    PROCEED_WITH_ALTERNATIVE = ("proceed_with_alternative",
                                gettext_lazy("Proceed only with a less restrictive alternative"))
    DO_NOT_PROCEED = "do_not_proceed", gettext_lazy("Do not proceed")


class HumanRightsReview(models.Model):
    """A structured legality, necessity and proportionality assessment of one demand.

    A newer review supersedes the older one, which stays as history.
    """

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE,
                               related_name="human_rights_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    legality = models.CharField(max_length=10, choices=Assessment.choices)
    legality_notes = models.TextField(blank=True)
    necessity = models.CharField(max_length=10, choices=Assessment.choices)
    necessity_notes = models.TextField(blank=True)
    proportionality = models.CharField(max_length=10, choices=Assessment.choices)
    proportionality_notes = models.TextField(blank=True)
    alternatives = models.JSONField(default=list, blank=True)
    alternatives_notes = models.TextField(blank=True)
    conclusion = models.CharField(max_length=30, choices=Conclusion.choices)
    rationale = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["demand", "superseded_at"])]

    def __str__(self) -> str:
        return f"human-rights review {self.pk} of demand {self.demand_id}: {self.conclusion}"


class ReminderKind(models.TextChoices):
    RESPONSE_DEADLINE = "response_deadline", gettext_lazy("Response deadline")
    PRESERVATION_EXPIRY = "preservation_expiry", gettext_lazy("Preservation expiry")
    NON_DISCLOSURE_EXPIRY = "non_disclosure_expiry", gettext_lazy("Non-disclosure expiry")


class Reminder(models.Model):
    """One reminder e-mail sent for one deadline; the unique key keeps it from repeating."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    due = models.DateField()
    recipients = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["demand", "kind", "due"],
                                               name="reminder_once_per_deadline")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for demand {self.demand_id} due {self.due}"


class Override(models.Model):
    """A reviewer's recorded choice to comply against block findings or the human-rights
    conclusion: which findings, why, and who. It always needs a second person's approval.

    A newer override supersedes the older one, which stays as history.
    """

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="overrides")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    findings = models.JSONField(default=list, blank=True,
                                help_text="Codes of the block findings it overrides")
    human_rights = models.BooleanField(default=False,
                                       help_text="Overrides the human-rights conclusion")
    reason_codes = models.JSONField(default=list)
    rationale = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["demand", "superseded_at"])]

    def __str__(self) -> str:
        return f"override {self.pk} of demand {self.demand_id}"


class Note(models.Model):
    """A staff member's internal note on a demand: never shown to the authority."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"note {self.pk} on demand {self.demand_id}"


class SavedView(models.Model):
    """A reviewer's named queue view: the filters and the order, as the query string.

    The queue keeps every filter and sort in its URL, so a view is just that URL's query;
    it is checked again whenever it is opened, like any link someone pastes.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"],
                                               name="saved_view_name_per_owner")]

    def __str__(self) -> str:
        return f"view {self.name!r} of user {self.owner_id}"

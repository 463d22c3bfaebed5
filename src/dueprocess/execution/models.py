"""Records of execution: productions, holds, notice delivery, dead letters, workers, DSA
statements.

These live beside the case file (``demands``) rather than in it: each refers to a demand,
action, target or notice there, and keeps only what execution itself needs to know.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from dueprocess.demands.models import Action, Demand, Notice, Target

RETENTION = timedelta(days=90)


def _default_expiry() -> datetime:
    return timezone.now() + RETENTION


class Production(models.Model):
    """One signed, encrypted package of disclosed data for one export action.

    The package file is ``productions/<path>`` in the installation's storage (the home
    folder or a shared bucket); ``path`` is relative, so the storage can move.
    ``manifest_sha256`` fixes which manifest was signed, so a package swapped in the store
    is detected even before its signature is checked.
    """

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="productions")
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="production")
    path = models.CharField(max_length=500)
    manifest_sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(help_text="Bytes of the encrypted package")
    files = models.JSONField(default=list, blank=True,
                             help_text="Names, sizes and SHA-256 of the data files")
    key_id = models.CharField(max_length=16, blank=True,
                              help_text="Which encryption key sealed the file (rotation)")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_default_expiry, db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"production {self.pk} of demand {self.demand_id}"

    @property
    def is_available(self) -> bool:
        return self.purged_at is None


class DeadLetterKind(models.TextChoices):
    ACTION = "action", "Action gave up"
    NOTICE = "notice", "Notice undeliverable"
    CONFLICT = "webhook_conflict", "Platform answered a repeated call differently"


class DeadLetter(models.Model):
    """Work that stopped retrying and needs a person: retry it or dismiss it."""

    kind = models.CharField(max_length=20, choices=DeadLetterKind.choices)
    demand = models.ForeignKey(Demand, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    operation = models.CharField(max_length=40)
    idempotency_key = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=200, blank=True)
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "action"], condition=Q(resolved_at=None),
                                    name="deadletter_one_open_per_action"),
            models.UniqueConstraint(fields=["kind", "notice"], condition=Q(resolved_at=None),
                                    name="deadletter_one_open_per_notice"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.operation} {self.idempotency_key}"


class WorkerProcess(models.Model):
    """A running ``dueprocess worker``; its heartbeat tells the others it is alive."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)
    heartbeat_seconds = models.FloatField(default=5.0)
    stopped_at = models.DateTimeField(null=True, blank=True)
    presumed_dead = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} ({self.hostname}:{self.pid})"

    @property
    def grace(self) -> timedelta:
        """Silence longer than this means the process is gone (missed several beats)."""
        return timedelta(seconds=max(self.heartbeat_seconds * 4, 2.0))


class Preservation(models.Model):
    """A hold dueprocess asked the platform to keep: its expiry, extensions and release."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+")
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    account = models.CharField(max_length=300, db_index=True,
                               help_text="The platform's canonical account id")
    hold = models.CharField(max_length=200, help_text="The platform's reference of the hold")
    instrument = models.CharField(max_length=100, blank=True)
    started_on = models.DateField()
    until = models.DateField(db_index=True)
    renewals = models.PositiveIntegerField(default=0)
    reminded_for = models.DateField(null=True, blank=True,
                                    help_text="The expiry date a reminder was sent for")
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["until", "id"]

    def __str__(self) -> str:
        return f"hold {self.hold} on {self.account} until {self.until}"

    @property
    def active(self) -> bool:
        return self.released_at is None and self.until >= timezone.now().date()


class NoticeReason(models.TextChoices):
    BEFORE_DISCLOSURE = "before_disclosure"
    AFTER_ACTION = "after_action"
    GAG = "gag", "Delayed while a non-disclosure order runs"
    INDEFINITE_GAG = "indefinite_gag", "Barred by a non-disclosure order without end"
    EMERGENCY = "emergency", "Delayed until the emergency has passed"
    NOT_ALLOWED = "not_allowed", "The instrument does not allow telling the user"


class NoticeState(models.Model):
    """Execution's side of a user notice: why it waits, and how delivery went."""

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=30, choices=NoticeReason.choices)
    flagged_for_challenge = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    fell_back_to_english = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"notice {self.notice_id}: {self.reason}"


class DisclosureWait(models.Model):
    """The user's time to object: disclosure for this target waits until ``until``.

    ``until`` is empty while the notice has not been delivered yet; an objection keeps the
    disclosure waiting until a person lets it proceed.
    """

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    notice = models.OneToOneField(Notice, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    objected_at = models.DateTimeField(null=True, blank=True)
    objection = models.TextField(blank=True)
    proceed_at = models.DateTimeField(null=True, blank=True,
                                      help_text="A person let the disclosure proceed")
    upheld_at = models.DateTimeField(null=True, blank=True,
                                     help_text="A person upheld the objection: no disclosure")
    upheld_why = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["demand", "target"],
                                               name="disclosurewait_once")]

    def __str__(self) -> str:
        return f"wait for target {self.target_id} until {self.until}"

    def is_over(self, now: datetime) -> bool:
        if self.upheld_at is not None:
            return False
        if self.proceed_at is not None:
            return True
        if self.objected_at is not None or self.until is None:
            return False
        return self.until <= now


class WebhookCall(models.Model):
    """The first answer the platform gave to each idempotency key, to compare replays."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    operation = models.CharField(max_length=40)
    request_sha256 = models.CharField(max_length=64)
    response_sha256 = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    conflicts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.operation} {self.idempotency_key}"


class SubmissionStatus(models.TextChoices):
    PENDING = "pending"  # not sent yet
    SENDING = "sending"  # in a batch on its way; the outcome is not known yet
    ACCEPTED = "accepted"  # the database has it (created, or it already had this puid)
    REJECTED = "rejected"  # the database refused it: fix and re-queue, never resent as is
    FAILED = "failed"  # not delivered (network, server error); sent again next time


class StatementOfReasons(models.Model):
    """A DSA Transparency Database statement of reasons for one restriction action."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+")
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="+")
    puid = models.CharField(max_length=500, unique=True)
    statement = models.JSONField()
    in_eea = models.BooleanField(default=True,
                                 help_text="The restriction has effect in the EEA")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Submission to the Transparency Database (dueprocess.execution.dsa_submit).
    submission = models.CharField(max_length=20, choices=SubmissionStatus.choices,
                                  default=SubmissionStatus.PENDING)
    submission_attempts = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submission_uuid = models.CharField(max_length=64, blank=True,
                                       help_text="The database's id of the statement")
    submission_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["submission", "id"], name="sor_submission")]

    def __str__(self) -> str:
        return self.puid

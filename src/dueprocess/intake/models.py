"""What intake keeps beside the case file: verification evidence, raw inputs and jobs.

Nothing here changes a demand's state by itself; the functions in
:mod:`dueprocess.intake.actions` write these rows together with their audit events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dueprocess.demands.models import Authority, Demand


class CallbackOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed by the authority"
    DENIED = "denied", "Denied by the authority"
    UNREACHABLE = "unreachable", "Not confirmed"


class CallbackRecord(models.Model):
    """An out-of-band call to a number from the registry, never one from the demand."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="callbacks")
    phone = models.CharField(max_length=40)
    spoke_with = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=CallbackOutcome.choices)
    notes = models.TextField(blank=True)
    called_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["called_at", "id"]

    def __str__(self) -> str:
        return f"{self.outcome} via {self.phone}"


class SignalKind(models.TextChoices):
    SENDER = "sender", "E-mail address"
    DOMAIN = "domain", "Domain"


class FraudSignal(models.Model):
    """A sender or domain known to have sent forged demands; shareable as CSV."""

    kind = models.CharField(max_length=10, choices=SignalKind.choices)
    value = models.CharField(max_length=254, help_text="Lower case; domains in Unicode form")
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True,
                              help_text="Where it came from: this platform or an import")
    first_seen = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"],
                                               name="fraud_signal_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class InboundEmail(models.Model):
    """An e-mailed demand: the original message is kept byte for byte under the home."""

    demand = models.OneToOneField(Demand, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="inbound_email")
    message_id = models.CharField(max_length=998, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    path = models.CharField(max_length=500)
    from_address = models.CharField(max_length=320, blank=True)
    from_domain = models.CharField(max_length=260, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    header_problems = models.JSONField(default=list, blank=True,
                                       help_text="Signs of forgery found in the headers")
    attachments = models.JSONField(default=list, blank=True,
                                   help_text="Every attachment, stored or refused, with why")
    notes = models.JSONField(default=list, blank=True,
                             help_text="What was read from the body and what was guessed")
    problem = models.TextField(blank=True, help_text=(
        "Why no demand was made of it (unreadable, sender unknown); empty once imported"))
    received_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class JobStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BulkTargetJob(models.Model):
    """One bulk upload of targets; its counters are the progress the pages show."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="target_jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices,
                              default=JobStatus.PENDING)
    stage = models.CharField(max_length=20, blank=True, help_text="reading, storing, vetting")
    filename = models.CharField(max_length=255, blank=True)
    default_type = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True, help_text="The upload, until processed")
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    blank = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0, help_text="Readable, normalised lines")
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True,
                              help_text="The first unreadable lines with their numbers")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"job {self.pk} for demand {self.demand_id}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.bytes_total:
            return 0
        # Reading is most of the work; storing and vetting take the last tenth.
        share = 90 * min(self.bytes_read, self.bytes_total) // self.bytes_total
        return int(share + (5 if self.stage == "storing" else 9 if self.stage == "vetting"
                            else 0))


class StagedTarget(models.Model):
    """A normalised target of a running job, merged into the demand in one transaction.

    Staging keeps the demand untouched until the whole upload has been read, so a crash or
    a refused upload leaves nothing half-stored, while progress stays visible to others.
    """

    job = models.ForeignKey(BulkTargetJob, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=10)
    identifier = models.CharField(max_length=2048)
    exists = models.BooleanField(null=True)
    country = models.CharField(max_length=2, blank=True)
    data_location = models.CharField(max_length=2, blank=True)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type}:{self.identifier}"


class Invitation(models.Model):
    """Staff invite an officer; the link lets them set a password and a TOTP device."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE,
                                  related_name="invitations")
    email = models.EmailField()
    title = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} @ {self.authority.slug}"

    @property
    def usable(self) -> bool:
        return (self.accepted_at is None and self.revoked_at is None
                and self.expires_at > timezone.now())


class ClarificationAnswer(models.Model):
    """The authority's answer to a clarification request, from the portal or the API."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE,
                               related_name="clarification_answers")
    request = models.ForeignKey("demands.Notice", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                help_text="The clarification request it answers")
    body = models.TextField()
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"answer on demand {self.demand_id}"

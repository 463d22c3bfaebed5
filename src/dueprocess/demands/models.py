"""The case file: authorities, their people, demands and everything attached to them.

State fields here are written only by :mod:`dueprocess.demands.actions`; that module is
the one place that knows which transitions are legal and records each in the audit log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dueprocess.demands.due import DUE_COLUMNS, due_from, due_of


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("demand status", "Received")
    IN_REVIEW = "in_review", pgettext_lazy("demand status", "In review")
    AWAITING_AUTHORITY = "awaiting_authority", pgettext_lazy("demand status",
                                                             "Awaiting the authority")
    ON_HOLD = "on_hold", pgettext_lazy("demand status", "On hold")
    APPROVED = "approved", pgettext_lazy("demand status", "Approved")
    EXECUTING = "executing", pgettext_lazy("demand status", "Being carried out")
    COMPLETED = "completed", pgettext_lazy("demand status", "Completed")
    REJECTED = "rejected", pgettext_lazy("demand status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("demand status", "Withdrawn")


OPEN_STATUSES = (
    Status.RECEIVED, Status.IN_REVIEW, Status.AWAITING_AUTHORITY, Status.ON_HOLD,
)
FINAL_STATUSES = (Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN)


class Recommendation(models.TextChoices):
    COMPLY = "comply"
    COMPLY_PARTIALLY = "comply_partially"
    REQUEST_CLARIFICATION = "request_clarification"
    ROUTE_MLAT = "route_mlat"
    REJECT = "reject"
    HOLD = "hold"
    ESCALATE = "escalate"


class AuthorityKind(models.TextChoices):
    POLICE = "police"
    PROSECUTOR = "prosecutor"
    COURT = "court"
    REGULATOR = "regulator"
    AGENCY = "agency"
    EXECUTIVE = "executive"


class Role(models.TextChoices):
    JUDGE = "judge"
    COURT = "court"
    PROSECUTOR = "prosecutor"
    POLICE_SENIOR = "police_senior"
    POLICE = "police"
    REGULATOR = "regulator"
    EXECUTIVE = "executive"


class AskKind(models.TextChoices):
    DISCLOSE = "disclose"
    PRESERVE = "preserve"
    RESTRICT_ACCOUNT = "restrict_account"
    RESTRICT_CONTENT = "restrict_content"


class DataCategory(models.TextChoices):
    SUBSCRIBER = "subscriber"
    TRAFFIC = "traffic"
    CONTENT = "content"


class Measure(models.TextChoices):
    SUSPEND = "suspend"
    TERMINATE = "terminate"
    REMOVE = "remove"
    DISABLE = "disable"
    WITHHOLD = "withhold"


class TargetType(models.TextChoices):
    ACCOUNT = "account"
    CONTENT = "content"


class Authority(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    jurisdiction = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, or EU")
    kind = models.CharField(max_length=20, choices=AuthorityKind.choices)
    domains = models.JSONField(default=list, blank=True,
                               help_text="Verified e-mail domains")
    phones = models.JSONField(default=list, blank=True,
                              help_text="Numbers for out-of-band callback")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction})"


class Requester(models.Model):
    """An officer of an authority; owns a portal login and API tokens."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="requesters")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="requester")
    title = models.CharField(max_length=200, blank=True)
    verified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user} @ {self.authority.slug}"


class Channel(models.TextChoices):
    API = "api"
    PORTAL = "portal"
    EMAIL = "email"
    IMPORT = "import"


class DemandQuerySet(models.QuerySet["Demand"]):
    def update(self, **kwargs: Any) -> int:
        """An update of a column the due date follows also brings ``due`` up to date."""
        if "due" in kwargs or not any(c in kwargs for c in DUE_COLUMNS):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))  # before: the filter may change
            count = super().update(**kwargs)
            refresh_due(self.model.objects.filter(pk__in=pks))
        return count

    update.alters_data = True  # type: ignore[attr-defined]


def refresh_due(rows: models.QuerySet[Demand], *, batch: int = 2000) -> int:
    """Recompute the stored due date of ``rows`` in batches; returns how many changed."""
    changed = 0
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).order_by("pk")
                     .values_list("pk", "due", *DUE_COLUMNS)[:batch])
        if not chunk:
            return changed
        stale = [Demand(pk=pk, due=due) for pk, old, *columns in chunk
                 if (due := due_from(*columns)) != old]
        Demand.objects.bulk_update(stale, ["due"], batch_size=500)
        changed += len(stale)
        last = chunk[-1][0]


class Demand(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="demands")
    requester = models.ForeignKey(Requester, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="demands")
    reference = models.CharField(max_length=200)
    instrument = models.CharField(max_length=100, help_text="Law library id, possibly unknown")
    jurisdiction = models.CharField(max_length=2, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    recommendation = models.CharField(max_length=30, choices=Recommendation.choices,
                                      blank=True)
    explanation = models.TextField(blank=True)
    issued_by = models.JSONField(default=dict, blank=True)
    # The authority that validated an order issued by another (e-Evidence Art. 4(1)(b),
    # (2)(b); EIO Art. 2(c)(ii)): {"role", "name", "title"}; empty when not validated.
    validated_by = models.JSONField(default=dict, blank=True)
    emergency = models.BooleanField(default=False)
    emergency_justification = models.TextField(blank=True)
    legal_basis = models.TextField(blank=True)
    statement_of_reasons = models.TextField(blank=True)
    redress = models.TextField(blank=True)
    offences = models.JSONField(default=list, blank=True)
    non_disclosure = models.BooleanField(default=False)
    non_disclosure_until = models.DateField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    vetted_at = models.DateTimeField(null=True, blank=True)
    rules_version = models.CharField(max_length=40, blank=True)
    data_version = models.CharField(max_length=40, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_demands")
    target_count = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.API)
    sender_email = models.CharField(max_length=254, blank=True,
                                    help_text="Who sent it (e-mail intake or requester login)")
    # Queue order: 3 block findings, 2 emergency, 1 warnings, 0 nothing to flag.
    risk = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True,
                                           help_text="Receipt acknowledged to the authority")
    # DSA Transparency Database category (STATEMENT_CATEGORY_*) and keywords, for reports.
    content_category = models.CharField(max_length=80, blank=True)
    category_keywords = models.JSONField(default=list, blank=True)
    # Four-eyes: who recorded the decisions that now wait for a second person.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    awaiting_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # One demand, once: an earlier demand of the authority with the same reference, and the
    # API client's Idempotency-Key with the hash of the request it came with.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The response deadline (demands.due), stored so the queue sorts and filters on an index;
    # written on every save and every update of a column it follows.
    due = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DemandQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["authority", "id"]),
            models.Index(fields=["status", "risk", "id"], name="demand_queue_idx"),
            models.Index(fields=["status", "risk", "due", "id"], name="demand_queue_due_idx"),
            models.Index(fields=["status", "due", "id"], name="demand_due_idx"),
            # Demands without a due date, newest first (PostgreSQL orders by id after
            # "due IS NULL" only in an index made for that condition)
            models.Index(fields=["status", "id"], condition=models.Q(due__isnull=True),
                         name="demand_undated_idx"),
            models.Index(fields=["status", "risk", "id"], condition=models.Q(due__isnull=True),
                         name="demand_queue_undated_idx"),
            models.Index(fields=["status", "jurisdiction", "id"],
                         name="demand_jurisdiction_idx"),
            models.Index(fields=["status", "emergency", "id"], name="demand_emergency_idx"),
            models.Index(fields=["authority", "reference"], name="demand_reference_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["authority", "idempotency_key"],
                                    condition=~models.Q(idempotency_key=""),
                                    name="demand_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.due = due_of(self)
        fields = kwargs.get("update_fields")
        if fields is not None and any(c in fields for c in DUE_COLUMNS):
            kwargs["update_fields"] = {*fields, "due"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES


class Official(models.Model):
    """A person named on a demand as issuing, signing or approving it; screened."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="officials")
    name = models.CharField(max_length=300)
    title = models.CharField(max_length=300, blank=True)
    role = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.name


class Ask(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="asks")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=AskKind.choices)
    data_categories = models.JSONField(default=list, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    days = models.PositiveIntegerField(null=True, blank=True)
    measure = models.CharField(max_length=20, choices=Measure.choices, blank=True)
    territorial_scope = models.JSONField(default=list, blank=True)
    # The restriction also reaches content identical or equivalent to the items named (a
    # stay-down order; Glawischnig-Piesczek, C-18/18).
    equivalent_content = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        detail = self.measure or ",".join(self.data_categories)
        return f"{self.kind} {detail}".strip()


class Target(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="targets")
    type = models.CharField(max_length=10, choices=TargetType.choices)
    identifier = models.CharField(max_length=2048)
    # Facts from the platform connector at vetting time.
    exists = models.BooleanField(null=True)
    country = models.CharField(max_length=2, blank=True)
    data_location = models.CharField(max_length=2, blank=True)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "type", "identifier"],
                                    name="target_unique_per_demand"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.identifier}"


class Document(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="documents")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    path = models.CharField(max_length=500)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename


class Severity(models.TextChoices):
    INFO = "info"
    WARNING = "warning"
    BLOCK = "block"


class FindingQuerySet(models.QuerySet["Finding"]):
    def current(self) -> FindingQuerySet:
        return self.filter(superseded_at__isnull=True)


class Finding(models.Model):
    """One result of vetting; a later vetting supersedes it, and it stays as history."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(max_length=60, db_index=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()
    evidence = models.JSONField(default=dict, blank=True)
    rule = models.CharField(max_length=80)
    rule_version = models.PositiveIntegerField(default=1)
    data_version = models.CharField(max_length=40, blank=True)
    ask_position = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["demand", "superseded_at"])]

    def __str__(self) -> str:
        return f"{self.severity} {self.code}"


class Outcome(models.TextChoices):
    COMPLY = "comply"
    COMPLY_PARTIALLY = "comply_partially"
    REJECT = "reject"
    HOLD = "hold"
    ROUTE_MLAT = "route_mlat"


class Decision(models.Model):
    """What people decided for one ask, and optionally one target of it."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="decisions")
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="decisions")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="decisions",
                               help_text="Empty: the decision covers every target")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason_codes = models.JSONField(default=list, blank=True)
    rationale = models.TextField(blank=True)
    narrowed = models.JSONField(default=dict, blank=True,
                                help_text="Categories and date range when complying in part")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="decisions")
    decided_at = models.DateTimeField(default=timezone.now)
    superseded = models.BooleanField(default=False)
    # What the reviewer found the content to be, in the DSA Transparency Database's terms
    # (STATEMENT_CATEGORY_*, KEYWORD_*); empty: the demand's category applies.
    dsa_category = models.CharField(max_length=80, blank=True)
    dsa_keywords = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.outcome} ask {self.ask_id}"


class ActionKind(models.TextChoices):
    EXPORT = "export"
    PRESERVE = "preserve"
    SUSPEND = "suspend"
    TERMINATE = "terminate"
    REMOVE = "remove"
    DISABLE = "disable"
    WITHHOLD = "withhold"
    # An account withheld in named territories (still active elsewhere): the least
    # restrictive form of an account restriction.
    WITHHOLD_ACCOUNT = "withhold_account", "Withhold account"
    NOTIFY = "notify"


class ActionStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"  # never to run: e.g. the user's objection to a disclosure upheld


#: Statuses an action ends in; a demand is done when every action is in one of them.
ACTION_DONE = (ActionStatus.SUCCEEDED, ActionStatus.CANCELLED)


class Action(models.Model):
    """One idempotent execution step against the platform."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="actions")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    params = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices,
                              default=ActionStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: While running: the worker carrying it out renews this every few seconds; once it
    #: lapses (the worker died or lost its transaction) the action is queued again.
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"]),
                   models.Index(fields=["status", "lease_until"], name="action_lease")]

    def __str__(self) -> str:
        return f"{self.kind} {self.target}"


class NoticeKind(models.TextChoices):
    USER = "user", _("User notice")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    CLARIFICATION_REQUEST = "clarification_request", _("Request for clarification")
    REFUSAL = "refusal", _("Refusal")
    MLAT_REFERRAL = "mlat_referral", _("Referral to mutual legal assistance")
    EFFECT_REPORT = "effect_report", _("Report of what was done")
    PARTIAL_COMPLIANCE = "partial_compliance", _("Partial compliance")


#: Letters that answer "no" to part or all of a demand: a second person approves them.
SECOND_PERSON_LETTERS = frozenset({NoticeKind.REFUSAL, NoticeKind.MLAT_REFERRAL,
                                   NoticeKind.PARTIAL_COMPLIANCE})


class NoticeStatus(models.TextChoices):
    PENDING = "pending"
    SENT = "sent"
    DELAYED = "delayed"
    BARRED = "barred"
    DRAFT = "draft"


class Notice(models.Model):
    """A message to an affected user or to the authority."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="notices")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="notices")
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    recipient = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=NoticeStatus.choices,
                              default=NoticeStatus.PENDING)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    not_before = models.DateField(null=True, blank=True,
                                  help_text="Delayed until a non-disclosure order lapses")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A letter to the authority is a draft until a reviewer sends it; the text generated
    # from the decision is kept beside the (possibly edited) text that was sent.
    generated_subject = models.CharField(max_length=300, blank=True)
    generated_body = models.TextField(blank=True)
    quoted_reasons = models.JSONField(default=list, blank=True,
                                      help_text="Reason keys whose sentences the letter quotes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    addresses = models.JSONField(default=list, blank=True,
                                 help_text="E-mail addresses the letter was sent to")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"

    @property
    def needs_second_person(self) -> bool:
        return self.kind in SECOND_PERSON_LETTERS

    @property
    def edited(self) -> bool:
        return (self.subject, self.body) != (self.generated_subject, self.generated_body)


class PolicyEffect(models.TextChoices):
    PAUSE = "pause", "Pause (hold for review)"
    ROUTE_MLAT = "route_mlat", "Route to MLAT / treaty channel"
    FOUR_EYES = "four_eyes", "Require four-eyes approval"
    HUMAN_RIGHTS_REVIEW = "human_rights_review", "Require human-rights review"
    SCOPE_LIMIT = "scope_limit", "Limit scope"


class Policy(models.Model):
    """A dated rule set by the platform; applies to demands received while it is in force."""

    name = models.CharField(max_length=200)
    effect = models.CharField(max_length=30, choices=PolicyEffect.choices)
    jurisdiction = models.CharField(max_length=2, blank=True, help_text="Empty: any")
    ask_kinds = models.JSONField(default=list, blank=True, help_text="Empty: every kind")
    instruments = models.JSONField(default=list, blank=True, help_text="Empty: every instrument")
    condition = models.TextField(blank=True, help_text="Optional CEL expression")
    params = models.JSONField(default=dict, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Exclusive; empty: open")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "policies"
        ordering = ["valid_from", "id"]

    def __str__(self) -> str:
        return self.name

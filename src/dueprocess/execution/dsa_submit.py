"""Send statements of reasons to the DSA Transparency Database.

The database's API (v1) takes up to 100 statements per ``POST {base}/statements`` with a
bearer token, all or nothing: one invalid statement or one ``puid`` the platform has used
before refuses the whole batch with ``422`` and errors keyed ``statements.<i>.<field>``.

How dueprocess uses it:

- each statement is claimed (``pending``/``failed`` → ``sending``) in one transaction before
  its batch leaves, so two submitters never send the same statement;
- a ``201`` marks the batch ``accepted`` with the database's ``uuid`` of each statement;
- a ``422`` marks the statements it names: a ``puid`` the database already has is
  ``accepted`` (it was delivered before, e.g. by a run that crashed after sending), any other
  error ``rejected`` with the message; the rest of the batch is sent again without them;
- a network error, ``429`` or ``5xx`` is retried with backoff; after the last try the batch is
  ``failed`` and goes out again on the next run; a statement left ``sending`` by a crash is
  sent again after ``STALE_SENDING`` and then counts as delivered if the database reports its
  ``puid`` as taken.

Every outcome is written with an audit event (``dsa.statements_submitted``).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from dueprocess.audit.chain import record
from dueprocess.config import Config
from dueprocess.execution.models import StatementOfReasons, SubmissionStatus
from dueprocess.execution.sor import BATCH_SIZE, StatementBatch, ensure_all

STALE_SENDING = timedelta(minutes=15)
_DUPLICATE = re.compile(r"(not unique|already|taken|exist)", re.IGNORECASE)
_ERROR_KEY = re.compile(r"^statements\.(\d+)\.")


class SubmissionError(Exception):
    """The database could not be reached or did not answer usefully."""


@dataclass(frozen=True)
class ApiSettings:
    url: str
    token: str
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Config) -> ApiSettings | None:
        """The typed settings' endpoint and token; ``None`` while no token is set."""
        if not config.dsa_api_token:
            return None
        return cls(url=config.dsa_api_url, token=config.dsa_api_token)


@dataclass
class Answer:
    status: int
    body: Any


class Client:
    """A thin client of the batch endpoint."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings

    def post_batch(self, body: dict[str, Any]) -> Answer:
        data = json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
            self.settings.url + "statements", data=data, method="POST",
            headers={"Authorization": f"Bearer {self.settings.token}",
                     "Content-Type": "application/json", "Accept": "application/json",
                     "User-Agent": "dueprocess"})
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as r:  # noqa: S310
                return Answer(r.status, _json(r.read()))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _json(exc.read()))
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise SubmissionError(f"the Transparency Database could not be reached: "
                                  f"{getattr(exc, 'reason', exc)}") from exc


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return {"message": raw[:500].decode("utf-8", "replace")}


@dataclass
class Summary:
    accepted: int = 0
    already_there: int = 0
    rejected: int = 0
    failed: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


def _claim(limit: int, now: Any) -> list[StatementOfReasons]:
    """Mark up to ``limit`` statements as being sent by this run; returns them."""
    with transaction.atomic():
        due = (Q(submission__in=(SubmissionStatus.PENDING, SubmissionStatus.FAILED))
               | Q(submission=SubmissionStatus.SENDING, submitted_at__lt=now - STALE_SENDING))
        ids = list(StatementOfReasons.objects.filter(due, in_eea=True)
                   .order_by("id").values_list("id", flat=True)[:limit])
        if not ids:
            return []
        # The status condition again: a concurrent run that claimed a row first wins.
        claimed = StatementOfReasons.objects.filter(due, pk__in=ids).update(
            submission=SubmissionStatus.SENDING, submitted_at=now)
        if claimed == 0:
            return []
        return list(StatementOfReasons.objects.filter(
            pk__in=ids, submission=SubmissionStatus.SENDING, submitted_at=now).order_by("id"))


def _errors_by_index(body: Any) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, dict):
        for key, messages in errors.items():
            m = _ERROR_KEY.match(str(key))
            if m:
                texts = messages if isinstance(messages, list) else [messages]
                out.setdefault(int(m.group(1)), []).extend(
                    f"{str(key).split('.', 2)[-1]}: {t}" for t in texts)
    return out


def _mark(rows: Sequence[StatementOfReasons], status: str, *, error: str = "",
          uuids: Mapping[str, str] | None = None) -> None:
    now = timezone.now()
    for row in rows:
        row.submission = status
        row.submission_attempts += 1
        row.submitted_at = now
        row.submission_error = error[:2000]
        if uuids is not None:
            row.submission_uuid = str(uuids.get(row.puid, ""))[:64]
        row.save(update_fields=["submission", "submission_attempts", "submitted_at",
                                "submission_error", "submission_uuid"])


def _settle(rows: Sequence[StatementOfReasons], status: str, outcome: str, error: str) -> None:
    """A batch that ends without the database taking it: its state and the audit event."""
    with transaction.atomic():
        _mark(rows, status, error=error)
        record("dsa.statements_submitted", actor="system", payload={
            "outcome": outcome, "puids": [r.puid for r in rows], "error": error[:500]})


def _send(client: Client, rows: list[StatementOfReasons], summary: Summary, *,
          tries: int, sleep: Callable[[float], None]) -> None:
    """Send one claimed batch until every statement in it has an outcome."""
    attempt = 0
    while rows:
        body = StatementBatch.model_validate(
            {"statements": [r.statement for r in rows]}).model_dump(mode="json",
                                                                     exclude_none=True)
        try:
            answer: Answer | None = client.post_batch(body)
            problem = ""
        except SubmissionError as exc:
            answer, problem = None, str(exc)
        if answer is not None and answer.status in (200, 201):
            created = answer.body.get("statements") if isinstance(answer.body, dict) else None
            uuids = {str(s.get("puid")): str(s.get("uuid", "")) for s in created or ()
                     if isinstance(s, dict)}
            with transaction.atomic():
                _mark(rows, SubmissionStatus.ACCEPTED, uuids=uuids)
                record("dsa.statements_submitted", actor="system", payload={
                    "outcome": "accepted", "puids": [r.puid for r in rows]})
            summary.accepted += len(rows)
            summary.batches += 1
            return
        if answer is not None and answer.status == 422:
            by_index = _errors_by_index(answer.body)
            if not by_index:  # refused as a whole with no statement named: not retried
                message = str((answer.body or {}).get("message", "refused")
                              if isinstance(answer.body, dict) else answer.body)
                _settle(rows, SubmissionStatus.REJECTED, "rejected", message)
                summary.rejected += len(rows)
                summary.errors.append(message)
                return
            there = [rows[i] for i, msgs in by_index.items() if i < len(rows)
                     and all(m.startswith("puid") and _DUPLICATE.search(m) for m in msgs)]
            bad = [rows[i] for i in by_index if i < len(rows) and rows[i] not in there]
            with transaction.atomic():
                if there:
                    _mark(there, SubmissionStatus.ACCEPTED,
                          error="the database already had this puid")
                for row in bad:
                    message = "; ".join(by_index[rows.index(row)])
                    _mark([row], SubmissionStatus.REJECTED, error=message)
                    summary.errors.append(f"{row.puid}: {message}")
                record("dsa.statements_submitted", actor="system", payload={
                    "outcome": "partly_refused", "already_there": [r.puid for r in there],
                    "rejected": [r.puid for r in bad]})
            summary.already_there += len(there)
            summary.rejected += len(bad)
            rows = [r for r in rows if r not in there and r not in bad]
            continue
        if answer is not None and answer.status not in (408, 429) and answer.status < 500:
            message = f"HTTP {answer.status}: {str(answer.body)[:300]}"
            with transaction.atomic():  # 401, 403, 404: a setting to fix; sent again later
                _mark(rows, SubmissionStatus.FAILED, error=message)
            summary.failed += len(rows)
            summary.errors.append(message)
            return
        attempt += 1
        problem = problem or f"HTTP {answer.status if answer else '?'}"
        if attempt >= tries:
            _settle(rows, SubmissionStatus.FAILED, "failed", problem)
            summary.failed += len(rows)
            summary.errors.append(problem)
            return
        sleep(min(2.0 ** attempt, 60.0))


def submit_pending(client: Client, *, limit: int | None = None, tries: int = 4,
                   batch_size: int = BATCH_SIZE,
                   sleep: Callable[[float], None] = time.sleep) -> Summary:
    """Send every statement with effect in the EEA that the database does not have yet."""
    ensure_all()
    summary = Summary()
    size = max(1, min(batch_size, BATCH_SIZE))
    left = limit
    while left is None or left > 0:
        now = timezone.now()
        rows = _claim(size if left is None else min(size, left), now)
        if not rows:
            break
        if left is not None:
            left -= len(rows)
        _send(client, rows, summary, tries=tries, sleep=sleep)
        if summary.failed:
            break  # the database is unreachable or refuses us: stop, leave the rest queued
    return summary


def submit_when_due(now: datetime | None = None) -> int:
    """Maintenance job: send what is pending once the interval has passed since the last
    attempt; returns the statements the database took.

    Runs only when a Transparency Database token is configured and the interval is not 0.
    The interval runs from the newest ``submitted_at`` (any outcome), so failures wait a
    full interval before going out again; the claim in :func:`submit_pending` keeps two
    workers from ever sending a statement twice.
    """
    config: Config = django_settings.DUEPROCESS
    api = ApiSettings.from_config(config)
    if api is None or not config.dsa_submission_scheduled:
        return 0
    now = now or timezone.now()
    last = StatementOfReasons.objects.aggregate(last=Max("submitted_at"))["last"]
    if last is not None and last > now - timedelta(minutes=config.dsa_submit_every_minutes):
        return 0
    summary = submit_pending(Client(api))
    return summary.accepted + summary.already_there


def requeue_rejected(puids: Sequence[str] = ()) -> int:
    """Put rejected statements back in the queue (after their statement was rebuilt)."""
    qs = StatementOfReasons.objects.filter(submission=SubmissionStatus.REJECTED)
    if puids:
        qs = qs.filter(puid__in=list(puids))
    return qs.update(submission=SubmissionStatus.PENDING)

"""The connector to the demo platform: the platform side of every action, in process.

It behaves as a careful real platform would: targets are resolved from whatever identifier
an authority used (handle, numeric id, e-mail, phone, URL), unknown targets are refused
with :class:`ConnectorError`, and every mutating call is recorded under its idempotency
key in the same transaction as its effect, so a repeated call returns the first result
and changes nothing.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dueprocess.demo.models import (
    AccountStatus,
    Hold,
    LoginRecord,
    PlatformAccount,
    PlatformOperation,
    Post,
    PostStatus,
    UserMessage,
)
from dueprocess.demo.platform import BASE_URL
from dueprocess.execution.connectors.base import ConnectorError, Export, TargetInfo

_HOST = BASE_URL.split("://", 1)[1]
_PHONE = re.compile(r"^(tel:)?\+?[\d\s().\-]{6,}$")
_CATEGORIES = ("subscriber", "traffic", "content")
_MEASURES_ACCOUNT = {"suspend": AccountStatus.SUSPENDED, "terminate": AccountStatus.TERMINATED}
_MEASURES_CONTENT = {"remove": PostStatus.REMOVED, "disable": PostStatus.DISABLED}


def normalise_url(url: str) -> str:
    """One spelling per post: https, no www, no query or fragment, no trailing slash."""
    text = url.strip()
    lowered = text.lower()
    for scheme in ("https://", "http://"):
        if lowered.startswith(scheme):
            text = text[len(scheme):]
            break
    text = re.split(r"[?#]", text, maxsplit=1)[0].rstrip("/")
    host, _, path = text.partition("/")
    host = host.lower().removeprefix("www.")
    return f"https://{host}/{path.lower()}" if path else f"https://{host}"


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _in_range(qs: Any, field: str, date_from: date | None, date_to: date | None) -> Any:
    if date_from is not None:
        qs = qs.filter(**{f"{field}__gte": _day_start(date_from)})
    if date_to is not None:  # inclusive: the whole last day
        qs = qs.filter(**{f"{field}__lt": _day_start(date_to + timedelta(days=1))})
    return qs


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


class DemoConnector:
    name = "demo"

    # ------------------------------------------------------------------ resolution

    def _find_account(self, identifier: str) -> PlatformAccount | None:
        ident = identifier.strip()
        qs = PlatformAccount.objects.all()
        if not ident:
            return None
        if ident.lower().startswith(("http://", "https://", "www.", _HOST)):
            url = normalise_url(ident if "://" in ident else f"https://{ident}")
            prefix = f"{BASE_URL}/"
            if not url.startswith(prefix) or "/" in url[len(prefix):]:
                return None
            return qs.filter(handle=url[len(prefix):]).first()
        if ident.startswith("@"):
            return qs.filter(handle=ident[1:].lower()).first()
        if "@" in ident:
            return qs.filter(email__iexact=ident).first()
        if ident.isdigit():
            found = qs.filter(uid=int(ident)).first()
            return found or qs.filter(phone=f"+{ident}").first()
        if _PHONE.match(ident):
            return qs.filter(phone=f"+{_digits(ident)}").first()
        return qs.filter(handle=ident.lower()).first()

    def _find_post(self, identifier: str) -> Post | None:
        ident = identifier.strip()
        qs = Post.objects.select_related("account")
        if ident.isdigit():
            return qs.filter(uid=int(ident)).first()
        if not ident:
            return None
        return qs.filter(url=normalise_url(ident if "://" in ident else
                                           f"https://{ident}")).first()

    def _account(self, identifier: str) -> PlatformAccount:
        account = self._find_account(identifier)
        if account is None:
            raise ConnectorError(f"no account {identifier!r} on the platform")
        return account

    def _post(self, identifier: str) -> Post:
        post = self._find_post(identifier)
        if post is None:
            raise ConnectorError(f"no content {identifier!r} on the platform")
        return post

    def lookup(self, target_type: str, identifier: str) -> TargetInfo:
        if target_type == "content":
            post = self._find_post(identifier)
            if post is None:
                return TargetInfo(exists=False)
            owner = post.account
        elif target_type == "account":
            found = self._find_account(identifier)
            if found is None:
                return TargetInfo(exists=False)
            owner = found
        else:
            raise ConnectorError(f"unknown target type {target_type!r}")
        return TargetInfo(exists=True, country=owner.country,
                          data_location=owner.data_location, flags=tuple(owner.flags or ()),
                          account=owner.handle)

    # ------------------------------------------------------------------ idempotency

    def _once(self, key: str, kind: str, act: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run ``act`` and record it under ``key`` in one transaction, unless already done."""
        if not key:
            raise ConnectorError("a mutating call needs an idempotency key")
        try:
            with transaction.atomic():
                op = PlatformOperation.objects.select_for_update().filter(
                    idempotency_key=key).first()
                if op is not None:
                    return self._replay(op, kind)
                result = act()
                PlatformOperation.objects.create(idempotency_key=key, kind=kind, result=result)
                return result
        except IntegrityError:
            # A concurrent call with the same key committed first; its effect stands.
            op = PlatformOperation.objects.filter(idempotency_key=key).first()
            if op is None:
                raise
            return self._replay(op, kind)

    @staticmethod
    def _replay(op: PlatformOperation, kind: str) -> dict[str, Any]:
        if op.kind != kind:
            raise ConnectorError(
                f"idempotency key {op.idempotency_key!r} was already used for {op.kind}")
        stored: dict[str, Any] = op.result
        return stored

    # ------------------------------------------------------------------ operations

    def export(self, account: str, categories: tuple[str, ...], date_from: date | None,
               date_to: date | None, *, key: str) -> Export:
        unknown = sorted(set(categories) - set(_CATEGORIES))
        if unknown:
            raise ConnectorError(f"unknown data categories: {', '.join(unknown)}")
        if not categories:
            raise ConnectorError("an export needs at least one data category")

        def act() -> dict[str, Any]:
            files = self._export_files(self._account(account), set(categories),
                                       date_from, date_to)
            return {"files": {n: base64.b64encode(b).decode() for n, b in files.items()}}

        # Recorded like a mutation so a repeated export returns the very same bytes the
        # first one did (and the platform keeps a ledger of what it disclosed).
        result = self._once(key, "export", act)
        return Export(files={n: base64.b64decode(b) for n, b in result["files"].items()})

    def _export_files(self, acc: PlatformAccount, categories: set[str],
                      date_from: date | None, date_to: date | None) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        if "subscriber" in categories:
            files["subscriber.json"] = _json({
                "id": str(acc.uid), "handle": acc.handle, "name": acc.display_name,
                "email": acc.email, "phone": acc.phone, "created": _iso(acc.created_at),
                "country": acc.country, "status": acc.status,
            })
        if "traffic" in categories:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["timestamp_utc", "ip", "user_agent"])
            logins = _in_range(LoginRecord.objects.filter(account=acc), "at", date_from,
                               date_to).order_by("at", "id")
            for login in logins:
                writer.writerow([_iso(login.at), login.ip, login.user_agent])
            files["logins.csv"] = out.getvalue().encode()
        if "content" in categories:
            posts = _in_range(Post.objects.filter(account=acc), "created_at", date_from,
                              date_to).order_by("created_at", "id")
            files["posts.json"] = _json([
                {"id": str(p.uid), "url": p.url, "created": _iso(p.created_at),
                 "text": p.text, "status": p.status, "withheld_in": p.withheld_in}
                for p in posts
            ])
        return files

    def preserve(self, account: str, days: int, *, key: str) -> dict[str, Any]:
        if days < 1:
            raise ConnectorError("a hold lasts at least one day")

        def act() -> dict[str, Any]:
            acc = self._account(account)
            until = timezone.now().date() + timedelta(days=days)
            hold = Hold.objects.create(account=acc, until=until, idempotency_key=key)
            return {"account": acc.handle, "hold": hold.pk, "until": until.isoformat()}

        return self._once(key, "preserve", act)

    def restrict_account(self, account: str, measure: str, *, key: str) -> dict[str, Any]:
        if measure not in _MEASURES_ACCOUNT:
            raise ConnectorError(f"unknown account measure {measure!r}")

        def act() -> dict[str, Any]:
            acc = self._account(account)
            before = acc.status
            # Termination is final: a later suspension does not undo it.
            if before != AccountStatus.TERMINATED:
                acc.status = _MEASURES_ACCOUNT[measure]
                acc.save(update_fields=["status"])
            return {"account": acc.handle, "measure": measure, "before": before,
                    "status": acc.status}

        return self._once(key, "restrict_account", act)

    def restrict_content(self, content: str, measure: str, territories: tuple[str, ...], *,
                         key: str) -> dict[str, Any]:
        if measure not in (*_MEASURES_CONTENT, "withhold"):
            raise ConnectorError(f"unknown content measure {measure!r}")
        scope = sorted({t.strip().upper() for t in territories if t.strip()})
        if measure == "withhold" and not scope:
            raise ConnectorError("withholding needs at least one territory")

        def act() -> dict[str, Any]:
            post = self._post(content)
            if measure == "withhold":
                post.withheld_in = sorted(set(post.withheld_in or ()) | set(scope))
            elif post.status != PostStatus.REMOVED:  # removal is the strongest measure
                post.status = _MEASURES_CONTENT[measure]
            post.save(update_fields=["status", "withheld_in"])
            return {"content": post.url, "measure": measure, "territories": scope,
                    "status": post.status, "withheld_in": post.withheld_in}

        return self._once(key, "restrict_content", act)

    def notify_user(self, account: str, subject: str, body: str, *,
                    key: str) -> dict[str, Any]:
        def act() -> dict[str, Any]:
            acc = self._account(account)
            message = UserMessage.objects.create(account=acc, subject=subject[:300], body=body)
            return {"account": acc.handle, "message": message.pk,
                    "at": _iso(message.at)}

        return self._once(key, "notify_user", act)

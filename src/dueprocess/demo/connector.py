"""The connector to the demo platform: the platform side of every action, in process.

It behaves as a careful real platform would: targets are resolved from whatever identifier
an authority used (handle, numeric id, e-mail, phone, URL), unknown targets are refused
with :class:`ConnectorError`, and every mutating call is recorded under its idempotency
key in the same transaction as its effect, so a repeated call returns the first result
and changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dueprocess.connectors.base import (
    ConnectorError,
    Export,
    PermanentConnectorError,
    TargetInfo,
    territorial,
)
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
from dueprocess.exports import csv_dicts
from dueprocess.locking import for_update

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


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    return csv_dicts(rows, columns).encode()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


_LANGUAGE_BY_COUNTRY = {"HK": "zh-hant", "TW": "zh-hant", "MO": "zh-hant", "DE": "de",
                        "AT": "de", "CH": "de"}


def language_of(country: str) -> str:
    """The demo platform has no language setting; it infers one from the country."""
    return _LANGUAGE_BY_COUNTRY.get(country.upper(), "en")


class IdempotencyConflict(PermanentConnectorError):
    """An idempotency key was reused for another request: nothing was done."""

    status = 409
    code = "idempotency_conflict"


def _fingerprint(kind: str, request: dict[str, Any]) -> str:
    body = json.dumps({"operation": kind, "params": request}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _account_type(acc: PlatformAccount) -> str:
    """Organisations (NGOs, media, businesses) hold business accounts; people private ones."""
    return "business" if {"ngo", "media", "business"} & set(acc.flags or ()) else "private"


SUBSCRIBER_COLUMNS = ["id", "handle", "name", "email", "phone", "created", "country", "status"]
LOGIN_COLUMNS = ["timestamp_utc", "ip", "user_agent"]
POST_COLUMNS = ["id", "url", "created", "text", "status", "withheld_in"]


def _live_records(acc: PlatformAccount) -> dict[str, Any]:
    """The account's data as it stands, in the form exports and holds keep it."""
    return {
        "taken": _iso(timezone.now()),
        "subscriber": {
            "id": str(acc.uid), "handle": acc.handle, "name": acc.display_name,
            "email": acc.email, "phone": acc.phone, "created": _iso(acc.created_at),
            "country": acc.country, "status": acc.status,
        },
        "logins": [{"timestamp_utc": _iso(login.at), "ip": login.ip,
                    "user_agent": login.user_agent}
                   for login in LoginRecord.objects.filter(account=acc).order_by("at", "id")],
        "posts": [{"id": str(p.uid), "url": p.url, "created": _iso(p.created_at),
                   "text": p.text, "status": p.status, "withheld_in": p.withheld_in}
                  for p in Post.objects.filter(account=acc).order_by("created_at", "id")],
    }


def _records(acc: PlatformAccount, holds: list[Hold]) -> dict[str, Any]:
    """Live data merged with what the holds preserved; the preserved version of a record
    wins, and records deleted since a hold began are still there."""
    merged = _live_records(acc)
    for hold in holds:
        snap = hold.snapshot or {}
        if snap.get("subscriber"):
            merged["subscriber"] = snap["subscriber"]
        for name, key in (("logins", "timestamp_utc"), ("posts", "id")):
            live = {(r[key], r.get("ip", "")): r for r in merged[name]}
            for row in snap.get(name, []):
                live[(row[key], row.get("ip", ""))] = row
            merged[name] = sorted(live.values(), key=lambda r: (r.get("created") or
                                                                r.get("timestamp_utc", "")))
    return merged


def _within(stamp: str, date_from: date | None, date_to: date | None) -> bool:
    day = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).date()
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def _export_files(records: dict[str, Any], categories: set[str], date_from: date | None,
                  date_to: date | None) -> dict[str, bytes]:
    """Each category as JSON and as CSV: JSON keeps types, CSV opens in a spreadsheet."""
    files: dict[str, bytes] = {}
    if "subscriber" in categories:
        sub = records["subscriber"]
        files["subscriber.json"] = _json(sub)
        files["subscriber.csv"] = _csv([sub], SUBSCRIBER_COLUMNS)
    if "traffic" in categories:
        logins = [r for r in records["logins"]
                  if _within(r["timestamp_utc"], date_from, date_to)]
        files["logins.json"] = _json(logins)
        files["logins.csv"] = _csv(logins, LOGIN_COLUMNS)
    if "content" in categories:
        posts = [r for r in records["posts"] if _within(r["created"], date_from, date_to)]
        files["posts.json"] = _json(posts)
        files["posts.csv"] = _csv(posts, POST_COLUMNS)
    return files


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
        created: datetime
        if target_type == "content":
            post = self._find_post(identifier)
            if post is None:
                return TargetInfo(exists=False)
            owner, created = post.account, post.created_at
        elif target_type == "account":
            found = self._find_account(identifier)
            if found is None:
                return TargetInfo(exists=False)
            owner, created = found, found.created_at
        else:
            raise ConnectorError(f"unknown target type {target_type!r}")
        return TargetInfo(exists=True, country=owner.country,
                          data_location=owner.data_location, flags=tuple(owner.flags or ()),
                          account=owner.handle, language=language_of(owner.country),
                          created=created.date().isoformat())

    def lookup_many(self, target_type: str, identifiers: list[str]) -> list[TargetInfo]:
        """One query per kind of identifier instead of one per target (bulk uploads).

        Post URLs and ids and plain handles are answered in bulk; anything else (e-mail
        addresses, phone numbers, profile URLs) goes through :meth:`lookup`.
        """
        if target_type not in ("content", "account"):
            raise ConnectorError(f"unknown target type {target_type!r}")
        keys: dict[str, tuple[str, Any]] = {}
        for ident in identifiers:
            text = ident.strip()
            if not text:
                continue
            if target_type == "content":
                keys[ident] = (("uid", int(text)) if text.isdigit() else
                               ("url", normalise_url(text if "://" in text
                                                     else f"https://{text}")))
            elif text.startswith("@"):
                keys[ident] = ("handle", text[1:].lower())
            elif not (text.isdigit() or "@" in text or _PHONE.match(text)
                      or text.lower().startswith(("http://", "https://", "www.", _HOST))):
                keys[ident] = ("handle", text.lower())
        owners: dict[tuple[str, Any], tuple[PlatformAccount, datetime]] = {}
        for field in ("uid", "url", "handle"):
            values = sorted({v for f, v in keys.values() if f == field})
            # Chunks of one size keep each query's text the same, so drivers cache it.
            for chunk in (values[i:i + 500] for i in range(0, len(values), 500)):
                if target_type == "content":
                    for post in Post.objects.select_related("account").filter(
                            **{f"{field}__in": chunk}):
                        owners[(field, getattr(post, field))] = (post.account,
                                                                 post.created_at)
                else:
                    for acc in PlatformAccount.objects.filter(**{f"{field}__in": chunk}):
                        owners[(field, getattr(acc, field))] = (acc, acc.created_at)
        out: list[TargetInfo] = []
        for ident in identifiers:
            key = keys.get(ident)
            if key is None:
                out.append(self.lookup(target_type, ident))
                continue
            found = owners.get(key)
            if found is None:
                out.append(TargetInfo(exists=False))
                continue
            owner, created = found
            out.append(TargetInfo(exists=True, country=owner.country,
                                  data_location=owner.data_location,
                                  flags=tuple(owner.flags or ()), account=owner.handle,
                                  language=language_of(owner.country),
                                  created=created.date().isoformat()))
        return out

    # ------------------------------------------------------------------ idempotency

    def _once(self, key: str, kind: str, act: Callable[[], dict[str, Any]],
              request: dict[str, Any]) -> dict[str, Any]:
        """Run ``act`` and record it under ``key`` in one transaction, unless already done.

        The same key with the same request returns the stored result and does nothing; the
        same key with a different request is refused (``409 idempotency_conflict``, as the
        webhook protocol in docs/connectors.md says) and does nothing either."""
        if not key:
            raise ConnectorError("a mutating call needs an idempotency key")
        fingerprint = _fingerprint(kind, request)
        try:
            with transaction.atomic():
                op = for_update(PlatformOperation.objects).filter(
                    idempotency_key=key).first()
                if op is not None:
                    return self._replay(op, kind, fingerprint)
                result = act()
                PlatformOperation.objects.create(idempotency_key=key, kind=kind, result=result,
                                                 request_sha256=fingerprint)
                return result
        except IntegrityError:
            # A concurrent call with the same key committed first; its effect stands.
            op = PlatformOperation.objects.filter(idempotency_key=key).first()
            if op is None:
                raise
            return self._replay(op, kind, fingerprint)

    @staticmethod
    def _replay(op: PlatformOperation, kind: str, fingerprint: str) -> dict[str, Any]:
        if op.kind != kind or (op.request_sha256 and op.request_sha256 != fingerprint):
            raise IdempotencyConflict(
                f"409 idempotency_conflict: key {op.idempotency_key!r} was already used for "
                f"a different request ({op.kind})")
        stored: dict[str, Any] = op.result
        return stored

    # ------------------------------------------------------------------ operations

    def export(self, account: str, categories: tuple[str, ...], date_from: date | None,
               date_to: date | None, *, key: str, holds: tuple[str, ...] = ()) -> Export:
        unknown = sorted(set(categories) - set(_CATEGORIES))
        if unknown:
            raise ConnectorError(f"unknown data categories: {', '.join(unknown)}")
        if not categories:
            raise ConnectorError("an export needs at least one data category")

        def act() -> dict[str, Any]:
            acc = self._account(account)
            preserved = self._holds(acc, holds)
            files = _export_files(_records(acc, preserved), set(categories), date_from,
                                  date_to)
            return {"files": {n: base64.b64encode(b).decode() for n, b in files.items()},
                    "holds": [str(h.pk) for h in preserved]}

        # Recorded like a mutation so a repeated export returns the very same bytes the
        # first one did (and the platform keeps a ledger of what it disclosed).
        result = self._once(key, "export", act,
                            {"account": account, "categories": sorted(categories),
                             "date_from": str(date_from), "date_to": str(date_to),
                             "holds": sorted(map(str, holds))})
        return Export(files={n: base64.b64decode(b) for n, b in result["files"].items()},
                      source={"holds": result.get("holds", [])})

    @staticmethod
    def _holds(acc: PlatformAccount, refs: tuple[str, ...]) -> list[Hold]:
        """The named holds of this account that still keep data (not released)."""
        ids = [int(r) for r in refs if str(r).isdigit()]
        return list(Hold.objects.filter(pk__in=ids, account=acc, released_at__isnull=True)
                    .order_by("pk"))

    def preserve(self, account: str, days: int, *, key: str) -> dict[str, Any]:
        if days < 1:
            raise ConnectorError("a hold lasts at least one day")

        def act() -> dict[str, Any]:
            acc = self._account(account)
            until = timezone.now().date() + timedelta(days=days)
            hold = Hold.objects.create(account=acc, until=until, idempotency_key=key,
                                       snapshot=_live_records(acc))
            return {"account": acc.handle, "hold": str(hold.pk), "until": until.isoformat()}

        return self._once(key, "preserve", act, {"account": account, "days": days})

    def _hold(self, ref: str) -> Hold:
        hold = (for_update(Hold.objects).select_related("account")
                .filter(pk=int(ref)).first() if str(ref).isdigit() else None)
        if hold is None:
            raise ConnectorError(f"no hold {ref!r} on the platform")
        return hold

    def extend_preservation(self, hold: str, until: date, *, key: str) -> dict[str, Any]:
        def act() -> dict[str, Any]:
            row = self._hold(hold)
            if row.released_at is not None:
                raise ConnectorError(f"hold {hold} was released and cannot be extended")
            row.until = max(row.until, until)  # a hold is never shortened by an extension
            row.save(update_fields=["until"])
            return {"account": row.account.handle, "hold": str(row.pk),
                    "until": row.until.isoformat()}

        return self._once(key, "extend_preservation", act,
                          {"hold": hold, "until": until.isoformat()})

    def release_preservation(self, hold: str, *, key: str) -> dict[str, Any]:
        def act() -> dict[str, Any]:
            row = self._hold(hold)
            if row.released_at is None:
                row.released_at = timezone.now()
                row.snapshot = {}
                row.save(update_fields=["released_at", "snapshot"])
            assert row.released_at is not None
            return {"account": row.account.handle, "hold": str(row.pk),
                    "released": _iso(row.released_at)}

        return self._once(key, "release_preservation", act, {"hold": hold})

    def restrict_account(self, account: str, measure: str, *, key: str,
                         territories: tuple[str, ...] = ()) -> dict[str, Any]:
        if measure not in (*_MEASURES_ACCOUNT, "withhold"):
            raise ConnectorError(f"unknown account measure {measure!r}")
        done, scope = territorial(measure, territories)
        if done == "withhold" and not scope:
            raise ConnectorError("withholding needs at least one territory")

        def act() -> dict[str, Any]:
            acc = self._account(account)
            before = acc.status
            if done == "withhold":
                acc.withheld_in = sorted(set(acc.withheld_in or ()) | set(scope))
            # Termination is final: a later suspension does not undo it.
            elif before != AccountStatus.TERMINATED:
                acc.status = _MEASURES_ACCOUNT[done]
            acc.save(update_fields=["status", "withheld_in"])
            return {"account": acc.handle, "measure": done, "requested": measure,
                    "territories": scope, "before": before, "status": acc.status,
                    "withheld_in": acc.withheld_in, "account_type": _account_type(acc),
                    "created": acc.created_at.date().isoformat()}

        return self._once(key, "restrict_account", act,
                          {"account": account, "measure": measure,
                           "territories": sorted(territories)})

    def restrict_content(self, content: str, measure: str, territories: tuple[str, ...], *,
                         key: str) -> dict[str, Any]:
        if measure not in (*_MEASURES_CONTENT, "withhold"):
            raise ConnectorError(f"unknown content measure {measure!r}")
        # A removal limited to territories is a withholding there, never a global removal.
        done, scope = territorial(measure, territories)
        if done == "withhold" and not scope:
            raise ConnectorError("withholding needs at least one territory")

        def act() -> dict[str, Any]:
            post = self._post(content)
            if done == "withhold":
                post.withheld_in = sorted(set(post.withheld_in or ()) | set(scope))
            elif post.status != PostStatus.REMOVED:  # removal is the strongest measure
                post.status = _MEASURES_CONTENT[done]
            post.save(update_fields=["status", "withheld_in"])
            return {"content": post.url, "account": post.account.handle, "measure": done,
                    "requested": measure, "territories": scope, "status": post.status,
                    "withheld_in": post.withheld_in, "account_type": _account_type(post.account),
                    "language": language_of(post.account.country),
                    "created": post.created_at.date().isoformat()}

        return self._once(key, "restrict_content", act,
                          {"content": content, "measure": measure,
                           "territories": sorted(territories)})

    def notify_user(self, account: str, subject: str, body: str, *, key: str,
                    language: str = "en") -> dict[str, Any]:
        def act() -> dict[str, Any]:
            acc = self._account(account)
            message = UserMessage.objects.create(account=acc, subject=subject[:300], body=body,
                                                 language=language[:10])
            return {"account": acc.handle, "message": message.pk,
                    "at": _iso(message.at)}

        return self._once(key, "notify_user", act,
                          {"account": account, "subject": subject, "body": body})

"""The demo world is the same on every install and seeding it twice changes nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from dueprocess.demo import platform
from dueprocess.demo.models import LoginRecord, PlatformAccount, Post

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[Any, ...]]:
    return list(PlatformAccount.objects.order_by("handle").values_list(
        "handle", "uid", "display_name", "email", "phone", "country", "data_location",
        "created_at"))


def test_seed_builds_a_few_hundred_accounts_quickly() -> None:
    began = time.perf_counter()
    added = platform.seed_platform()
    elapsed = time.perf_counter() - began
    assert 250 <= added["accounts"] <= 500
    assert added["posts"] > added["accounts"]
    assert added["logins"] > added["accounts"]
    assert PlatformAccount.objects.count() == added["accounts"]
    assert set(PlatformAccount.objects.values_list("country", flat=True)) >= {
        "HK", "US", "DE", "FR", "BR"}
    assert elapsed < 2.0


def test_the_named_accounts_and_posts_exist() -> None:
    platform.seed_platform()
    for handle in platform.FIXED_HANDLES:
        assert PlatformAccount.objects.filter(handle=handle).exists(), handle
    for url in (*platform.HK_PROTEST_POSTS, platform.DE_HATE_POST,
                platform.BR_DISINFORMATION_POST, *platform.US_SUSPECT_POSTS):
        assert Post.objects.filter(url=url).exists(), url
    activist = PlatformAccount.objects.get(handle=platform.HK_ACTIVIST)
    assert (activist.country, activist.data_location) == ("HK", "US")
    assert "human_rights_defender" in activist.flags
    assert "journalist" in PlatformAccount.objects.get(handle=platform.HK_JOURNALIST).flags
    assert "光復香港 時代革命" in Post.objects.get(url=platform.HK_SLOGAN_POST).text


def test_seeding_again_adds_nothing_and_keeps_changes() -> None:
    platform.seed_platform()
    before = (_snapshot(), Post.objects.count(), LoginRecord.objects.count())
    PlatformAccount.objects.filter(handle=platform.US_SUSPECT).update(status="suspended")
    assert platform.seed_platform() == {"accounts": 0, "posts": 0, "logins": 0}
    assert (_snapshot(), Post.objects.count(), LoginRecord.objects.count()) == before
    assert PlatformAccount.objects.get(handle=platform.US_SUSPECT).status == "suspended"


def test_seeding_is_deterministic_and_restores_a_deleted_account() -> None:
    platform.seed_platform()
    first = _snapshot()
    posts = list(Post.objects.filter(account__handle=platform.HK_ACTIVIST)
                 .values_list("uid", "url", "text"))
    PlatformAccount.objects.filter(handle=platform.HK_ACTIVIST).delete()
    added = platform.seed_platform()
    assert added["accounts"] == 1
    assert _snapshot() == first
    assert list(Post.objects.filter(account__handle=platform.HK_ACTIVIST)
                .values_list("uid", "url", "text")) == posts

    PlatformAccount.objects.all().delete()
    platform.seed_platform()
    assert _snapshot() == first


def test_personal_data_uses_reserved_ranges() -> None:
    platform.seed_platform()
    emails = PlatformAccount.objects.values_list("email", flat=True)
    assert all(e.rsplit("@", 1)[1].startswith("example.") for e in emails)
    ips = LoginRecord.objects.values_list("ip", flat=True)
    assert all(ip.startswith(("192.0.2.", "198.51.100.", "203.0.113.", "2001:db8:"))
               for ip in ips)

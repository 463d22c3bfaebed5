"""The demo connector resolves targets like a platform would and never acts twice."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dueprocess.connectors import get_connector
from dueprocess.connectors.base import ConnectorError
from dueprocess.demo import platform
from dueprocess.demo.connector import DemoConnector, normalise_url
from dueprocess.demo.models import (
    Hold,
    LoginRecord,
    PlatformAccount,
    PlatformOperation,
    Post,
    UserMessage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> DemoConnector:
    platform.seed_platform()
    return DemoConnector()


def test_get_connector_returns_the_demo_platform() -> None:
    assert get_connector().name == "demo"


def test_an_account_is_found_by_any_identifier(demo: DemoConnector) -> None:
    acc = PlatformAccount.objects.get(handle=platform.HK_ACTIVIST)
    spellings = [
        acc.handle, f"@{acc.handle}", acc.handle.upper(), str(acc.uid), acc.email.upper(),
        f"{acc.phone[:4]} {acc.phone[4:8]} {acc.phone[8:]}", acc.phone[1:],
        f"https://demo.social/{acc.handle}", f"HTTP://www.Demo.Social/{acc.handle}/",
    ]
    for spelling in spellings:
        info = demo.lookup("account", spelling)
        assert info.exists, spelling
        assert (info.account, info.country, info.data_location) == (acc.handle, "HK", "US")
        assert info.flags == ("human_rights_defender",)


def test_content_is_found_by_url_in_any_case_or_by_id(demo: DemoConnector) -> None:
    post = Post.objects.get(url=platform.HK_SLOGAN_POST)
    upper = platform.HK_SLOGAN_POST.upper().replace("HTTPS://", "http://")
    for spelling in (platform.HK_SLOGAN_POST, platform.HK_SLOGAN_POST + "/", upper,
                     platform.HK_SLOGAN_POST + "?s=20#reply", str(post.uid),
                     platform.HK_SLOGAN_POST.removeprefix("https://")):
        info = demo.lookup("content", spelling)
        assert info.exists, spelling
        assert (info.account, info.country) == (platform.HK_ACTIVIST, "HK")


def test_unknown_targets_do_not_exist(demo: DemoConnector) -> None:
    for kind, ident in [("account", "nobody_here"), ("account", "nobody@example.com"),
                        ("account", "+15555550000"), ("account", "123"), ("account", ""),
                        ("account", "https://demo.social/standwithhk/posts/1"),
                        ("content", "https://demo.social/standwithhk/posts/999"),
                        ("content", "https://elsewhere.example/standwithhk/posts/1"),
                        ("content", "42")]:
        assert not demo.lookup(kind, ident).exists, (kind, ident)
    with pytest.raises(ConnectorError):
        demo.lookup("hashtag", "#612")


def test_url_normalisation() -> None:
    assert normalise_url(" HTTP://WWW.Demo.Social/A/posts/1/?x=1#y ") == \
        "https://demo.social/a/posts/1"


def test_the_same_key_twice_acts_once(demo: DemoConnector) -> None:
    first = demo.restrict_account(platform.US_SUSPECT, "suspend", key="k-suspend")
    PlatformAccount.objects.filter(handle=platform.US_SUSPECT).update(status="active")
    again = demo.restrict_account(platform.US_SUSPECT, "suspend", key="k-suspend")
    assert again == first
    assert first["status"] == "suspended"
    # The repeat did not act: the (manually restored) status stays as it is.
    assert PlatformAccount.objects.get(handle=platform.US_SUSPECT).status == "active"
    assert PlatformOperation.objects.filter(idempotency_key="k-suspend").count() == 1


def test_a_key_reused_for_another_operation_is_refused(demo: DemoConnector) -> None:
    demo.restrict_account(platform.US_SUSPECT, "suspend", key="k-1")
    with pytest.raises(ConnectorError, match="already used"):
        demo.restrict_content(platform.US_SUSPECT_POSTS[0], "remove", (), key="k-1")
    assert Post.objects.get(url=platform.US_SUSPECT_POSTS[0]).status == "visible"


def test_a_key_reused_for_a_different_request_is_a_409_conflict(demo: DemoConnector) -> None:
    from dueprocess.connectors.base import PermanentConnectorError
    from dueprocess.demo.connector import IdempotencyConflict

    demo.restrict_account(platform.US_SUSPECT, "suspend", key="k-2")
    with pytest.raises(IdempotencyConflict, match="idempotency_conflict") as caught:
        demo.restrict_account(platform.HK_ACTIVIST, "terminate", key="k-2")
    assert caught.value.status == 409 and caught.value.code == "idempotency_conflict"
    assert isinstance(caught.value, PermanentConnectorError)  # no retry: dead letter
    assert PlatformAccount.objects.get(handle=platform.HK_ACTIVIST).status == "active"
    demo.preserve(platform.US_SUSPECT, 90, key="k-3")
    with pytest.raises(IdempotencyConflict):
        demo.preserve(platform.US_SUSPECT, 30, key="k-3")
    assert Hold.objects.filter(idempotency_key="k-3").count() == 1


def test_unknown_targets_are_refused_and_nothing_is_recorded(demo: DemoConnector) -> None:
    with pytest.raises(ConnectorError, match="no account"):
        demo.restrict_account("nobody_here", "terminate", key="k-x")
    with pytest.raises(ConnectorError, match="no content"):
        demo.restrict_content("https://demo.social/x/posts/1", "remove", (), key="k-y")
    with pytest.raises(ConnectorError, match="no account"):
        demo.export("nobody_here", ("subscriber",), None, None, key="k-z")
    with pytest.raises(ConnectorError):
        demo.restrict_account(platform.US_SUSPECT, "shadowban", key="k-w")
    with pytest.raises(ConnectorError):
        demo.restrict_account(platform.US_SUSPECT, "suspend", key="")
    assert not PlatformOperation.objects.exists()


def test_withholding_hides_a_post_in_hong_kong_only(demo: DemoConnector) -> None:
    result = demo.restrict_content(platform.HK_SLOGAN_POST, "withhold", ("hk",), key="w-1")
    assert result["withheld_in"] == ["HK"]
    post = Post.objects.get(url=platform.HK_SLOGAN_POST)
    assert post.status == "visible"
    assert post.withheld_in == ["HK"]
    assert not post.visible_in("HK")
    assert post.visible_in("US") and post.visible_in("GB")
    with pytest.raises(ConnectorError, match="territory"):
        demo.restrict_content(platform.HK_SLOGAN_POST, "withhold", (), key="w-2")


def test_termination_is_not_undone_by_a_later_suspension(demo: DemoConnector) -> None:
    demo.restrict_account(platform.BR_ACCOUNT, "terminate", key="t-1")
    result = demo.restrict_account(platform.BR_ACCOUNT, "suspend", key="t-2")
    assert result["status"] == "terminated"
    demo.restrict_content(platform.DE_HATE_POST, "remove", (), key="r-1")
    demo.restrict_content(platform.DE_HATE_POST, "disable", (), key="r-2")
    assert Post.objects.get(url=platform.DE_HATE_POST).status == "removed"


def test_export_files_follow_categories_and_dates(demo: DemoConnector) -> None:
    export = demo.export(platform.US_SUSPECT, ("subscriber", "traffic", "content"),
                         date(2020, 5, 1), date(2020, 6, 18), key="e-1")
    assert set(export.files) == {"subscriber.json", "subscriber.csv", "logins.csv",
                                 "logins.json", "posts.json", "posts.csv"}
    subscriber = json.loads(export.files["subscriber.json"])
    assert subscriber["handle"] == platform.US_SUSPECT
    assert subscriber["email"] == "cs.suspect.42@example.com"
    assert {"name", "phone", "created"} <= set(subscriber)
    logins = list(csv.DictReader(io.StringIO(export.files["logins.csv"].decode())))
    # 2020-04-30 and 2020-09-03 fall outside; 2020-06-18 (the last day) is inside.
    assert [row["timestamp_utc"][:10] for row in logins] == [
        "2020-05-02", "2020-06-18"]
    posts = json.loads(export.files["posts.json"])
    assert [p["url"] for p in posts] == list(platform.US_SUSPECT_POSTS[:2])

    only = demo.export(platform.US_SUSPECT, ("subscriber",), None, None, key="e-2")
    assert set(only.files) == {"subscriber.json", "subscriber.csv"}
    with pytest.raises(ConnectorError, match="unknown data categories"):
        demo.export(platform.US_SUSPECT, ("dna",), None, None, key="e-3")


def test_a_repeated_export_returns_the_first_bytes(demo: DemoConnector) -> None:
    first = demo.export(platform.US_SUSPECT, ("traffic",), None, None, key="e-1")
    acc = PlatformAccount.objects.get(handle=platform.US_SUSPECT)
    LoginRecord.objects.create(account=acc, at=timezone.now(), ip="192.0.2.1",
                               user_agent="curl/7.68.0")
    assert demo.export(platform.US_SUSPECT, ("traffic",), None, None, key="e-1") == first
    assert PlatformOperation.objects.filter(kind="export").count() == 1


def test_preserve_and_notify_happen_once_per_key(demo: DemoConnector) -> None:
    hold = demo.preserve(platform.US_PRESERVATION_TARGET, 90, key="p-1")
    assert demo.preserve(platform.US_PRESERVATION_TARGET, 90, key="p-1") == hold
    assert Hold.objects.count() == 1
    assert hold["until"] == (timezone.now().date() + timedelta(days=90)).isoformat()

    demo.notify_user(platform.HK_JOURNALIST, "A demand", "Details", key="n-1")
    demo.notify_user(platform.HK_JOURNALIST, "A demand", "Details", key="n-1")
    messages = UserMessage.objects.filter(account__handle=platform.HK_JOURNALIST)
    assert [(m.subject, m.body) for m in messages] == [("A demand", "Details")]


def test_a_hold_keeps_what_the_user_deletes_until_it_is_released(demo: DemoConnector) -> None:
    hold = demo.preserve(platform.US_SUSPECT, 90, key="p-1")
    Post.objects.filter(url=platform.US_SUSPECT_POSTS[0]).delete()
    with_hold = demo.export(platform.US_SUSPECT, ("content",), None, None, key="e-1",
                            holds=(hold["hold"],))
    assert with_hold.source == {"holds": [hold["hold"]]}
    urls = [p["url"] for p in json.loads(with_hold.files["posts.json"])]
    assert urls == list(platform.US_SUSPECT_POSTS)
    assert platform.US_SUSPECT_POSTS[0] in with_hold.files["posts.csv"].decode()
    without = demo.export(platform.US_SUSPECT, ("content",), None, None, key="e-2")
    assert platform.US_SUSPECT_POSTS[0] not in without.files["posts.json"].decode()

    later = date.today() + timedelta(days=180)
    assert demo.extend_preservation(hold["hold"], later, key="x-1")["until"] == \
        later.isoformat()
    shorter = demo.extend_preservation(hold["hold"], date.today(), key="x-2")
    assert shorter["until"] == later.isoformat()  # an extension never shortens a hold

    demo.release_preservation(hold["hold"], key="r-1")
    row = Hold.objects.get(pk=int(hold["hold"]))
    assert row.released_at is not None and row.snapshot == {}
    released = demo.export(platform.US_SUSPECT, ("content",), None, None, key="e-3",
                           holds=(hold["hold"],))
    assert released.source == {"holds": []}
    with pytest.raises(ConnectorError, match="released"):
        demo.extend_preservation(hold["hold"], later, key="x-3")
    with pytest.raises(ConnectorError, match="no hold"):
        demo.release_preservation("999999", key="r-2")


def test_lookup_gives_the_users_language_and_creation_date(demo: DemoConnector) -> None:
    assert demo.lookup("account", platform.HK_ACTIVIST).language == "zh-hant"
    assert demo.lookup("account", platform.DE_HATE_ACCOUNT).language == "de"
    assert demo.lookup("account", platform.US_SUSPECT).language == "en"
    assert demo.lookup("content", platform.DE_HATE_POST).created == "2020-11-09"
    assert demo.lookup("account", platform.US_SUSPECT).created == "2020-03-15"


def test_a_restriction_limited_to_territories_takes_effect_there_only(
        demo: DemoConnector) -> None:
    removed_in_de = demo.restrict_content(platform.DE_HATE_POST, "remove", ("de",), key="r-de")
    assert (removed_in_de["measure"], removed_in_de["requested"]) == ("withhold", "remove")
    post = Post.objects.get(url=platform.DE_HATE_POST)
    assert post.status == "visible" and post.withheld_in == ["DE"]
    assert post.visible_in("FR") and not post.visible_in("DE")

    suspended_in_de = demo.restrict_account(platform.DE_HATE_ACCOUNT, "suspend", key="s-de",
                                            territories=("DE",))
    assert suspended_in_de["measure"] == "withhold"
    account = PlatformAccount.objects.get(handle=platform.DE_HATE_ACCOUNT)
    assert account.status == "active" and account.withheld_in == ["DE"]
    assert account.visible_in("AT") and not account.visible_in("DE")

    everywhere = demo.restrict_content(platform.BR_DISINFORMATION_POST, "remove", ("WW",),
                                       key="r-ww")
    assert (everywhere["measure"], everywhere["status"]) == ("remove", "removed")
    with pytest.raises(ConnectorError, match="needs at least one territory"):
        demo.restrict_account(platform.DE_HATE_ACCOUNT, "withhold", key="w-none")

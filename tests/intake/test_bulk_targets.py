"""Bulk targets: streamed, normalised, deduplicated, matched, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dueprocess.accounts.models import ApiToken
from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand, Target
from dueprocess.demo.models import PlatformAccount, Post
from dueprocess.intake import bulk
from dueprocess.intake.models import BulkTargetJob, JobStatus, StagedTarget

pytestmark = pytest.mark.django_db


def send(client: Any, demand: Demand, body: bytes, *, type_: str = "auto",
         content_type: str = "text/plain") -> Any:
    return client.client.post(f"/api/v1/demands/{demand.pk}/targets?type={type_}", body,
                              content_type=content_type, headers=client._headers())


def identifiers(demand: Demand) -> list[str]:
    return list(Target.objects.filter(demand=demand).order_by("pk")
                .values_list("identifier", flat=True))


@pytest.fixture
def platform_post(db: Any) -> Post:
    account = PlatformAccount.objects.create(uid=7, handle="alice", display_name="Alice",
                                             email="alice@example.org", country="DE",
                                             data_location="IE")
    return Post.objects.create(account=account, uid=70, number=1, text="hello",
                               url="https://demo.social/alice/posts/1")


def test_good_lines_are_kept_bad_ones_reported_by_number(
        api_as: Any, officer: Any, open_demand: Demand, platform_post: Post) -> None:
    body = ("https://demo.social/alice/posts/1?utm_source=tw&fbclid=x\n"
            "\n"
            "HTTPS://DEMO.SOCIAL:443/alice/posts/1#top\n"        # duplicate after normalising
            "https://" + "h" * 10_000 + ".com/x\n"               # 10,000-character host
            "@Bob\n"
            "ftp://demo.social/x\n").encode() + "caf\xe9\n".encode("latin-1")
    r = send(api_as(officer), open_demand, body)
    assert r.status_code == 200, r.content
    job = r.json()
    assert (job["status"], job["added"], job["duplicates"], job["rejected"], job["blank"]) == (
        "done", 2, 1, 3, 1)
    assert {(e["line"], e["message"].split(" (")[0]) for e in job["errors"]} >= {
        (4, "the host is 10,004 characters long"), (6, "the URL scheme 'ftp' is not http or "
                                                       "https")}
    assert [e["line"] for e in job["errors"]] == [4, 6, 7]
    assert job["target_count"] == 3
    assert identifiers(open_demand) == ["cs_suspect_42", "https://demo.social/alice/posts/1",
                                        "@bob"]
    post = Target.objects.get(demand=open_demand, identifier__startswith="https://")
    assert (post.type, post.exists, post.country, post.data_location) == (
        "content", True, "DE", "IE")
    assert Target.objects.get(demand=open_demand, identifier="@bob").exists is False
    event = AuditEvent.objects.filter(demand_id=open_demand.pk,
                                      verb="demand.targets_added").get()
    assert event.payload["added"] == 2
    assert AuditEvent.objects.filter(demand_id=open_demand.pk, verb="demand.vetted",
                                     seq__gt=event.seq).exists()
    assert not StagedTarget.objects.exists()


def test_a_million_blank_lines_is_refused_and_nothing_changes(
        api_as: Any, officer: Any, open_demand: Demand) -> None:
    r = send(api_as(officer), open_demand, b"\r\n" * 1_000_000)
    assert r.status_code == 422
    assert "no targets in the upload" in r.json()["error"]["message"]
    assert "1,000,000 blank" in r.json()["error"]["message"]
    open_demand.refresh_from_db()
    assert open_demand.target_count == 1 and identifiers(open_demand) == ["cs_suspect_42"]
    assert BulkTargetJob.objects.get().status == JobStatus.FAILED


def test_an_archive_is_refused_whole(api_as: Any, officer: Any, open_demand: Demand) -> None:
    r = send(api_as(officer), open_demand, b"PK\x03\x04" + b"\x00" * 5000,
             content_type="application/octet-stream")
    assert r.status_code == 415
    assert "never unpacked" in r.json()["error"]["message"]
    assert identifiers(open_demand) == ["cs_suspect_42"]


def test_a_multipart_csv_with_a_header(api_as: Any, officer: Any,
                                       open_demand: Demand) -> None:
    client = api_as(officer)
    f = io.BytesIO(b"type,identifier\naccount,@carol\ncontent,https://x.example/p/1\n")
    f.name = "targets.csv"
    r = client.client.post(f"/api/v1/demands/{open_demand.pk}/targets", {"file": f},
                           headers=client._headers())
    assert r.status_code == 200, r.content
    assert r.json()["filename"] == "targets.csv"
    assert identifiers(open_demand)[1:] == ["@carol", "https://x.example/p/1"]


def test_too_many_targets_are_refused_whole(api_as: Any, officer: Any, open_demand: Demand,
                                            monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "MAX_TARGETS", 5)
    r = send(api_as(officer), open_demand, b"".join(b"@u%d\n" % i for i in range(6)))
    assert r.status_code == 422 and "more than 5" in r.json()["error"]["message"]
    assert identifiers(open_demand) == ["cs_suspect_42"]


def test_a_failure_while_storing_leaves_the_demand_as_it_was(
        api_as: Any, officer: Any, open_demand: Demand, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "revet_demand", broken)
    r = send(api_as(officer), open_demand, b"@a\n@b\n")
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
    open_demand.refresh_from_db()
    assert open_demand.target_count == 1 and identifiers(open_demand) == ["cs_suspect_42"]
    assert not AuditEvent.objects.filter(verb="demand.targets_added").exists()
    assert BulkTargetJob.objects.get().status == JobStatus.FAILED
    assert not StagedTarget.objects.exists()


def test_closed_demands_and_other_authorities_are_refused(
        api_as: Any, officer: Any, officer_of: Any, hk_police: Any,
        open_demand: Demand) -> None:
    assert send(api_as(officer_of(hk_police)), open_demand, b"@a\n").status_code == 404
    Demand.objects.filter(pk=open_demand.pk).update(status="rejected")
    assert send(api_as(officer), open_demand, b"@a\n").status_code == 409


def test_a_large_upload_goes_to_the_worker_and_can_be_followed(
        api_as: Any, officer: Any, open_demand: Demand, settings: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    settings.DUEPROCESS_TARGETS_SYNC_BYTES = 4
    client = api_as(officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = send(client, open_demand, b"@a\n@b\n@a\n")
    assert r.status_code == 202 and r.json()["status"] == "pending"
    assert len(callbacks) == 1
    from dueprocess.intake.tasks import process_target_job

    result = process_target_job.call(r.json()["job"])
    assert result["outcome"] == "done"
    polled = client.get(f"/demands/{open_demand.pk}/targets/jobs/{r.json()['job']}").json()
    assert (polled["status"], polled["added"], polled["duplicates"], polled["percent"]) == (
        "done", 2, 1, 100)


def test_a_stale_job_is_failed_and_its_staging_dropped(open_demand: Demand) -> None:
    job = BulkTargetJob.objects.create(demand=open_demand, status=JobStatus.RUNNING,
                                       heartbeat_at="2020-01-01T00:00:00Z", path="/nonexistent")
    StagedTarget.objects.create(job=job, type="account", identifier="@x")
    assert bulk.sweep_stale_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not StagedTarget.objects.exists()


def test_the_cli_adds_targets_with_a_progress_bar(open_demand: Demand, tmp_path: Path,
                                                  capsys: Any) -> None:
    from dueprocess.cli import main

    path = tmp_path / "list.txt"
    path.write_bytes(b"@one\n@two\n\nnot a handle\n@one\n")
    code = main(["targets", "add", str(open_demand.pk), str(path)])
    out, err = capsys.readouterr()
    assert code == 1  # some lines were unreadable
    assert "2 target(s) added, 1 duplicate(s), 1 unreadable line(s), 1 blank" in out
    assert "line 4: an account handle cannot contain spaces" in err
    assert identifiers(open_demand)[1:] == ["@one", "@two"]


def test_the_same_upload_twice_adds_nothing_the_second_time(
        api_as: Any, officer: Any, open_demand: Demand) -> None:
    client = api_as(officer)
    assert send(client, open_demand, b"@a\n@b\n").json()["added"] == 2
    second = send(client, open_demand, b"@b\n@a\n").json()
    assert (second["added"], second["duplicates"]) == (0, 2)


def test_an_unknown_content_type_is_a_clear_error(api_as: Any, officer: Any,
                                                  open_demand: Demand) -> None:
    _, raw = ApiToken.issue(officer)
    r = Client().post(f"/api/v1/demands/{open_demand.pk}/targets", {"a": 1},
                      content_type="application/json",
                      headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 422 and "text/plain" in r.json()["error"]["message"]

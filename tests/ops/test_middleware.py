"""Request ids in answers and log lines; log lines as JSON objects without secrets."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from dueprocess.ops.logs import JsonFormatter, TextFormatter, request_id


def test_the_proxys_request_id_is_kept_and_a_missing_one_is_made(db: Any) -> None:
    kept = Client().get("/transparency/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    made = Client().get("/transparency/")
    assert len(made["X-Request-ID"]) == 32
    assert made["X-Request-ID"] != Client().get("/transparency/")["X-Request-ID"]


@pytest.mark.parametrize("given", ["short", "x" * 129, "id with spaces",
                                   "abc123456\n{\"level\": \"forged\"}", "<script>alert(1)"])
def test_an_unsafe_request_id_is_replaced(db: Any, given: str) -> None:
    answered = Client().get("/transparency/", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert answered != given and len(answered) == 32


def _json_lines(caplog: Any) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records]


def test_each_request_is_logged_once_with_its_id_and_without_secrets(
        db: Any, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="dueprocess.request"):
        Client().get("/transparency/?q=someone@example.org", HTTP_X_REQUEST_ID="req-00000042",
                     HTTP_AUTHORIZATION="Bearer dp_secret_token_value")
        Client().get("/productions/s3cr3t-download-token/", HTTP_X_REQUEST_ID="req-00000043")
    lines = [line for line in _json_lines(caplog) if line["logger"] == "dueprocess.request"]
    assert [(line["request_id"], line["method"], line["path"]) for line in lines] == [
        ("req-00000042", "GET", "/transparency/"),
        ("req-00000043", "GET", "/productions/***/")]
    assert lines[0]["status"] == 200 and lines[0]["level"] == "INFO"
    assert lines[0]["time"].endswith("Z") and isinstance(lines[0]["duration_ms"], float)
    text = caplog.text + json.dumps(lines)
    for secret in ("someone@example.org", "dp_secret_token_value", "s3cr3t-download-token"):
        assert secret not in text


def test_a_json_line_carries_the_traceback_and_a_text_line_the_id() -> None:
    token = request_id.set("req-abcdefgh")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.LogRecord("dueprocess.x", logging.ERROR, __file__, 1,
                                       "failed %s", ("here",), exc_info=__import__("sys")
                                       .exc_info())
        line = JsonFormatter().format(record)
        assert "\n" not in line
        entry = json.loads(line)
        assert entry["message"] == "failed here" and entry["request_id"] == "req-abcdefgh"
        assert "ValueError: boom" in entry["exception"]
        assert "[req-abcdefgh] failed here" in TextFormatter().format(record)
    finally:
        request_id.reset(token)


def test_objects_attached_to_a_record_are_left_out_of_the_json_line() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server "
                               "Error: %s", ("/x/",), None)
    record.status_code = 500
    record.request = Client  # any object: its repr is never written
    entry = json.loads(JsonFormatter().format(record))
    assert entry["status_code"] == 500 and "request" not in entry

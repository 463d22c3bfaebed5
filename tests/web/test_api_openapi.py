"""The OpenAPI document as a client generator reads it: declared errors, enums, examples and
file downloads with their real media types."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dueprocess.demands.inputs import DECISIONS_EXAMPLE, DEMAND_EXAMPLE, DecisionsIn, DemandIn
from dueprocess.demands.models import Outcome, Status
from dueprocess.errors import DomainError, error_codes
from dueprocess.web.api import XLSX, api

SRC = Path(__file__).resolve().parents[2] / "src" / "dueprocess"
ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    import dueprocess.urls  # noqa: F401  (mounts the routers)

    return json.loads(json.dumps(api.get_openapi_schema()))


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in doc["paths"].items()
            for method, op in ops.items()]


def _error_ref(op: dict[str, Any], status: int) -> str | None:
    answer = op["responses"].get(str(status))
    if answer is None:
        return None
    return answer["content"]["application/json"]["schema"].get("$ref")


def test_every_operation_declares_the_errors_it_can_answer(doc: dict[str, Any]) -> None:
    for path, method, op in _operations(doc):
        expected = {401, 403, 429}
        if op.get("parameters") or "requestBody" in op:
            expected.add(422)
        if "{" in path:
            expected.add(404)
        if method != "get":
            expected |= {409, 503}
        for status in expected:
            assert _error_ref(op, status) == ERROR_REF, (method, path, status)
        assert not any(s.startswith("5") and s != "503" for s in op["responses"]), (method, path)


def test_operation_ids_are_unique(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(doc)]
    assert sorted(ids) == sorted(set(ids))


def test_vocabularies_are_enums_from_the_models(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert schemas["Status"]["enum"] == list(Status.values)
    assert schemas["DemandOut"]["properties"]["status"] == {"$ref": "#/components/schemas/Status"}
    assert schemas["Outcome"]["enum"] == list(Outcome.values)
    assert schemas["DecisionIn"]["properties"]["outcome"] == {
        "$ref": "#/components/schemas/Outcome"}
    for name in ("AskKind", "TargetType", "Severity", "Recommendation", "AuthorityKind",
                 "NoticeKind", "NoticeStatus", "JobStatus", "PublicationStatus"):
        assert schemas[name]["type"] == "string" and schemas[name]["enum"], name


def test_error_codes_are_an_enum_of_every_code_raised(doc: dict[str, Any]) -> None:
    """Every class in errors.py and every ``code="…"`` or rule refusal in the sources."""
    codes = doc["components"]["schemas"]["ErrorBody"]["properties"]["code"]["enum"]
    assert codes == error_codes()
    raised = set()
    for source in SRC.rglob("*.py"):
        text = source.read_text()
        raised |= set(re.findall(r'\bcode="([a-z_]+)"', text))
        raised |= set(re.findall(r'Refusal\("([a-z_]+)"', text))
    assert raised and raised <= set(codes), raised - set(codes)
    todo: list[type[DomainError]] = [DomainError]
    while todo:
        cls = todo.pop()
        assert cls.code in codes
        todo.extend(cls.__subclasses__())
    assert {"rate_limited", "four_eyes", "unauthenticated", "busy"} <= set(codes)


def _resolved(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}


@pytest.mark.parametrize(("name", "model"), [("DemandIn", DemandIn), ("DecisionsIn", DecisionsIn),
                                             ("SendBackIn", None), ("AuthorityIn", None)])
def test_examples_of_the_main_inputs_are_valid(doc: dict[str, Any], name: str,
                                               model: Any) -> None:
    examples = doc["components"]["schemas"][name]["examples"]
    assert examples
    for example in examples:
        jsonschema.validate(example, _resolved(doc, name))
        if model is not None:
            model.model_validate(example)
    assert DEMAND_EXAMPLE in doc["components"]["schemas"]["DemandIn"]["examples"]
    assert DECISIONS_EXAMPLE in doc["components"]["schemas"]["DecisionsIn"]["examples"]


def test_downloads_declare_their_media_types(doc: dict[str, Any]) -> None:
    def media(path: str) -> set[str]:
        return set(doc["paths"][f"/api/v1{path}"]["get"]["responses"]["200"]["content"])

    assert media("/reports/transparency") == {"application/json", "text/csv", XLSX}
    assert media("/reports/dsa/member-state-orders") == {"text/csv", XLSX}
    assert media("/fraud-signals/export") == {"text/csv"}
    assert media("/demands/{demand_id}/documents/{document_id}") == {"application/pdf"}

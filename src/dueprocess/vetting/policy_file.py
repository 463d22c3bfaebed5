"""Platform policies as a reviewed YAML file, and the check behind ``dueprocess law check``.

Policies are usually authored in the admin, but a legal team that keeps its policies under
version control (reviewed like code, with history) writes them as a file::

    policies:
      - name: Pause HK data requests
        effect: pause
        jurisdiction: HK
        ask_kinds: [disclose]
        valid_from: 2020-07-06
      - name: Human-rights review of speech laws
        effect: human_rights_review
        params: {flags: [political_expression]}
        valid_from: 2020-07-06

Loading is as strict as the law library's: an unknown key, a wrong type, a CEL condition
that does not compile, params the effect cannot use or an instrument id the library lacks
(a dangling reference) fail with the file, the line and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dueprocess.law.loader import LawLibraryError, Library, load_library, validation_problems
from dueprocess.law.schema import AskKind
from dueprocess.law.yamlsource import Problem, SourceError, YamlSource, parse_yaml
from dueprocess.vetting.cel_policy import validate_condition
from dueprocess.vetting.facts import PolicyFacts
from dueprocess.vetting.policy_params import validate_params

__all__ = ["CheckReport", "PolicyFileError", "PolicySpec", "check_files", "load_policy_file"]

Effect = Literal["pause", "route_mlat", "four_eyes", "human_rights_review", "scope_limit"]
_JURISDICTION = re.compile(r"^(?:[A-Z]{2}|EU)$")


class PolicyFileError(SourceError):
    """A policy file that cannot be used; one ``file:line: reason`` per problem."""


class PolicySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    effect: Effect
    jurisdiction: str | None = Field(default=None, pattern=_JURISDICTION.pattern)
    ask_kinds: tuple[AskKind, ...] = ()
    instruments: tuple[str, ...] = ()
    condition: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    valid_from: date
    valid_to: date | None = None
    active: bool = True

    def facts(self, policy_id: int) -> PolicyFacts:
        return PolicyFacts(
            id=policy_id,
            name=self.name,
            effect=self.effect,
            jurisdiction=self.jurisdiction,
            ask_kinds=self.ask_kinds,
            instruments=self.instruments,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            condition=self.condition,
            params=self.params,
        )


class _PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    policies: tuple[PolicySpec, ...]


def _semantic_problems(
    source: YamlSource, specs: Sequence[PolicySpec], library: Library
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(specs):

        def at(*path: int | str, _index: int = index) -> int | None:
            return source.line_of(("policies", _index, *path))

        label = f"policies[{index}]"
        if spec.name in seen:
            problems.append(
                Problem(
                    at("name"),
                    f"{label}.name",
                    f"duplicate policy name {spec.name!r} (first at policies[{seen[spec.name]}])",
                )
            )
        seen.setdefault(spec.name, index)
        if spec.valid_to is not None and spec.valid_to <= spec.valid_from:
            problems.append(
                Problem(
                    at("valid_to"),
                    f"{label}.valid_to",
                    "must be after valid_from (valid_to is exclusive)",
                )
            )
        for position, instrument_id in enumerate(spec.instruments):
            if library.get(instrument_id) is None:
                problems.append(
                    Problem(
                        at("instruments", position),
                        f"{label}.instruments[{position}]",
                        f"unknown instrument {instrument_id!r}: not in the law library",
                    )
                )
        if spec.condition is not None and spec.condition.strip():
            error = validate_condition(spec.condition)
            if error:
                problems.append(
                    Problem(at("condition"), f"{label}.condition", f"invalid CEL: {error}")
                )
        error = validate_params(spec.effect, spec.params, lambda i: library.get(i) is not None)
        if error:
            named = [k for k in spec.params if error.startswith(k) or f"{k!r}" in error]
            line = at("params", named[0]) if named else at("params")
            problems.append(Problem(line, f"{label}.params", error))
    return problems


def _policies_of(source: YamlSource, library: Library) -> tuple[PolicySpec, ...]:
    try:
        parsed = _PolicyFile.model_validate(source.data)
    except ValidationError as exc:
        raise PolicyFileError(validation_problems(source, exc), source=source.name) from exc
    problems = _semantic_problems(source, parsed.policies, library)
    if problems:
        raise PolicyFileError(problems, source=source.name)
    return parsed.policies


def load_policy_file(path: Path, library: Library) -> tuple[PolicySpec, ...]:
    """Read and validate one policy file against a law library."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise PolicyFileError(
            [Problem(None, None, f"cannot read: {exc}")], source=str(path)
        ) from exc
    try:
        source = parse_yaml(str(path), content)
    except SourceError as exc:
        raise PolicyFileError(exc.problems, source=str(path)) from exc
    if not isinstance(source.data, dict) or "policies" not in source.data:
        raise PolicyFileError(
            [Problem(source.line_of(()), None, "top level must be a mapping with 'policies'")],
            source=str(path),
        )
    return _policies_of(source, library)


@dataclass(frozen=True)
class CheckReport:
    """What ``dueprocess law check`` found."""

    library: Library | None
    policies: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _is_policy_file(path: Path) -> bool:
    """Policy files are recognised by their top-level ``policies`` key."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^policies\s*:", text, re.MULTILINE) is not None


def check_files(paths: Iterable[Path]) -> CheckReport:
    """Check law library files (with the bundled library) and policy files against it.

    Every problem is one ``file:line: reason`` string; the library problems come first,
    since policies cannot be checked against a library that does not load.
    """
    given = list(paths)
    policy_paths = [p for p in given if p.is_file() and _is_policy_file(p)]
    law_paths = [p for p in given if p not in policy_paths]
    try:
        library = load_library(law_paths, with_bundled=True) if law_paths else load_library()
    except LawLibraryError as exc:
        return CheckReport(None, 0, tuple(str(exc).splitlines()))
    problems: list[str] = []
    count = 0
    for path in policy_paths:
        try:
            count += len(load_policy_file(path, library))
        except SourceError as exc:
            problems.extend(str(exc).splitlines())
    return CheckReport(library, count, tuple(problems))

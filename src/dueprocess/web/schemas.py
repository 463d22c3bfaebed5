"""The shape every API error has, and how answers name a closed vocabulary."""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

from dueprocess.errors import error_codes


def _known_codes(schema: dict[str, Any]) -> None:
    # Read when the document is built, after every package has declared its codes.
    schema["enum"] = error_codes()


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code of the error",
                      json_schema_extra=_known_codes)
    message: str
    field: str | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


class OneOf:
    """``Annotated[str, OneOf(Status)]``: a plain string in the code, and in the OpenAPI
    document the named enum of a model's choices, so clients get the vocabulary from the
    one place that defines it."""

    def __init__(self, choices: type[enum.Enum]) -> None:
        self.choices = choices

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # The value becomes the enum member: a ``str`` that serialises as its value.
        return handler.generate_schema(self.choices)

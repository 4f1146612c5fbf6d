"""Numbers in the input files are numbers: `true` and `false` are refused where a number is expected.

Python counts a boolean as an integer, and pydantic's lax mode turns `true` into 1 or 1.0, so `months = true` or
`decriminalization = true` would run silently with a value nobody wrote. `NumbersNotBooleans` is mixed into the base
model of every input file (scenario, experiment, calibration): each integer and float it validates, at any depth (a
field, a list item, a table's value), first refuses a boolean, so the error names the exact field. A field that
accepts booleans on purpose (`bool`, or a union with `bool`) keeps them: the union's `bool` branch takes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, GetCoreSchemaHandler
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

NUMBER_TYPES = {"int": "an integer", "float": "a number"}
NOT_SCHEMAS = {"metadata", "serialization", "default", "expected"}  # values and notes that only look like schemas


def _refuse_boolean(expected: str) -> Callable[[Any], Any]:
    """A check run before pydantic's own: a boolean is not `expected` (an integer, a number)."""

    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError("number_not_boolean", "Input should be {expected}, not true or false",
                                      {"expected": expected})
        return value

    return check


def _without_booleans(schema: Any, model: type[BaseModel]) -> Any:
    """`model`'s core schema with every int and float schema wrapped in the boolean check; other models in it are
    left to their own class (which mixes this in too), serialisation and metadata as they are."""
    if isinstance(schema, list):
        return [_without_booleans(item, model) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")  # not text in a table of fields, where one field may be named "type"
    if kind == "model" and schema.get("cls") is not model:
        return schema
    if isinstance(kind, str) and kind in NUMBER_TYPES:
        return core_schema.no_info_before_validator_function(_refuse_boolean(NUMBER_TYPES[kind]), schema)
    return {key: value if key in NOT_SCHEMAS else _without_booleans(value, model) for key, value in schema.items()}


class NumbersNotBooleans(BaseModel):
    """Base model whose integer and float fields refuse `true` and `false`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[BaseModel], handler: GetCoreSchemaHandler, /) -> CoreSchema:
        return _without_booleans(handler(source), source)

"""Checking a document against the schema, with errors that point into the file."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from maatwerk.spec.errors import MAX_REPORTED, SpecError, SpecErrors
from maatwerk.spec.source import PathT, Source, dotted

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "date_from_datetime_parsing": "expected a date written as YYYY-MM-DD",
    "date_parsing": "expected a date written as YYYY-MM-DD",
    "date_type": "expected a date written as YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date written as YYYY-MM-DD",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "list_type": "expected a list",
    "string_too_short": "must not be empty",
    "decimal_type": "expected a number",
    "decimal_parsing": "expected a number",
}


def validate(source: Source, model: type[M], data: Any = None, base: PathT = ()) -> M:
    """Validate ``data`` (default: the whole document) against ``model``."""
    data = source.data if data is None else data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[tuple[str, str], SpecError] = {}
        found = exc.errors()
        for err in found[:MAX_REPORTED]:
            spec_error = _convert(source, model, data, base, err)
            errors.setdefault((spec_error.path, spec_error.code), spec_error)
        raise SpecErrors(list(errors.values()), max(0, len(found) - MAX_REPORTED)) from None


def _clean(data: Any, loc: tuple[Any, ...], missing: bool) -> PathT:
    """Keep the part of pydantic's location that points into the data."""
    path: list[str | int] = []
    node = data
    for i, key in enumerate(loc):
        if key == "[key]":
            break
        in_dict = isinstance(node, dict) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and key < len(node)
        if in_dict or in_list:
            node = node[key]
        elif missing and isinstance(node, dict) and i == len(loc) - 1:
            path.append(key)
            break
        else:
            break
        path.append(key)
    return tuple(path)


def _convert(source: Source, model: type[BaseModel], data: Any, base: PathT,
             err: Any) -> SpecError:
    kind = err["type"]
    loc = tuple(err["loc"])
    rel = _clean(data, loc, kind == "missing")
    path = (*base, *rel)
    where = dotted(path)
    if kind == "missing":
        parent = path[:-1]
        return SpecError("MW201", f"the key {path[-1]!r} is required here",
                         path=dotted(parent), position=source.position(parent, key=True))
    if kind == "extra_forbidden":
        allowed = _fields_at(model, rel[:-1])
        key = str(rel[-1])
        message = f"unknown key {key!r}"
        close = difflib.get_close_matches(key, allowed, n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
        if allowed:
            message += (" Expected" if close else "; expected") + f" one of: {', '.join(allowed)}"
        return SpecError("MW202", message, path=where, position=source.position(path, key=True))
    if "[key]" in loc:
        key = loc[loc.index("[key]") - 1]
        key_path = (*path, key) if path[-1:] != (key,) else path
        return SpecError("MW204", f"{key!r} is not a valid name: use lowercase letters, digits "
                         "and '_', starting with a letter", path=dotted(key_path),
                         position=source.position(key_path, key=True), got=key)
    if kind == "string_pattern_mismatch":
        return SpecError("MW204", "not a valid name: use lowercase letters, digits and '_', "
                         "starting with a letter", path=where, position=source.position(path),
                         got=err.get("input"))
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        message = f"expected one of {expected}"
    elif kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    elif kind == "too_short":
        message = f"expected at least {err.get('ctx', {}).get('min_length', 1)} item(s)"
    else:
        message = _EXPECTED.get(kind, err["msg"])
    got = err.get("input")
    if isinstance(got, (dict, list)):
        got = "a mapping" if isinstance(got, dict) else "a list"
    return SpecError("MW203", message, path=where, position=source.position(path), got=got)


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside an annotation (through Optional, Annotated, list, dict)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    if origin in (list, dict):
        return [annotation]
    return [annotation]


def _fields_at(model: type[BaseModel], path: PathT) -> list[str]:
    """The keys allowed at ``path`` in ``model``."""
    current: list[Any] = [model]
    for key in path:
        following: list[Any] = []
        for t in current:
            origin = typing.get_origin(t)
            if origin is list and isinstance(key, int):
                following.extend(_unwrap(typing.get_args(t)[0]))
            elif origin is dict:
                following.extend(_unwrap(typing.get_args(t)[1]))
            elif isinstance(t, type) and issubclass(t, BaseModel):
                for name, field in t.model_fields.items():
                    if key in (name, field.alias):
                        following.extend(_unwrap(field.annotation))
        current = following
    for t in current:
        if isinstance(t, type) and issubclass(t, BaseModel):
            return [f.alias or n for n, f in t.model_fields.items()]
    return []

"""Quick reforms: new values for parameters on a date, written as a patch file.

``parameter_patch(reg, day, {"standaardpremie": "2200", "vermogensgrens.partner": "190000"})``
gives the text of a patch that replaces the value in force on ``day`` (and only that one) of
each named parameter — for a keyed parameter one key at a time as ``name.key``. The text is a
patch like any other (see ``reform``), so it is checked the same way and can be saved and
reviewed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from maatwerk.simulate.population import SimulationError
from maatwerk.spec.model import Regulation

REFERENCE = "Simulatie: voorgestelde waarde"


def number(name: str, raw: str) -> Decimal:
    """A number as a person types it: ``2200``, ``2200.50``, ``2200,50``, or a percentage
    such as ``13,7%`` (0.137)."""
    text = raw.strip().replace("€", "").replace(" ", "")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if "," in text and ("." not in text or text.rindex(",") > text.rindex(".")):
        text = text.replace(".", "").replace(",", ".")  # Dutch: 2.200,50
    else:
        text = text.replace(",", "")  # English: 2,200.50
    try:
        value = Decimal(text) / (100 if percent else 1)
    except InvalidOperation:
        raise SimulationError("MW904", f"parameter {name}: expected a number such as 2200 or "
                              "2200.50", path=f"parameters.{name}", got=raw) from None
    if not value.is_finite():
        raise SimulationError("MW904", f"parameter {name}: expected a finite number",
                              path=f"parameters.{name}", got=raw)
    return value


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_scalar(v)}"
                               for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def _split(reg: Regulation, key: str) -> tuple[str, str | None]:
    name, _, part = key.partition(".")
    parameter = reg.parameters.get(name)
    if parameter is None:
        raise SimulationError("MW904", f"{reg.id} has no parameter {name!r}",
                              path=f"parameters.{name}", got=key)
    if parameter.keys is None and part:
        raise SimulationError("MW904", f"parameter {name} has no keys", path=f"parameters.{name}",
                              got=key)
    if parameter.keys is not None and part not in parameter.keys:
        raise SimulationError("MW904", f"parameter {name} has keys {', '.join(parameter.keys)}; "
                              f"name one as {name}.KEY", path=f"parameters.{name}", got=key)
    return name, part or None


def parameter_patch(reg: Regulation, day: dt.date, changes: Mapping[str, str], *,
                    version: str | None = None, reference: str = REFERENCE) -> str:
    """The text of a patch that gives the named parameters new values on ``day``."""
    values: dict[str, list[dict[str, Any]]] = {}
    for key, raw in changes.items():
        name, part = _split(reg, key)
        in_force = reg.parameters[name].at(day)
        if in_force is None:
            raise SimulationError("MW904", f"parameter {name} has no value on {day}",
                                  path=f"parameters.{name}", got=day.isoformat())
        if name not in values:
            values[name] = copy.deepcopy(reg.source.data["parameters"][name]["values"])
        entry = next(v for v in values[name] if str(v["from"]) == in_force.valid_from.isoformat())
        new = number(key, raw)
        entry["value"] = {**entry["value"], part: new} if part else new
        entry["reference"] = reference
    lines = [f"reform: {{nl: {_scalar('Gewijzigde parameters')}, en: "
             f"{_scalar('Changed parameters')}}}",
             f"regulation: {reg.id}",
             f"version: {_scalar(version or reg.version + '-simulatie')}",
             "parameters:"]
    for name, entries in values.items():
        lines += [f"  {name}:", "    values:"]
        lines += ["      - {" + ", ".join(f"{k}: {_scalar(v)}" for k, v in entry.items()) + "}"
                  for entry in entries]
    return "\n".join(lines) + "\n"

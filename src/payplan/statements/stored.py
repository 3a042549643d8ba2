"""A result document as a run stored it, decoded back to the engine's `RepResult`.

The statement of a run (`statements.from_run`) and the breakdown page
(`payplan.web.breakdown`) both print what the run stored, never a fresh
evaluation: this turns the stored JSON (`payplan.evaluation.report.result_dict`,
or an adjustment's document of differences) into a `RepResult`, trace figures
back to Decimals. Must not evaluate or query anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from payplan.core.issues import Issue
from payplan.core.result import RepResult
from payplan.core.trace import Node
from payplan.statements.calculation import PrintedResult
from payplan.statements.view import number


class _Notes(msgspec.Struct, frozen=True):
    """The issues of a stored result document (the printed result leaves them out)."""

    issues: tuple[Issue, ...] = ()


class Adjusts(msgspec.Struct, frozen=True):
    """An adjustment document's totals: what was paid before and what is due now."""

    run_id: int
    previous_total: Decimal
    recomputed_total: Decimal


class _AdjustmentNote(msgspec.Struct, frozen=True):
    adjusts: Adjusts | None = None


_printed = msgspec.json.Decoder(PrintedResult)
_notes = msgspec.json.Decoder(_Notes)
_adjusts = msgspec.json.Decoder(_AdjustmentNote)


def stored_result(document: bytes | str | msgspec.Raw) -> RepResult:
    """A stored result document as the engine's `RepResult` (trace figures back to Decimals)."""
    doc = _printed.decode(document)
    trace = _node(doc.trace if isinstance(doc.trace, dict) else {"key": "total", "label": ""})
    return RepResult(doc.rep_id, doc.period, doc.currency, doc.total, doc.components, doc.lines, trace,
                     _notes.decode(document).issues, doc.state)


def stored_adjusts(document: bytes | str) -> Adjusts | None:
    """The `adjusts` totals of an adjustment run's document (None for a regular result)."""
    return _adjusts.decode(document).adjusts


def _node(doc: dict[str, Any]) -> Node:
    return Node(key=str(doc.get("key", "")), label=str(doc.get("label", "")), value=_figure(doc.get("value")),
                formula=str(doc.get("formula", "")),
                inputs={str(k): _figure(v) for k, v in (doc.get("inputs") or {}).items()},
                source=str(doc.get("source", "")), evidence=tuple(map(str, doc.get("evidence") or ())),
                children=[_node(c) for c in doc.get("children") or () if isinstance(c, dict)])


def _figure(value: Any) -> Decimal | int | str | None:
    """A trace value as stored (decimals are JSON strings) back to a Decimal; words stay words."""
    return value if value is None or isinstance(value, int) else number(value)

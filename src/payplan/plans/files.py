"""Plan files ⇄ Plan values: read, report errors with file and line, hash, diff.

A plan file is TOML read with Decimal floats (no rate ever passes through a
float) and converted into the frozen `Plan` schema. Every problem becomes an
`Issue` whose `where` reads `plans/ae.toml:23: components[0].kpis[2].weight`.
Semantic rules live in `payplan.core.lint`; this module only places their
issues in the file; what makes data no `Plan` is worded by `payplan.plans.schema_issues`.
The text is bounded (`payplan.plans.text_limits`) before tomllib reads it. Must not
evaluate plans or touch the database.
"""

from __future__ import annotations

import decimal
import hashlib
import re
import tomllib
from datetime import date
from pathlib import Path as FilePath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from payplan.core import lint
from payplan.core.issues import Issue, error, has_errors
from payplan.core.plan import Plan
from payplan.i18n import N_, OS_REASONS
from payplan.plans.diff import Change, plan_diff
from payplan.plans.schema_issues import explain, unknown_key, unknown_keys
from payplan.plans.text_limits import text_problems
from payplan.plans.texts import Texts, missing_texts, split_texts
from payplan.plans.toml_lines import Path, key_lines, locate

__all__ = [
    "Change", "PlanError", "check_plan_text", "load_plan", "load_plan_text", "path_text",
    "place", "plan_diff", "plan_hash", "read_plan_file",
]

_MSGSPEC_ERROR = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>.*)`)?$", re.S)
_PATH_PART = re.compile(r"\.([^.\[\]\s]+)|\[(\d+)\]")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


class PlanError(Exception):
    """A plan file that cannot be loaded; `issues` say what is wrong and where."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def load_plan(path: str | FilePath) -> Plan:
    """Read and convert one plan file, or raise PlanError naming file, key and line."""
    text = read_plan_file(path)
    plan, issues = load_plan_text(text, str(path))
    if plan is None or has_errors(issues):
        raise PlanError([i for i in issues if i.severity == "error"])
    return plan


def read_plan_file(path: str | FilePath) -> str:
    """The text of a plan file; PlanError when it is missing or not UTF-8."""
    try:
        return FilePath(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        known = OS_REASONS.get(exc.errno) if isinstance(exc, OSError) else None  # said in the reader's words
        reason = known or (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc))
        raise PlanError([error("unreadable", N_("cannot read plan file: {reason:word}"), str(path),
                               reason=reason)]) from None


def load_plan_text(text: str, source_name: str) -> tuple[Plan | None, list[Issue]]:
    """Parse and convert a plan; (None, issues) when it is not a valid Plan.

    The text is bounded first (`text_limits`): tomllib never sees a text it could
    hang or recurse on."""
    plan, issues, _ = _load(text, source_name)
    return plan, issues


def check_plan_text(text: str, source_name: str) -> tuple[Plan | None, list[Issue]]:
    """Load a plan and run every semantic check, each issue placed in the file; texts
    lacking a language the plan is printed in are warnings (`texts.missing_texts`)."""
    plan, issues, texts = _load(text, source_name)
    if plan is None or texts is None:
        return None, issues
    return plan, place(lint.check_plan(plan, missing_texts(texts, plan)) + _zone_issues(plan), text, source_name)


def _zone_issues(plan: Plan) -> list[Issue]:
    """An unknown `timezone` (the core has no time-zone database: checked here)."""
    try:
        ZoneInfo(plan.timezone)
    except (ValueError, ZoneInfoNotFoundError):
        return [error("timezone", N_("timezone '{zone}' is not an IANA time zone (e.g. Europe/Kyiv, "
                                     "America/New_York, UTC)"), "timezone", zone=plan.timezone)]
    return []


def _load(text: str, source_name: str) -> tuple[Plan | None, list[Issue], Texts | None]:
    too_big = text_problems(text, source_name)
    if too_big:
        return None, too_big, None
    try:
        data = tomllib.loads(text, parse_float=decimal.Decimal)
    except tomllib.TOMLDecodeError as exc:
        return None, [_toml_issue(exc, source_name)], None
    except (ValueError, RecursionError) as exc:  # a number tomllib hands to int() or Decimal unchecked
        return None, [error("toml-syntax", N_("not a usable TOML value: {reason}"), source_name, reason=str(exc))], None
    lines = key_lines(text)
    texts = split_texts(data)
    unknown = unknown_keys(texts.data) + [("translations",)] * ("translations" in data)
    if unknown:
        return None, [_unknown_key_issue(texts.data, path, lines, source_name) for path in unknown], None
    if texts.problems:
        return None, [error("bad-text", problem["template"], _where(source_name, locate(lines, path), path_text(path)),
                            **problem["inputs"]) for path, problem in texts.problems], None
    if texts.translations:
        texts.data["translations"] = texts.translations
    try:
        return msgspec.convert(texts.data, Plan), [], texts
    except msgspec.ValidationError as exc:
        return None, [_validation_issue(str(exc), texts.data, lines, source_name)], None


def place(issues: list[Issue], text: str, source_name: str) -> list[Issue]:
    """Prefix each issue's key path (`components[0].kpis[2] (kpi demos)`) with file:line,
    in line order."""
    lines = key_lines(text)
    placed = []
    for issue in issues:
        line = locate(lines, parse_path(issue.where.split(" ", 1)[0]) if issue.where else ())
        placed.append((line or 0, msgspec.structs.replace(issue, where=_where(source_name, line, issue.where))))
    return [issue for _, issue in sorted(placed, key=lambda pair: pair[0])]


def plan_hash(plan: Plan) -> str:
    """SHA-256 hex of the plan's canonical JSON: fields sorted, defaults omitted,
    decimals normalised (0.20 == 0.2), so formatting never changes the hash."""
    canonical = msgspec.json.encode(_canonical(plan), order="sorted")
    return hashlib.sha256(canonical).hexdigest()


def path_text(path: Path) -> str:
    """("components", 0, "kpis", 2) -> "components[0].kpis[2]"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_path(text: str) -> Path:
    """"components[0].kpis[2]" -> ("components", 0, "kpis", 2); the inverse of path_text."""
    parts: list[str | int] = []
    for name, index in _PATH_PART.findall("." + text if text and text[0] != "[" else text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _where(source: str, line: int | None, path: str) -> str:
    head = f"{source}:{line}" if line else source
    return f"{head}: {path}" if path else head


def _toml_issue(exc: tomllib.TOMLDecodeError, source: str) -> Issue:
    text = str(exc)
    match = _TOML_POSITION.search(text)
    reason = _TOML_POSITION.sub("", text)
    if match and match.group(1):
        return error("toml-syntax", N_("not valid TOML: {reason} (column {column})"), f"{source}:{match.group(1)}",
                     reason=reason, column=match.group(2))
    return error("toml-syntax", N_("not valid TOML: {reason} at the end of the file"), source, reason=reason)


def _unknown_key_issue(data: Any, path: Path, lines: dict[Path, int], source: str) -> Issue:
    said = unknown_key(data, path)
    return error("unknown-key", said["template"], _where(source, locate(lines, path), path_text(path)),
                 **said["inputs"])


def _validation_issue(text: str, data: Any, lines: dict[Path, int], source: str) -> Issue:
    match = _MSGSPEC_ERROR.match(text)
    assert match is not None  # the pattern matches any text
    message, path = match.group("msg"), parse_path(match.group("path") or "")
    code, path, said = explain(message, path, data)
    return error(code, said["template"], _where(source, locate(lines, path), path_text(path)), **said["inputs"])


def _canonical(value: Any) -> Any:
    """Builtins for hashing: struct fields by name, defaults left out, decimals normalised."""
    if isinstance(value, msgspec.Struct):
        config = value.__struct_config__
        out = {config.tag_field: config.tag} if config.tag_field else {}
        for f in msgspec.structs.fields(value):
            item = getattr(value, f.name)
            default = f.default_factory() if f.default_factory is not msgspec.NODEFAULT else f.default
            if f.required or item != default:
                out[f.encode_name] = _canonical(item)
        return out
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return "0" if value == 0 else format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value

"""Mapping files (docs/importing.md "Mapping files"): TOML → a checked `Mapping`.

Loads one mapping, refuses unknown keys, fields the fact file does not have, stages
mapped to anything but the four statuses and expressions that are not plain
arithmetic, each with a message naming the mapping file and the key. `find_mapping`
picks one by id from a company's `mappings/` folder. Must not read exports or
apply a mapping to rows (that is `payplan.facts.mapped`).
"""

from __future__ import annotations

import csv
import re
import tempfile
import tomllib
from pathlib import Path

import msgspec

from payplan.errors import Invalid, NotFound, Phrase
from payplan.facts.expressions import Compiled, compile_expression
from payplan.facts.read import SPECS
from payplan.facts.rows import DEAL_STATUSES
from payplan.i18n import N_

DATE_FIELDS = frozenset({"created_at", "closed_at", "cancelled_at", "occurred_at", "answered_at",
                         "hired_on", "terminated_on"})
PLACES = {"amount": 2, "cost": 2, "salary": 2, "share": 6, "value": 6, "target": 6, "score": 0}
NUMBER_FIELDS = frozenset(PLACES)
OWNER_COLUMNS = ("email", "name", "rep_id", "payroll_id")
OWNERS_SENT = "owners.csv"  # the owners file's name where `mapping_from_sources` puts it
_KEYS = {"id", "version", "kind", "title", "format", "encoding", "delimiter", "decimal", "thousands",
         "date_formats", "columns", "expressions", "stages", "owners", "owners_from", "owners_file",
         "constants", "skip", "values"}
_CHOICES = {"format": ("csv", "xlsx"), "encoding": ("auto", "utf-8", "utf-8-sig", "cp1251"),
            "delimiter": ("auto", ",", ";", "\t"), "decimal": (".", ","), "thousands": ("", ",", " ", ".", "\u00a0")}
_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class SkipRule(msgspec.Struct, frozen=True):
    column: str
    values: frozenset[str] | None  # lower-cased; None: the rule is `empty = true`
    reason: str


class Mapping(msgspec.Struct, frozen=True):
    """A loaded mapping; `file` names it in problems."""

    file: str
    id: str
    version: int
    kind: str
    title: str = ""
    format: str | None = None
    encoding: str = "auto"
    delimiter: str = "auto"
    decimal: str = "."
    thousands: str = ""
    date_formats: tuple[str, ...] = ()
    columns: dict[str, str] = {}
    expressions: dict[str, Compiled] = {}
    constants: dict[str, str] = {}
    stages: dict[str, str] | None = None  # lower-cased CRM stage → status
    owners: dict[str, str] = {}  # lower-cased owner → rep id
    owners_from: str | None = None  # a reps column: email, name, rep_id, payroll_id
    skip: tuple[SkipRule, ...] = ()
    values: dict[str, dict[str, str]] = {}  # field → lower-cased CRM text → payplan value

    def source_of(self, field: str) -> str:
        """What a field comes from, as problems name it: the source column, the expression, the constant."""
        if field in self.columns:
            return self.columns[field]
        if field in self.expressions:
            return self.expressions[field].text
        return f"constants.{field}" if field in self.constants else field


def _bad(file: str, key: str, reason: str, **fields: object) -> Invalid:
    return Invalid(N_("%(file)s, key %(key)s: %(reason)s"), file=file, key=key, reason=Phrase(reason, fields))


def load_mapping(path: str | Path) -> Mapping:
    """Read and check the mapping file at `path`."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise Invalid(N_("%(file)s: cannot read the mapping: %(error)s"), file=path.name, error=str(exc)) from None
    return parse_mapping(path.name, data, path.parent)


def mapping_sources(path: str | Path) -> tuple[bytes, bytes | None]:
    """The bytes a mapping is read from: its TOML file, and its `owners_file` (None without one),
    so that a worker elsewhere reads the mapping as it is now (`mapping_from_sources`)."""
    path = Path(path)
    text = path.read_bytes()
    lookup = tomllib.loads(text.decode("utf-8")).get("owners_file")
    return text, None if lookup is None else (path.parent / str(lookup)).read_bytes()


def mapping_from_sources(file: str, text: bytes, owners: bytes | None) -> Mapping:
    """The mapping `mapping_sources` read, checked again; `file`: its file name."""
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise Invalid(N_("%(file)s: cannot read the mapping: %(error)s"), file=file, error=str(exc)) from None
    if owners is None:
        return parse_mapping(file, data)
    with tempfile.TemporaryDirectory(prefix="payplan-mapping-") as folder:
        (Path(folder) / OWNERS_SENT).write_bytes(owners)
        return parse_mapping(file, {**data, "owners_file": OWNERS_SENT}, Path(folder))


def parse_mapping(file: str, data: dict, folder: Path | None = None) -> Mapping:
    """A `Mapping` from decoded TOML; `folder` resolves `owners_file`."""
    for key in data:
        if key not in _KEYS:
            raise _bad(file, key, N_("unknown key"))
    for key in ("id", "version", "kind", "columns"):
        if key not in data:
            raise _bad(file, key, N_("is required"))
    if not isinstance(data["id"], str) or not _ID.match(data["id"]):
        raise _bad(file, "id", N_("letters, digits, - and _ only"))
    if not isinstance(data["version"], int) or isinstance(data["version"], bool) or data["version"] < 1:
        raise _bad(file, "version", N_("a whole number of at least 1"))
    kind = data["kind"]
    if kind not in SPECS:
        raise _bad(file, "kind", N_("%(value)r is not one of %(allowed)s"), value=kind, allowed=", ".join(SPECS))
    for key, allowed in _CHOICES.items():
        if key in data and data[key] not in allowed:
            raise _bad(file, key, N_("%(value)r is not one of %(allowed)s"), value=data[key],
                       allowed=", ".join(repr(a) for a in allowed))
    if data.get("thousands", "") == data.get("decimal", "."):
        raise _bad(file, "thousands", N_("must differ from decimal"))
    columns, expressions, constants = _fields(file, kind, data)
    return Mapping(file, data["id"], data["version"], kind, _text(file, data, "title"), data.get("format"),
                   data.get("encoding", "auto"), data.get("delimiter", "auto"), data.get("decimal", "."),
                   data.get("thousands", ""), _formats(file, data), columns, expressions, constants,
                   _stages(file, data), _owners(file, data, folder), _owners_from(file, data), _skips(file, data),
                   _values(file, data, columns))


def _text(file: str, data: dict, key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise _bad(file, key, N_("must be text"))
    return value


def _table(file: str, data: dict, key: str) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise _bad(file, key, N_("must be a table of texts"))
    return table


def _fields(file: str, kind: str, data: dict) -> tuple[dict[str, str], dict[str, Compiled], dict[str, str]]:
    spec = SPECS[kind]
    known = set(spec.required) | set(spec.optional)
    tables = {key: _table(file, data, key) for key in ("columns", "expressions", "constants")}
    seen: dict[str, str] = {}
    for key, table in tables.items():
        for field in table:
            if field not in known and not (spec.extras and re.fullmatch(r"[a-z][a-z0-9_]*", field)):
                raise _bad(file, f"{key}.{field}", N_("%(kind)s facts have no field %(field)r"), kind=kind, field=field)
            if field in seen:
                raise _bad(file, f"{key}.{field}", N_("the field is also in [%(other)s]"), other=seen[field])
            seen[field] = key
    missing = [f for f in spec.required if f not in seen]
    if missing:
        raise _bad(file, "columns", N_("required fields are not mapped: %(fields)s"), fields=", ".join(missing))
    expressions = {}
    for field, text in tables["expressions"].items():
        try:
            expressions[field] = compile_expression(text)
        except Invalid as exc:
            raise Invalid(N_("%(file)s, key %(key)s: %(reason)s"), file=file, key=f"expressions.{field}",
                          reason=exc.detail) from None
    return tables["columns"], expressions, tables["constants"]


def _formats(file: str, data: dict) -> tuple[str, ...]:
    formats = data.get("date_formats", [])
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        raise _bad(file, "date_formats", N_("must be a list of strptime formats such as %(example)r"),
                   example="%d.%m.%Y")
    return tuple(formats)


def _stages(file: str, data: dict) -> dict[str, str] | None:
    if "stages" not in data:
        return None
    stages = _table(file, data, "stages")
    for stage, status in stages.items():
        if status not in DEAL_STATUSES:
            raise _bad(file, f"stages.{stage}", N_("%(value)r is not one of %(allowed)s"), value=status,
                       allowed=", ".join(DEAL_STATUSES))
    return {stage.strip().lower(): status for stage, status in stages.items()}


def _values(file: str, data: dict, columns: dict[str, str]) -> dict[str, dict[str, str]]:
    """`[values.kind]` "Demo" = "demo": a text field's CRM values translated; matching ignores case."""
    tables = data.get("values", {})
    if not isinstance(tables, dict):
        raise _bad(file, "values", N_("must be a table of tables"))
    found = {}
    for field, table in tables.items():
        if field not in columns or field in ("rep_id", "status") or field in DATE_FIELDS or field in NUMBER_FIELDS:
            raise _bad(file, f"values.{field}", N_("only a text field read from [columns] (not rep_id or status) "
                                                    "can have values"))
        found[field] = {k.strip().lower(): v for k, v in _table(file, tables, field).items()}
    return found


def _owners(file: str, data: dict, folder: Path | None) -> dict[str, str]:
    owners = {k.strip().lower(): v.strip() for k, v in _table(file, data, "owners").items()}
    lookup = data.get("owners_file")
    if lookup is None:
        return owners
    path = (folder or Path(".")) / str(lookup)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(file, "owners_file", N_("cannot read %(path)s: %(error)s"), path=str(lookup), error=str(exc))
    if rows and not {"owner", "rep_id"} <= set(rows[0]):
        raise _bad(file, "owners_file", N_("%(path)s needs the columns owner,rep_id"), path=str(lookup))
    found = {r["owner"].strip().lower(): r["rep_id"].strip() for r in rows if (r["owner"] or "").strip()}
    return found | owners


def _owners_from(file: str, data: dict) -> str | None:
    value = data.get("owners_from")
    if value is None:
        return None
    source, _, column = str(value).partition(":")
    if source not in ("reps.csv", "reps") or column not in OWNER_COLUMNS:
        raise _bad(file, "owners_from", N_("%(value)r is not one of %(allowed)s"), value=value,
                   allowed=", ".join(f"reps.csv:{c}" for c in OWNER_COLUMNS))
    return column


def _skips(file: str, data: dict) -> tuple[SkipRule, ...]:
    rules = data.get("skip", [])
    if not isinstance(rules, list):
        raise _bad(file, "skip", N_("must be a list of [[skip]] tables"))
    found = []
    for number, rule in enumerate(rules, start=1):
        key = f"skip[{number}]"
        if not isinstance(rule, dict) or not isinstance(rule.get("column"), str) or \
                not isinstance(rule.get("reason"), str) or set(rule) - {"column", "equals", "in", "empty", "reason"}:
            raise _bad(file, key, N_("needs column, reason and one of equals, in or empty = true"))
        if "equals" in rule:
            values: frozenset[str] | None = frozenset({str(rule["equals"]).strip().lower()})
        elif "in" in rule and isinstance(rule["in"], list):
            values = frozenset(str(v).strip().lower() for v in rule["in"])
        elif rule.get("empty") is True:
            values = None
        else:
            raise _bad(file, key, N_("needs column, reason and one of equals, in or empty = true"))
        found.append(SkipRule(rule["column"], values, rule["reason"]))
    return tuple(found)


def mappings_in(folder: str | Path) -> list[Mapping]:
    """Every mapping in `folder` (`*.toml`), by id; a broken one raises naming its file."""
    return sorted((load_mapping(p) for p in Path(folder).glob("*.toml")), key=lambda m: m.id)


def mapping_path(folder: str | Path, mapping_id: str) -> Path:
    """Where the mapping `mapping_id` of `folder` is read from (`find_mapping`)."""
    return Path(folder) / f"{mapping_id}.toml"


def find_mapping(folder: str | Path, mapping_id: str) -> Mapping:
    """The mapping `mapping_id` of `folder` (its file is `<id>.toml`)."""
    if not _ID.match(mapping_id):
        raise NotFound(N_("no mapping %(mapping)r"), mapping=mapping_id)
    path = mapping_path(folder, mapping_id)
    if not path.is_file():
        raise NotFound(N_("no mapping %(mapping)r in %(folder)s"), mapping=mapping_id, folder=str(folder))
    mapping = load_mapping(path)
    if mapping.id != mapping_id:
        raise _bad(path.name, "id", N_("%(value)r must equal the file's name %(stem)r"), value=mapping.id,
                   stem=mapping_id)
    return mapping

"""HR's simulation form as values: the posted fields read into the two plans and the `Question` to ask.

The page posts multipart (a draft may be uploaded) or URL-encoded fields; each is read
here with its bound, and a bad value is `Invalid` naming the field. The proposal is a
published version or a draft (TOML pasted, or a `.toml` file whose text is kept in the
form from then on). The parameter table (`payplan.core.levers`) posts `lever:PATH` (the
value typed; shares as percentages) next to `shown:PATH` (the value the page showed):
only the values the user changed become edits. Must not simulate, render or query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from payplan.api.simulate import MAX_DRAFT_CHARS, MAX_EDITS, MAX_SCENARIOS
from payplan.core.levers import Lever
from payplan.core.plan import Plan
from payplan.errors import Invalid
from payplan.i18n import N_
from payplan.simulation.model import Budget, Edit, Question
from payplan.simulation.simulate import DraftPlan

MAX_FIELD = 200
MAX_SCENARIO_CHARS = 500
HUNDRED = Decimal(100)
FORMATS = ("csv", "json", "pdf")


@dataclass
class SimulationForm:
    baseline: str = ""
    proposal: str = ""  # a published "id@version"
    source: str = "published"  # published / draft
    toml: str = ""
    draft_name: str = "draft.toml"
    start: str = ""
    end: str = ""
    population: str = ""  # "" (everyone either plan covers), "role:AE" or "team:EMEA"
    cross: bool = False
    budget: str = ""
    lever: str = ""
    tolerance: str = "1"
    scenarios: str = ""
    action: str = "simulate"  # check / simulate
    format: str = ""  # "" (the page) or a download: csv / json / pdf
    typed: dict[str, str] = field(default_factory=dict)  # lever path → value typed
    shown: dict[str, str] = field(default_factory=dict)  # lever path → value the page showed

    def periods(self) -> str:
        """"2026-01..2026-06" (one period when the end is left empty)."""
        start, end = self.start.strip(), self.end.strip()
        if not start:
            raise Invalid(N_("give the first period of the range (such as 2026-01, or 2026-Q1 for quarterly plans)"),
                          where="start")
        return f"{start}..{end}" if end else start

    def plans(self) -> tuple[str, str | DraftPlan]:
        """The baseline and the proposal as `simulate` takes them."""
        if not self.baseline:
            raise Invalid(N_("choose a baseline and a proposal plan"), where="baseline")
        if self.source == "draft":
            if not self.toml.strip():
                raise Invalid(N_("paste the draft plan's TOML or upload its file"), where="toml")
            return self.baseline, DraftPlan(self.toml, self.draft_name or "draft.toml")
        if not self.proposal:
            raise Invalid(N_("choose a baseline and a proposal plan"), where="proposal")
        return self.baseline, self.proposal

    def question(self, proposal: Plan, levers: list[Lever]) -> Question:
        """What the form asks beyond the plans and the periods; `levers` are the proposal's."""
        kind, _, name = self.population.partition(":")
        return Question(role=name if kind == "role" else "", team=name if kind == "team" else "",
                        cross_population=self.cross, edits=self.edits(proposal, levers), budget=self._budget(),
                        scenarios=self._scenarios())

    def edits(self, proposal: Plan, levers: list[Lever]) -> list[Edit]:
        """The parameters whose value the user changed, shares typed as percentages."""
        units = {lever.path: lever.unit for lever in levers}
        out = []
        for path, typed in self.typed.items():
            if typed.strip() == self.shown.get(path, "").strip():
                continue
            if path not in units:
                raise Invalid(N_("plan %(plan)s has no parameter %(path)s: check the proposal again"),
                              plan=proposal.ref, path=path, where=f"lever:{path}")
            value = number(typed, f"lever:{path}")
            out.append(Edit(path, value / HUNDRED if units[path] == "share" else value))
        return out

    def _budget(self) -> Budget | None:
        if not self.budget.strip():
            return None
        if not self.lever:
            raise Invalid(N_("choose the parameter to fit to the budget"), where="lever")
        tolerance = number(self.tolerance, "tolerance") if self.tolerance.strip() else Decimal(1)
        return Budget(number(self.budget, "budget"), self.lever, tolerance)

    def _scenarios(self) -> list[str]:
        lines = [line.strip() for line in self.scenarios.splitlines() if line.strip()]
        if len(lines) > MAX_SCENARIOS or any(len(line) > MAX_SCENARIO_CHARS for line in lines):
            raise Invalid(N_("scenarios: at most %(count)s lines of at most %(chars)s characters each"),
                          count=MAX_SCENARIOS, chars=MAX_SCENARIO_CHARS, where="scenarios")
        return lines


def number(text: str, where: str) -> Decimal:
    """A number typed in a field ("1 500", "1500.50", "12,5", "20%" for 20); Invalid naming the field."""
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".").rstrip("%")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or len(cleaned) > 40:
        raise Invalid(N_("%(field)s: %(text)r is not a number"), field=where, text=text[:40], where=where)
    return value


def plain(value: Decimal | None, unit: str) -> str:
    """A parameter's value as the form shows it: a share as a percentage, no exponent."""
    if value is None:
        return ""
    shown = value * HUNDRED if unit == "share" else value
    return format(shown.normalize(), "f")


def read_form(fields: dict[str, Any]) -> SimulationForm:
    """The form from a posted body (multipart or URL-encoded); Invalid for a field past its bound."""
    form = SimulationForm()
    for name in ("baseline", "proposal", "source", "draft_name", "start", "end", "population", "budget", "lever",
                 "tolerance", "action", "format"):
        setattr(form, name, _text(fields, name, MAX_FIELD))
    form.scenarios = _text(fields, "scenarios", MAX_SCENARIOS * (MAX_SCENARIO_CHARS + 2))
    form.toml = _text(fields, "toml", MAX_DRAFT_CHARS)
    form.cross = bool(_text(fields, "cross", MAX_FIELD))
    upload = _one(fields.get("file"))
    if upload is not None and not isinstance(upload, str) and getattr(upload, "filename", ""):
        form.toml, form.draft_name, form.source = _upload_text(upload), upload.filename[:MAX_FIELD], "draft"
    paths = [k for k in fields if isinstance(k, str) and k.startswith("lever:")]
    if len(paths) > MAX_EDITS * 4:
        raise Invalid(N_("too many parameters posted"), where="lever")
    form.typed = {k[6:]: _text(fields, k, MAX_FIELD) for k in paths}
    form.shown = {k[6:]: _text(fields, "shown:" + k[6:], MAX_FIELD) for k in paths}
    if form.format and form.format not in FORMATS:
        raise Invalid(N_("unknown download format %(format)s"), format=form.format, where="format")
    return form


def _one(value: Any) -> Any:
    return value[-1] if isinstance(value, list) and value else value


def _text(fields: dict[str, Any], name: str, limit: int) -> str:
    value = _one(fields.get(name, ""))
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise Invalid(N_("%(field)s is longer than %(limit)s characters"), field=name, limit=limit, where=name)
    return value


def _upload_text(upload: Any) -> str:
    if not upload.filename.lower().endswith(".toml"):
        raise Invalid(N_("%(file)s: choose a .toml plan file"), file=upload.filename, where="file")
    body = upload.file.read(MAX_DRAFT_CHARS * 4 + 1)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(N_("%(file)s is not UTF-8 text"), file=upload.filename, where="file") from None
    if len(text) > MAX_DRAFT_CHARS or len(body) > MAX_DRAFT_CHARS * 4:
        raise Invalid(N_("%(field)s is longer than %(limit)s characters"), field=upload.filename,
                      limit=MAX_DRAFT_CHARS, where="file")
    return text

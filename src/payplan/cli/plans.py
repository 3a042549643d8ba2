"""`payplan plans check | diff | publish`: lint, compare and publish plan files.

`check` lints files or folders and exits 1 on any error; `diff` says what changed
between two versions in plan terms; `publish` stores versions in the database on
a user's behalf (refused on lint errors). Must not hold business rules: linting
is `payplan.core.lint`, reading `payplan.plans.files`, publishing
`payplan.plans.versions`.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from payplan.cli.database import acting, as_user
from payplan.cli.language import _, current, ngettext
from payplan.core.issues import Issue
from payplan.core.lint import check_versions
from payplan.core.plan import Plan
from payplan.i18n import Words
from payplan.plans import versions as plan_store
from payplan.plans.change_words import change_line
from payplan.plans.files import PlanError, check_plan_text, load_plan, place, plan_diff, plan_hash, read_plan_file
from payplan.plans.issue_words import line

_REF_IN_WHERE = re.compile(r"\(([^()]+@\d+)\)$")


class PlanFileError(click.ClickException):
    """A plan file that cannot be loaded, shown as its issues (exit 1)."""

    def __init__(self, error: PlanError) -> None:
        super().__init__("\n".join(line(i, current()) for i in error.issues))

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


@click.group("plans")
def plans() -> None:
    """Lint, compare and publish plan files (plans as code)."""


_COLOURS = {"error": "red", "warning": "yellow", "accepted": "green"}


@plans.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def plans_check(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Lint plan files or directories of *.toml (default: plans/); exit 1 on any error."""
    files = _plan_files(paths or (Path("plans"),))
    loaded: list[tuple[str, str, Plan]] = []
    issues: list[Issue] = []
    for file in files:
        try:
            text = read_plan_file(file)
        except PlanError as exc:
            issues += exc.issues
            continue
        plan, found = check_plan_text(text, str(file))
        issues += found
        if plan is not None:
            loaded.append((str(file), text, plan))
    issues += _place_version_issues(check_versions([plan for _, _, plan in loaded]), loaded)
    for issue in issues:
        click.secho(line(issue, current()), fg=_COLOURS.get(issue.severity, "yellow"))
    errors = sum(i.severity == "error" for i in issues)
    accepted = sum(i.severity == "accepted" for i in issues)
    click.echo(_("checked %(files)s: %(errors)s, %(warnings)s",
                 files=ngettext("%(num)s plan file", "%(num)s plan files", len(files)),
                 errors=ngettext("%(num)s error", "%(num)s errors", errors),
                 warnings=ngettext("%(num)s warning", "%(num)s warnings", len(issues) - errors - accepted)))
    if accepted:
        click.echo(ngettext("%(num)s warning accepted by its plan", "%(num)s warnings accepted by their plans",
                            accepted))
    ctx.exit(1 if errors else 0)


@plans.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
def plans_diff(old: Path, new: Path) -> None:
    """Show what changed from plan version OLD to NEW, in plan terms."""
    try:
        before, after = load_plan(old), load_plan(new)
    except PlanError as exc:
        raise PlanFileError(exc) from None
    changes = plan_diff(before, after)
    click.echo(f"{before.ref} ({old}) → {after.ref} ({new})")
    words = Words(current())
    for change in changes:
        click.echo(f"  {change_line(change, words)}")
    if not changes:
        same = plan_hash(before) == plan_hash(after)
        click.echo("  " + (_("no changes (same content hash)") if same else _("no changes (only in wording or order)")))


@plans.command("publish")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@as_user
def plans_publish(files: tuple[Path, ...], as_name: str) -> None:
    """Publish plan versions into the database (all or none)."""
    texts = [(read_plan_file(f), str(f)) for f in files]
    rows = acting(as_name, lambda conn, user: [plan_store.publish(conn, t, s, user) for t, s in texts])
    for row in rows:
        click.echo(f"{row.ref} {row.hash[:12]} ({row.source_name})")


def _plan_files(paths: tuple[Path, ...]) -> list[Path]:
    """Files given, plus every *.toml under directories given; usage error if none."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob("*.toml"))
        elif path.exists():
            files.append(path)
        else:
            raise click.UsageError(f"no such file or directory: {path}")
    if not files:
        raise click.UsageError(f"no plan files (*.toml) in {', '.join(map(str, paths))}")
    return files


def _place_version_issues(issues: list[Issue], loaded: list[tuple[str, str, Plan]]) -> list[Issue]:
    """Put each version issue in the file(s) of the plan version it names (`... (ae@2)`)."""
    placed = []
    for issue in issues:
        match = _REF_IN_WHERE.search(issue.where)
        homes = [(source, text) for source, text, plan in loaded if match and plan.ref == match.group(1)]
        for source, text in homes:
            placed += place([issue], text, source)
        placed += [] if homes else [issue]
    return placed

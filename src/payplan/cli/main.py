"""The `payplan` command: the click group, its command groups, and exit codes (DESIGN §11).

Each command group is a module of this package named after it. `main()` never
shows a traceback for a user's mistake: usage errors exit 2, plan and data errors
exit 1, each with a message on stderr. `--lang` (else the locale) chooses the language
of what people read (`payplan.cli.language`), a domain error's reason included (written
while the command's context still knows the language). Must not hold business rules.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from payplan.cli import (audit, bench, click_language, db, evaluate, facts, language, plans, runs, serve, simulate,
                         statements, users, worker)
from payplan.errors import PayplanError
from payplan.facts.problems import FactError
from payplan.i18n import OS_REASONS
from payplan.plans import issue_words
from payplan.plans.files import PlanError



class _Group(click.Group):
    """The root group: click speaks the command line's language (`language.chosen`) from the
    start; a user's error leaving a command is written in the command's language (while its
    context still knows the language), ready for `main` to print."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        with click_language.speaking(language.chosen(sys.argv[1:] if args is None else args), self):
            return super().main(args, *rest, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if isinstance(exc, PlanError):  # its issues, one a line, each with its place and code
                exc.said = _issue_lines(exc)  # type: ignore[attr-defined]
            elif _is_user_error(exc):
                exc.said = language._("error: %(reason)s", reason=_reason(exc))  # type: ignore[attr-defined]
            raise


def _issue_lines(exc: PlanError) -> str:
    """A plan file's issues in the command's language, one a line."""
    return "\n".join(issue_words.line(issue, language.current()) for issue in exc.issues)


def _reason(exc: BaseException) -> str:
    """A user error's reason in the command's language: a domain error's own, a file's path and
    what the system said of it."""
    if isinstance(exc, (PayplanError, FactError)):
        return exc.say(lambda message: language._(message))
    if isinstance(exc, OSError) and exc.strerror:
        reason = language._(OS_REASONS[exc.errno]) if exc.errno in OS_REASONS else exc.strerror
        return f"{exc.filename}: {reason}" if exc.filename else reason
    return str(exc)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="payplan", message=click_language.VERSION_MESSAGE)
@language.lang_option
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """payplan: open, explainable incentive compensation for B2B sales teams."""
    language.remember(ctx, lang)


for _command in (plans.plans, evaluate.evaluate, evaluate.explain, simulate.simulate, db.db, users.users,
                 facts.import_cmd, runs.runs_group, audit.audit_group, *statements.COMMANDS, bench.bench,
                 serve.demo, serve.serve, worker.worker, worker.jobs_group):
    cli.add_command(_command)


def _is_user_error(exc: BaseException) -> bool:
    """payplan's own exception types and I/O failures are the user's to fix, not bugs."""
    return isinstance(exc, OSError) or type(exc).__module__.startswith("payplan.")


def _exit_code(exc: BaseException) -> int:
    """2 for a payplan `UsageError` (a request that cannot be answered as asked), else 1."""
    return 2 if any(k.__name__ == "UsageError" for k in type(exc).__mro__) else 1


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI, map every user error to a message and exit code."""
    # click's usage errors are shown here, after `cli.main` returned: in the language it spoke.
    with click_language.speaking(language.chosen(sys.argv[1:] if argv is None else argv), cli):
        try:
            code = cli.main(args=argv, prog_name="payplan", standalone_mode=False)
        except click.exceptions.Abort:
            click.echo(language._("Aborted."), err=True)
            code = 1
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except PlanError as exc:
            click.echo(getattr(exc, "said", None) or _issue_lines(exc), err=True)
            code = 1
        except Exception as exc:  # noqa: BLE001 - only user errors are caught, bugs re-raised
            if not _is_user_error(exc):
                raise
            click.echo(getattr(exc, "said", None) or f"error: {exc}", err=True)
            code = _exit_code(exc)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

"""`payplan bench`: the benchmark suite (`payplan.bench`), one table of figures."""

from __future__ import annotations

import click


@click.command()
@click.option("--quick", is_flag=True, help="Small sizes: a smoke run in seconds, not the DESIGN figures.")
def bench(quick: bool) -> None:
    """Run the benchmark suite and print one table of figures."""
    from payplan.bench import suite

    click.echo(suite.render(suite.run(quick=quick, echo=lambda m: click.echo(m, err=True))))

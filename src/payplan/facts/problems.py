"""Problems found in fact files, each naming the file, row and column.

Must not read or parse anything.
"""

from __future__ import annotations

import msgspec


class FactProblem(msgspec.Struct, frozen=True):
    """One thing wrong in a fact file; `row`/`column` are None when they do not apply."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" {'item' if self.file.endswith('.json') else 'row'} {self.row}"
        if self.column:
            where += f"{',' if self.row is not None else ''} column {self.column}"
        return f"{where}: {self.message}"


class FactError(ValueError):
    """Fact files that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[FactProblem]) -> None:
        self.problems = list(problems)
        shown = [str(p) for p in self.problems[:100]]
        if len(self.problems) > 100:
            shown.append(f"... and {len(self.problems) - 100} more problems")
        super().__init__("\n".join(shown))

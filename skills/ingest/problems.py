"""How bad input is reported: every problem names its file, row and column."""

from __future__ import annotations

from dataclasses import dataclass

from skills.ingest.limits import current_limits


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count in words a person reads: "1 problem", "2 problems", "1,234 people"."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as a spreadsheet user would find it.

    `row` counts as a spreadsheet shows it: the header is row 1, the first record row 2.
    """

    source: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "row": self.row, "column": self.column,
                "message": self.message}


class DatasetError(Exception):
    """The input cannot be loaded; `problems` lists everything found, not just the first.

    A file of a million bad rows would make a list nobody reads and memory nobody has, so
    only the first `max_problems` (by file and row) are kept; `more` counts the others.
    """

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        limit = current_limits().max_problems
        # Grouped by file and row so a user can fix them top to bottom.
        ordered = sorted(problems, key=lambda p: (p.source, p.row or 0))
        self.problems = ordered[:limit]
        self.more = more + len(ordered) - len(self.problems)
        self.total = len(self.problems) + self.more
        header = f"{counted(self.total, 'problem')} in the dataset"
        lines = [f"  - {p}" for p in self.problems]
        if self.more:
            lines.append(f"  … and {self.more:,} more")
        super().__init__(header + ":\n" + "\n".join(lines))

    @property
    def headline(self) -> str:
        """How many there are, unlisted ones included: "1 problem", "12 problems"."""
        return counted(self.total, "problem")

"""How big an import may be, checked before anything is parsed.

Each limit can be raised (or lowered) with an environment variable; every refusal names the
limit and the variable, so whoever runs the import can change it without reading code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    max_file_mb: int = 200           # one uploaded or on-disk file
    max_unpacked_mb: int = 300       # everything inside one .xlsx once unzipped
    max_rows: int = 2_000_000        # data rows in one file or sheet
    max_columns: int = 2_000         # columns in one header
    max_cell_chars: int = 10_000     # characters in one cell
    max_problems: int = 200          # problems listed; the rest are counted

    @staticmethod
    def variable(name: str) -> str:
        return f"CROSSTRAIN_IMPORT_{name.upper()}"

    def advice(self, name: str) -> str:
        """'(limit max_rows = 2,000,000; set CROSSTRAIN_IMPORT_MAX_ROWS to change it)'."""
        return (f"(limit {name} = {getattr(self, name):,}; set {self.variable(name)} "
                "to change it)")


def current_limits() -> Limits:
    """The defaults, overridden by any CROSSTRAIN_IMPORT_* variable set to a whole number."""
    values: dict[str, int] = {}
    for spec in fields(Limits):
        raw = os.environ.get(Limits.variable(spec.name), "").strip()
        if raw.isdigit() and len(raw) < 16:
            values[spec.name] = max(1, int(raw))
    return Limits(**values)

"""The one plan contract every planner returns, and the one meaning of a time limit.

A plan says how good it is: `status` (optimal / feasible / timeout = no plan in time /
infeasible / error), `objective`, `bound` (for the model the README states, never a restricted
one), `gap`, `seconds` (wall clock from the call), `message` (one line for a manager),
`reasons` (why, in words) and `violations` (what the plain-Python checker found: a plan with
any is never shown as a plan).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["optimal", "feasible", "timeout", "infeasible", "error"]
STATUSES: tuple[Status, ...] = ("optimal", "feasible", "timeout", "infeasible", "error")
STATUS_WORDS: dict[str, str] = {
    "optimal": "optimal",
    "feasible": "feasible",
    "timeout": "no plan in time",
    "infeasible": "infeasible",
    "error": "error",
}
FOUND: frozenset[str] = frozenset({"optimal", "feasible"})


@dataclass(frozen=True)
class Violation:
    """One broken rule in a plan, found by a planner's checker outside the solver."""

    rule: int | str
    message: str


@dataclass(kw_only=True)
class Plan:
    """What every planner returns; planner results add their own fields to these."""

    status: Status
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0
    message: str = ""
    reasons: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """A plan exists and passed its checker."""
        return self.status in FOUND and not self.violations

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    def summary(self) -> dict[str, object]:
        """The contract's fields as the command line's JSON line prints them."""
        return {"status": self.status, "objective": rounded(self.objective),
                "bound": rounded(self.bound), "gap": rounded(self.gap, 6),
                "seconds": round(self.seconds, 3), "message": self.message}


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """abs(bound - objective) / |objective|: 0.004 means the plan is within 0.4 % of the best."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(bound - objective) / max(1e-9, abs(objective))


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


class Deadline:
    """A time limit as wall clock from the call: preparation, solving and checking included."""

    def __init__(self, seconds: float, *, started: float | None = None) -> None:
        if not seconds > 0:
            raise ValueError(f"the time limit must be positive, got {seconds}")
        self.limit = float(seconds)
        self.started = time.monotonic() if started is None else started

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self, floor: float = 0.0) -> float:
        """Seconds left, never below `floor` (so a solver still gets a moment)."""
        return max(floor, self.limit - self.elapsed())

    def expired(self) -> bool:
        return self.elapsed() >= self.limit

    def share(self, fraction: float, floor: float = 0.05) -> float:
        """A part of what is left, for one step of several."""
        return max(floor, fraction * self.remaining())


def process_started() -> float | None:
    """`time.monotonic()` at the moment this process started, from the kernel's record of it
    (Linux); None where that is not known.

    A command's time limit is the user's: it runs from when they pressed enter, so the
    interpreter's start and the imports (about a second for a planner) count too.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # Field 22, start time in clock ticks after boot; the name (field 2) may hold
            # spaces, so count from its closing parenthesis.
            ticks = int(stat.read().rpartition(")")[2].split()[19])
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return time.monotonic() - max(0.0, age)

"""Hiring targets: close every team target by growing, moving or hiring people, at least cost.

model.py holds the options, the prepared input and the MIP (its docstring states the model);
greedy.py the baseline and warm start; explain.py the words; check.py the plain-Python checker
and the organisation after a plan; plan.py runs them within one time limit; figures.py and
scenarios.py serve the page.
"""

from skills.plans.hiring.check import (
    after_plan,
    bus_factor_after,
    check_actions,
    check_plan,
    coverage_after,
)
from skills.plans.hiring.explain import (
    build_actions,
    explain_infeasible,
    hire_words,
    join_words,
    level_word,
)
from skills.plans.hiring.greedy import greedy
from skills.plans.hiring.model import (
    ACTIONS,
    GROW,
    HIRE,
    MOVE,
    PLAN_COLUMNS,
    Choice,
    Costs,
    HiringInput,
    HiringInputError,
    HiringOptions,
    HiringPlan,
    PlannedAction,
    Target,
    build_model,
    hires_needed,
    prepare,
    pure_hiring,
)
from skills.plans.hiring.plan import plan_hiring

__all__ = [
    "ACTIONS", "GROW", "HIRE", "MOVE", "PLAN_COLUMNS", "Choice", "Costs", "HiringInput",
    "HiringInputError", "HiringOptions", "HiringPlan", "PlannedAction", "Target",
    "after_plan", "build_actions", "build_model", "bus_factor_after", "check_actions",
    "check_plan", "coverage_after", "explain_infeasible", "greedy", "hire_words",
    "hires_needed", "join_words", "level_word", "plan_hiring", "prepare", "pure_hiring",
]

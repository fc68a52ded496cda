"""Mentoring pairs across specialties: who should learn which skill from whom.

- `model`: options, weights, eligibility, scores, the flow and MILP models;
- `greedy`: the greedy baseline (fallback, warm start, shown beside the plan);
- `check`: `check_pairs`, the plain-Python checker, returning `Violation`s;
- `explain`: the pairs table with reasons, messages, practitioners after mentoring;
- `planner`: `plan_mentoring` under a wall-clock time limit, with the result `MentoringPlan`;
- `figures`, `graph`: Plotly figures and the networkx graphs of the page.
"""

from skills.organisation import Organisation
from skills.plans.mentoring.check import check_pairs
from skills.plans.mentoring.explain import practitioners_after_mentoring
from skills.plans.mentoring.greedy import greedy_pairs
from skills.plans.mentoring.model import (
    PAIR_COLUMNS,
    MentoringInputError,
    MentoringOptions,
    Weights,
    eligible_pairs,
    is_eligible,
    mentee_value,
    pair_score,
    prepare,
    validate_options,
)
from skills.plans.mentoring.planner import MAX_MILP_PAIRS, MentoringPlan, plan_mentoring

__all__ = [
    "MAX_MILP_PAIRS", "PAIR_COLUMNS", "MentoringInputError", "MentoringOptions",
    "MentoringPlan", "Organisation", "Weights", "check_pairs", "eligible_pairs", "greedy_pairs",
    "is_eligible", "mentee_value", "pair_score", "plan_mentoring",
    "practitioners_after_mentoring", "prepare", "validate_options",
]

"""Rotation planner: who spends which quarter embedded in which team, within hard limits.

A rotation is one person spending one whole quarter in another team. Every plan returned here
satisfies five hard rules, re-checked in plain Python by `check_plan`:

1. a person is in at most one host team per quarter, never their own, and rotates at most
   `max_rotations` times in the horizon;
2. every team target keeps, in every quarter, at least min(min_people, count before any rotation)
   members present at the target level (targets already unmet are never made worse);
3. in every quarter at most floor(max_away_share x team size) members of a team are away;
4. in every quarter a team hosts at most `host_capacity` rotators;
5. a rotation that answers a request uses the request's host team and lies in its window, and
   answers that one request only.

The objective rewards honoured requests by priority (3 is the most important) and expected
learning. The modules: `model` (policy, the indexed organisation, learning value), `columns`
(the full model as arrays, column generation, the MIP), `greedy`, `check`, `explain`,
`planner` (the call that ties them together) and `figures`.
"""

from skills.plans.rotations.check import Ledger, check_plan
from skills.plans.rotations.explain import (
    PLAN_COLUMNS,
    Refusal,
    misfits,
    plan_frame,
    refusals,
    request_outcomes,
)
from skills.plans.rotations.greedy import complete, greedy, link_requests
from skills.plans.rotations.model import (
    ANY_TEAM,
    CLOSED_STATUSES,
    CONSTRAINTS,
    OPEN_STATUSES,
    Policy,
    PolicyError,
    Request,
    Rotation,
    RotationOrg,
    Target,
    answers,
    away_cap,
    learnable,
    learning_matrix,
    learning_value,
    plan_objective,
    prepare,
    request_hosts,
    request_quarters,
)
from skills.plans.rotations.planner import PlanResult, plan

# The name the services and pages knew this by; it is the rotation view of
# skills.organisation.Organisation, not a second model.
Organisation = RotationOrg

__all__ = [
    "ANY_TEAM", "CLOSED_STATUSES", "CONSTRAINTS", "OPEN_STATUSES", "PLAN_COLUMNS", "Ledger",
    "Organisation",
    "PlanResult", "Policy", "PolicyError", "Refusal", "Request", "Rotation", "RotationOrg",
    "Target", "answers", "away_cap", "check_plan", "complete", "greedy", "learnable",
    "learning_matrix", "learning_value", "link_requests", "misfits", "plan", "plan_frame",
    "plan_objective", "prepare", "refusals", "request_hosts", "request_outcomes",
    "request_quarters",
]

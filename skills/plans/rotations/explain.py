"""Rotation plans in words and tables: refusals, infeasibility, commitments that no longer fit,
request outcomes and the plan table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from skills.plans.contract import Violation
from skills.plans.rotations.check import Ledger
from skills.plans.rotations.model import (
    ANY_TEAM,
    CONSTRAINTS,
    Policy,
    Request,
    Rotation,
    RotationOrg,
    answers,
    learnable,
    learning_value,
    request_hosts,
    request_quarters,
)

if TYPE_CHECKING:
    from skills.plans.rotations.planner import PlanResult


@dataclass
class Refusal:
    request_id: str
    reasons: list[Violation]

    @property
    def text(self) -> str:
        return "; ".join(dict.fromkeys(v.message for v in self.reasons))

    @property
    def constraints(self) -> list[int]:
        return sorted({int(v.rule) for v in self.reasons})

    @property
    def rules(self) -> str:
        return "; ".join(f"rule {c}, {CONSTRAINTS[c]}" for c in self.constraints)


def refusals(org: RotationOrg, policy: Policy, plan: Sequence[Rotation]) -> dict[str, Refusal]:
    """For each open request the plan does not answer: what refuses it, quarter by quarter.

    A request counts as answered only by the rotation linked to it: a rotation that answers
    another request already cannot count twice, and the words say so.
    """
    ledger = Ledger(org, policy)
    for rotation in plan:
        ledger.add(rotation)
    linked = {r.request_id for r in plan if r.request_id}
    mine: dict[str, list[Rotation]] = defaultdict(list)
    for rotation in plan:
        mine[rotation.person_id].append(rotation)
    out = {}
    for request in org.requests:
        if request.request_id in linked:
            continue
        reasons: list[Violation] = []
        hosts = request_hosts(org, request)
        quarters = request_quarters(request, policy)
        if not hosts:
            reasons.append(Violation(5, f"The request cannot be met: {_no_host(org, request)}"))
        if not quarters:
            reasons.append(Violation(5, f"The window Q{request.earliest}–Q{request.latest} lies "
                                        f"outside the {policy.quarters}-quarter horizon"))
        for host in hosts:
            for quarter in quarters:
                reasons.extend(ledger.reasons(request.person_id, host, quarter))
        for rotation in mine[request.person_id]:
            if rotation.request_id and answers(request, rotation, org):
                reasons.append(Violation(1, (
                    f"{org.names.get(rotation.person_id, rotation.person_id)}'s rotation to "
                    f"{rotation.host_team} in Q{rotation.quarter} answers request "
                    f"{rotation.request_id} already, and one rotation answers one request")))
        if not reasons:
            # Completion adds every request that fits, so this is only reached when the time
            # ran out before it could: say so rather than nothing.
            reasons.append(Violation(1, "The planner ran out of time before it could place "
                                        "this request; run it again with more time"))
        out[request.request_id] = Refusal(request.request_id, reasons)
    return out


def _no_host(org: RotationOrg, request: Request) -> str:
    if request.host_team == ANY_TEAM:
        skill = org.skill_names.get(request.skill_id or "", request.skill_id)
        return f"no other team holds {skill} at practitioner level"
    if request.host_team == org.home.get(request.person_id):
        return f"{request.host_team} is the person's own team now"
    return f"{request.host_team} is not a team with members"


def commitment_words(org: RotationOrg, rotation: Rotation) -> str:
    name = org.names.get(rotation.person_id, rotation.person_id)
    return f"The approved rotation of {name} to {rotation.host_team} in Q{rotation.quarter}"


def misfits(org: RotationOrg, policy: Policy,
            commitments: Sequence[Rotation]) -> tuple[list[Rotation], list[str]]:
    """Commitments that still fit the data, and a finding in words for each that does not.

    A reload can remove the person or the host team, move the person into the host team,
    change the request's window, or make the person someone a target cannot spare. Such a
    commitment is left out of the plan (which is planned around it); the manager decides.
    """
    fit, findings = [], []
    empty = Ledger(org, policy)
    advice = ("Decline it, or keep it and re-plan around it once the data or the policy "
              "allows; this plan leaves it out.")
    requests = {**org.all_requests, **{r.request_id: r for r in org.requests}}
    for rotation in commitments:
        if not 1 <= rotation.quarter <= policy.quarters:
            continue   # beyond this horizon: not this plan's business, kept as decided
        name = org.names.get(rotation.person_id, rotation.person_id)
        why = []
        if rotation.person_id not in org.home:
            why.append(f"{rotation.person_id} is no longer in the matrix")
        else:
            if rotation.host_team not in org.team_size:
                why.append(f"{rotation.host_team} is no longer a team")
            elif rotation.host_team == org.home[rotation.person_id]:
                why.append(f"{name} is now a member of {rotation.host_team}")
            request = requests.get(rotation.request_id or "")
            if rotation.request_id and (request is None or not answers(request, rotation, org)):
                why.append(f"request {rotation.request_id} no longer asks for this rotation")
            if not why:
                why.extend(v.message for v in empty.reasons(rotation.person_id,
                                                            rotation.host_team,
                                                            rotation.quarter))
        if why:
            findings.append(f"{commitment_words(org, rotation)} no longer fits: "
                            + "; ".join(why) + f". {advice}")
        else:
            fit.append(rotation)
    return fit, findings


def conflicts(org: RotationOrg, policy: Policy, commitments: Sequence[Rotation],
              kept: Sequence[Rotation]) -> list[str]:
    """Why the commitments not in `kept` (the most that hold together) cannot be kept too."""
    ledger = Ledger(org, policy)
    for rotation in kept:
        ledger.add(rotation)
    lines = []
    for rotation in commitments:
        if rotation in kept:
            continue
        reasons = ledger.reasons(rotation.person_id, rotation.host_team, rotation.quarter)
        detail = "; ".join(v.message for v in reasons) or "it conflicts with other commitments"
        lines.append(f"{commitment_words(org, rotation)} conflicts with the other approved "
                     f"rotations: {detail}.")
    return lines or ["The approved rotations cannot all be kept under this policy; loosen the "
                     "policy or revisit an approval."]


def unrequested_words(org: RotationOrg, policy: Policy, plan: Sequence[Rotation]) -> str:
    """How many rotations nobody asked for the plan adds, the cap, and the growth they bring."""
    free = [r for r in plan if not r.committed and r.request_id is None]
    requested = sum(1 for r in plan if not r.committed and r.request_id is not None)
    if not policy.allow_unrequested:
        return "It proposes only rotations that answer requests (unrequested ones are off)."
    cap = (f"at most as many as the {requested} that answer requests"
           if policy.max_unrequested is None else f"the policy allows {policy.max_unrequested}")
    if not free:
        return f"It adds no unrequested rotation ({cap})."
    grown = [(r.person_id, skill) for r in free
             for skill in learnable(org, r.person_id, r.host_team, policy)]
    critical = [s for _, s in grown if org.critical.get(s)]
    fragile = sorted({s for s in critical if org.holders.get(s, 0) <= 1},
                     key=lambda s: org.skill_names.get(s, s))
    words = (f"It adds {len(free)} unrequested rotation{'s' if len(free) != 1 else ''} "
             f"({cap}) for the growth they bring: {len(grown)} skill"
             f"{'s' if len(grown) != 1 else ''} learned by people who want to learn them, "
             f"{len(critical)} of them critical")
    if fragile:
        names = ", ".join(org.skill_names.get(s, s) for s in fragile[:4])
        more = f" and {len(fragile) - 4} more" if len(fragile) > 4 else ""
        words += f", among them {names}{more}, held by at most one person today"
    return words + "."


# --- tables for the pages, the CLI and the store ---------------------------------------------

PLAN_COLUMNS = ("person_id", "name", "home_team", "host_team", "quarter", "request_id",
                "requested", "committed", "learning", "skills")


def plan_frame(org: RotationOrg, policy: Policy, rotations: Sequence[Rotation]) -> pd.DataFrame:
    rows = [{
        "person_id": r.person_id, "name": org.names.get(r.person_id, r.person_id),
        "home_team": org.home[r.person_id], "host_team": r.host_team, "quarter": r.quarter,
        "request_id": r.request_id or "", "requested": r.request_id is not None,
        "committed": r.committed,
        "learning": round(learning_value(org, r.person_id, r.host_team, policy), 3),
        "skills": ", ".join(org.skill_names.get(s, s)
                            for s in learnable(org, r.person_id, r.host_team, policy)),
    } for r in sorted(rotations, key=lambda r: (r.quarter, r.host_team, r.person_id))]
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def request_host_words(org: RotationOrg, request: Request) -> str:
    if request.host_team != ANY_TEAM:
        return request.host_team
    skill = org.skill_names.get(request.skill_id or "", request.skill_id)
    return f"any team holding {skill}"


# A refusal always has its rule and words: should a plan ever leave a request out without a
# recorded refusal, it says so rather than nothing.
_UNPLACED_RULE = "no rule recorded"
_UNPLACED_WORDS = ("The planner did not place this request; run it again with more time, or "
                   "ask why on the plan page")


def request_outcomes(org: RotationOrg, result: PlanResult) -> pd.DataFrame:
    """Every open request: planned (with quarter) or refused (with the rule and words)."""
    planned = {r.request_id: r for r in result.rotations if r.request_id}
    rows = []
    for request in org.requests:
        rotation = planned.get(request.request_id)
        refusal = result.refusals.get(request.request_id)
        rows.append({
            "request_id": request.request_id, "person_id": request.person_id,
            "name": org.names.get(request.person_id, request.person_id),
            "host_team": request_host_words(org, request),
            "window": f"Q{request.earliest}–Q{request.latest}", "priority": request.priority,
            "outcome": "planned" if rotation else "refused",
            "quarter": rotation.quarter if rotation else None,
            # The rule by number and name ("rule 2, team targets keep their practitioners").
            "constraints": "" if rotation else (refusal.rules if refusal else _UNPLACED_RULE),
            "reason": "" if rotation else (refusal.text if refusal else _UNPLACED_WORDS),
        })
    return pd.DataFrame(rows, columns=["request_id", "person_id", "name", "host_team", "window",
                                       "priority", "outcome", "quarter", "constraints",
                                       "reason"])

"""Mentoring use cases: plan from the stored organisation, record and read decisions."""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd

from skills.access import NotAllowed, Permission
from skills.organisation import Organisation
from skills.plans.mentoring import (
    MentoringInputError,
    MentoringOptions,
    MentoringPlan,
    plan_mentoring,
)
from skills.services import audit
from skills.services.coverage import Scope
from skills.store import Store

DECISIONS = ("accepted", "declined")


def decisions(store: Store) -> pd.DataFrame:
    """The latest accept or decline of every pair ever decided, newest first, of the pairs
    the caller may see (an engineer the pairs they are in, a manager those touching the
    teams they lead, HR all)."""
    return visible_pairs(store, store.read("mentoring_decisions"))


def visible_pairs(store: Store, pairs: pd.DataFrame) -> pd.DataFrame:
    """The rows of `pairs` (mentor_id, mentee_id, …) the caller may see: the caller's row
    filter for anything listing mentoring pairs."""
    caller = store.caller
    caller.require(Permission.READ_COVERAGE)
    if caller.sees_everyone or pairs.empty:
        return pairs
    homes = _homes(store)
    keep = [caller.may_see(str(m), homes.get(str(m))) or caller.may_see(str(e), homes.get(str(e)))
            for m, e in zip(pairs["mentor_id"], pairs["mentee_id"], strict=True)]
    return pairs[keep].reset_index(drop=True)


def _homes(store: Store) -> dict[str, str]:
    people = store.read("people")
    return dict(zip(people["person_id"].astype(str), people["team"].astype(str), strict=True))


def record_decisions(store: Store, pairs: pd.DataFrame, decision: str,
                     note: str | None = None) -> int:
    """Accept or decline pairs as the store's caller, who needs `Permission.PLAN`."""
    if decision not in DECISIONS:
        raise MentoringInputError(f"decision must be one of {', '.join(DECISIONS)}, "
                                  f"got {decision!r}")
    caller = store.caller
    decided_by = caller.role.value + (f":{caller.person_id}" if caller.person_id else "")
    caller.require(Permission.PLAN)
    homes = _homes(store)
    for row in pairs.itertuples(index=False):
        if not caller.leads(homes.get(str(row.mentor_id)), homes.get(str(row.mentee_id))):
            raise NotAllowed(f"a manager decides only pairs whose mentor or mentee is in a "
                             f"team they lead; {row.mentor_id} → {row.mentee_id} is not")
    with store.transaction(Permission.PLAN) as cursor:
        for row in pairs.itertuples(index=False):
            score = getattr(row, "score", None)
            store.execute(cursor, "record_mentoring_decision", mentor_id=str(row.mentor_id),
                          mentee_id=str(row.mentee_id), skill_id=str(row.skill_id),
                          decision=decision,
                          score=None if score is None or pd.isna(score) else float(score),
                          decided_by=decided_by, note=note)
        audit.append(store, cursor, f"mentoring {decision}", "mentoring pairs", len(pairs))
    return len(pairs)


def with_decisions(store: Store, options: MentoringOptions,
                   keep_accepted: bool = True) -> MentoringOptions:
    """`options` plus the stored decisions: declined pairs out, accepted pairs kept fixed."""
    # Planning honours every decision, not only those the caller may see.
    store.caller.require(Permission.READ_COVERAGE)
    latest = store.read("mentoring_decisions")
    triples: dict[str, list[tuple[str, str, str]]] = {
        d: [(str(m), str(e), str(s)) for m, e, s in
            latest.loc[latest["decision"] == d, ["mentor_id", "mentee_id",
                                                 "skill_id"]].itertuples(index=False)]
        for d in DECISIONS}
    fixed = tuple(options.fixed) + (tuple(triples["accepted"]) if keep_accepted else ())
    return replace(options, fixed=tuple(dict.fromkeys(fixed)),
                   declined=frozenset(options.declined) | frozenset(triples["declined"]))


def plan_from_store(store: Store, options: MentoringOptions | None = None,
                    keep_accepted: bool = True,
                    started: float | None = None) -> tuple[MentoringPlan, Organisation]:
    """Plan for the stored organisation, honouring the stored decisions.

    `started` (time.monotonic) counts the caller's own work, such as reading the store, into
    the time limit.
    """
    started = time.monotonic() if started is None else started
    store.caller.require(Permission.READ_COVERAGE)
    options = with_decisions(store, options or MentoringOptions(), keep_accepted)
    org = Organisation.of(store.dataset())
    plan = plan_mentoring(org, options, started=started)
    # The plan is chosen for the whole organisation; the caller sees their rows of it.
    return replace(plan, pairs=visible_pairs(store, plan.pairs)), org


def pairs_view(pairs: pd.DataFrame, decisions: pd.DataFrame,
               within: Scope | None = None) -> pd.DataFrame:
    """Proposed pairs with their latest decision ('proposed' when none), within a scope.

    A pair is in scope when its mentor or its mentee is in one of the teams, and likewise for
    disciplines: mentoring across specialties concerns both sides.
    """
    if within is not None and within.teams:
        pairs = pairs[pairs["mentor_team"].isin(within.teams)
                      | pairs["mentee_team"].isin(within.teams)]
    if within is not None and within.disciplines:
        pairs = pairs[pairs["mentor_discipline"].isin(within.disciplines)
                      | pairs["mentee_discipline"].isin(within.disciplines)]
    keys = ["mentor_id", "mentee_id", "skill_id"]
    view = pairs.merge(decisions[[*keys, "decision", "decided_by", "decided_at"]], on=keys,
                       how="left")
    view["decision"] = view["decision"].fillna("proposed")
    return view


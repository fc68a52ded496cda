"""Mentoring use cases: plan from the stored organisation, record and read decisions."""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd

from skills.access import Permission
from skills.organisation import Organisation
from skills.plans.mentoring import (
    MentoringInputError,
    MentoringOptions,
    MentoringPlan,
    plan_mentoring,
)
from skills.services.coverage import Scope
from skills.store import Store

DECISIONS = ("accepted", "declined")


def decisions(store: Store) -> pd.DataFrame:
    """The latest accept or decline of every pair ever decided, newest first."""
    return store.read("mentoring_decisions")


def record_decisions(store: Store, pairs: pd.DataFrame, decision: str,
                     note: str | None = None) -> int:
    """Accept or decline pairs as the store's caller, who needs `Permission.PLAN`."""
    if decision not in DECISIONS:
        raise MentoringInputError(f"decision must be one of {', '.join(DECISIONS)}, "
                                  f"got {decision!r}")
    caller = store.caller
    decided_by = caller.role.value + (f":{caller.person_id}" if caller.person_id else "")
    with store.transaction(Permission.PLAN) as cursor:
        for row in pairs.itertuples(index=False):
            score = getattr(row, "score", None)
            store.execute(cursor, "record_mentoring_decision", mentor_id=str(row.mentor_id),
                          mentee_id=str(row.mentee_id), skill_id=str(row.skill_id),
                          decision=decision,
                          score=None if score is None or pd.isna(score) else float(score),
                          decided_by=decided_by, note=note)
    return len(pairs)


def with_decisions(store: Store, options: MentoringOptions,
                   keep_accepted: bool = True) -> MentoringOptions:
    """`options` plus the stored decisions: declined pairs out, accepted pairs kept fixed."""
    latest = decisions(store)
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
    options = with_decisions(store, options or MentoringOptions(), keep_accepted)
    org = Organisation.of(store.dataset())
    return plan_mentoring(org, options, started=started), org


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


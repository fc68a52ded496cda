"""Mentoring use cases: plan from the stored organisation, record and read decisions."""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from skills.access import SYSTEM, NotAllowed, Permission
from skills.organisation import Organisation, shown_name_map, shown_names
from skills.plans.mentoring import (
    PAIR_COLUMNS as PAIR_COLUMNS,
)
from skills.plans.mentoring import (
    MentoringInputError,
    MentoringOptions,
    MentoringPlan,
    graph,
    plan_mentoring,
)
from skills.plans.mentoring import Weights as Weights
from skills.plans.mentoring import (
    practitioners_after_mentoring as practitioners_after_mentoring,
)
from skills.services import audit, data
from skills.services.coverage import Scope
from skills.store import Store

if TYPE_CHECKING:  # a plan from the command line draws no graph (networkx: 0.15 s to import)
    import networkx as nx

DECISIONS = ("accepted", "declined")


# A rationale is a sentence or two for whoever reads the decision later.
MAX_RATIONALE = 300
# The rationale before who and when: at 1440 px the last columns scroll out of sight.
DECISION_COLUMNS = ("decision", "mentor_name", "mentor_team", "mentee_name", "mentee_team",
                    "skill_name", "note", "decider", "decided_at")


def decisions(store: Store) -> pd.DataFrame:
    """The latest accept or decline of every pair ever decided, newest first, of the pairs
    the caller may see (an engineer the pairs they are in, a manager those touching the
    teams they lead, HR all).

    Besides the ids: mentor_name, mentor_team, mentee_name, mentee_team, skill_name (the id
    of someone or something the current data no longer has), `decider` (who decided, by
    name and role, from `decided_by`) and `note` (the rationale)."""
    return _named(store, visible_pairs(store, store.read("mentoring_decisions")))


def _named(store: Store, latest: pd.DataFrame) -> pd.DataFrame:
    people = store.read("people")
    names = shown_name_map(people)
    homes = dict(zip(people["person_id"].astype(str), people["team"].astype(str),
                     strict=True))
    skill_names = dict(zip(*(store.read("skills")[c].astype(str)
                             for c in ("skill_id", "name")), strict=True))
    out = latest.copy()
    for side in ("mentor", "mentee"):
        ids = out[f"{side}_id"].astype(str)
        out[f"{side}_name"] = [names.get(i, i) for i in ids]
        out[f"{side}_team"] = [homes.get(i, "no longer in the data") for i in ids]
    out["skill_name"] = [skill_names.get(k, k) for k in out["skill_id"].astype(str)]
    out["decider"] = [_decider_words(str(who), names) for who in out["decided_by"]]
    return out


def _decider_words(decided_by: str, names: dict[str, str]) -> str:
    """'Søren Müller (manager)' for a stored 'manager:P002'; the role alone without a person."""
    role, _, person_id = decided_by.partition(":")
    if not person_id:
        return role
    return f"{names.get(person_id, person_id)} ({role})"


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
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_RATIONALE:
        raise MentoringInputError(f"the rationale is {len(note)} characters; keep it under "
                                  f"{MAX_RATIONALE}")
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
    org = store.organisation()
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



# --- What the mentoring page calls: one solve per (snapshot, decisions, settings), shared.

_PLANS: OrderedDict[tuple[object, ...], tuple[MentoringPlan, Organisation]] = OrderedDict()
_PLANS_LOCK = threading.Lock()
_PLANS_KEPT = 16


def _decisions_version(store: Store) -> tuple[object, ...]:
    latest = store.read("mentoring_decisions")
    newest = str(latest["decided_at"].max()) if len(latest) else ""
    snapshot = data.latest_snapshot(store) or {}
    return (str(store.path), snapshot.get("snapshot"), len(latest), newest)


def plan(store: Store, options: MentoringOptions,
         keep_accepted: bool = True) -> tuple[MentoringPlan, Organisation]:
    """The best pairs for the stored organisation, as the caller may see them.

    The optimisation is over the whole organisation whoever asks, so it is solved once per
    snapshot, set of decisions and settings and shared by every session; each caller then gets
    only their rows of it (no caller's view is ever cached).
    """
    whole, org = _whole(store, options, keep_accepted)
    return replace(whole, pairs=visible_pairs(store, whole.pairs)), org


def _whole(store: Store, options: MentoringOptions,
           keep_accepted: bool) -> tuple[MentoringPlan, Organisation]:
    store.caller.require(Permission.READ_COVERAGE)
    key = (*_decisions_version(store), pickle.dumps(options), keep_accepted)
    with _PLANS_LOCK:
        cached = _PLANS.get(key)
    if cached is None:
        cached = plan_from_store(store.as_caller(SYSTEM), options, keep_accepted)
        with _PLANS_LOCK:
            _PLANS[key] = cached
            while len(_PLANS) > _PLANS_KEPT:
                _PLANS.popitem(last=False)
    return cached


@dataclass(frozen=True)
class MentoringView:
    """The organisation's plan as one caller sees it: their rows, and the whole's totals."""

    plan: MentoringPlan          # pairs: only the caller's rows
    org: Organisation
    organisation_pairs: int      # pairs in the plan for the whole organisation
    organisation_score: float
    everyone: bool               # the caller sees every pair (HR, the command line)
    names_people: bool           # the caller may see any pair at all (not an administrator)

    @property
    def score(self) -> float:
        """The score of the pairs the caller sees (the whole plan's for HR)."""
        if self.everyone:
            return self.organisation_score
        return float(self.plan.pairs["score"].sum()) if len(self.plan.pairs) else 0.0

    def headline(self) -> str:
        """The plan's message, and which share of it is the caller's to see."""
        whole = self.organisation_pairs
        if self.everyone:
            return self.plan.message
        if not self.names_people:
            return (f"{self.plan.message} Pairs name people, so your role sees only how "
                    f"many there are: {whole} in the organisation.")
        shown = len(self.plan.pairs)
        pair = "pair is" if shown == 1 else "pairs are"
        return (f"{self.plan.message} {shown} of the organisation's {whole} {pair} yours "
                "to see: those whose mentor or mentee is you or in a team you lead.")


def plan_view(store: Store, options: MentoringOptions,
              keep_accepted: bool = True) -> MentoringView:
    """`plan` with the totals the page shows: the caller's pairs beside the organisation's."""
    whole, org = _whole(store, options, keep_accepted)
    mine = replace(whole, pairs=visible_pairs(store, whole.pairs))
    caller = store.caller
    return MentoringView(
        plan=mine, org=org, organisation_pairs=len(whole.pairs),
        organisation_score=float(whole.objective or 0.0), everyone=caller.sees_everyone,
        names_people=caller.sees_everyone or caller.person_id is not None
        or bool(caller.teams))


def people(store: Store) -> pd.DataFrame:
    """person_id, name, team, discipline of the people the caller may see."""
    store.caller.require(Permission.READ_COVERAGE)
    everyone = store.read("people")
    frame = everyone[["person_id", "name", "team", "discipline"]].assign(
        name=shown_names(everyone["person_id"], everyone["name"], everyone["team"]))
    caller = store.caller
    if caller.sees_everyone:
        return frame
    keep = [caller.may_see(str(p), str(t))
            for p, t in zip(frame["person_id"], frame["team"], strict=True)]
    return frame[keep].reset_index(drop=True)


@dataclass(frozen=True)
class Network:
    """The people (and optionally skill) graph of a plan, laid out for drawing."""

    graph: nx.Graph
    positions: dict[str, tuple[float, float]]
    too_large: bool
    sole_holder_skills: list[str]


def network(org: Organisation, pairs: pd.DataFrame, person_ids: list[str],
            with_skills: bool) -> Network:
    """People as nodes and pairs as edges (skills held at practitioner level as diamonds)."""
    built = graph.combined_graph(org, pairs, person_ids, with_skills=with_skills)
    if built.number_of_nodes() > graph.MAX_LAYOUT_NODES:
        return Network(built, {}, True, [])
    sole = graph.sole_holder_skills(built) if with_skills else []
    return Network(built, graph.layout(built), False, sole)

"""Succession use cases: the analysis as the caller may see it, and HR's export.

Who sees what: HR and the system (command line) see and export every key person; a manager
sees the key people of the teams they lead (`Caller.teams`) and exports nothing, personal data
being HR's; engineers and admins see no succession plan at all. The slates are always chosen for the
whole organisation, because the cap on slates per successor is organisation-wide; a manager
then sees the rows of their teams.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import pandas as pd

from skills import organisation as model
from skills.access import Caller, NotAllowed, Permission
from skills.exports import to_csv_bytes, to_xlsx_bytes
from skills.growth import PlannedLearning
from skills.plans.contract import Deadline
from skills.plans.succession import (
    EXPORT_COLUMNS,
    SuccessionInputError,
    SuccessionOptions,
    SuccessionPlan,
    export_frame,
    plan_succession,
)
from skills.services import audit
from skills.services import hiring as hiring_service
from skills.services import mentoring as mentoring_service
from skills.services import rotations as rotation_service
from skills.services.session import Organisation, seen_by
from skills.store import Store

__all__ = ["EXPORT_COLUMNS", "EXPORT_HEADERS", "EXPORT_LABELS", "Format", "Organisation",
           "Permission", "SuccessionInputError", "SuccessionOptions", "SuccessionPlan",
           "SuccessionUnavailable", "analyse", "export", "export_table", "learning_under_way",
           "seen_by", "version", "visible_teams", "within"]

Format = Literal["csv", "xlsx"]
MEDIA_TYPES = {"csv": "text/csv",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# The export's columns, headed as the page labels them; names stand beside the ids.
EXPORT_LABELS: dict[str, str] = {
    "incumbent_id": "Key person id", "incumbent_name": "Key person", "team": "Team",
    "skills_at_risk": "Skill ids at risk", "skill_names_at_risk": "Skills at risk",
    "targets_at_risk": "Targets at risk", "successor_id": "Successor id",
    "successor_name": "Successor", "successor_team": "Successor's team",
    "readiness": "Readiness", "gaps": "Gaps (now→needed)", "development": "Development",
}
EXPORT_HEADERS: tuple[str, ...] = tuple(EXPORT_LABELS.values())


class SuccessionUnavailable(Exception):
    """No plan to export: the message says why, in words for HR."""


def visible_teams(caller: Caller) -> frozenset[str] | None:
    """The teams whose key people `caller` may see; None means every team.

    Succession names people and their gaps, so it needs `Permission.READ_PEOPLE`: HR and the
    system see everyone, a manager the teams they lead; engineers and admins see none.
    """
    if not caller.can(Permission.READ_PEOPLE):
        raise NotAllowed(f"the {caller.role.value} role may not see succession plans; ask HR "
                         "or your manager")
    teams = caller.team_filter()
    return None if teams is None else frozenset(teams)


def version(store: Store) -> tuple[str, ...]:
    """What the analysis depends on, for a cache key: the load, decided pairs, approvals."""
    load = store.latest_load() or {}
    decided = mentoring_service.decisions(store)
    approved = rotation_service.committed_rotations(store)
    return (str(store.path), str(load.get("loaded_at")), str(len(decided)),
            str(decided["decided_at"].max()) if len(decided) else "",
            ";".join(f"{r.person_id}>{r.host_team}@{r.quarter}" for r in approved))


def learning_under_way(store: Store) -> list[PlannedLearning]:
    """Accepted mentoring pairs and approved rotations, and what they are expected to teach."""
    return hiring_service.planned_learning(store)


def analyse(store: Store, options: SuccessionOptions | None = None,
            started: float | None = None) -> SuccessionPlan:
    """The whole succession analysis, limited to what the store's caller may see; the time
    limit runs from `started` (time.monotonic: the command's start), else from this call."""
    teams = visible_teams(store.caller)
    options = options or SuccessionOptions()
    options.validate()
    deadline = Deadline(options.time_limit, started=started)
    dataset = store.dataset()
    learning = hiring_service.planned_learning(store, dataset)
    org = model.Organisation.of(dataset)
    plan = plan_succession(org, options, learning, deadline)
    plan = _with_skill_names(plan, org)
    return plan if teams is None else within(plan, teams)


def _with_skill_names(plan: SuccessionPlan, org: model.Organisation) -> SuccessionPlan:
    """Key people with `skill_names_at_risk` beside the skill ids ('Rollback; Feature
    stores')."""
    names = dict(zip(org.skill_ids.astype(str), org.skill_names.astype(str), strict=True))
    keys = plan.key_people.assign(skill_names_at_risk=[
        "; ".join(names.get(s, s) for s in str(ids).split(";") if s)
        for ids in plan.key_people["skills_at_risk"]])
    return replace(plan, key_people=keys)


def within(plan: SuccessionPlan, teams: frozenset[str]) -> SuccessionPlan:
    """The plan as a manager of `teams` sees it: their key people, their people's N-1, the
    hidden pairs that involve their people, their teams' bench."""
    keys = plan.key_people[plan.key_people["team"].isin(teams)].reset_index(drop=True)
    hidden = plan.hidden[plan.hidden["first_team"].isin(teams)
                         | plan.hidden["second_team"].isin(teams)].reset_index(drop=True)
    return replace(
        plan, key_people=keys,
        slates=plan.slates[plan.slates["team"].isin(teams)].reset_index(drop=True),
        impact=plan.impact[plan.impact["team"].isin(teams)].reset_index(drop=True),
        hidden=hidden,
        bench_team=plan.bench_team[plan.bench_team["team"].isin(teams)].reset_index(drop=True),
        reasons=[text for text in keys["note"] if text])


def export_table(plan: SuccessionPlan) -> pd.DataFrame:
    """The export's rows: `EXPORT_LABELS`' columns (skill names beside their ids), keyed by
    column name; the file heads them with the labels."""
    frame = export_frame(plan)
    if "skill_names_at_risk" in plan.key_people:
        names = dict(zip(plan.key_people["person_id"], plan.key_people["skill_names_at_risk"],
                         strict=True))
    else:
        names = {}
    frame["skill_names_at_risk"] = [names.get(p, "") for p in frame["incumbent_id"]]
    return frame[list(EXPORT_LABELS)]


def export(store: Store, fmt: Format = "csv", options: SuccessionOptions | None = None,
           plan: SuccessionPlan | None = None) -> bytes:
    """The succession plan as a formula-safe CSV or XLSX file; HR and the system only.

    `plan` reuses an analysis the caller already has (the page's); without it, one is run.
    A plan that failed its checker is never exported.
    """
    store.caller.require(Permission.EXPORT_PERSONAL)
    if fmt not in MEDIA_TYPES:
        raise SuccessionInputError(f"export as csv or xlsx, not {fmt!r}")
    plan = plan if plan is not None else analyse(store, options)
    if not plan.found:
        problems = "; ".join(v.message for v in plan.violations) or plan.message
        raise SuccessionUnavailable(f"There is no succession plan to export: {problems}")
    frame = export_table(plan).rename(columns=EXPORT_LABELS)
    data = to_csv_bytes(frame) if fmt == "csv" else to_xlsx_bytes(frame, "succession")
    return audit.record_export(store, f"succession.{fmt}", data, len(frame))

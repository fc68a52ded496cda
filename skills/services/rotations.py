"""Rotation use cases: file and withdraw requests, plan, save versions, approve or decline."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import pandas as pd

from skills.access import NotAllowed, Permission, Role
from skills.organisation import shown_name_map
from skills.plans.contract import Deadline
from skills.plans.rotations import (
    CLOSED_STATUSES,
    CONSTRAINTS,
    OPEN_STATUSES,
    Ledger,
    Organisation,
    PlanResult,
    Policy,
    Rotation,
    plan,
    plan_frame,
    prepare,
    request_outcomes,
)
from skills.plans.rotations import PolicyError as PolicyError
from skills.plans.solving import SOLVERS as SOLVERS
from skills.services import audit, charts, jobs
from skills.store import Store

if TYPE_CHECKING:
    import plotly.graph_objects as go

# The request page shows the rules and which statuses may still be withdrawn.
__all__ = ["CLOSED_STATUSES", "CONSTRAINTS", "LEAVE_PENDING", "OPEN_STATUSES",
           "REQUESTED_AND_SOUND", "REQUEST_CARDS", "FiledRequest",
           "RequestError", "all_requests", "approve_requested", "committed_rotations", "decide",
           "decide_many", "file_request", "organisation_choices", "person_requests",
           "plan_rotations", "plan_version", "plan_versions", "request", "request_cards",
           "request_history", "rule_check", "run", "save_plan", "withdraw_request"]


class RequestError(ValueError):
    """A rotation request that cannot be filed; the message says what is wrong."""


MAX_NOTE = 500


def _require_owner(store: Store, person_id: str, doing: str) -> None:
    """Engineers act for themselves only, managers for the people of the teams they lead,
    the system for anyone."""
    store.caller.require(Permission.REQUEST_ROTATION)
    caller = store.caller
    if caller.role == Role.ENGINEER and caller.person_id != person_id:
        who = caller.person_id or "an engineer who has not said who they are"
        raise NotAllowed(f"{who} may {doing} only their own rotation requests, not "
                         f"{person_id}'s")
    if (caller.role == Role.MANAGER and caller.person_id != person_id
            and not caller.leads(_home_teams(store).get(person_id))):
        raise NotAllowed(f"a manager may {doing} rotation requests only for the people of "
                         f"the teams they lead, and {person_id} is not one of them")


def _home_teams(store: Store) -> dict[str, str]:
    people = store.read("people")
    return dict(zip(people["person_id"].astype(str), people["team"].astype(str), strict=True))


def _may_see_request(store: Store, person_id: str, host_team: str | None,
                     homes: dict[str, str] | None = None) -> bool:
    """A request is the requester's, their manager's and the host team's manager's to see."""
    caller = store.caller
    home = (homes if homes is not None else _home_teams(store)).get(person_id)
    return caller.may_see(person_id, home) or caller.leads(host_team)


def _require_request_reader(store: Store, person_id: str, host_team: str | None) -> None:
    if not (store.caller.can(Permission.REQUEST_ROTATION)
            or store.caller.can(Permission.READ_PEOPLE)):
        store.caller.require(Permission.READ_PEOPLE)
    if not _may_see_request(store, person_id, host_team):
        raise NotAllowed(f"the {store.caller.role.value} role may not see {person_id}'s "
                         "rotation requests")


class FiledRequest(str):
    """The new request's id, with `notice`: what the requester should know about the next
    plan (empty when the whole window lies within its horizon)."""

    notice: str = ""

    def __new__(cls, request_id: str, notice: str = "") -> FiledRequest:
        made = super().__new__(cls, request_id)
        made.notice = notice
        return made


def _next_horizon(store: Store) -> int:
    """The quarters the next plan covers: the latest saved plan's horizon, else the default."""
    versions = store.read("rotation_plan_versions")
    if versions.empty:
        return Policy().quarters
    latest = store.read("rotation_plan_version", version=int(versions["version"].max()))
    return Policy.from_dict(json.loads(latest.iloc[0]["policy"])).quarters


def _horizon_notice(request_id: str, earliest: int, latest: int, horizon: int) -> str:
    """Words for a window that lies (partly) beyond the next plan's horizon; '' when not."""
    if latest <= horizon:
        return ""
    window = f"Q{earliest}–Q{latest}"
    if earliest > horizon:
        return (f"{request_id} will not take part in the next plan: it asks for {window}, and "
                f"the next plan covers Q1–Q{horizon} only. It stays filed, so a plan over more "
                f"quarters can schedule it; file Q1–Q{horizon} instead for the next plan.")
    return (f"Only Q{earliest}–Q{horizon} of {window} lie within the next plan's horizon "
            f"(Q1–Q{horizon}): {request_id} takes part in the next plan for those quarters.")


def file_request(store: Store, *, person_id: str, host_team: str | None, skill_id: str | None,
                 earliest_quarter: int, latest_quarter: int, priority: int,
                 note: str | None = None) -> FiledRequest:
    """Store a new request (status 'requested') and its first history line; its new id, with
    a notice when its window lies beyond the next plan's horizon (`_next_horizon`).

    The id is one no request, stored or gone, ever had (sql/next_request_number.sql).
    """
    _require_owner(store, person_id, "file")
    people = store.read("people")
    homes = dict(zip(people["person_id"], people["team"], strict=True))
    teams = set(homes.values())
    skills = set(store.read("skills")["skill_id"])
    host = (host_team or "").strip()
    skill = (skill_id or "").strip() or None
    note = (note or "").strip() or None
    problems = []
    if person_id not in homes:
        problems.append(f"person {person_id!r} is not in the organisation")
    if not host and not skill:
        problems.append("choose a host team or a skill to grow")
    if host and host not in teams:
        problems.append(f"host team {host!r} is not a team")
    if host and homes.get(person_id) == host:
        problems.append(f"{host} is your own team; choose another")
    if skill and skill not in skills:
        problems.append(f"skill {skill!r} is not in the skill list")
    if not (isinstance(earliest_quarter, int) and earliest_quarter >= 1):
        problems.append(f"earliest quarter must be 1 or later, got {earliest_quarter}")
    if not (isinstance(latest_quarter, int) and latest_quarter >= earliest_quarter):
        problems.append(f"latest quarter must not be before the earliest, got "
                        f"Q{earliest_quarter}–Q{latest_quarter}")
    if priority not in (1, 2, 3):
        problems.append(f"priority must be 1, 2 or 3, got {priority}")
    if note and len(note) > MAX_NOTE:
        problems.append(f"the note is {len(note)} characters; keep it under {MAX_NOTE}")
    if problems:
        raise RequestError("; ".join(problems))
    with store.transaction(Permission.REQUEST_ROTATION) as cursor:
        number = int(store.fetch(cursor, "next_request_number").at[0, "number"])
        request_id = f"R{number:03d}"
        store.execute(cursor, "set_id_counter", counter="request", last=number)
        store.execute(cursor, "insert_rotation_request", request_id=request_id,
                      person_id=person_id, host_team=host, skill_id=skill,
                      earliest_quarter=earliest_quarter, latest_quarter=latest_quarter,
                      priority=priority, note=note)
        store.execute(cursor, "insert_rotation_request_event", request_id=request_id,
                      status="requested", changed_by=_who(store), plan_version=None, note=note)
        audit.append(store, cursor, "request filed", f"request {request_id}", 1)
    return FiledRequest(request_id, _horizon_notice(request_id, earliest_quarter,
                                                   latest_quarter, _next_horizon(store)))


def _who(store: Store) -> str:
    return store.caller.describe()


def withdraw_request(store: Store, request_id: str, note: str | None = None) -> None:
    """Withdraw an open request (requested or proposed); engineers only their own.

    A decided request (approved, declined, withdrawn) stays as decided: a manager declines an
    approved rotation on the plan page instead.
    """
    store.caller.require(Permission.REQUEST_ROTATION)
    with store.transaction(Permission.REQUEST_ROTATION) as cursor:
        # Read inside the write transaction, so a decision cannot slip in between.
        found = store.fetch(cursor, "rotation_request", request_id=request_id)
        if found.empty:
            raise RequestError(f"there is no request {request_id}")
        request = found.iloc[0]
        _require_owner(store, str(request["person_id"]), "withdraw")
        if request["status"] not in OPEN_STATUSES:
            raise RequestError(f"{request_id} is {request['status']}; only a request that is "
                               "still requested or proposed can be withdrawn")
        _set_request(store, cursor, request_id, "withdrawn", None, note)
        audit.append(store, cursor, "request withdrawn", f"request {request_id}", 1)


def request(store: Store, request_id: str) -> dict[str, Any] | None:
    """One request with `needs_decision` (the reason, or empty); None when there is none."""
    frame = store.read("rotation_request", request_id=request_id)
    if frame.empty:
        return None
    row = frame.iloc[0]
    _require_request_reader(store, str(row["person_id"]), row["host_team"])
    return _plain(row.to_dict())


def all_requests(store: Store) -> pd.DataFrame:
    """Every request with request_id, person_id, status and needs_decision (reason or ''):
    all of them for HR and the system, a manager's those of or into the teams they lead."""
    store.caller.require(Permission.READ_PEOPLE)
    frame = store.read("request_list")
    if store.caller.sees_everyone:
        return frame
    homes = _home_teams(store)
    keep = [_may_see_request(store, str(p), h, homes)
            for p, h in zip(frame["person_id"], frame["host_team"], strict=True)]
    return frame[keep].reset_index(drop=True)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: numpy scalars to Python, missing to None."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out[key] = None
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def organisation_choices(store: Store) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """What the request form offers: the people the caller may file for (person_id, name,
    team: an engineer only themselves), teams, skill names."""
    store.caller.require(Permission.REQUEST_ROTATION)
    people = store.read("people")[["person_id", "name", "team"]]
    caller = store.caller
    if caller.role == Role.ENGINEER:
        people = people[people["person_id"] == caller.person_id]
    elif not caller.sees_everyone:
        people = people[[p == caller.person_id or caller.leads(t)
                         for p, t in zip(people["person_id"], people["team"], strict=True)]]
    people = people.reset_index(drop=True)
    teams = store.read("teams")["team"].tolist()
    skills = store.read("skills")
    return people, teams, dict(zip(skills["skill_id"], skills["name"], strict=True))


def person_requests(store: Store, person_id: str) -> pd.DataFrame:
    """One person's requests: the person themselves, their manager, HR."""
    _require_request_reader(store, person_id, None)
    # With the rotation that answers each request, once a plan proposed it.
    return store.read("person_rotation_requests", person_id=person_id)


# How many of a person's requests the requests page draws as cards, each with what happens
# next; the others are one table. A card is a dozen elements on every rerun of the page.
REQUEST_CARDS = 5


def request_cards(requests: pd.DataFrame, shown: int = REQUEST_CARDS
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`person_requests` rows in three parts: those worth a card, the other open or approved
    ones, and the closed ones (withdrawn, declined).

    Cards go first to the requests with news, newest first: an approved or proposed rotation,
    then a request in need of a decision or left out of the last plan; then to the newest of
    the others. The rest keep the order of their ids."""
    ended = requests["status"].isin(CLOSED_STATUSES)
    live = requests[~ended]
    # Plain lists: the frame is one person's, and pandas' string methods and sorts cost more
    # than the page's drawing of it did.
    statuses = live["status"].tolist()
    needs = live["needs_decision"].fillna("").tolist()
    notes = live["latest_note"].fillna("").astype(str).tolist()
    ids = live["request_id"].astype(str).tolist()

    def newest_with_news(i: int) -> tuple[int, int, str]:
        # A rotation decided or proposed, then something to act on, then the rest.
        news = (2 if statuses[i] in ("approved", "proposed") else
                1 if needs[i] or notes[i].startswith("Not in plan") else 0)
        # Ids the app gives are R001, R002, … (R1000 after R999); an imported file's may be any.
        digits = re.search(r"(\d+)$", ids[i])
        return news, int(digits.group(1)) if digits else -1, ids[i]

    order = sorted(range(len(ids)), key=newest_with_news, reverse=True)
    return live.iloc[order[:shown]], live.iloc[sorted(order[shown:])], requests[ended]


def request_history(store: Store, request_id: str) -> pd.DataFrame:
    """Every status change of a request, for whoever may see the request."""
    if request(store, request_id) is None:
        raise RequestError(f"there is no request {request_id}")
    return store.read("rotation_request_events", request_id=request_id)


def committed_rotations(store: Store) -> list[Rotation]:
    """Rotations a manager approved in an earlier version: later plans keep them."""
    store.caller.require(Permission.READ_PEOPLE)
    frame = store.read("committed_rotations")
    return [Rotation(r.person_id, r.host_team, int(r.quarter),
                     None if pd.isna(r.request_id) else r.request_id, committed=True)
            for r in frame.itertuples(index=False)]


def run(store: Store, policy: Policy | None = None,
        deadline: Deadline | None = None) -> tuple[Organisation, PlanResult]:
    """Plan from what the store holds now, keeping approved rotations. The time limit runs
    from `deadline`'s start (the button press, the command's start), else from this call:
    reading the store counts."""
    policy = policy or Policy()
    policy.validate()
    deadline = deadline or Deadline(policy.time_limit)
    store.caller.require(Permission.PLAN)
    org = prepare(store.organisation(), store.read("planning_requests"))
    return org, plan(org, policy, committed_rotations(store), deadline=deadline)


def save_plan(store: Store, org: Organisation, result: PlanResult,
              figures: dict[str, str] | None = None) -> int:
    """Save a found plan as the next numbered version; planned requests become 'proposed'."""
    if not result.found:
        raise ValueError("only a plan that was found can be saved")
    frame = plan_frame(org, result.policy, result.rotations)
    inputs = {"people": len(org.home), "teams": len(org.team_size), "targets": len(org.targets),
              "open_requests": [r.request_id for r in org.requests],
              "commitments": [asdict(r) for r in result.rotations if r.committed],
              "greedy_objective": result.greedy_objective, "source": result.source,
              "refusals": {k: v.text for k, v in result.refusals.items()}}
    who = _who(store)
    with store.transaction(Permission.PLAN) as cursor:
        version = int(store.fetch(cursor, "next_rotation_plan_version").at[0, "version"])
        store.execute(cursor, "insert_rotation_plan_version", version=version, created_by=who,
                      policy=json.dumps(result.policy.as_dict()),
                      inputs=json.dumps(inputs, default=str), solver_status=result.status,
                      solver=result.solver, objective=result.objective, bound=result.bound,
                      gap=result.gap, seconds=result.seconds, message=result.message,
                      figures=json.dumps(figures or {}))
        rows = list(frame.itertuples(index=False))
        store.execute_many(cursor, "insert_rotation_plan_rotation", [dict(
            version=version, person_id=row.person_id, home_team=row.home_team,
            host_team=row.host_team, quarter=int(row.quarter),
            request_id=row.request_id or None, committed=bool(row.committed),
            learning=float(row.learning), skills=row.skills,
            decision="approved" if row.committed else "pending",
            rationale="approved in an earlier version" if row.committed else None,
            decided_by=who if row.committed else None) for row in rows])
        changes = [(row.request_id, "proposed",
                    f"Proposed for Q{int(row.quarter)} with {row.host_team}")
                   for row in rows if row.request_id and not row.committed]
        changes += [(request_id, "requested",
                     f"Not in plan v{version} ({refusal.rules}): {refusal.text}")
                    for request_id, refusal in result.refusals.items()]
        _set_requests(store, cursor, changes, version)
        store.execute(cursor, "set_rotation_plan_status", version=version)
        audit.append(store, cursor, "plan saved", f"rotation plan v{version}", len(frame))
    return version


def _set_request(store: Store, cursor: Any, request_id: str, status: str, version: int | None,
                 note: str | None) -> None:
    _set_requests(store, cursor, [(request_id, status, note)], version)


def _set_requests(store: Store, cursor: Any, changes: Sequence[tuple[str, str, str | None]],
                  version: int | None) -> None:
    """New statuses (request_id, status, note), each with its history line."""
    store.execute_many(cursor, "set_rotation_request_status",
                       [{"request_id": r, "status": s} for r, s, _ in changes])
    who = _who(store)
    store.execute_many(cursor, "insert_rotation_request_event",
                       [{"request_id": r, "status": s, "changed_by": who,
                         "plan_version": version, "note": n} for r, s, n in changes])


DECISIONS = ("approved", "declined")
# What the bulk table offers: a decision, or leaving the rotation as it is.
LEAVE_PENDING = "pending"
RotationKey = tuple[str, str, int]   # person_id, host_team, quarter


def decide(store: Store, version: int, person_id: str, host_team: str, quarter: int,
           decision: str, rationale: str) -> None:
    """Approve or decline one rotation of a saved plan, with a short rationale."""
    decide_many(store, version, {(person_id, host_team, quarter): decision}, rationale)


def decide_many(store: Store, version: int, decisions: Mapping[RotationKey, str],
                rationale: str) -> int:
    """Approve or decline several rotations of a saved plan with one rationale, in one
    transaction: all of them are recorded or none. A decision of 'pending' leaves that
    rotation as it is. A manager decides only rotations leaving or joining the teams they
    lead; one that is not theirs refuses the whole call. Returns how many were recorded."""
    chosen = {key: d for key, d in decisions.items() if d != LEAVE_PENDING}
    for decision in chosen.values():
        if decision not in DECISIONS:
            raise ValueError(f"decision must be 'approved' or 'declined', got {decision!r}")
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValueError("give a short rationale for the decision")
    if not chosen:
        raise ValueError("choose at least one rotation to approve or decline")
    rotations = store.read("rotation_plan_rotations", version=version)
    index = {(str(r.person_id), str(r.host_team), int(r.quarter)): r
             for r in rotations.itertuples(index=False)}
    missing = [key for key in chosen if (key[0], key[1], int(key[2])) not in index]
    if missing:
        person_id, host_team, quarter = missing[0]
        raise ValueError(f"plan v{version} has no rotation of {person_id} to {host_team} "
                         f"in Q{quarter}")
    store.caller.require(Permission.PLAN)
    for person_id, host_team, quarter in chosen:
        home = str(index[(person_id, host_team, int(quarter))].home_team)
        if not store.caller.leads(home, host_team):
            raise NotAllowed(f"a manager decides only rotations leaving or joining the teams "
                             f"they lead; {person_id}'s rotation from {home} to {host_team} is "
                             "neither")
    who = _who(store)
    with store.transaction(Permission.PLAN) as cursor:
        for (person_id, host_team, quarter), decision in chosen.items():
            request_id = index[(person_id, host_team, int(quarter))].request_id
            store.execute(cursor, "decide_rotation", version=version, person_id=person_id,
                          host_team=host_team, quarter=int(quarter), decision=decision,
                          rationale=rationale, decided_by=who)
            if not pd.isna(request_id):
                _set_request(store, cursor, request_id, decision, version, rationale)
            audit.append(store, cursor, f"rotation {decision}",
                         f"rotation plan v{version}: {person_id} to {host_team} in "
                         f"Q{int(quarter)}", 1)
        store.execute(cursor, "set_rotation_plan_status", version=version)
    return len(chosen)


def rule_check(store: Store, version: int) -> pd.DataFrame:
    """Every rotation of a saved plan against the data and the approvals as they are now.

    Per rotation (person_id, host_team, quarter): `problems`, the rules it would break if
    approved next to every rotation approved so far, in words (empty when none), and
    `approvable`: it answers a request that is still open, is pending, keeps every rule, and
    still does when approved together with every other approvable one (earlier quarters
    first). A saved plan was checked when it was made; data and approvals may have moved since.
    """
    _require_plan_reader(store)
    # The same for every reader, and read on each rerun of the plan page: kept until one of
    # the tables it reads changes, or the status of one of the plan's requests. Of the
    # requests it needs only those: every request filed anywhere changes the table.
    answered = store.read("plan_request_statuses", version=int(version))
    status = tuple(zip(answered["request_id"].astype(str), answered["status"].astype(str),
                       strict=True))
    return store.kept(f"rotations.rule_check.{int(version)}",
                      lambda: _rule_check(store, int(version), dict(status)),
                      key=status).copy()


def _rule_check(store: Store, version: int, status: dict[str, str]) -> pd.DataFrame:
    record = plan_version(store, version)
    columns = ["person_id", "host_team", "quarter", "problems", "approvable"]
    if record is None:
        return pd.DataFrame(columns=columns)
    policy = Policy.from_dict(json.loads(record["policy"]))
    # Read-only here, so one index serves every rerun until the matrix changes; the rules
    # need no request of it.
    org = store.kept("rotations.rules_org", lambda: prepare(store.organisation()))
    stored = store.read("rotation_plan_rotations", version=version)
    approved = [r for r in committed_rotations(store)
                if r.person_id in org.home and r.host_team in org.team_size
                and 1 <= r.quarter <= policy.quarters]
    ledger = Ledger(org, policy)
    for rotation in approved:
        ledger.add(rotation)
    together = Ledger(org, policy)
    for rotation in approved:
        together.add(rotation)
    rows = []
    for r in stored.sort_values(["quarter", "host_team", "person_id"]).itertuples(index=False):
        key = (str(r.person_id), str(r.host_team), int(r.quarter))
        request_id = None if pd.isna(r.request_id) else str(r.request_id)
        problems: list[str] = []
        if r.decision == "pending":
            problems = _rotation_problems(org, policy, ledger, Rotation(*key, request_id),
                                          status.get(request_id or ""))
        fits = (r.decision == "pending" and request_id is not None and not problems
                and together.fits(*key))
        if fits:
            together.add(Rotation(*key, request_id))
        rows.append({"person_id": key[0], "host_team": key[1], "quarter": key[2],
                     "problems": "; ".join(problems), "approvable": fits})
    return pd.DataFrame(rows, columns=columns)


def _rotation_problems(org: Organisation, policy: Policy, ledger: Ledger, rotation: Rotation,
                       request_status: str | None) -> list[str]:
    """What keeps one pending rotation from being approved now, in words."""
    person, host, quarter = rotation.person_id, rotation.host_team, rotation.quarter
    if person not in org.home:
        return [f"{person} is no longer in the matrix"]
    out = []
    if host not in org.team_size:
        out.append(f"{host} is no longer a team")
    elif host == org.home[person]:
        out.append(f"{org.names.get(person, person)} is now a member of {host}")
    if rotation.request_id and request_status not in OPEN_STATUSES:
        out.append(f"request {rotation.request_id} is {request_status or 'gone'}")
    if not out:
        out.extend(f"rule {v.rule}: {v.message}" for v in ledger.reasons(person, host, quarter))
    return out


def approve_requested(store: Store, version: int, rationale: str = "",
                      only: Collection[RotationKey] | None = None) -> int:
    """Approve every pending rotation of a saved plan that answers an open request and keeps
    every rule (`rule_check`), among those the caller may decide (and among `only`, a page's
    selection, when given), in one transaction; how many were approved."""
    store.caller.require(Permission.PLAN)
    checked = rule_check(store, version)
    stored = plan_rotations(store, version)
    mine = {(str(r.person_id), str(r.host_team), int(r.quarter))
            for r in stored.itertuples(index=False) if r.may_decide}
    chosen = {(str(r.person_id), str(r.host_team), int(r.quarter)): "approved"
              for r in checked.itertuples(index=False)
              if r.approvable and (r.person_id, r.host_team, int(r.quarter)) in mine}
    if only is not None:
        within = {(str(p), str(h), int(q)) for p, h, q in only}
        chosen = {key: d for key, d in chosen.items() if key in within}
    if not chosen:
        return 0
    return decide_many(store, version, chosen,
                       (rationale or "").strip() or REQUESTED_AND_SOUND)


REQUESTED_AND_SOUND = "Requested, and keeps every rule of the plan check"


def _require_plan_reader(store: Store) -> None:
    """Saved plans are for managers (who make them) and HR (who sees everything)."""
    if not store.caller.can(Permission.PLAN):
        store.caller.require(Permission.READ_PEOPLE)
        if not store.caller.sees_everyone:
            store.caller.require(Permission.PLAN)


def plan_versions(store: Store) -> pd.DataFrame:
    _require_plan_reader(store)
    return store.read("rotation_plan_versions")


def plan_rotations(store: Store, version: int) -> pd.DataFrame:
    """A saved plan's rotations: HR all; a manager every rotation (to judge the plan) with
    names only for those leaving or joining the teams they lead."""
    _require_plan_reader(store)
    frame = store.read("rotation_plan_rotations", version=version)
    # Namesakes in one team carry their id, as everywhere a name is shown.
    frame["name"] = frame["person_id"].astype(str).map(
        shown_name_map(store.read("people"))).fillna(frame["name"])
    caller = store.caller
    # Whether the caller may approve or decline it (`decide_many` checks again).
    frame["may_decide"] = [caller.can(Permission.PLAN) and caller.leads(h, t) for h, t in
                           zip(frame["home_team"], frame["host_team"], strict=True)]
    if caller.sees_everyone:
        return frame
    mine = [caller.leads(h, t) or p == caller.person_id for p, h, t in
            zip(frame["person_id"], frame["home_team"], frame["host_team"], strict=True)]
    return frame.assign(name=frame["name"].where(mine, None))


def plan_version(store: Store, version: int) -> dict[str, Any] | None:
    _require_plan_reader(store)
    frame = store.read("rotation_plan_version", version=version)
    return None if frame.empty else frame.iloc[0].to_dict()



# --- What the rotation plan page calls -------------------------------------------------------

def start_plan(store: Store, policy: Policy) -> jobs.Job:
    """Plan in the background (see `skills.services.jobs`): the page shows progress and may
    cancel; `job.result()` is what `run` returns. An invalid policy is refused at once."""
    store.caller.require(Permission.PLAN)
    policy.validate()
    # From the press of the button: a job that waits for a free worker waits on its time.
    deadline = Deadline(policy.time_limit)
    return jobs.submit("rotation plan", policy.time_limit, run, store, policy, deadline)


def plan_figures(org: Organisation, result: PlanResult,
                 frame: pd.DataFrame) -> dict[str, go.Figure]:
    """A found plan's timeline, coverage and bus-factor figures; a rerun showing the same plan
    gets the figures drawn before (services.charts), which nobody may change."""
    from skills.plans.rotations import figures as rotation_figures  # plotly: pages only

    return rotation_figures.all_figures(org, result.policy, result.rotations, frame,
                                        keep=charts.chart)


def plan_tables(store: Store, org: Organisation,
                result: PlanResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan's rotations and the fate of every request, as the caller may see them: HR
    everything; a manager every row (to judge the plan) with names only for people leaving or
    joining the teams they lead, as for a saved plan (`plan_rotations`)."""
    _require_plan_reader(store)
    frame = plan_frame(org, result.policy, result.rotations)
    outcomes = request_outcomes(org, result)
    caller = store.caller
    if caller.sees_everyone:
        return frame, outcomes
    mine = [caller.leads(h, t) or p == caller.person_id for p, h, t in
            zip(frame["person_id"], frame["home_team"], frame["host_team"], strict=True)]
    asked = [caller.leads(org.home.get(p, ""), org.home.get(p, "")) or p == caller.person_id
             for p in outcomes["person_id"]]
    return (frame.assign(name=frame["name"].where(mine, None)),
            outcomes.assign(name=outcomes["name"].where(asked, None),
                            reason=outcomes["reason"].where(
                                [a or o != "refused" for a, o in
                                 zip(asked, outcomes["outcome"], strict=True)],
                                "the reason is for that team's manager")))

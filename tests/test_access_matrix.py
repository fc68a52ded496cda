"""The role matrix: every service function × role × own / other row × read / write.

Each case says which roles may make the call; every other role must be refused with
NotAllowed. The system (command line) may do everything. A public service function that is
in no case and not listed as taking no store fails the test: deny by default means nobody
decides access by forgetting.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

import skills.services
from skills.access import GRANTS, SYSTEM, Caller, NotAllowed, Permission, Role
from skills.ingest.loading import parse_path
from skills.ingest.sample import SAMPLE_DIR
from skills.plans.hiring import HiringOptions
from skills.plans.hiring.scenarios import Scenario
from skills.plans.rotations import Policy
from skills.plans.succession import SuccessionOptions
from skills.services import (
    audit,
    coverage,
    data,
    exports,
    hiring,
    identity,
    mentoring,
    rotations,
    succession,
)
from skills.store import Store

# The demo identities: an engineer of Feature Store, its manager, HR and an administrator.
CALLERS = {
    "E": Caller(Role.ENGINEER, "P082", email="p082@example.org"),
    "M": Caller(Role.MANAGER, "P002", frozenset({"Feature Store"}), "p002@example.org"),
    "H": Caller(Role.HR, "P011", email="p011@example.org"),
    "A": Caller(Role.ADMIN, email="admin@example.org"),
}
OWN = "P082"          # the engineer themselves (in the manager's team)
TEAMMATE = "P010"     # another member of Feature Store: the manager's, not the engineer's
OTHER = "P012"        # someone in Serving: neither the engineer's nor the manager's
REQUEST = {"host_team": "Analytics", "skill_id": None, "earliest_quarter": 1,
           "latest_quarter": 4, "priority": 2}


@dataclass
class World:
    """A module-wide organisation with a saved rotation plan and a saved hiring plan."""

    store: Store
    version: int
    own_team_rotation: pd.Series
    other_rotation: pd.Series
    hiring_plan_id: int
    hiring_result: Any
    rotation_result: Any


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    store = Store(tmp_path_factory.mktemp("matrix") / "crosstrain.duckdb")
    store.replace_dataset(parse_path(SAMPLE_DIR))
    identity.ensure_demo_roles(store)
    org, result = rotations.run(store)
    version = rotations.save_plan(store, org, result)
    planned = rotations.plan_rotations(store, version)
    ours = (planned["home_team"] == "Feature Store") | (planned["host_team"] == "Feature Store")
    assert ours.any() and (~ours).any(), "the sample's plan must touch both kinds of team"
    plan, _ = hiring.plan_with_learning(store, HiringOptions(time_limit=20))
    hiring.save_scenario(store, Scenario(name="Today"))
    plan_id = hiring.save_plan(store, "Today", plan, HiringOptions(time_limit=20))
    yield World(store, version, planned[ours].iloc[0], planned[~ours].iloc[0], plan_id, plan,
                (org, result))
    store.close()


def _fresh_request(world: World, person: str) -> str:
    return rotations.file_request(world.store, person_id=person, **REQUEST)


# Another tool's export (wide, `;`, level/interest cells): it needs a mapping to load.
EXPORT = "Nom;Groupes;Kubernetes;Python\nLéa;Ops;3/2;1\nBo;Ops;-;2/1\n".encode()


def _step(world: World) -> data.MappingStep:
    step = data.examine_uploads(world.store.as_caller(SYSTEM), {"export.csv": EXPORT}).step
    assert step is not None
    return step


def _pair(world: World, team_of_mentee: str) -> pd.DataFrame:
    people = world.store.read("people")
    homes = dict(zip(people["person_id"], people["team"], strict=True))
    mentees = [p for p, t in homes.items() if t == team_of_mentee]
    mentors = [p for p, t in homes.items() if t not in ("Feature Store", team_of_mentee)]
    return pd.DataFrame({"mentor_id": [mentors[0]], "mentee_id": [mentees[0]],
                         "skill_id": [world.store.read("skills")["skill_id"].iloc[0]],
                         "score": [1.0]})


Call = Callable[[Store, World], Any]


@dataclass(frozen=True)
class Case:
    function: str          # module.function
    kind: str              # read / write
    row: str               # aggregate / own / other / team / none
    allowed: str           # letters of CALLERS that may make the call
    call: Call


def _decide(rotation_key: str) -> Call:
    def call(view: Store, w: World) -> None:
        row = getattr(w, rotation_key)
        rotations.decide(view, w.version, row.person_id, row.host_team, int(row.quarter),
                         "approved", "fine by me")
    return call


def _decide_many(rotation_key: str) -> Call:
    def call(view: Store, w: World) -> None:
        row = getattr(w, rotation_key)
        rotations.decide_many(view, w.version,
                              {(row.person_id, row.host_team, int(row.quarter)): "declined"},
                              "not this quarter")
    return call


CASES = [
    # coverage: aggregates for every role; named rows for who may see people
    Case("coverage.teams", "read", "aggregate", "EMHA", lambda v, w: coverage.teams(v)),
    Case("coverage.team_members", "read", "aggregate", "EMHA",
         lambda v, w: coverage.team_members(v)),
    Case("coverage.skill_coverage", "read", "aggregate", "EMHA",
         lambda v, w: coverage.skill_coverage(v)),
    Case("coverage.target_gaps", "read", "aggregate", "EMHA",
         lambda v, w: coverage.target_gaps(v)),
    Case("coverage.team_discipline_coverage", "read", "aggregate", "EMHA",
         lambda v, w: coverage.team_discipline_coverage(v)),
    Case("coverage.key_people_count", "read", "aggregate", "EMHA",
         lambda v, w: coverage.key_people_count(v)),
    Case("coverage.overview", "read", "aggregate", "EMHA", lambda v, w: coverage.overview(v)),
    Case("coverage.fragile_skills", "read", "aggregate", "EMHA",
         lambda v, w: coverage.fragile_skills(v)),
    Case("coverage.largest_gaps", "read", "aggregate", "EMHA",
         lambda v, w: coverage.largest_gaps(v)),
    Case("coverage.heatmap_view", "read", "aggregate", "EMHA",
         lambda v, w: coverage.heatmap_view(v)),
    Case("coverage.key_people", "read", "team", "MH", lambda v, w: coverage.key_people(v)),
    Case("coverage.ratings_matrix", "read", "team", "MH",
         lambda v, w: coverage.ratings_matrix(v)),
    Case("coverage.coverage_report", "read", "team", "MH",
         lambda v, w: coverage.coverage_report(v)),
    Case("coverage.profile", "read", "own", "EMH", lambda v, w: coverage.profile(v, OWN)),
    Case("coverage.profile", "read", "team", "MH", lambda v, w: coverage.profile(v, TEAMMATE)),
    Case("coverage.profile", "read", "other", "H", lambda v, w: coverage.profile(v, OTHER)),
    # data: loading is for managers and HR; what is stored, as counts, for everyone
    Case("data.preview", "read", "none", "MH",
         lambda v, w: data.preview(v, parse_path(SAMPLE_DIR))),
    Case("data.store_incoming", "write", "none", "MH",
         lambda v, w: data.store_incoming(v, data.check_path(SAMPLE_DIR))),
    Case("data.load_path", "write", "none", "MH", lambda v, w: data.load_path(v, SAMPLE_DIR)),
    Case("data.load_sample", "write", "none", "MH", lambda v, w: data.load_sample(v)),
    Case("data.ensure_dataset", "write", "none", "EMHA", lambda v, w: data.ensure_dataset(v)),
    Case("data.stored_counts", "read", "aggregate", "EMHA",
         lambda v, w: data.stored_counts(v)),
    Case("data.latest_snapshot", "read", "aggregate", "EMHA",
         lambda v, w: data.latest_snapshot(v)),
    Case("data.needs_decision", "read", "team", "MH", lambda v, w: data.needs_decision(v)),
    Case("data.needs_decision_count", "read", "aggregate", "EMHA",
         lambda v, w: data.needs_decision_count(v)),
    Case("data.snapshots", "read", "aggregate", "EMHA", lambda v, w: data.snapshots(v)),
    Case("data.snapshot_bus_factors", "read", "aggregate", "EMHA",
         lambda v, w: data.snapshot_bus_factors(v)),
    Case("data.history", "read", "aggregate", "EMHA", lambda v, w: data.history(v)),
    Case("data.trend", "read", "aggregate", "EMHA", lambda v, w: data.trend(v)),
    # mappings of other tools' exports: confirming one is loading data
    Case("data.examine_uploads", "read", "none", "MH",
         lambda v, w: data.examine_uploads(v, {"export.csv": EXPORT})),
    Case("data.store_mapped", "write", "none", "MH",
         lambda v, w: data.store_mapped(v, _step(w), data.check_path(SAMPLE_DIR),
                                        _step(w).mapping)),
    Case("data.remember_mapping", "write", "none", "MH",
         lambda v, w: data.remember_mapping(v, "f" * 16, _step(w).mapping, "export.csv")),
    Case("data.remembered_mapping", "read", "none", "MH",
         lambda v, w: data.remembered_mapping(v, "f" * 16)),
    Case("data.remembered_mappings", "read", "none", "MH",
         lambda v, w: data.remembered_mappings(v)),
    Case("data.mapping_download", "read", "none", "MH",
         lambda v, w: data.mapping_download(v, _step(w).mapping, "export-mapping.toml")),
    # exports: aggregates for everyone, personal data for HR
    Case("exports.csv_download", "read", "aggregate", "EMHA",
         lambda v, w: exports.csv_download(v, pd.DataFrame({"a": [1]}))),
    Case("exports.csv_download", "read", "other", "H",
         lambda v, w: exports.csv_download(v, pd.DataFrame({"a": [1]}), personal=True)),
    # hiring: plans are managers'; saved plans are managers' and HR's
    Case("hiring.save_scenario", "write", "none", "M",
         lambda v, w: hiring.save_scenario(v, Scenario(name="Matrix"))),
    Case("hiring.delete_scenario", "write", "none", "M",
         lambda v, w: hiring.delete_scenario(v, "Matrix")),
    Case("hiring.saved_scenarios", "read", "none", "M", lambda v, w: hiring.saved_scenarios(v)),
    Case("hiring.load_scenario", "read", "none", "M",
         lambda v, w: hiring.load_scenario(v, "Today")),
    Case("hiring.save_plan", "write", "other", "M",
         lambda v, w: hiring.save_plan(v, "Today", w.hiring_result,
                                       HiringOptions(time_limit=20))),
    Case("hiring.saved_plans", "read", "other", "MH", lambda v, w: hiring.saved_plans(v)),
    Case("hiring.saved_plan_actions", "read", "other", "MH",
         lambda v, w: hiring.saved_plan_actions(v, w.hiring_plan_id)),
    Case("hiring.planned_learning", "read", "other", "MH",
         lambda v, w: hiring.planned_learning(v)),
    Case("hiring.plan_with_learning", "read", "other", "M",
         lambda v, w: hiring.plan_with_learning(v, HiringOptions(time_limit=20))),
    Case("hiring.scenario_with_learning", "read", "other", "M",
         lambda v, w: hiring.scenario_with_learning(v, Scenario(name="x"), time_limit=20)),
    Case("hiring.learning_lines", "read", "other", "MH", lambda v, w: hiring.learning_lines(v)),
    Case("hiring.scenario_choices", "read", "other", "M",
         lambda v, w: hiring.scenario_choices(v)),
    Case("mentoring.plan", "read", "team", "EMHA",
         lambda v, w: mentoring.plan(v, mentoring.MentoringOptions())),
    Case("mentoring.people", "read", "team", "EMHA", lambda v, w: mentoring.people(v)),
    Case("mentoring.plan_view", "read", "team", "EMHA",
         lambda v, w: mentoring.plan_view(v, mentoring.MentoringOptions())),
    # identity: roles are the admin's; who someone is, only the sign-in gate's
    Case("identity.roles", "read", "other", "A", lambda v, w: identity.roles(v)),
    Case("identity.replace_roles", "write", "other", "A",
         lambda v, w: identity.replace_roles(v, identity.demo_entries(w.store))),
    Case("identity.set_role", "write", "other", "A",
         lambda v, w: identity.set_role(v, identity.RoleEntry("x@example.org", Role.HR))),
    Case("identity.remove_role", "write", "other", "A",
         lambda v, w: identity.remove_role(v, "nobody@example.org")),
    Case("identity.identify", "read", "other", "", lambda v, w: identity.identify(v, "a@b.c")),
    Case("identity.demo_entries", "read", "other", "", lambda v, w: identity.demo_entries(v)),
    Case("identity.demo_callers", "read", "other", "", lambda v, w: identity.demo_callers(v)),
    Case("identity.ensure_demo_roles", "write", "other", "",
         lambda v, w: identity.ensure_demo_roles(v)),
    Case("identity.refused", "write", "other", "",
         lambda v, w: identity.refused(v, "stranger@example.org")),
    Case("identity.whom_to_ask", "read", "aggregate", "EMHA",
         lambda v, w: identity.whom_to_ask(v)),
    Case("identity.signed_in", "write", "own", "EMHA",
         lambda v, w: identity.signed_in(v, v.caller, "test")),
    Case("identity.signed_out", "write", "own", "EMHA",
         lambda v, w: identity.signed_out(v, v.caller)),
    # audit: everyone leaves lines; HR and admins read them
    Case("audit.record", "write", "own", "EMHA", lambda v, w: audit.record(v, "sign-out")),
    Case("audit.record_export", "write", "own", "EMHA",
         lambda v, w: audit.record_export(v, "f.csv", b"x", 1)),
    Case("audit.entries", "read", "other", "HA", lambda v, w: audit.entries(v)),
    Case("audit.export", "read", "other", "HA", lambda v, w: audit.export(v)),
    # mentoring: pairs as each may see them; decisions for the manager of one side
    Case("mentoring.decisions", "read", "team", "EMHA", lambda v, w: mentoring.decisions(v)),
    Case("mentoring.visible_pairs", "read", "team", "EMHA",
         lambda v, w: mentoring.visible_pairs(v, _pair(w, "Serving"))),
    Case("mentoring.with_decisions", "read", "aggregate", "EMHA",
         lambda v, w: mentoring.with_decisions(v, mentoring.MentoringOptions())),
    Case("mentoring.plan_from_store", "read", "team", "EMHA",
         lambda v, w: mentoring.plan_from_store(v)),
    Case("mentoring.record_decisions", "write", "team", "M",
         lambda v, w: mentoring.record_decisions(v, _pair(w, "Feature Store"), "accepted")),
    Case("mentoring.record_decisions", "write", "other", "",
         lambda v, w: mentoring.record_decisions(v, _pair(w, "Serving"), "accepted")),
    # rotations: requests are the requester's and their manager's; decisions the manager's
    Case("rotations.file_request", "write", "own", "EM",
         lambda v, w: rotations.file_request(v, person_id=OWN, **REQUEST)),
    Case("rotations.file_request", "write", "team", "M",
         lambda v, w: rotations.file_request(v, person_id=TEAMMATE, **REQUEST)),
    Case("rotations.file_request", "write", "other", "",
         lambda v, w: rotations.file_request(v, person_id=OTHER, **REQUEST)),
    Case("rotations.withdraw_request", "write", "own", "EM",
         lambda v, w: rotations.withdraw_request(v, _fresh_request(w, OWN))),
    Case("rotations.withdraw_request", "write", "team", "M",
         lambda v, w: rotations.withdraw_request(v, _fresh_request(w, TEAMMATE))),
    Case("rotations.withdraw_request", "write", "other", "",
         lambda v, w: rotations.withdraw_request(v, _fresh_request(w, OTHER))),
    Case("rotations.request", "read", "own", "EMH",
         lambda v, w: rotations.request(v, _fresh_request(w, OWN))),
    Case("rotations.request", "read", "other", "H",
         lambda v, w: rotations.request(v, "R003")),  # Governance to Platform Infrastructure
    Case("rotations.request_history", "read", "own", "EMH",
         lambda v, w: rotations.request_history(v, _fresh_request(w, OWN))),
    Case("rotations.request_history", "read", "other", "H",
         lambda v, w: rotations.request_history(v, "R003")),
    Case("rotations.person_requests", "read", "own", "EMH",
         lambda v, w: rotations.person_requests(v, OWN)),
    Case("rotations.person_requests", "read", "team", "MH",
         lambda v, w: rotations.person_requests(v, TEAMMATE)),
    Case("rotations.person_requests", "read", "other", "H",
         lambda v, w: rotations.person_requests(v, OTHER)),
    Case("rotations.all_requests", "read", "team", "MH", lambda v, w: rotations.all_requests(v)),
    Case("rotations.organisation_choices", "read", "own", "EM",
         lambda v, w: rotations.organisation_choices(v)),
    Case("rotations.committed_rotations", "read", "other", "MH",
         lambda v, w: rotations.committed_rotations(v)),
    Case("rotations.run", "read", "other", "M", lambda v, w: rotations.run(v)),
    Case("rotations.start_plan", "read", "other", "M",
         lambda v, w: rotations.start_plan(v, Policy()).result()),
    Case("rotations.plan_tables", "read", "team", "MH",
         lambda v, w: rotations.plan_tables(v, *w.rotation_result)),
    Case("rotations.save_plan", "write", "other", "M",
         lambda v, w: rotations.save_plan(v, *w.rotation_result)),
    Case("rotations.decide", "write", "team", "M", _decide("own_team_rotation")),
    Case("rotations.decide", "write", "other", "", _decide("other_rotation")),
    Case("rotations.decide_many", "write", "team", "M", _decide_many("own_team_rotation")),
    Case("rotations.decide_many", "write", "other", "", _decide_many("other_rotation")),
    Case("rotations.approve_requested", "write", "team", "M",
         lambda v, w: rotations.approve_requested(v, w.version)),
    Case("rotations.rule_check", "read", "other", "MH",
         lambda v, w: rotations.rule_check(v, w.version)),
    Case("rotations.plan_versions", "read", "other", "MH",
         lambda v, w: rotations.plan_versions(v)),
    Case("rotations.plan_rotations", "read", "team", "MH",
         lambda v, w: rotations.plan_rotations(v, w.version)),
    Case("rotations.plan_version", "read", "other", "MH",
         lambda v, w: rotations.plan_version(v, w.version)),
    # succession: HR sees and exports all; a manager sees their teams' key people
    Case("succession.analyse", "read", "team", "MH",
         lambda v, w: succession.analyse(v, SuccessionOptions(time_limit=20))),
    Case("succession.export", "read", "other", "H",
         lambda v, w: succession.export(v, "csv", SuccessionOptions(time_limit=20))),
    Case("succession.learning_under_way", "read", "other", "MH",
         lambda v, w: succession.learning_under_way(v)),
    Case("succession.version", "read", "other", "MH", lambda v, w: succession.version(v)),
]

# Public functions that take no store: nothing of the organisation to guard.
NO_STORE = {
    "coverage.scope", "data.digest", "data.check_path", "data.check_uploads",
    "data.template", "data.check_mapped", "data.column_table", "data.skill_table",
    "data.edited_mapping", "data.known_skills", "data.role_options", "data.from_sheet",
    "data.describe_mapping", "identity.read_roles",
    "identity.parse_roles",
    "identity.entry_problems", "mentoring.pairs_view", "jobs.submit",
    "session.open_organisation", "session.seen_by", "succession.within", "mentoring.network",
    "succession.export_table",
    # Takes a Caller, not a store; refusing engineers and admins is asserted below.
    "succession.visible_teams",
    # Writes inside a transaction its caller opened and checked (see test_audit).
    "audit.append",
    # Draw a frame the caller already read through a checked service; no store in reach.
    "charts.chart", "charts.frame_key",
    # The interpreter's collector, nobody's data.
    "session.keep_modules_out_of_collections",
    "session.collect_after_runs", "session.collection_pause",
    "rotations.plan_figures",
    # Orders rows the caller already read through person_requests.
    "rotations.request_cards",
}


def _public_service_functions() -> set[str]:
    found = set()
    for module in pkgutil.iter_modules(skills.services.__path__):
        loaded = importlib.import_module(f"skills.services.{module.name}")
        for name, value in vars(loaded).items():
            if (inspect.isfunction(value) and not name.startswith("_")
                    and value.__module__ == loaded.__name__):
                found.add(f"{module.name}.{name}")
    return found


def test_every_service_function_is_in_the_matrix():
    listed = {case.function for case in CASES} | NO_STORE
    missing = _public_service_functions() - listed
    assert not missing, f"decide who may call these (add them to CASES): {sorted(missing)}"
    assert not listed - _public_service_functions(), "the matrix lists functions that are gone"


def _case_id(case: Case) -> str:
    return f"{case.function}-{case.kind}-{case.row}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_role_matrix(world: World, case: Case) -> None:
    for letter, caller in CALLERS.items():
        view = world.store.as_caller(caller)
        if letter in case.allowed:
            case.call(view, world)
        else:
            with pytest.raises(NotAllowed):
                case.call(view, world)
    case.call(world.store.as_caller(SYSTEM), world)


def test_row_filters_narrow_what_a_manager_and_an_engineer_see(world: World) -> None:
    manager = world.store.as_caller(CALLERS["M"])
    engineer = world.store.as_caller(CALLERS["E"])
    assert set(coverage.ratings_matrix(manager)["team"]) == {"Feature Store"}
    assert coverage.ratings_matrix(manager, coverage.scope(["Serving"])).empty
    assert set(coverage.key_people(manager)["team"]) <= {"Feature Store"}
    assert coverage.heatmap_view(engineer).kind == "teams"
    assert coverage.heatmap_view(manager, coverage.scope(["Feature Store"])).kind == "people"
    assert coverage.heatmap_view(manager, coverage.scope(["Serving"])).kind == "teams"
    assert set(coverage.profile(engineer)["person_id"]) == {OWN}
    people, _, _ = rotations.organisation_choices(engineer)
    assert people["person_id"].tolist() == [OWN]
    people, _, _ = rotations.organisation_choices(manager)
    assert set(people["team"]) == {"Feature Store"}
    homes = dict(zip(world.store.read("people")["person_id"],
                     world.store.read("people")["team"], strict=True))
    for row in rotations.all_requests(manager).itertuples():
        assert "Feature Store" in (homes[row.person_id], row.host_team)
    named = rotations.plan_rotations(manager, world.version).dropna(subset=["name"])
    assert ((named["home_team"] == "Feature Store")
            | (named["host_team"] == "Feature Store")).all()
    plan, _ = mentoring.plan_from_store(engineer)
    assert ((plan.pairs["mentor_id"] == OWN) | (plan.pairs["mentee_id"] == OWN)).all()
    shared, _ = mentoring.plan(engineer, mentoring.MentoringOptions())
    assert ((shared.pairs["mentor_id"] == OWN) | (shared.pairs["mentee_id"] == OWN)).all()
    assert mentoring.people(engineer)["person_id"].tolist() == [OWN]
    assert set(mentoring.people(manager)["team"]) == {"Feature Store"}
    for frame in (mentoring.decisions(engineer),):
        assert ((frame["mentor_id"] == OWN) | (frame["mentee_id"] == OWN)).all()


def test_succession_is_refused_to_engineers_and_admins() -> None:
    for letter in "EA":
        with pytest.raises(NotAllowed):
            succession.visible_teams(CALLERS[letter])
    assert succession.visible_teams(CALLERS["M"]) == frozenset({"Feature Store"})
    assert succession.visible_teams(CALLERS["H"]) is None


def test_deny_by_default_in_the_grants() -> None:
    # A permission nobody granted is refused to everyone but the system.
    for role, granted in GRANTS.items():
        for permission in Permission:
            assert Caller(role).can(permission) == (permission in granted)
    assert GRANTS[Role.SYSTEM] == frozenset(Permission)
    assert not Caller(Role.ENGINEER).can(Permission.READ_PEOPLE)
    assert not Caller(Role.ADMIN).can(Permission.READ_PEOPLE)
    # A row filter that names nobody shows nothing, never everything.
    assert Caller(Role.MANAGER).team_filter() == []
    assert Caller(Role.ENGINEER).team_filter() == []
    assert not Caller(Role.MANAGER).may_see("P010", "Feature Store")
    assert Caller(Role.HR).team_filter() is None


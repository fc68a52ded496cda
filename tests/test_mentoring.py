"""Mentoring pairs: hard constraints, the checker, optimality against brute force, CLI, decisions.

The brute force below re-derives eligibility and the score from the documented model with plain
Python over the raw tables, so it shares no code with the solver it checks.
"""

from __future__ import annotations

import json
from itertools import combinations

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from skills.access import Caller, NotAllowed, Role
from skills.cli import main as cli_main
from skills.dataset import Dataset, empty_table
from skills.ingest.sample import generate
from skills.organisation import Organisation
from skills.plans import mentoring as mt
from skills.plans.mentoring import model as MM
from skills.services import mentoring as MS
from skills.services.coverage import scope

# --- A plain-Python reading of the model, for tiny organisations.


def _tables(dataset: Dataset):
    level, interest = {}, {}
    for r in dataset.ratings.itertuples(index=False):
        level[(r.person_id, r.skill_id)] = int(r.level)
        interest[(r.person_id, r.skill_id)] = int(r.interest)
    team = dict(zip(dataset.people["person_id"], dataset.people["team"], strict=True))
    disc = dict(zip(dataset.people["person_id"], dataset.people["discipline"], strict=True))
    return level, interest, team, disc


def reference_triples(dataset: Dataset, options: mt.MentoringOptions) -> dict:
    """Every eligible (mentor, mentee, skill) with positive score, straight from the README."""
    level, interest, team, disc = _tables(dataset)
    people = list(dataset.people["person_id"])
    skills = dataset.skills.set_index("skill_id")
    holders = {s: sum(level.get((p, s), 0) >= 3 for p in people) for s in skills.index}
    gap = set()
    for t in dataset.targets.itertuples(index=False):
        members = [p for p in people if team[p] == t.team]
        have = sum(level.get((p, t.skill_id), 0) >= t.min_level for p in members)
        if have < t.min_people:
            gap |= {(p, t.skill_id) for p in members if level.get((p, t.skill_id), 0)
                    < t.min_level}
    w = options.weights
    out = {}
    for s in skills.index:
        for m in people:
            for e in people:
                lm, le = level.get((m, s), 0), level.get((e, s), 0)
                if m == e or m in options.exclude or e in options.exclude:
                    continue
                if lm < options.min_mentor_level or lm - le < 2:
                    continue
                if interest.get((e, s), 0) < 1 and (e, s) not in gap:
                    continue
                if (m, e, s) in options.declined:
                    continue
                score = (w.critical * bool(skills.at[s, "critical"]) / max(1, holders[s])
                         + w.gap * ((e, s) in gap) + w.interest * interest.get((e, s), 0) / 3
                         + w.level * (lm - le) / 4
                         + w.cross * (0.5 * (team[m] != team[e]) + 0.5 * (disc[m] != disc[e])))
                if score > 1e-6:
                    out[(m, e, s)] = score
    return out


def feasible(chosen, options) -> bool:
    mentees, mentors, pairs, cells = {}, {}, set(), set()
    for m, e, s in chosen:
        mentors[m] = mentors.get(m, 0) + 1
        mentees[e] = mentees.get(e, 0) + 1
        if (m, e) in pairs or (e, s) in cells:
            return False
        pairs.add((m, e))
        cells.add((e, s))
    roles = {(m, s) for m, _, s in chosen} & {(e, s) for _, e, s in chosen}
    return (not roles and all(c <= options.mentor_capacity for c in mentors.values())
            and all(c <= options.max_mentors for c in mentees.values()))


def brute_force(triples: dict, options) -> float:
    """Best total score over every feasible subset, by branch and bound."""
    items = sorted(triples.items(), key=lambda kv: -kv[1])
    best = 0.0
    suffix = [0.0] * (len(items) + 1)
    for i in range(len(items) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + items[i][1]

    def search(i: int, chosen: list, total: float) -> None:
        nonlocal best
        best = max(best, total)
        if i == len(items) or total + suffix[i] <= best + 1e-9:
            return
        key, score = items[i]
        if feasible([*chosen, key], options):
            search(i + 1, [*chosen, key], total + score)
        search(i + 1, chosen, total)

    search(0, [], 0.0)
    return best


def org(people, ratings, targets=(), critical=("s1",)) -> Dataset:
    """A tiny organisation: people (id, team, discipline), ratings (person, skill, level,
    interest), targets (team, skill, min_level, min_people)."""
    skills = sorted({r[1] for r in ratings} | {t[1] for t in targets} | set(critical))
    return Dataset(
        people=pd.DataFrame([{"person_id": p, "name": p, "team": t, "discipline": d,
                              "role": None, "manager_id": None, "email": None}
                             for p, t, d in people]),
        skills=pd.DataFrame([{"skill_id": s, "name": s.upper(), "discipline": "data",
                              "critical": s in critical, "description": ""} for s in skills]),
        ratings=pd.DataFrame([{"person_id": p, "skill_id": s, "level": lv, "interest": i,
                               "assessed_on": None} for p, s, lv, i in ratings],
                             columns=["person_id", "skill_id", "level", "interest",
                                      "assessed_on"]),
        targets=pd.DataFrame([{"team": t, "skill_id": s, "min_level": lv, "min_people": n,
                               "origin": "file"} for t, s, lv, n in targets],
                             columns=["team", "skill_id", "min_level", "min_people", "origin"]),
        requests=empty_table("requests"))


def milp_optimum(dataset: Dataset, options: mt.MentoringOptions) -> float:
    """The optimum of the MILP over every eligible pair, solved here without the planner."""
    prep = MM.prepare(Organisation.of(dataset), options)
    mentor, mentee, skill, _ = MM.eligible_pairs(prep)
    arrays = MM.milp_arrays(prep, mentor, mentee, skill)
    if arrays.n == 0:
        return 0.0
    outcome = MM.solve_milp(arrays, 60.0, None)
    assert outcome["status"] == "optimal"
    return float(outcome["objective"])


def messages(violations) -> list[str]:
    return [v.message for v in violations]


def triples_of(plan: mt.MentoringPlan) -> set:
    return set(zip(plan.pairs["mentor_id"], plan.pairs["mentee_id"], plan.pairs["skill_id"],
                   strict=True))


# --- Each hard constraint.

def test_sample_plan_is_optimal_valid_and_explained(sample_dataset):
    options = mt.MentoringOptions()
    plan = mt.plan_mentoring(sample_dataset, options)
    assert plan.status == "optimal" and len(plan.pairs) > 0
    assert mt.check_pairs(sample_dataset, options, plan.pairs) == []
    level, interest, team, disc = _tables(sample_dataset)
    for row in plan.pairs.itertuples(index=False):
        lm = level.get((row.mentor_id, row.skill_id), 0)
        le = level.get((row.mentee_id, row.skill_id), 0)
        assert lm >= 3 and lm - le >= 2
        assert interest.get((row.mentee_id, row.skill_id), 0) >= 1 or row.closes_gap
        assert row.mentor_id != row.mentee_id
        assert row.skill_name in row.reason
    assert plan.pairs["mentor_id"].value_counts().max() <= 2
    assert plan.pairs["mentee_id"].value_counts().max() <= 1
    # The general MILP over all eligible pairs reaches the same optimum.
    assert plan.objective == pytest.approx(milp_optimum(sample_dataset, options), abs=1e-6)
    assert plan.bound == pytest.approx(plan.objective) and plan.gap == 0


def test_mentor_level_and_two_levels_below():
    people = [("A", "T1", "data"), ("B", "T2", "ml"), ("C", "T2", "ml")]
    # B is only one level below A; C is two below: only C may be A's mentee.
    ratings = [("A", "s1", 3, 0), ("B", "s1", 2, 3), ("C", "s1", 1, 1)]
    plan = mt.plan_mentoring(org(people, ratings))
    assert triples_of(plan) == {("A", "C", "s1")}
    # At min_mentor_level 4 nobody may mentor, and the message says why.
    plan = mt.plan_mentoring(org(people, ratings), mt.MentoringOptions(min_mentor_level=4))
    assert plan.pairs.empty and "mentor level" in plan.message


def test_mentee_needs_interest_or_a_team_gap():
    people = [("A", "T1", "data"), ("B", "T2", "ml"), ("C", "T3", "ml")]
    ratings = [("A", "s1", 4, 0), ("B", "s1", 0, 0), ("C", "s1", 0, 0)]
    assert mt.plan_mentoring(org(people, ratings)).pairs.empty
    # T3 misses a target in s1, so C qualifies without interest; B still does not.
    plan = mt.plan_mentoring(org(people, ratings, targets=[("T3", "s1", 3, 1)]))
    assert triples_of(plan) == {("A", "C", "s1")}
    assert "closes a gap" in plan.pairs.at[0, "reason"]


def test_capacities_and_no_self_mentoring():
    people = [("M", "T1", "sre")] + [(f"E{i}", "T2", "data") for i in range(4)]
    ratings = [("M", "s1", 4, 1)] + [(f"E{i}", "s1", 0, 2) for i in range(4)]
    plan = mt.plan_mentoring(org(people, ratings), mt.MentoringOptions(mentor_capacity=2))
    assert len(plan.pairs) == 2 and set(plan.pairs["mentor_id"]) == {"M"}
    plan = mt.plan_mentoring(org(people, ratings), mt.MentoringOptions(mentor_capacity=0))
    assert plan.pairs.empty


def test_max_mentors_and_mentee_is_not_that_skills_mentor():
    # At min_mentor_level 2, B (level 2) could mentor D (level 0) while learning from A.
    people = [("A", "T1", "ml"), ("B", "T2", "data"), ("D", "T3", "sre")]
    ratings = [("A", "s1", 4, 0), ("B", "s1", 2, 3), ("D", "s1", 0, 3),
               ("A", "s2", 4, 0), ("B", "s2", 1, 3)]
    options = mt.MentoringOptions(min_mentor_level=2, max_mentors=2)
    plan = mt.plan_mentoring(org(people, ratings, critical=()), options)
    chosen = triples_of(plan)
    assert mt.check_pairs(org(people, ratings, critical=()), options, plan.pairs) == []
    as_mentee = {(e, s) for _, e, s in chosen}
    assert not {(m, s) for m, _, s in chosen} & as_mentee
    assert plan.pairs["mentee_id"].value_counts().max() <= 2
    assert plan.objective == pytest.approx(
        brute_force(reference_triples(org(people, ratings, critical=()), options), options))


def test_exclude_fixed_and_declined():
    people = [("A", "T1", "ml"), ("B", "T1", "ml"), ("C", "T2", "data"), ("D", "T2", "data")]
    ratings = [("A", "s1", 4, 0), ("B", "s1", 4, 0), ("C", "s1", 0, 3), ("D", "s1", 0, 1)]
    dataset = org(people, ratings)
    base = mt.plan_mentoring(dataset, mt.MentoringOptions(mentor_capacity=1))
    assert len(base.pairs) == 2
    plan = mt.plan_mentoring(dataset, mt.MentoringOptions(mentor_capacity=1,
                                                          exclude=frozenset({"A"})))
    assert set(plan.pairs["mentor_id"]) == {"B"} and len(plan.pairs) == 1
    fixed = mt.MentoringOptions(mentor_capacity=1, fixed=(("A", "D", "s1"),))
    plan = mt.plan_mentoring(dataset, fixed)
    assert triples_of(plan) == {("A", "D", "s1"), ("B", "C", "s1")}
    assert plan.pairs.set_index("mentee_id").at["D", "fixed"]
    declined = mt.MentoringOptions(mentor_capacity=2,
                                   declined=frozenset({("A", "C", "s1"), ("B", "C", "s1")}))
    plan = mt.plan_mentoring(dataset, declined)
    assert "C" not in set(plan.pairs["mentee_id"])
    # A fixed pair that no longer fits is dropped with a reason, not kept.
    stale = mt.MentoringOptions(fixed=(("C", "D", "s1"),))
    plan = mt.plan_mentoring(dataset, stale)
    assert plan.dropped_fixed and "C → D" in plan.dropped_fixed[0]
    with pytest.raises(mt.MentoringInputError, match="unknown people"):
        mt.plan_mentoring(dataset, mt.MentoringOptions(exclude=frozenset({"nobody"})))


@pytest.mark.parametrize("change, message", [
    ({"min_mentor_level": 7}, "min_mentor_level must be between 1 and 4"),
    ({"mentor_capacity": -1}, "mentor_capacity must be at least 0"),
    ({"max_mentors": 1.5}, "max_mentors must be a whole number"),
    ({"weights": mt.Weights(interest=-1)}, "weight interest must not be negative"),
    ({"weights": mt.Weights(cross=float("nan"))}, "weight cross must be a finite number"),
])
def test_bad_settings_name_what_is_wrong(sample_dataset, change, message):
    with pytest.raises(mt.MentoringInputError, match=message):
        mt.plan_mentoring(sample_dataset, mt.MentoringOptions(**change))


# --- The checker rejects hand-made bad pairings.

CHECK_PEOPLE = [("A", "T1", "ml"), ("B", "T2", "data"), ("C", "T2", "data"),
                ("D", "T3", "sre"), ("E", "T3", "sre")]
CHECK_RATINGS = [("A", "s1", 4, 0), ("B", "s1", 2, 2), ("C", "s1", 0, 1), ("D", "s1", 3, 2),
                 ("E", "s1", 0, 0), ("A", "s2", 0, 2), ("B", "s2", 3, 0), ("C", "s2", 2, 0)]


@pytest.mark.parametrize("pairs, options, expected", [
    ([("B", "C", "s1")], {}, "below 3"),
    ([("D", "B", "s1")], {}, "not two levels below"),
    ([("A", "E", "s1")], {}, "no interest"),
    ([("A", "A", "s1")], {}, "cannot mentor themselves"),
    ([("A", "B", "s1"), ("A", "C", "s1")], {"mentor_capacity": 1}, "more than the capacity"),
    ([("A", "C", "s1"), ("D", "C", "s1")], {}, "has 2 mentors, more than 1"),
    ([("A", "C", "s1"), ("D", "C", "s1")], {"max_mentors": 2}, "already has a mentor"),
    ([("A", "B", "s1")], {"exclude": frozenset({"B"})}, "excluded"),
    ([("A", "B", "s1")], {"declined": frozenset({("A", "B", "s1")})}, "was declined"),
    ([("A", "C", "s1"), ("C", "E", "s1")], {"min_mentor_level": 2}, "both mentee and mentor"),
    ([("A", "B", "s1")], {}, "left without a mentor"),
    ([("X", "B", "s1")], {}, "unknown person"),
])
def test_checker_rejects_bad_pairings(pairs, options, expected):
    dataset = org(CHECK_PEOPLE, CHECK_RATINGS)
    problems = mt.check_pairs(dataset, mt.MentoringOptions(**options), pairs)
    assert any(expected in p for p in messages(problems)), problems


def test_checker_accepts_the_optimum_and_a_valid_maximal_set():
    dataset = org(CHECK_PEOPLE, CHECK_RATINGS)
    plan = mt.plan_mentoring(dataset)
    assert mt.check_pairs(dataset, mt.MentoringOptions(), plan.pairs) == []
    # Dropping a pair from the optimum leaves a mentee unmatched beside a free mentor.
    fewer = plan.pairs.iloc[1:]
    assert any("left without a mentor" in p
               for p in messages(mt.check_pairs(dataset, mt.MentoringOptions(), fewer)))


# --- Property: on random small organisations the plan is the brute-force optimum.

@st.composite
def small_orgs(draw):
    n_people = draw(st.integers(2, 5))
    n_skills = draw(st.integers(1, 2))
    people = [(f"P{i}", draw(st.sampled_from(["T1", "T2"])),
               draw(st.sampled_from(["data", "ml", "sre"]))) for i in range(n_people)]
    ratings = [(p, f"s{j}", draw(st.integers(0, 4)), draw(st.integers(0, 3)))
               for p, _, _ in people for j in range(1, n_skills + 1)]
    targets = draw(st.lists(st.tuples(st.sampled_from(["T1", "T2"]),
                                      st.sampled_from([f"s{j}" for j in range(1, n_skills + 1)]),
                                      st.integers(1, 4), st.integers(1, 2)),
                            max_size=2, unique_by=lambda t: (t[0], t[1])))
    critical = tuple(s for s in (f"s{j}" for j in range(1, n_skills + 1)) if draw(st.booleans()))
    options = mt.MentoringOptions(
        min_mentor_level=draw(st.sampled_from([2, 3, 3])),
        mentor_capacity=draw(st.integers(1, 2)), max_mentors=draw(st.sampled_from([1, 1, 2])),
        weights=mt.Weights(cross=draw(st.sampled_from([-3.0, 0.0, 1.0, 2.5]))))
    return org(people, ratings, targets, critical), options


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_orgs())
def test_plan_matches_brute_force(case):
    dataset, options = case
    triples = reference_triples(dataset, options)
    assume(len(triples) <= 18)
    plan = mt.plan_mentoring(dataset, options)
    assert plan.status == "optimal"
    assert mt.check_pairs(dataset, options, plan.pairs) == []
    assert set(triples_of(plan)) <= set(triples)
    assert plan.objective == pytest.approx(brute_force(triples, options), abs=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_orgs(), st.data())
def test_plan_with_declined_pairs_matches_brute_force(case, data):
    dataset, options = case
    triples = reference_triples(dataset, options)
    assume(0 < len(triples) <= 18)
    declined = data.draw(st.sets(st.sampled_from(sorted(triples)), max_size=3))
    options = mt.MentoringOptions(**{**options.__dict__, "declined": frozenset(declined)})
    plan = mt.plan_mentoring(dataset, options)
    assert plan.status == "optimal"
    assert not set(triples_of(plan)) & declined
    assert mt.check_pairs(dataset, options, plan.pairs) == []
    assert plan.objective == pytest.approx(
        brute_force(reference_triples(dataset, options), options), abs=1e-6)


def test_an_organisation_without_candidates_gets_an_empty_optimal_plan():
    people = [("A", "T1", "data"), ("B", "T2", "ml")]
    plan = mt.plan_mentoring(org(people, [("A", "s1", 2, 0), ("B", "s1", 1, 1)]))
    assert plan.status == "optimal" and plan.pairs.empty and plan.objective == 0
    assert "mentor level" in plan.message


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_network_flow_matches_the_general_milp(seed):
    dataset = generate(people=40, teams=3, skills=8, seed=seed)
    options = mt.MentoringOptions(mentor_capacity=1 + seed % 2)
    plan = mt.plan_mentoring(dataset, options)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(milp_optimum(dataset, options), abs=1e-6)


def test_every_pair_is_a_subset_of_all_eligible_on_a_small_generated_org():
    dataset = generate(people=30, teams=3, skills=6, seed=7)
    options = mt.MentoringOptions()
    plan = mt.plan_mentoring(dataset, options)
    triples = reference_triples(dataset, options)
    for row in plan.pairs.itertuples(index=False):
        assert row.score == pytest.approx(triples[(row.mentor_id, row.mentee_id, row.skill_id)])


# --- Practitioners (the bus factor) once the mentees reach practitioner level.

def test_practitioners_after_mentoring_counts_distinct_new_ones(sample_dataset):
    plan = mt.plan_mentoring(sample_dataset)
    change = mt.practitioners_after_mentoring(sample_dataset, plan.pairs)
    assert change["critical"].all()
    expected = plan.pairs.groupby("skill_id")["mentee_id"].nunique()
    for row in change.itertuples(index=False):
        assert row.new_holders == expected.get(row.skill_id, 0)
        assert row.holders_after == row.holders_now + row.new_holders
    sole = change[change["holders_now"] == 1]
    assert (sole["holders_after"] > 1).any()


# --- Stored decisions and who may make them.

def test_decisions_are_stored_with_who_and_when(store):
    plan, _ = MS.plan_from_store(store)
    first, second = plan.pairs.iloc[[0]], plan.pairs.iloc[[1]]
    # A manager who leads every team in the plan: row-level access has its own tests.
    teams = frozenset(plan.pairs["mentor_team"]) | frozenset(plan.pairs["mentee_team"])
    manager = store.as_caller(Caller(Role.MANAGER, "P001", teams))
    MS.record_decisions(manager, first, "accepted")
    MS.record_decisions(manager, second, "declined")
    latest = MS.decisions(store)
    assert set(latest["decision"]) == {"accepted", "declined"}
    assert set(latest["decided_by"]) == {"manager:P001"}
    assert latest["decided_at"].notna().all()
    with pytest.raises(NotAllowed):
        MS.record_decisions(store.as_caller(Caller(Role.ENGINEER)), first, "declined")
    again, _ = MS.plan_from_store(store)
    chosen = triples_of(again)
    assert tuple(first.iloc[0][["mentor_id", "mentee_id", "skill_id"]]) in chosen
    assert tuple(second.iloc[0][["mentor_id", "mentee_id", "skill_id"]]) not in chosen
    assert again.pairs["fixed"].sum() == 1
    # The latest decision wins: declining the accepted pair frees it.
    MS.record_decisions(manager, first, "declined")
    assert len(MS.decisions(store)) == 2
    assert set(MS.decisions(store)["decision"]) == {"declined"}



def test_pairs_view_shows_decisions_and_keeps_pairs_touching_the_scope(store):
    plan, _ = MS.plan_from_store(store)
    # A manager who leads every team in the plan: row-level access has its own tests.
    teams = frozenset(plan.pairs["mentor_team"]) | frozenset(plan.pairs["mentee_team"])
    manager = store.as_caller(Caller(Role.MANAGER, "P001", teams))
    first = plan.pairs.iloc[[0]]
    MS.record_decisions(manager, first, "accepted")
    view = MS.pairs_view(plan.pairs, MS.decisions(store))
    assert len(view) == len(plan.pairs)
    assert (view["decision"] == "accepted").sum() == 1
    assert (view["decision"] == "proposed").sum() == len(plan.pairs) - 1
    team = first.iloc[0]["mentee_team"]
    scoped = MS.pairs_view(plan.pairs, MS.decisions(store), scope(teams=[team]))
    touches = (plan.pairs["mentor_team"] == team) | (plan.pairs["mentee_team"] == team)
    assert len(scoped) == int(touches.sum()) < len(plan.pairs)
    assert ((scoped["mentor_team"] == team) | (scoped["mentee_team"] == team)).all()
    sre = MS.pairs_view(plan.pairs, MS.decisions(store), scope(disciplines=["sre"]))
    assert ((sre["mentor_discipline"] == "sre") | (sre["mentee_discipline"] == "sre")).all()


# --- Command line.

def test_cli_writes_pairs_and_one_json_line(store, tmp_path, capsys):
    path = store.path
    store.close()
    out = tmp_path / "pairs.csv"
    code = cli_main(["plan", "mentoring", "--db", str(path), "--out", str(out)])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary["status"] == "optimal" and summary["pairs"] > 0
    assert {"status", "objective", "pairs", "seconds"} <= set(summary)
    assert summary["bound"] == pytest.approx(summary["objective"]) and summary["gap"] == 0
    assert summary["greedy"] <= summary["objective"]
    pairs = pd.read_csv(out)
    assert list(pairs.columns) == ["mentor_id", "mentee_id", "skill_id", "score"]
    assert len(pairs) == summary["pairs"]
    assert pairs["score"].sum() == pytest.approx(summary["objective"], abs=1e-3)


def test_cli_rejects_bad_settings(store, tmp_path, capsys):
    path = store.path
    store.close()
    code = cli_main(["plan", "mentoring", "--db", str(path), "--mentor-capacity", "-2",
                     "--out", str(tmp_path / "x.csv")])
    assert code == 2
    assert "mentor_capacity must be at least 0" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_cli_on_an_empty_database(empty_store, tmp_path, capsys):
    path = empty_store.path
    empty_store.close()
    assert cli_main(["plan", "mentoring", "--db", str(path)]) == 2
    assert "holds no dataset" in capsys.readouterr().err


def test_pairs_of_two_mentors_and_skills_stay_distinct():
    # With two mentors allowed, one mentor may not take the same mentee twice.
    people = [("A", "T1", "ml"), ("B", "T2", "data")]
    ratings = [("A", "s1", 4, 0), ("A", "s2", 4, 0), ("B", "s1", 0, 3), ("B", "s2", 0, 3)]
    options = mt.MentoringOptions(max_mentors=2)
    plan = mt.plan_mentoring(org(people, ratings, critical=()), options)
    assert len(plan.pairs) == 1
    assert len(list(combinations(range(len(plan.pairs)), 2))) == 0


# --- The page, under Streamlit's AppTest against a real DuckDB file.

@pytest.fixture
def app_db(monkeypatch, store):
    monkeypatch.setenv("CROSSTRAIN_DB", str(store.path))
    store.close()
    return store.path


def run_page(role: str = "manager"):
    from streamlit.testing.v1 import AppTest

    from skills.store import ROOT

    app = AppTest.from_file(str(ROOT / "pages" / "6_mentoring.py"), default_timeout=120)
    app.session_state["role"] = role
    return app.run()


def test_page_accepts_and_declines_pairs(app_db):
    from skills.store import Store

    app = run_page()
    assert not app.exception
    pick = app.multiselect(key="mentoring-pick")
    first, second = pick.options[0], pick.options[1]
    pick.select(first).run()
    app.button(key="mentoring-accept").click().run()
    assert not app.exception
    assert any("1 pair(s) accepted" in s.value for s in app.success)
    assert app.multiselect(key="mentoring-pick").value == []
    assert app.button(key="mentoring-accept").disabled
    app.multiselect(key="mentoring-pick").select(second).run()
    app.button(key="mentoring-decline").click().run()
    assert not app.exception
    opened = Store(app_db)
    try:
        latest = MS.decisions(opened)
    finally:
        opened.close()
    assert sorted(latest["decision"]) == ["accepted", "declined"]
    # Who decided: the role, and the person once a sign-in names them ("manager:P002").
    assert {who.split(":")[0] for who in latest["decided_by"]} == {"manager"}
    # The table now shows the accepted pair as accepted, and the declined one is gone.
    table = app.dataframe[0].value
    assert (table["decision"] == "accepted").sum() == 1
    declined = latest[latest["decision"] == "declined"].iloc[0]
    assert not ((table["mentor_id"] == declined["mentor_id"])
                & (table["mentee_id"] == declined["mentee_id"])
                & (table["skill_id"] == declined["skill_id"])).any()


def test_engineers_view_but_cannot_decide(app_db):
    app = run_page("engineer")
    assert not app.exception
    assert len(app.dataframe[0].value) > 0
    assert not [m for m in app.multiselect if m.key == "mentoring-pick"]
    assert not [b for b in app.button if b.key in ("mentoring-accept", "mentoring-decline")]
    assert any("Managers accept or decline" in i.value for i in app.info)


def test_page_explains_bad_settings(app_db):
    app = run_page()
    app.number_input(key="mentoring-min-level").set_value(4).run()
    assert not app.exception

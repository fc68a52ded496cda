"""Coverage metrics on a hand-made organisation, and cross-checked against pandas on the sample."""

from __future__ import annotations

import pandas as pd
import pytest

from skills.services import coverage
from skills.services.coverage import scope
from skills.services.data import load_path
from tests.conftest import write_files

PEOPLE = """person_id,name,team,discipline
a,Ana,Serving,sre
b,Bo,Serving,ml
c,Cy,Training,ml
d,Di,Training,data
"""
SKILLS = """skill_id,name,discipline,critical
ir,Incident response,sre,yes
me,Model evaluation,ml,yes
dp,Data pipelines,data,no
"""
RATINGS = """person_id,skill_id,level,interest
a,ir,4,0
b,ir,2,3
b,me,3,1
c,me,4,0
d,dp,3,2
d,me,1,2
"""
TARGETS = """team,skill_id,min_level,min_people
Serving,ir,3,2
Training,me,3,1
Training,dp,2,2
"""


@pytest.fixture
def small(tmp_path, empty_store):
    folder = write_files(tmp_path / "org", {"people.csv": PEOPLE, "skills.csv": SKILLS,
                                            "ratings.csv": RATINGS, "targets.csv": TARGETS})
    load_path(empty_store, folder)
    return empty_store


def test_skill_coverage_counts_holders_levels_and_interest(small):
    table = coverage.skill_coverage(small).set_index("skill_id")
    assert table.loc["ir", ["holders", "level_0", "level_1", "level_2", "level_3", "level_4",
                            "interested"]].tolist() == [1, 2, 0, 1, 0, 1, 1]
    assert table.loc["me", "holders"] == 2
    assert table.loc["me", "level_0"] == 1  # Ana has no rating: level 0
    assert table.loc["me", "interested"] == 2


def test_skill_coverage_within_a_team(small):
    table = coverage.skill_coverage(small, scope(teams=["Training"])).set_index("skill_id")
    assert table.loc["me", "holders"] == 1
    assert table.loc["ir", "level_0"] == 2


def test_target_gaps(small):
    gaps = coverage.target_gaps(small).set_index(["team", "skill_id"])
    assert gaps.loc[("Serving", "ir"), ["have", "missing"]].tolist() == [1, 1]
    assert gaps.loc[("Training", "me"), ["have", "missing"]].tolist() == [1, 0]
    assert gaps.loc[("Training", "dp"), ["have", "missing"]].tolist() == [1, 1]
    assert coverage.target_gaps(small)["missing"].iloc[0] == 1  # unmet first


def test_key_people_are_sole_holders_of_critical_skills(small):
    key = coverage.key_people(small)
    assert key[["person_id", "skill_id"]].values.tolist() == [["a", "ir"]]  # dp is not critical


def test_team_discipline_coverage(small):
    view = coverage.team_discipline_coverage(small).set_index(["team", "discipline"])
    assert view.loc[("Serving", "sre"), ["critical_skills", "covered"]].tolist() == [1, 1]
    assert view.loc[("Training", "sre"), "coverage"] == 0
    assert pd.isna(view.loc[("Training", "data"), "coverage"])  # no critical data skills
    assert view.loc[("Training", "data"), "people_missing"] == 1


def test_overview(small):
    summary = coverage.overview(small)
    assert summary.fragile_critical_skills == 1
    assert summary.targets_unmet == 2 and summary.people_missing == 2
    assert summary.key_people == 1


def test_default_targets_without_a_targets_sheet(tmp_path, empty_store):
    folder = write_files(tmp_path / "org", {"people.csv": PEOPLE, "skills.csv": SKILLS,
                                            "ratings.csv": RATINGS})
    load_path(empty_store, folder)
    targets = coverage.target_gaps(empty_store)
    assert sorted(map(tuple, targets[["team", "skill_id", "min_level", "min_people"]]
                      .values.tolist())) == [("Serving", "ir", 3, 1), ("Serving", "me", 3, 1),
                                             ("Training", "me", 3, 1)]
    assert set(targets["origin"]) == {"default"}


def test_sample_coverage_matches_an_independent_pandas_count(store, sample_dataset):
    people, ratings, skills = (sample_dataset.people, sample_dataset.ratings,
                               sample_dataset.skills)
    holders = ratings[ratings["level"] >= 3].groupby("skill_id").size()
    table = coverage.skill_coverage(store).set_index("skill_id")
    for skill_id in skills["skill_id"]:
        assert table.loc[skill_id, "holders"] == holders.get(skill_id, 0)
        level_counts = table.loc[skill_id, [f"level_{n}" for n in range(5)]]
        assert level_counts.sum() == len(people)

    merged = ratings.merge(people[["person_id", "team"]], on="person_id")
    for target in sample_dataset.targets.itertuples():
        have = ((merged["team"] == target.team) & (merged["skill_id"] == target.skill_id)
                & (merged["level"] >= target.min_level)).sum()
        gaps = coverage.target_gaps(store).set_index(["team", "skill_id"])
        assert gaps.loc[(target.team, target.skill_id), "missing"] == max(
            0, target.min_people - have)


def test_ratings_matrix_fills_unrated_pairs_with_zero(store, sample_dataset):
    matrix = coverage.ratings_matrix(store, scope(teams=["Serving"], disciplines=["sre"]))
    serving = sample_dataset.people[sample_dataset.people["team"] == "Serving"]
    sre_skills = sample_dataset.skills[sample_dataset.skills["discipline"] == "sre"]
    assert len(matrix) == len(serving) * len(sre_skills)
    assert set(matrix["level"]) <= {0, 1, 2, 3, 4}
    assert isinstance(matrix, pd.DataFrame)


def test_ratings_matrix_caps_people(store):
    matrix = coverage.ratings_matrix(store, max_people=10)
    assert matrix["person_id"].nunique() == 10

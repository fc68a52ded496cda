"""One definition of every domain quantity: the SQL queries and the Python model agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skills.dataset import Dataset
from skills.ingest.sample import generate
from skills.organisation import (
    PRACTITIONER_LEVEL,
    Organisation,
    grown_levels,
    is_practitioner,
    levels_grown,
    mentees_per_mentor,
    rotation_growth,
)
from skills.services import coverage
from skills.store import Store


@pytest.fixture(scope="module", params=["sample", "5000"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           sample_dataset: Dataset) -> tuple[Store, Organisation]:
    dataset = sample_dataset if request.param == "sample" else generate(people=5000, seed=7)
    store = Store(tmp_path_factory.mktemp("org") / "org.duckdb")
    store.replace_dataset(dataset)
    yield store, Organisation.of(store.dataset())
    store.close()


def test_bus_factor_is_the_same_in_sql_and_python(loaded: tuple[Store, Organisation]) -> None:
    store, org = loaded
    sql = coverage.skill_coverage(store).set_index("skill_id")["holders"]
    python = pd.Series(org.bus_factor(), index=org.skill_ids)
    assert (sql.sort_index() == python.sort_index()).all()
    assert python.sum() > 0


def test_target_status_is_the_same_in_sql_and_python(
        loaded: tuple[Store, Organisation]) -> None:
    store, org = loaded
    keys = ["team", "skill_id"]
    sql = coverage.target_gaps(store).set_index(keys).sort_index()
    python = org.target_status().set_index(keys).sort_index()
    assert list(sql.index) == list(python.index)
    for column in ("min_level", "min_people", "have", "missing"):
        assert (sql[column].astype(int) == python[column].astype(int)).all(), column
    assert (python["missing"] > 0).any()


def test_key_people_are_the_same_in_sql_and_python(loaded: tuple[Store, Organisation]) -> None:
    store, org = loaded
    sql = coverage.key_people(store)
    python = org.sole_practitioners()
    as_set = lambda f: set(zip(f["person_id"], f["skill_id"], strict=True))  # noqa: E731
    assert as_set(sql) == as_set(python)


def test_team_holds_is_the_same_in_sql_and_python(loaded: tuple[Store, Organisation]) -> None:
    store, org = loaded
    sql = coverage.team_discipline_coverage(store).set_index(["team", "discipline"])["covered"]
    holds = org.team_holds()
    for (team, discipline), covered in sql.items():
        critical = org.critical & (org.skill_disciplines == discipline)
        assert int(holds[org.team_index[team], critical].sum()) == int(covered)


def test_practitioner_level_is_one_constant() -> None:
    assert is_practitioner(PRACTITIONER_LEVEL) and not is_practitioner(PRACTITIONER_LEVEL - 1)
    sql = (Path(__file__).parent.parent / "sql").glob("*.sql")
    for path in sql:
        text = path.read_text()
        assert "level >= 3" not in text and "level>=3" not in text, path.name


def test_growth_rules() -> None:
    assert levels_grown(1) == 0 and levels_grown(2) == 1 and levels_grown(8) == 1
    assert mentees_per_mentor(4) == 2 and mentees_per_mentor(1) == 0
    assert rotation_growth(2) == 3 and rotation_growth(1) == 1 and rotation_growth(3) == 3


def test_without_and_with_levels(sample_dataset: Dataset) -> None:
    org = Organisation.of(sample_dataset)
    sole = org.sole_practitioners()
    person = sole["person_id"].iloc[0]
    skill = org.skill_index[sole["skill_id"].iloc[0]]
    assert org.bus_factor()[skill] == 1
    assert org.without([person]).bus_factor()[skill] == 0
    learner = next(p for p in org.person_ids if p != person)
    grown = org.with_levels(grown_levels(org, [(learner, org.skill_ids[skill], 3)]))
    assert grown.bus_factor()[skill] == 2
    assert org.bus_factor()[skill] == 1  # the original is unchanged
    assert np.array_equal(org.level, Organisation.of(sample_dataset).level)

"""The bundled sample is what the seeded generator writes, and it is realistic enough to plan on."""

from __future__ import annotations

import filecmp

from skills.ingest.sample import SAMPLE_DIR, generate, write_csv
from skills.taxonomy import DISCIPLINES


def test_bundled_sample_is_regenerated_byte_for_byte(tmp_path):
    write_csv(generate(), tmp_path)
    for name in ("people", "skills", "ratings", "targets", "requests"):
        fresh, bundled = tmp_path / f"{name}.csv", SAMPLE_DIR / f"{name}.csv"
        assert filecmp.cmp(fresh, bundled, shallow=False), name


def test_same_seed_same_organisation_other_seed_other():
    first, second, other = generate(seed=1), generate(seed=1), generate(seed=2)
    assert first.ratings.equals(second.ratings)
    assert not first.ratings.equals(other.ratings)


def test_sample_shape(sample_dataset, store):
    summary = sample_dataset.summary()
    assert 100 <= summary["people"] <= 140 and summary["teams"] == 8
    assert 30 <= summary["skills"] <= 40
    assert set(sample_dataset.skills["discipline"]) == set(DISCIPLINES)
    assert summary["requests"] >= 3
    from skills.services import coverage

    overview = coverage.overview(store)
    assert overview.key_people >= 3  # some critical skills hang on one person
    assert overview.targets_unmet >= 1


def test_generator_scales():
    big = generate(people=2000, teams=20, skills=50, seed=9)
    assert len(big.people) == 2000 and big.people["team"].nunique() == 20
    assert len(big.skills) == 50 and big.skills["skill_id"].is_unique

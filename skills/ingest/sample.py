"""A realistic, deterministic sample organisation, and scaled ones for benchmarks.

`python -m skills sample --out data/sample` regenerates the bundled sample; the same seed
always writes the same files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skills.dataset import TABLE_COLUMNS, Dataset
from skills.taxonomy import TAXONOMY, SkillDefinition

SAMPLE_SEED = 20250729


@dataclass(frozen=True)
class Squad:
    name: str
    mix: dict[str, float]          # share of members per discipline
    targets: tuple[tuple[str, int, int], ...]  # (skill_id, min_level, min_people)


SQUADS: tuple[Squad, ...] = (
    Squad("Data Platform", {"data": 0.6, "sre": 0.2, "ml": 0.1, "product": 0.1},
          (("data-pipelines", 3, 3), ("data-quality", 3, 2), ("streaming", 3, 1),
           ("observability", 2, 2), ("incident-response", 3, 1))),
    Squad("Feature Store", {"data": 0.4, "ml": 0.4, "sre": 0.1, "product": 0.1},
          (("feature-stores", 3, 2), ("data-lineage", 3, 1), ("feature-engineering", 3, 2),
           ("reproducible-training", 2, 2), ("rollback", 3, 1))),
    Squad("Training", {"ml": 0.6, "data": 0.2, "sre": 0.1, "product": 0.1},
          (("experiment-tracking", 3, 2), ("reproducible-training", 3, 2),
           ("model-evaluation", 3, 2), ("bias-fairness", 3, 1), ("data-quality", 2, 2))),
    Squad("Serving", {"ml": 0.4, "sre": 0.4, "data": 0.1, "product": 0.1},
          (("model-serving", 3, 2), ("incident-response", 3, 2), ("rollback", 3, 1),
           ("canary-deploys", 3, 1), ("observability", 2, 2))),
    Squad("Observability", {"sre": 0.7, "ml": 0.2, "data": 0.1},
          (("observability", 3, 3), ("alerting", 3, 2), ("drift-detection", 3, 1),
           ("incident-response", 3, 2))),
    Squad("Platform Infrastructure", {"sre": 0.7, "data": 0.2, "ml": 0.1},
          (("infrastructure-as-code", 3, 2), ("ci-cd", 3, 2), ("capacity-cost", 3, 1),
           ("security-compliance", 3, 1), ("disaster-recovery", 3, 1))),
    Squad("Analytics", {"data": 0.4, "product": 0.4, "ml": 0.2},
          (("sql-analytics", 3, 2), ("kpi-design", 3, 1), ("ab-testing", 3, 1),
           ("data-modelling", 3, 1))),
    Squad("Governance", {"product": 0.6, "ml": 0.2, "data": 0.2},
          (("model-governance", 3, 2), ("risk-ethics", 3, 1), ("decision-records", 3, 1),
           ("data-privacy", 3, 1), ("bias-fairness", 2, 1))),
)

# Critical skills deliberately held by one person: the sample's key-person risks.
SCARCE = ("rollback", "bias-fairness", "data-privacy", "risk-ethics", "security-compliance")

ROLES = {
    "data": ("Data engineer", "Senior data engineer", "Analytics engineer"),
    "ml": ("ML engineer", "Senior ML engineer", "Applied scientist"),
    "sre": ("Site reliability engineer", "Senior SRE", "Platform engineer"),
    "product": ("Product owner", "Product manager", "Technical programme manager"),
}
FIRST = ("Ana", "Bilal", "Chen", "Dara", "Émile", "Farah", "Gustavo", "Hana", "Ines", "Jonas",
         "Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Søren", "Tomás",
         "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "Aiko", "Björn", "Chiara", "Diego",
         "Esra", "Fionn", "Grace", "Hugo", "Ifeoma", "Jakub", "Keira", "Luca", "Maja", "Niamh")
LAST = ("Souza", "Okafor", "Nguyen", "Kowalski", "Haddad", "Larsen", "Moreau", "Patel",
        "Schmidt", "Tanaka", "Costa", "Dubois", "Ferreira", "García", "Horvat", "Iyer",
        "Jansen", "Kim", "Lindqvist", "Müller", "Novak", "O'Brien", "Popescu", "Rossi",
        "Sato", "Turner", "Usman", "Virtanen", "Walsh", "Yilmaz")

# P(level) by how close the skill is to the person: own discipline, squad focus, elsewhere.
LEVEL_WEIGHTS = {
    "own": (12, 20, 34, 25, 9),
    "focus": (35, 30, 22, 11, 2),
    "other": (62, 26, 10, 2, 0),
}


def generate(people: int = 120, teams: int | None = None, skills: int = 36,
             seed: int = SAMPLE_SEED, requests: int = 8) -> Dataset:
    """An organisation of `people` people in `teams` squads rated on `skills` skills."""
    rng = random.Random(seed)
    teams = teams or len(SQUADS)
    squads = _squads(teams)
    skill_defs = _skills(skills)
    skill_frame = pd.DataFrame({
        "skill_id": [s.skill_id for s in skill_defs],
        "name": [s.name for s in skill_defs],
        "discipline": [s.discipline for s in skill_defs],
        "critical": [s.critical for s in skill_defs],
        "description": [s.description for s in skill_defs],
    })

    person_rows, rating_rows = [], []
    width = max(3, len(str(people)))
    for index in range(people):
        squad = squads[index % len(squads)]
        person_id = f"P{index + 1:0{width}d}"
        is_lead = index < len(squads)
        discipline = rng.choices(list(squad.mix), weights=list(squad.mix.values()))[0]
        name = f"{FIRST[rng.randrange(len(FIRST))]} {LAST[rng.randrange(len(LAST))]}"
        lead = f"P{(index % len(squads)) + 1:0{width}d}"
        person_rows.append({
            "person_id": person_id, "name": name, "team": squad.name, "discipline": discipline,
            "role": "Engineering manager" if is_lead else rng.choice(ROLES[discipline]),
            "manager_id": None if is_lead else lead,
            "email": f"{person_id.lower()}@example.org",
        })
        focus = {d for d, share in squad.mix.items() if share >= 0.2}
        for skill in skill_defs:
            closeness = ("own" if skill.discipline == discipline
                         else "focus" if skill.discipline in focus else "other")
            level = rng.choices(range(5), weights=LEVEL_WEIGHTS[closeness])[0]
            if skill.skill_id in SCARCE:
                level = min(level, 2)
            interest = rng.choices(range(4), weights=(45, 25, 20, 10))[0]
            if level >= 3:
                interest = max(interest, 1)
            if level or interest:
                rating_rows.append({"person_id": person_id, "skill_id": skill.skill_id,
                                    "level": level, "interest": interest,
                                    "assessed_on": _assessed_on(rng)})
    people_frame = pd.DataFrame(person_rows, columns=list(TABLE_COLUMNS["people"]))
    ratings = pd.DataFrame(rating_rows, columns=list(TABLE_COLUMNS["ratings"]))
    ratings = _make_scarce(rng, ratings, people_frame, skill_defs, squads)

    target_rows = [
        {"team": squad.name, "skill_id": skill_id, "min_level": level, "min_people": count,
         "origin": "file"}
        for squad in squads for skill_id, level, count in squad.targets
        if skill_id in set(skill_frame["skill_id"])
    ]
    targets = pd.DataFrame(target_rows, columns=list(TABLE_COLUMNS["targets"]))
    request_frame = _requests(rng, people_frame, skill_defs, requests)
    return Dataset(people=people_frame, skills=skill_frame, ratings=ratings, targets=targets,
                   requests=request_frame, source=f"sample (seed {seed})")


def _squads(teams: int) -> list[Squad]:
    return [
        SQUADS[i % len(SQUADS)] if i < len(SQUADS) else
        Squad(f"{SQUADS[i % len(SQUADS)].name} {i // len(SQUADS) + 1}",
              SQUADS[i % len(SQUADS)].mix, SQUADS[i % len(SQUADS)].targets)
        for i in range(teams)
    ]


def _skills(count: int) -> list[SkillDefinition]:
    skills = list(TAXONOMY[:count])
    round_no = 2
    while len(skills) < count:
        for base in TAXONOMY:
            if len(skills) == count:
                break
            skills.append(SkillDefinition(f"{base.skill_id}-{round_no}",
                                          f"{base.name} ({round_no})", base.discipline,
                                          base.critical and round_no == 2, base.description))
        round_no += 1
    return skills


def _assessed_on(rng: random.Random) -> str:
    return f"2025-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"


def _make_scarce(rng: random.Random, ratings: pd.DataFrame, people: pd.DataFrame,
                 skills: list[SkillDefinition], squads: list[Squad]) -> pd.DataFrame:
    """Give each scarce critical skill exactly one practitioner, in a squad that targets it."""
    ratings = ratings.set_index(["person_id", "skill_id"])
    for skill in skills:
        if skill.skill_id not in SCARCE:
            continue
        homes = [s.name for s in squads if any(t[0] == skill.skill_id for t in s.targets)]
        candidates = people[people["team"].isin(homes) & (people["discipline"]
                                                          == skill.discipline)]
        if candidates.empty:
            candidates = people[people["team"].isin(homes)] if homes else people
        holder = candidates["person_id"].iloc[rng.randrange(len(candidates))]
        ratings.loc[(holder, skill.skill_id), ["level", "interest", "assessed_on"]] = (
            rng.choice((3, 4)), 2, _assessed_on(rng))
    ratings = ratings.reset_index()
    ratings["level"] = ratings["level"].astype(int)
    ratings["interest"] = ratings["interest"].astype(int)
    return ratings.sort_values(["person_id", "skill_id"]).reset_index(drop=True)[
        list(TABLE_COLUMNS["ratings"])]


def _requests(rng: random.Random, people: pd.DataFrame, skills: list[SkillDefinition],
              count: int) -> pd.DataFrame:
    teams = sorted(people["team"].unique())
    rows = []
    chosen = rng.sample(range(len(people)), min(count, len(people)))
    for number, index in enumerate(chosen, start=1):
        person = people.iloc[index]
        host = rng.choice([t for t in teams if t != person["team"]])
        earliest = rng.randint(1, 3)
        rows.append({
            "request_id": f"R{number:03d}", "person_id": person["person_id"], "host_team": host,
            "skill_id": rng.choice(skills).skill_id if rng.random() < 0.5 else None,
            "earliest_quarter": earliest, "latest_quarter": rng.randint(earliest, 4),
            "priority": rng.randint(1, 3), "note": None, "status": "requested",
        })
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS["requests"]))


def write_csv(dataset: Dataset, folder: str | Path) -> list[Path]:
    """Write the dataset as the CSV files an import reads back."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in dataset.tables().items():
        out = frame.drop(columns=[c for c in ("origin", "status") if c in frame.columns])
        if "critical" in out.columns:
            out = out.assign(critical=out["critical"].map({True: "true", False: "false"}))
        path = folder / f"{name}.csv"
        out.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"

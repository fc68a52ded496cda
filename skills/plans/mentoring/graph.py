"""The organisation as graphs: who mentors whom, and which skills hang on which people.

Two networkx graphs share person nodes keyed by person_id:
- the people graph: people, with a directed mentor -> mentee edge per mentoring pair;
- the skill graph: people and skills, an edge where a person holds the skill at level >= 3.
  A skill with one neighbour hangs on one person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from skills.organisation import PRACTITIONER_LEVEL, Organisation

if TYPE_CHECKING:
    # Imported where a graph is made: a plan from the command line draws none, and networkx
    # costs 0.15 s of its time limit to import.
    import networkx as nx

# A spring layout of more nodes than this takes seconds and draws a hairball; callers filter.
MAX_LAYOUT_NODES = 600


def skill_node(skill_id: str) -> str:
    # Skill nodes get a prefix so a skill id can never collide with a person id.
    return f"skill:{skill_id}"


def people_graph(org: Organisation, pairs: pd.DataFrame,
                 people: Iterable[str] | None = None) -> nx.DiGraph:
    """People (all, or `people` plus everyone in a pair) and mentor -> mentee edges."""
    import networkx as nx

    graph = nx.DiGraph()
    wanted = set(people) if people is not None else set(org.person_ids)
    wanted |= set(pairs["mentor_id"]) | set(pairs["mentee_id"])
    for i, person_id in enumerate(org.person_ids):
        if person_id in wanted:
            graph.add_node(person_id, kind="person", name=org.names[i], team=org.teams[i],
                           discipline=org.disciplines[i])
    for row in pairs.itertuples(index=False):
        # Mentor and mentee are kept on the edge: the combined view is undirected.
        graph.add_edge(row.mentor_id, row.mentee_id, kind="mentoring", skill_id=row.skill_id,
                       score=float(row.score), mentor=row.mentor_id, mentee=row.mentee_id)
    return graph


def skill_graph(org: Organisation, people: Iterable[str] | None = None,
                min_level: int = PRACTITIONER_LEVEL) -> nx.Graph:
    """People and the skills they hold at `min_level` or above (organisation-wide holders)."""
    import networkx as nx

    graph = nx.Graph()
    wanted = set(people) if people is not None else set(org.person_ids)
    # The practitioners (and their count, the bus factor) as skills.organisation defines them.
    held = org.practitioners() if min_level == PRACTITIONER_LEVEL else org.level >= min_level
    holders = held.sum(axis=0)
    for s, skill_id in enumerate(org.skill_ids):
        graph.add_node(skill_node(skill_id), kind="skill", skill_id=skill_id,
                       name=org.skill_names[s], critical=bool(org.critical[s]),
                       holders=int(holders[s]))
    rows, cols = np.nonzero(held)
    for p, s in zip(rows.tolist(), cols.tolist(), strict=True):
        person_id = org.person_ids[p]
        if person_id not in wanted:
            continue
        graph.add_node(person_id, kind="person", name=org.names[p], team=org.teams[p],
                       discipline=org.disciplines[p])
        graph.add_edge(person_id, skill_node(org.skill_ids[s]), kind="holds",
                       level=int(org.level[p, s]))
    return graph


def combined_graph(org: Organisation, pairs: pd.DataFrame, people: Iterable[str] | None = None,
                   with_skills: bool = False) -> nx.Graph:
    """The people graph, and with `with_skills` the skill graph laid over it."""
    import networkx as nx

    graph = nx.Graph(people_graph(org, pairs, people))
    if with_skills:
        graph = nx.compose(skill_graph(org, list(graph.nodes)), graph)
    return graph


def sole_holder_skills(graph: nx.Graph) -> list[str]:
    """Skill ids held (at level >= 3) by exactly one person, organisation-wide."""
    return sorted(data["skill_id"] for _, data in graph.nodes(data=True)
                  if data.get("kind") == "skill" and data.get("holders") == 1)


def layout(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions in [-1, 1]; the same graph and seed always give the same picture."""
    if graph.number_of_nodes() > MAX_LAYOUT_NODES:
        raise ValueError(f"{graph.number_of_nodes()} nodes are too many to draw (at most "
                         f"{MAX_LAYOUT_NODES}); filter by team or discipline")
    if graph.number_of_nodes() == 0:
        return {}
    k = 1.6 / max(1.0, graph.number_of_nodes()) ** 0.5
    import networkx as nx

    positions = nx.spring_layout(graph, seed=seed, k=k, iterations=60)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}

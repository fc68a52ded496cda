"""The checker: plain Python over the pairs, independent of how they were found.

`check_pairs` never raises on a bad plan: it returns one `Violation` per broken rule (rules 1-3
of the model, plus "excluded", "declined", "unknown" and "maximal").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from skills.dataset import Dataset
from skills.organisation import Organisation
from skills.plans.contract import Violation
from skills.plans.mentoring.model import (
    TOL,
    MentoringInputError,
    MentoringOptions,
    is_eligible,
    mentee_value,
    validate_options,
    view,
)
from skills.taxonomy import MAX_LEVEL


def as_organisation(dataset: Dataset | Organisation) -> Organisation:
    return dataset if isinstance(dataset, Organisation) else Organisation.of(dataset)


def check_pairs(dataset: Dataset | Organisation, options: MentoringOptions,
                pairs: pd.DataFrame | Sequence[tuple[str, str, str]],
                require_maximal: bool = True) -> list[Violation]:
    """Every broken hard constraint in `pairs`; empty when the pairs are valid.

    With `require_maximal`, also reports a mentee left with a free slot while an eligible mentor
    with spare capacity could take them in a pair of positive value (an optimal plan never does).
    """
    try:
        validate_options(options)
    except MentoringInputError as error:
        return [Violation("options", str(error))]
    org = as_organisation(dataset)
    # Whole columns to lists: item by item, Arrow string columns cost a conversion each.
    triples = (list(zip(pairs["mentor_id"].tolist(), pairs["mentee_id"].tolist(),
                        pairs["skill_id"].tolist(), strict=True))
               if isinstance(pairs, pd.DataFrame) else list(pairs))
    people, skills = org.person_index, org.skill_index
    found: list[Violation] = []
    mentees_of: dict[str, int] = {}
    mentors_of: dict[str, int] = {}
    seen_pair: set[tuple[str, str]] = set()
    seen_cell: set[tuple[str, str]] = set()
    mentor_cells: set[tuple[str, str]] = set()
    mentee_cells: set[tuple[str, str]] = set()
    fixed = set(options.fixed)
    suspect = _breaks_rules_1_to_3(org, options, triples)
    for j, (mentor_id, mentee_id, skill_id) in enumerate(triples):
        label = f"{mentor_id} → {mentee_id} in {skill_id}"
        if mentor_id not in people or mentee_id not in people or skill_id not in skills:
            found.append(Violation("unknown", f"{label}: unknown person or skill"))
            continue
        if mentor_id in options.exclude or mentee_id in options.exclude:
            found.append(Violation("excluded", f"{label}: uses an excluded person"))
        if (mentor_id, mentee_id, skill_id) in options.declined and \
                (mentor_id, mentee_id, skill_id) not in fixed:
            found.append(Violation("declined", f"{label}: was declined"))
        if suspect[j]:
            m, e, s = people[mentor_id], people[mentee_id], skills[skill_id]
            found.extend(Violation(rule, f"{label}: {why}")
                         for rule, why in is_eligible(org, options, m, e, s))
        if (mentor_id, mentee_id) in seen_pair:
            found.append(Violation(3, f"{label}: {mentor_id} already mentors {mentee_id}"))
        if (mentee_id, skill_id) in seen_cell:
            found.append(Violation(3, f"{label}: {mentee_id} already has a mentor in "
                                      f"{skill_id}"))
        seen_pair.add((mentor_id, mentee_id))
        seen_cell.add((mentee_id, skill_id))
        mentor_cells.add((mentor_id, skill_id))
        mentee_cells.add((mentee_id, skill_id))
        mentees_of[mentor_id] = mentees_of.get(mentor_id, 0) + 1
        mentors_of[mentee_id] = mentors_of.get(mentee_id, 0) + 1
    for person, count in mentees_of.items():
        if count > options.mentor_capacity:
            found.append(Violation(3, f"{person} mentors {count} people, more than the "
                                      f"capacity {options.mentor_capacity}"))
    for person, count in mentors_of.items():
        if count > options.max_mentors:
            found.append(Violation(3, f"{person} has {count} mentors, more than "
                                      f"{options.max_mentors}"))
    for person, skill_id in sorted(mentor_cells & mentee_cells):
        found.append(Violation(3, f"{person} is both mentee and mentor in {skill_id}"))
    if require_maximal and not found:
        found.extend(Violation("maximal", text) for text in _missed_pairs(
            org, options, triples, seen_pair))
    return found


def _breaks_rules_1_to_3(org: Organisation, options: MentoringOptions,
                         triples: list[tuple[str, str, str]]) -> np.ndarray:
    """Per pair, True when `is_eligible` may object: the same tests, over all pairs at once,
    so the words are only built for the pairs that break a rule."""
    index = pd.Index(org.person_ids)
    m = index.get_indexer([str(t[0]) for t in triples])
    e = index.get_indexer([str(t[1]) for t in triples])
    s = pd.Index(org.skill_ids).get_indexer([str(t[2]) for t in triples])
    known = (m >= 0) & (e >= 0) & (s >= 0)
    m, e, s = np.where(known, m, 0), np.where(known, e, 0), np.where(known, s, 0)
    mentor_level = org.level[m, s].astype(np.int64)
    return np.asarray(known & (
        (m == e) | (mentor_level < options.min_mentor_level)
        | (mentor_level - org.level[e, s] < 2)
        | ((org.interest[e, s] < 1) & ~view(org).gap[e, s])), dtype=bool)


def _missed_pairs(org: Organisation, options: MentoringOptions,
                  triples: list[tuple[str, str, str]],
                  seen_pair: set[tuple[str, str]]) -> list[str]:
    """Pairs of positive value that still fit: a plan leaving one out is not optimal.

    A pair's score depends on the mentor only through level, team and discipline, so each
    skill's spare mentors are grouped that way; mentees with a declined pair or an existing
    mentor are checked mentor by mentor. Called on valid pairs only (every id known).
    """
    w = options.weights
    v = view(org)
    ids = org.person_ids
    people, skills = org.person_index, org.skill_index
    m_idx = np.array([people[m] for m, _, _ in triples], dtype=np.int64)
    e_idx = np.array([people[e] for _, e, _ in triples], dtype=np.int64)
    s_idx = np.array([skills[s] for _, _, s in triples], dtype=np.int64)
    excluded = np.isin(ids, list(options.exclude)) if options.exclude else \
        np.zeros(org.n_people, dtype=bool)
    spare_mentor = ~excluded & (np.bincount(m_idx, minlength=org.n_people)
                                < options.mentor_capacity)
    spare_mentee = ~excluded & (np.bincount(e_idx, minlength=org.n_people)
                                < options.max_mentors)
    as_mentee = np.zeros((org.n_people, org.n_skills), dtype=bool)
    as_mentor = np.zeros_like(as_mentee)
    as_mentee[e_idx, s_idx] = True
    as_mentor[m_idx, s_idx] = True
    declined_by_mentee: dict[str, set[tuple[str, str]]] = {}
    for mentor_id, mentee_id, skill_id in options.declined:
        declined_by_mentee.setdefault(mentee_id, set()).add((mentor_id, skill_id))
    paired = {mentee_id for _, mentee_id in seen_pair}
    value = mentee_value(org, w)
    missed: list[str] = []

    def score(m: int, e: int, s: int) -> float:
        return float(value[e, s] + w.level * (int(org.level[m, s]) - int(org.level[e, s]))
                     / MAX_LEVEL + w.cross * (0.5 * (org.team_code[m] != org.team_code[e])
                                              + 0.5 * (v.disc_code[m] != v.disc_code[e])))

    for s, skill_id in enumerate(org.skill_ids):
        mentors = np.flatnonzero(spare_mentor & ~as_mentee[:, s]
                                 & (org.level[:, s] >= options.min_mentor_level))
        wants = (spare_mentee & ((org.interest[:, s] >= 1) | v.gap[:, s])
                 & ~as_mentee[:, s] & ~as_mentor[:, s])
        mentees = np.flatnonzero(wants).tolist()
        if not len(mentors) or not mentees:
            continue
        key = (org.level[mentors, s].astype(np.int64) * 10_000 + org.team_code[mentors]) \
            * 100 + v.disc_code[mentors]
        _, first = np.unique(key, return_index=True)
        c_level = org.level[mentors[first], s].astype(float)
        c_team = org.team_code[mentors[first]]
        c_disc = v.disc_code[mentors[first]]
        for e in mentees:
            mentee_id = ids[e]
            if mentee_id in paired or mentee_id in declined_by_mentee:
                for m in mentors.tolist():
                    if (m != e and org.level[m, s] - org.level[e, s] >= 2
                            and (ids[m], mentee_id) not in seen_pair
                            and (ids[m], skill_id) not in declined_by_mentee.get(mentee_id, ())
                            and score(m, e, s) > TOL):
                        missed.append(f"{mentee_id} is left without a mentor in {skill_id} "
                                      f"although {ids[m]} has spare capacity")
                        break
                continue
            gain = (value[e, s] + w.level * (c_level - org.level[e, s]) / MAX_LEVEL
                    + w.cross * (0.5 * (c_team != org.team_code[e])
                                 + 0.5 * (c_disc != v.disc_code[e])))
            ok = (c_level - org.level[e, s] >= 2) & (gain > TOL)
            if ok.any():
                c = int(np.flatnonzero(ok)[0])
                mentor_id = ids[mentors[first[c]]]
                missed.append(f"{mentee_id} is left without a mentor in {skill_id} although "
                              f"{mentor_id} has spare capacity (pair worth {gain[c]:.2f})")
            if len(missed) >= 5:
                return missed
    return missed

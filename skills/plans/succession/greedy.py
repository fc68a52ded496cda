"""A quick baseline for the slates: best pairs first, one slot round at a time.

Round j gives every key person that already has j successors its best candidate still free,
so the first successors go round before anyone gets a second. The exact optimiser is never
worse; the page shows both.
"""

from __future__ import annotations

import numpy as np

from skills.plans.succession.model import Candidates, SuccessionOptions


def greedy_slates(cands: Candidates, n_keys: int, options: SuccessionOptions) -> np.ndarray:
    """Indexes of the chosen candidate pairs."""
    order = np.argsort(-cands.units(), kind="stable")
    taken = np.zeros(len(cands), dtype=bool)
    per_key = np.zeros(n_keys, dtype=np.int64)
    load: dict[int, int] = {}
    keys, people = cands.key.tolist(), cands.person.tolist()
    for round_no in range(options.max_successors):
        for a in order.tolist():
            k, p = keys[a], people[a]
            if taken[a] or per_key[k] != round_no or load.get(p, 0) >= options.max_slates:
                continue
            taken[a] = True
            per_key[k] += 1
            load[p] = load.get(p, 0) + 1
    return np.flatnonzero(taken)

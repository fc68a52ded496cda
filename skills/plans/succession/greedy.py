"""A quick baseline for the slates: round by round, each key person's best free candidate.

Round j gives every key person that already has j successors, in order of the damage their
departure does, its best candidate still under the cap, so the first successors go round
before anyone gets a second. The exact optimiser is never worse; the page shows both.
"""

from __future__ import annotations

import numpy as np

from skills.plans.succession.model import Candidates, SuccessionOptions


def greedy_slates(cands: Candidates, n_keys: int, options: SuccessionOptions) -> np.ndarray:
    """Indexes of the chosen candidate pairs."""
    order = np.lexsort((-cands.units(), cands.key))   # by key person, best candidate first
    starts = np.searchsorted(cands.key[order], np.arange(n_keys + 1))
    people = cands.person[order].tolist()
    pointer = starts[:-1].tolist()
    ends = starts[1:].tolist()
    load: dict[int, int] = {}
    picked: list[int] = []
    for _ in range(options.max_successors):
        for k in range(n_keys):
            # A candidate passed over is full (or already on this slate) for good.
            while pointer[k] < ends[k] and load.get(people[pointer[k]], 0) >= options.max_slates:
                pointer[k] += 1
            if pointer[k] < ends[k]:
                p = people[pointer[k]]
                load[p] = load.get(p, 0) + 1
                picked.append(int(order[pointer[k]]))
                pointer[k] += 1
    return np.sort(np.asarray(picked, dtype=np.int64))

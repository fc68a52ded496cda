"""Values that render alike but differ, and manager chains that loop.

Two team names a reader cannot tell apart ("Serving" with a Latin e and with a Cyrillic е)
would silently split a team in two; a manager chain that returns to where it started has no
top.  Both are refused with the rows involved.
"""

from __future__ import annotations

import unicodedata

from skills.ingest.problems import Problem
from skills.ingest.reading import shown

# Letters of other scripts drawn like Latin ones (the common cases of Unicode's confusables).
_CONFUSABLE = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "α": "a",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-",
})
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))


def skeleton(value: str) -> str:
    """What a reader sees: compatibility forms folded, look-alike letters mapped to Latin."""
    if value.isascii():
        return value
    folded = unicodedata.normalize("NFKC", value).translate(_INVISIBLE).translate(_CONFUSABLE)
    return " ".join(folded.split())


def lookalike_problems(source: str, column: str, values: list[tuple[str, int]]
                       ) -> list[Problem]:
    """A problem for each distinct value (with its first row) that renders like an earlier one.

    ASCII values are their own skeleton, so the usual all-ASCII file costs one pass.
    """
    first: dict[str, tuple[str, int]] = {}
    problems = []
    for value, row in values:
        key = skeleton(value)
        if key in first and first[key][0] != value:
            other, other_row = first[key]
            problems.append(Problem(
                source, f'"{shown(value)}" looks the same as "{shown(other)}" on row '
                        f"{other_row} but is written with different characters "
                        f"({_difference(value, other)}); use one spelling",
                row=row, column=column))
        else:
            first.setdefault(key, (value, row))
    return problems


def _difference(value: str, other: str) -> str:
    for char in value:
        if char not in other:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            return f"{name.title()}, U+{ord(char):04X}"
    for char in other:
        if char not in value:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            return f"the other has {name.title()}, U+{ord(char):04X}"
    return "different Unicode forms"


def manager_cycle_problems(source: str, edges: list[tuple[str, str, int]],
                           starts: list[str] | None = None) -> list[Problem]:
    """Self-managers and manager chains that loop, each reported once, at its first row.

    `edges` are (person, manager, row) in row order; a walk up the chain starts from each
    person in turn, or from each of `starts` in its order when given.
    """
    manager = {person: boss for person, boss, _ in edges}
    row_of = {person: row for person, _, row in edges}
    problems = []
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    for person, boss, row in edges:
        if person == boss:
            problems.append(Problem(source, f'"{shown(person)}" is their own manager',
                                    row=row, column="manager_id"))
            state[person] = 2
    for start in (manager if starts is None else starts):
        walk = []
        node: str | None = start
        while node is not None and node in manager and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = manager[node]
        if node is not None and state.get(node) == 1 and node != manager.get(node):
            loop = walk[walk.index(node):]
            chain = " → ".join(shown(p) for p in loop[:8]) + (" → …" if len(loop) > 8 else "")
            chain += f" → {shown(node)}"
            top = min(loop, key=lambda p: row_of[p])
            problems.append(Problem(source, f"the manager chain loops: {chain}; someone in it "
                                            "must report outside it (or have no manager)",
                                    row=row_of[top], column="manager_id"))
        for visited in walk:
            state[visited] = 2
    return problems

"""How another tool's file maps onto our tables: proposed from its layout, confirmed by a person.

A `Mapping` says which table (file or sheet) holds the matrix, which columns are the person's
name, id, team, role, discipline, e-mail and manager, which columns are skills (and which known
skill each one is), which to ignore, defaults for what the file lacks, how to read a cell and
which rows are not data. It is written and read as a small TOML file for the command line
(`python -m skills inspect FILE` proposes one, `load FILE --mapping MAPPING.toml` uses it), and
remembered by the file's header so next quarter's export needs no questions.

Service-friendly entry points (the Data page calls these):
`propose_mapping(files)`, `apply_mapping(files, mapping)`, `header_fingerprint(files)`,
`column_roles(mapping, headers)`, `edited(mapping, ...)` and `fitted(mapping, proposal)`; the
service keeps confirmed mappings in DuckDB (the folder-based `remember_mapping(folder, files,
mapping)` and `recall_mapping(folder, files)` serve scripts).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping as FileMap
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from skills.dataset import Dataset
from skills.ingest.problems import DatasetError, Problem, counted
from skills.ingest.reading import RawDataset, RawTable, header_key, read_files
from skills.taxonomy import UNASSIGNED, match_key, match_skill, parse_discipline, suggest_skill

LAYOUTS = ("tables", "wide", "long", "json")
PERSON_FIELDS = ("name", "person_id", "team", "role", "discipline", "email", "manager")
LONG_FIELDS = ("skill", "level", "interest")
# What a header can be besides one of the fields: a skill column (wide layout) or nothing.
# (Not "skill": in the long layout that is the field naming the skill of a row.)
SKILL_ROLE, IGNORE_ROLE = "skill column", "ignore"

# Header words that say what a column is, English and French, in `match_key` form.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "nom", "full name", "nom complet", "person", "personne", "employee",
             "employe", "member", "membre", "user", "utilisateur", "collaborateur", "who"),
    "person_id": ("person id", "id", "employee id", "matricule", "identifiant", "user id"),
    "team": ("team", "equipe", "groupes", "groupe", "group", "groups", "squad", "department",
             "departement", "service"),
    "role": ("role", "poste", "job title", "title", "fonction", "position"),
    "discipline": ("discipline", "specialty", "specialite", "domain", "domaine"),
    "email": ("email", "e mail", "mail", "courriel"),
    "manager": ("manager id", "manager", "responsable", "reports to"),
    "skill": ("skill", "competence", "skill name", "technology", "technologie"),
    "level": ("level", "rating", "own rating", "self rating", "niveau", "note", "proficiency"),
    "interest": ("interest", "appetence", "appetite", "envie", "motivation"),
}
# Columns and rows that summarise rather than hold data.
SUMMARY_WORDS = ("moyenne", "average", "mean", "total", "sum", "somme", "legende", "legend",
                 "nombre", "count", "score", "mediane", "median")
IGNORED_WORDS = ("appetences", "ownership", "commentaire", "comment", "notes", "manager rating",
                 "target rating", "date", "updated", "last update", "categorie", "category")

LEVEL_LABELS: dict[str, int] = {
    "none": 0, "awareness": 1, "working": 2, "practitioner": 3, "expert": 4,
    "aucun": 0, "aucune": 0, "debutant": 1, "debutante": 1, "notions": 1,
    "intermediaire": 2, "confirme": 3, "confirmee": 3, "avance": 3, "avancee": 3,
    "beginner": 1, "novice": 1, "intermediate": 2, "advanced": 3,
}
INTEREST_LABELS: dict[str, int] = {
    "none": 0, "aucun": 0, "aucune": 0, "low": 1, "faible": 1, "medium": 2, "moyen": 2,
    "moyenne": 2, "high": 3, "fort": 3, "forte": 3, "strong": 3, "eleve": 3, "elevee": 3,
}
ROLE_DISCIPLINES: dict[str, str] = {
    "data engineer": "data", "data analyst": "data", "analytics engineer": "data",
    "ml engineer": "ml", "machine learning engineer": "ml", "data scientist": "ml",
    "mlops engineer": "ml", "sre": "sre", "devops": "sre", "devops engineer": "sre",
    "ops": "sre", "platform engineer": "sre", "site reliability engineer": "sre",
    "product manager": "product", "product owner": "product", "pm": "product", "po": "product",
}


@dataclass
class SkillChoice:
    """One skill column (or skill name) and what it becomes."""

    column: str
    skill_id: str
    name: str
    discipline: str = UNASSIGNED
    critical: bool = False
    matched: str = "none"      # name | synonym | none (assigned by hand: "manual")
    suggestion: str = ""       # for an unmatched skill: the closest known skill, to confirm


@dataclass
class TargetChoice:
    team: str
    skill_id: str
    min_level: int
    min_people: int


@dataclass
class Mapping:
    layout: str = "wide"
    table: str = ""                 # the file stem or sheet title holding the matrix
    interest_table: str = ""        # a second sheet of the same shape holding interests
    columns: dict[str, str] = field(default_factory=dict)   # our field -> their header
    ignore: list[str] = field(default_factory=list)
    default_team: str = ""
    default_discipline: str = ""
    infer_discipline: bool = True   # from the person's strongest known skills
    roles: dict[str, str] = field(default_factory=dict)     # role -> discipline
    split: list[str] = field(default_factory=lambda: ["/", "-", ";"])
    none: list[str] = field(default_factory=lambda: ["", "-", "n/a", "na", "—"])
    levels: dict[str, int] = field(default_factory=lambda: dict(LEVEL_LABELS))
    interests: dict[str, int] = field(default_factory=lambda: dict(INTEREST_LABELS))
    skip_rows: list[str] = field(default_factory=lambda: list(SUMMARY_WORDS))
    stop_at_blank_row: bool = True
    skills: list[SkillChoice] = field(default_factory=list)
    targets: list[TargetChoice] = field(default_factory=list)

    def skill_for(self, column: str) -> SkillChoice | None:
        if not hasattr(self, "_by_column"):
            self._by_column = {s.column: s for s in self.skills}
        return self._by_column.get(column)

    def to_toml(self) -> str:
        return _to_toml(self)


@dataclass
class Proposal:
    """A proposed mapping and what a person should know before confirming it."""

    mapping: Mapping
    notes: list[str]
    fingerprint: str
    tables: list[str] = field(default_factory=list)    # every table (file or sheet) title
    headers: list[str] = field(default_factory=list)   # the matrix table's headers, as written

    def unmatched(self) -> list[SkillChoice]:
        return [s for s in self.mapping.skills if s.matched == "none"]

    def other_notes(self) -> list[str]:
        """The notes besides the list of unmatched skills (which a page shows as it changes)."""
        skipped = unmatched_note(self.mapping)
        return [note for note in self.notes if note != skipped]


# ---------------------------------------------------------------------------------------------
# Proposing


def propose_mapping(files: FileMap[str, bytes], table: str = "") -> Proposal:
    """The mapping the files' layout suggests (reading the matrix from the sheet `table` when
    given); raises DatasetError when nothing is readable."""
    raw = read_files(files)
    try:
        return propose(raw, header_fingerprint(files, raw), table)
    finally:
        if raw.workspace is not None:
            raw.workspace.close()


def propose(raw: RawDataset, fingerprint: str = "", table: str = "") -> Proposal:
    proposal = _propose(raw, fingerprint, table)
    proposal.tables = [_title(t) for t in raw.tables.values()]
    if proposal.mapping.layout in ("wide", "long"):
        proposal.headers = list(_find_title(raw, proposal.mapping.table).original_columns)
    return proposal


def _find_title(raw: RawDataset, title: str) -> RawTable:
    return next(t for t in raw.tables.values() if _title(t) == title)


def _propose(raw: RawDataset, fingerprint: str, wanted: str) -> Proposal:
    from skills.ingest.classic import is_classic
    from skills.ingest.layouts import json_members

    notes: list[str] = []
    if {"people", "skills", "ratings"} <= set(raw.tables):
        return Proposal(Mapping(layout="tables"), ["the files are already in crosstrain's "
                                                   "tables; no mapping is needed"], fingerprint)
    if is_classic(raw.tables):
        # Our own one-sheet layout has its own rules and messages; a mapping would hide them.
        return Proposal(Mapping(layout="tables"), ["the file is in crosstrain's classic layout "
                                                   "(name, team, discipline and a column per "
                                                   "skill); no mapping is needed"], fingerprint)
    if raw.documents:
        name, content = next(iter(raw.documents.items()))
        document = json_members(name, content)
        mapping = Mapping(layout="json", table=name)
        skill_names: list[str] = []
        for member in document.get("members", []):
            for skill in (member.get("skills") or {}):
                if skill not in skill_names:
                    skill_names.append(str(skill))
        mapping.skills = [_choose_skill(n) for n in skill_names]
        _categories_as_disciplines(document, mapping, notes)
        mapping.default_team = "" if any(m.get("groups") for m in document["members"]) \
            else "Organisation"
        mapping.targets = _objective_targets(document, mapping, notes)
        _note_skills(mapping, notes)
        return Proposal(mapping, notes, fingerprint)
    if not raw.tables:
        raise DatasetError([Problem("upload", "holds no table to map")])
    name, table = _matrix_table(raw.tables, wanted)
    guessed = _guess_fields(table)
    mapping = Mapping(table=name)
    if "skill" in guessed and "level" in guessed:
        mapping.layout = "long"
        mapping.columns = {k: v for k, v in guessed.items() if k in PERSON_FIELDS + LONG_FIELDS}
        skill_index = table.column(header_key(guessed["skill"]))
        seen: list[str] = []
        for cells in table.rows[:200_000]:
            value = cells[skill_index] if skill_index is not None else ""
            if value and value not in seen:
                seen.append(value)
        mapping.skills = [_choose_skill(n) for n in seen]
        mapping.ignore = [c for c in table.original_columns if c not in mapping.columns.values()]
    else:
        mapping.layout = "wide"
        mapping.columns = {k: v for k, v in guessed.items() if k in PERSON_FIELDS}
        used = set(mapping.columns.values())
        for column in table.original_columns:
            if column in used:
                continue
            key = match_key(column)
            if any(key.startswith(w) for w in SUMMARY_WORDS + IGNORED_WORDS):
                mapping.ignore.append(column)
            else:
                mapping.skills.append(_choose_skill(column))
        interest = _interest_table(raw.tables, name, table, mapping)
        if interest:
            mapping.interest_table = interest
            notes.append(f'interests are read from "{interest}", which has the same people and '
                         "skill columns")
    if "team" not in mapping.columns:
        mapping.default_team = "Organisation"
        notes.append('the file names no team: everyone goes into team "Organisation" '
                     "(change the default team, or map a column as team)")
    if "discipline" not in mapping.columns:
        mapping.default_discipline = "sre"
        notes.append("the file names no discipline: each person's discipline is that of their "
                     "strongest known skills, else the default discipline, "
                     f"{mapping.default_discipline}")
    if mapping.ignore:
        notes.append(f"ignored columns: {', '.join(mapping.ignore)}")
    _note_skills(mapping, notes)
    return Proposal(mapping, notes, fingerprint)


def _matrix_table(tables: dict[str, RawTable], wanted: str = "") -> tuple[str, RawTable]:
    """The table titled `wanted`, else the one with a name column and the most other columns
    (the matrix sheet)."""
    for table in tables.values():
        if wanted and _title(table) == wanted:
            return wanted, table

    def score(item: tuple[str, RawTable]) -> tuple[int, int]:
        guessed = _guess_fields(item[1])
        return (1 if "name" in guessed or "person_id" in guessed else 0, item[1].width)

    key, table = max(tables.items(), key=score)
    return _title(table), table


def _title(table: RawTable) -> str:
    match = re.search(r', sheet "(.*)"$', table.source)
    return match.group(1) if match else Path(table.source).stem


def _guess_fields(table: RawTable) -> dict[str, str]:
    found: dict[str, str] = {}
    for column in table.original_columns:
        key = match_key(column)
        for field_name, words in FIELD_WORDS.items():
            if field_name not in found and key in words:
                found[field_name] = column
                break
    return found


def _interest_table(tables: dict[str, RawTable], name: str, table: RawTable,
                    mapping: Mapping) -> str:
    skills = {s.column for s in mapping.skills}
    for other in tables.values():
        title = _title(other)
        if title == name or other is table:
            continue
        if match_key(title) in FIELD_WORDS["interest"] + ("appetences", "interests", "envies") \
                and len(skills & set(other.original_columns)) >= max(1, len(skills) // 2):
            return title
    return ""


def _choose_skill(column: str) -> SkillChoice:
    known, how = match_skill(column)
    if known is not None:
        return SkillChoice(column, known.skill_id, known.name, known.discipline, known.critical,
                           how)
    from skills.ingest.classic import slug

    suggestion = suggest_skill(column)
    return SkillChoice(column, slug(column) or "skill", column, UNASSIGNED, False, "none",
                       suggestion.skill_id if suggestion else "")


def _note_skills(mapping: Mapping, notes: list[str]) -> None:
    note = unmatched_note(mapping)
    if note:
        notes.append(note)


def unmatched_note(mapping: Mapping) -> str:
    """The note listing the skills that matched no known skill ("" when all did)."""
    unmatched = [s for s in mapping.skills if s.matched == "none"]
    if not unmatched:
        return ""
    listed = "; ".join(f"{s.column} ({s.discipline}"
                       + (f", perhaps {s.suggestion}?)" if s.suggestion else ")")
                       for s in unmatched)
    return (f"{counted(len(unmatched), 'skill')} matched no known skill and will be stored as "
            f"not critical, with the discipline shown: {listed}. Set skill_id, discipline and "
            "critical for each in [[skills]]")


CATEGORY_DISCIPLINES: dict[str, str] = {
    "devops": "sre", "ops": "sre", "infra": "sre", "infrastructure": "sre", "securite": "sre",
    "security": "sre", "cloud": "sre", "data": "data", "donnees": "data", "ml": "ml",
    "ia": "ml", "ai": "ml", "machine learning": "ml", "produit": "product", "product": "product",
}


def _categories_as_disciplines(document: dict[str, Any], mapping: Mapping,
                               notes: list[str]) -> None:
    """An unmatched skill in a category named like a discipline ("DevOps", "Data") takes
    that discipline, so it is not left 'unassigned'."""
    categories = document.get("categories")
    if not isinstance(categories, list):
        return
    by_column = {s.column: s for s in mapping.skills}
    placed = []
    for category in categories:
        if not isinstance(category, dict) or not isinstance(category.get("skills"), list):
            continue
        key = match_key(str(category.get("name", "")))
        code = parse_discipline(key) or CATEGORY_DISCIPLINES.get(key)
        for skill in category["skills"]:
            choice = by_column.get(str(skill))
            if code and choice is not None and choice.matched == "none":
                choice.discipline = code
                placed.append(f"{choice.column} → {code}")
    if placed:
        notes.append("disciplines from the file's categories: " + ", ".join(placed))


def _objective_targets(document: dict[str, Any], mapping: Mapping, notes: list[str]
                       ) -> list[TargetChoice]:
    objectives = document.get("objectives") or {}
    if not isinstance(objectives, dict):
        return []
    by_column = {s.column: s for s in mapping.skills}
    teams = sorted({str(m["groups"][0]) for m in document["members"] if m.get("groups")}) \
        or [mapping.default_team or "Organisation"]
    targets = []
    for skill, objective in objectives.items():
        experts = objective.get("minExperts") if isinstance(objective, dict) else None
        choice = by_column.get(str(skill))
        if choice is None or not isinstance(experts, int) or isinstance(experts, bool) \
                or experts < 1:
            continue
        targets += [TargetChoice(team, choice.skill_id, 3, experts) for team in teams]
    if targets:
        notes.append(f"{counted(len(targets), 'target')} from the file's "
                     "objectives (minExperts N: N people at level 3 or more, in every team)")
    return targets


# ---------------------------------------------------------------------------------------------
# Applying, remembering


def apply_mapping(files: FileMap[str, bytes], mapping: Mapping) -> Dataset:
    """The validated dataset the files hold under `mapping`; raises DatasetError."""
    from skills.ingest.loading import parse_uploads

    return parse_uploads(files, mapping)


def header_fingerprint(files: FileMap[str, bytes], raw: RawDataset | None = None) -> str:
    """What identifies an export's shape: its normalised header rows (and a workbook's sheet
    titles), not its rows and not its file name, so next quarter's `export-q2.csv` is
    recognised as the `export-q1.csv` whose mapping someone confirmed."""
    if raw is None:
        raw = read_files(files)
        try:
            return header_fingerprint(files, raw)
        finally:
            if raw.workspace is not None:
                raw.workspace.close()
    parts = sorted(f"{_sheet(table)}:{'|'.join(table.columns)}" for table in raw.tables.values())
    for name, content in sorted(raw.documents.items()):
        parts.append(f"{Path(name).suffix}:{_json_shape(content)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _sheet(table: RawTable) -> str:
    """A sheet's normalised title; empty for a CSV file, whose name changes every export."""
    match = re.search(r', sheet "(.*)"$', table.source)
    return header_key(match.group(1)) if match else ""


def _json_shape(content: bytes) -> str:
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):
        return "unreadable"
    return ",".join(sorted(document)) if isinstance(document, dict) else type(document).__name__


def remember_mapping(folder: str | Path, files: FileMap[str, bytes], mapping: Mapping) -> Path:
    """Keep a confirmed mapping under the files' header fingerprint; the file written."""
    path = Path(folder) / f"{header_fingerprint(files)}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapping.to_toml(), encoding="utf-8")
    return path


def recall_mapping(folder: str | Path, files: FileMap[str, bytes]) -> Mapping | None:
    """The mapping confirmed earlier for files with this header, if any."""
    path = Path(folder) / f"{header_fingerprint(files)}.toml"
    return read_mapping(path) if path.exists() else None


# ---------------------------------------------------------------------------------------------
# Changing a proposal (the Data page's editors)


def column_roles(mapping: Mapping, headers: list[str]) -> dict[str, str]:
    """What each header of the matrix table is under `mapping`: one of the person fields (and
    skill / level / interest in the long layout), "skill" (a skill column of the wide layout)
    or "ignore"."""
    fields_by_header = {header: name for name, header in mapping.columns.items()}
    ignored = {header_key(c) for c in mapping.ignore}
    roles = {}
    for header in headers:
        if header in fields_by_header:
            roles[header] = fields_by_header[header]
        elif header_key(header) in ignored or mapping.layout != "wide":
            roles[header] = IGNORE_ROLE
        else:
            roles[header] = SKILL_ROLE
    return roles


def edited(mapping: Mapping, *, uses: dict[str, str] | None = None,
           skills: list[dict[str, Any]] | None = None, **settings: Any) -> Mapping:
    """A copy of `mapping` as a person changed it; raises DatasetError saying what is wrong.

    `uses` says what each header is (see `column_roles`); `skills` gives, per skill column,
    `column`, `known` (a taxonomy skill_id, or "" for a skill of their own), `skill_id`,
    `name`, `discipline` and `critical`; `settings` are any other fields of `Mapping`.
    """
    changed = _copy(mapping)
    known = {f.name for f in fields(Mapping)} - {"columns", "ignore", "skills"}
    for key, value in settings.items():  # first: the layout says what a column may be
        if key not in known:
            raise TypeError(f"a mapping has no setting {key!r}")
        setattr(changed, key, value)
    problems: list[Problem] = []
    if uses is not None:
        problems += _apply_roles(changed, uses)
    if skills is not None:
        problems += _apply_skills(changed, skills)
    if problems:
        raise DatasetError(problems)
    # The TOML reader's checks (layout, fields, disciplines) apply to a mapping made here too.
    return mapping_from_toml(changed.to_toml(), "the mapping")


def _copy(mapping: Mapping) -> Mapping:
    # Field by field: `skill_for` caches a lookup on the instance that a copy must not keep.
    return Mapping(**{f.name: copy.deepcopy(getattr(mapping, f.name)) for f in fields(Mapping)})


def _apply_roles(mapping: Mapping, roles: dict[str, str]) -> list[Problem]:
    allowed = PERSON_FIELDS + (LONG_FIELDS if mapping.layout == "long" else (SKILL_ROLE,)) \
        + (IGNORE_ROLE,)
    problems = []
    claimed: dict[str, str] = {}
    for header, role in roles.items():
        if role not in allowed:
            problems.append(Problem("the mapping", f'"{role}" is not something column '
                                                   f'"{header}" can be in the {mapping.layout} '
                                                   f"layout (one of {', '.join(allowed)})"))
        elif role not in (SKILL_ROLE, IGNORE_ROLE):
            if role in claimed:
                problems.append(Problem("the mapping", f'columns "{claimed[role]}" and '
                                                       f'"{header}" are both marked as {role}: '
                                                       "mark one of them as something else"))
            claimed.setdefault(role, header)
    mapping.columns = {name: claimed[name] for name in PERSON_FIELDS + LONG_FIELDS
                       if name in claimed}
    mapping.ignore = [h for h, role in roles.items() if role == IGNORE_ROLE]
    if mapping.layout == "wide":
        before = {s.column: s for s in mapping.skills}
        mapping.skills = [before.get(h) or _choose_skill(h) for h, role in roles.items()
                          if role == SKILL_ROLE]
    return problems


def _apply_skills(mapping: Mapping, rows: list[dict[str, Any]]) -> list[Problem]:
    from skills.taxonomy import KNOWN_SKILLS

    before = {s.column: s for s in mapping.skills}
    problems = []
    for row in rows:
        column = str(row["column"])
        base = before.get(column)
        if base is None:
            continue  # no longer a skill column
        known_id = str(row.get("known") or "")
        critical = bool(row.get("critical"))
        discipline = str(row.get("discipline") or UNASSIGNED)
        if known_id:
            known = KNOWN_SKILLS.get(known_id)
            if known is None:
                problems.append(Problem("the mapping", f'"{known_id}" is not a known skill',
                                        column=column))
                continue
            if known_id != base.skill_id:
                # A different known skill brings its own discipline and criticality.
                discipline, critical = known.discipline, known.critical
            matched = base.matched if known_id == base.skill_id else "manual"
            before[column] = SkillChoice(column, known.skill_id, known.name, discipline,
                                         critical, matched)
            continue
        from skills.ingest.classic import slug

        skill_id = str(row.get("skill_id") or "").strip() or slug(column) or "skill"
        if skill_id in KNOWN_SKILLS and skill_id != base.skill_id:
            problems.append(Problem("the mapping", f'"{skill_id}" is a known skill\'s id: '
                                                   "choose it as the known skill instead",
                                    column=column))
            continue
        name = str(row.get("name") or "").strip() or column
        matched = "manual" if (base.matched != "none" or discipline != base.discipline
                               or skill_id != base.skill_id or critical != base.critical) \
            else "none"
        before[column] = SkillChoice(column, skill_id, name, discipline, critical, matched,
                                     base.suggestion if matched == "none" else "")
    mapping.skills = [before[s.column] for s in mapping.skills]
    return problems


def fitted(mapping: Mapping, proposal: Proposal) -> Mapping:
    """A remembered mapping made to fit this upload: a CSV export's name changes every quarter
    ("export-q2"), so a one-table upload's table is the one the mapping reads."""
    if len(proposal.tables) != 1 or mapping.layout not in ("wide", "long") \
            or mapping.table in proposal.tables:
        return mapping
    changed = _copy(mapping)
    changed.table = proposal.tables[0]
    return changed


# ---------------------------------------------------------------------------------------------
# TOML


def read_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    try:
        return mapping_from_toml(path.read_text(encoding="utf-8"), str(path))
    except OSError as error:
        raise DatasetError([Problem(str(path), f"could not be read: {error.strerror}")]
                           ) from None


def mapping_from_toml(text: str, source: str = "mapping") -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DatasetError([Problem(source, f"is not valid TOML: {error}")]) from None
    problems = []
    mapping = Mapping()
    known = set(asdict(mapping))
    for key in sorted(set(data) - known):
        problems.append(Problem(source, f'has an unknown setting "{key}" (known: '
                                        f"{', '.join(sorted(known))})"))
    try:
        for key, value in data.items():
            if key == "skills":
                mapping.skills = [SkillChoice(**_only(item, SkillChoice)) for item in value]
            elif key == "targets":
                mapping.targets = [TargetChoice(**_only(item, TargetChoice)) for item in value]
            elif key in known:
                setattr(mapping, key, value)
    except (TypeError, ValueError) as error:
        problems.append(Problem(source, f"has a setting of the wrong shape: {error}"))
    if mapping.layout not in LAYOUTS:
        problems.append(Problem(source, f'layout "{mapping.layout}" is not one of '
                                        f"{', '.join(LAYOUTS)}"))
    for field_name in mapping.columns:
        if field_name not in PERSON_FIELDS + LONG_FIELDS:
            problems.append(Problem(source, f'[columns] names "{field_name}", which is not one '
                                            f"of {', '.join(PERSON_FIELDS + LONG_FIELDS)}"))
    for code in list(mapping.roles.values()) + [mapping.default_discipline]:
        if code and parse_discipline(code) is None:
            problems.append(Problem(source, f'"{code}" is not a discipline (data, ml, sre or '
                                            "product)"))
    if problems:
        raise DatasetError(problems)
    return mapping


def _only(item: Any, kind: type) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise TypeError(f"expected a table, found {item!r}")
    allowed = {f.name for f in fields(kind)}
    unknown = set(item) - allowed
    if unknown:
        raise TypeError(f"unknown keys {', '.join(sorted(unknown))}")
    return item


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _to_toml(mapping: Mapping) -> str:
    data = asdict(mapping)
    lines = ["# crosstrain import mapping: check it, change what is wrong, then",
             "#   python -m skills load FILE --mapping THIS.toml"]
    for key in ("layout", "table", "interest_table", "default_team", "default_discipline",
                "infer_discipline", "ignore", "split", "none", "skip_rows", "stop_at_blank_row"):
        lines.append(f"{key} = {_toml_value(data[key])}")
    for key in ("columns", "roles", "levels", "interests"):
        lines += ["", f"[{key}]"]
        lines += [f"{_toml_value(k)} = {_toml_value(v)}" for k, v in data[key].items()]
    for key in ("skills", "targets"):
        for item in data[key]:
            lines += ["", f"[[{key}]]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()
                      if not (k == "suggestion" and not v)]
    return "\n".join(lines) + "\n"

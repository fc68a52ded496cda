"""Data use cases: check an input, preview what replacing the matrix changes, load it as the
next snapshot, and read the snapshots back (what is stored, its history and trend).

Another tool's export goes through a mapping first (`examine_uploads` proposes one, or recalls
the one confirmed for the same header); confirming it is loading data, so only who may load
data may confirm one, and each confirmation is a line of the audit trail like each load."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skills.access import Permission
from skills.dataset import TABLE_COLUMNS, Dataset, describe_counts, shown_source
from skills.ingest import mapping as mappings
from skills.ingest.loading import examine_files, parse_path
from skills.ingest.loading import parse_uploads as _parse_uploads
from skills.ingest.mapping import Mapping as ImportMapping
from skills.ingest.mapping import Proposal
from skills.ingest.problems import DatasetError, Problem, counted
from skills.ingest.reading import TEXT_SUFFIXES, WORKBOOK_SUFFIXES, header_key
from skills.services import audit
from skills.store import Store, StoredButNotCheckpointed
from skills.taxonomy import DISCIPLINES, KNOWN_SKILLS, UNASSIGNED

if TYPE_CHECKING:
    import pandas as pd

# What the Data page and the CLI need besides the functions below, so they import only here.
__all__ = ["DISCIPLINES", "FIELD_LABELS", "LAYOUT_WORDS", "OWN_SKILL", "UNASSIGNED", "Dataset",
           "DatasetError", "Examined", "Impact", "ImportMapping", "Incoming", "MappingStep",
           "Remembered", "check_mapped", "check_path", "check_uploads", "column_table", "counted",
           "describe_counts", "describe_mapping", "digest", "edited_mapping", "ensure_dataset",
           "examine_uploads", "from_sheet", "history", "known_skills", "latest_snapshot",
           "load_path", "load_sample", "mapping_download", "needs_decision",
           "needs_decision_count", "preview", "remember_mapping", "remembered_mapping",
           "remembered_mappings", "role_options", "skill_table", "snapshot_bus_factors",
           "snapshots", "store_incoming", "store_mapped", "StoredButNotCheckpointed",
           "stored_counts", "template", "trend"]

SAMPLE_SOURCE = "bundled sample organisation"


@dataclass(frozen=True)
class Incoming:
    """A validated input and the SHA-256 of the bytes it was read from."""

    dataset: Dataset
    sha256: str


@dataclass(frozen=True)
class Impact:
    """What replacing the matrix with an input changes for work in progress."""

    leaving: pd.DataFrame           # person_id, name, team: stored people the input lacks
    teams: pd.DataFrame             # team, members: stored teams nobody in the input is in
    needs_decision: pd.DataFrame    # kind, item, request_id, reason: newly affected items

    @property
    def empty(self) -> bool:
        return self.leaving.empty and self.teams.empty and self.needs_decision.empty


def digest(files: Mapping[str, bytes]) -> str:
    """SHA-256 of an input: of the file's bytes for one file (what `sha256sum` prints), else
    of one line `name NUL sha256(bytes)` per file, sorted by name."""
    if len(files) == 1:
        return hashlib.sha256(next(iter(files.values()))).hexdigest()
    lines = b"".join(name.encode("utf-8") + b"\0" + hashlib.sha256(content).hexdigest().encode()
                     + b"\n" for name, content in sorted(files.items()))
    return hashlib.sha256(lines).hexdigest()


def _input_files(path: Path) -> dict[str, bytes]:
    """The bytes `parse_path` reads at `path` (the same files, by the same rule)."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + WORKBOOK_SUFFIXES}
    return {path.name: path.read_bytes()}


def check_path(path: str | Path, mapping: Path | None = None) -> Incoming:
    """Validate `path` (read through a mapping TOML when given); raises DatasetError with
    every problem."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        # Hashing lets go of the interpreter: it runs while the files are read and checked.
        hashed = pool.submit(lambda: digest(_input_files(Path(path))))
        # A missing path is reported by the parse, as a problem; its hash is never asked for.
        dataset = parse_path(path, mapping)
        return Incoming(dataset, hashed.result())


def check_uploads(files: Mapping[str, bytes]) -> Incoming:
    """Validate uploaded files keyed by name; raises DatasetError with every problem."""
    _refuse_mixed(files)
    return Incoming(_parse_uploads(files), digest(files))


def _refuse_mixed(files: Mapping[str, bytes]) -> None:
    """Several files are one dataset only as the template's tables, one CSV each: anything
    else (two workbooks, a workbook and a CSV, two exports) would be combined into one
    dataset without anyone having meant it."""
    if len(files) < 2:
        return
    strays = [name for name in files if Path(name).suffix.lower() not in TEXT_SUFFIXES
              or header_key(Path(name).stem) not in TABLE_COLUMNS]
    if strays:
        tables = ", ".join(f"{t}.csv" for t in TABLE_COLUMNS)
        which = ("none of them is" if len(strays) == len(files) else
                 f"{', '.join(strays)} {'is' if len(strays) == 1 else 'are'} not")
        raise DatasetError([Problem(
            ", ".join(files),
            f"are {len(files)} files, and {which} one of the template's tables ({tables}). "
            "Upload one workbook or one export at a time, or the template's tables as CSV "
            "files; nothing was combined or stored.")])


def preview(store: Store, dataset: Dataset) -> Impact:
    """Who leaves, which teams disappear and what would need a decision; nothing is stored."""
    found = store.preview_replacement(dataset)
    return Impact(found["leaving"], found["teams"], found["needs_decision"])


def store_incoming(store: Store, incoming: Incoming, loaded_by: str | None = None) -> int:
    """Make `incoming` the stored matrix as the next snapshot; its number."""
    try:
        snapshot = store.replace_dataset(incoming.dataset, sha256=incoming.sha256,
                                         loaded_by=loaded_by)
    except StoredButNotCheckpointed as stored:
        # Stored all the same: the trail says so before the caller hears of the full disk.
        audit.record(store, "import", f"snapshot {stored.snapshot}",
                     incoming.dataset.count("people"), incoming.sha256)
        raise
    audit.record(store, "import", f"snapshot {snapshot}", incoming.dataset.count("people"),
                 incoming.sha256)
    return snapshot


def load_path(store: Store, path: str | Path, loaded_by: str | None = None,
              mapping: Path | None = None) -> Dataset:
    """Validate `path` and store it as the next snapshot; on any problem nothing is stored."""
    incoming = check_path(path, mapping)
    store_incoming(store, incoming, loaded_by)
    return incoming.dataset


def load_sample(store: Store) -> Dataset:
    """Make the bundled sample organisation the stored matrix."""
    from skills.ingest.sample import SAMPLE_DIR

    incoming = check_path(SAMPLE_DIR)
    incoming.dataset.source = SAMPLE_SOURCE
    store_incoming(store, incoming)
    return incoming.dataset


def ensure_dataset(store: Store) -> bool:
    """Load the bundled sample into an empty store; True when it did."""
    if store.has_data():
        return False
    load_sample(store)
    return True


def template() -> bytes:
    """The blank .xlsx template to fill in."""
    from skills.ingest.template import template_workbook

    return template_workbook()


def stored_counts(store: Store) -> dict[str, int]:
    """People, teams, skills, ratings, targets and requests stored now."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.counts()


def latest_snapshot(store: Store) -> dict[str, Any] | None:
    """The newest snapshot (snapshot, loaded_at, loaded_by, source, sha256, counts), if any.

    `source` names the input's files, not where they sat on the server: a load from the
    command line records its path, and the pages show this to everyone who reads coverage.
    The history keeps the path for those who may read the audit trail.
    """
    store.caller.require(Permission.READ_COVERAGE)
    load = store.latest_load()
    if load is not None:
        load["source"] = shown_source(str(load["source"]))
    return load


def needs_decision(store: Store) -> pd.DataFrame:
    """Every item of work in progress that refers to what the matrix no longer has: it names
    people, so for those who load data or may see people."""
    if not store.caller.can(Permission.LOAD_DATASET):
        store.caller.require(Permission.READ_PEOPLE)
    return store.read("needs_decision")


def needs_decision_count(store: Store) -> int:
    """How many items need a decision: a count every role may see."""
    store.caller.require(Permission.READ_COVERAGE)
    return len(store.read("needs_decision"))


def snapshots(store: Store) -> pd.DataFrame:
    """One row per snapshot, oldest first, with `coverage` = share of team targets met."""
    store.caller.require(Permission.READ_COVERAGE)
    frame = store.read("snapshots")
    targets = frame["targets"].where(frame["targets"] > 0)
    return frame.assign(coverage=(frame["targets_met"] / targets).fillna(1.0))


def snapshot_bus_factors(store: Store) -> pd.DataFrame:
    """Per snapshot and critical skill (as that snapshot had it): its bus factor."""
    store.caller.require(Permission.READ_COVERAGE)
    return store.read("snapshot_bus_factors")


def history(store: Store) -> list[dict[str, Any]]:
    """One entry per snapshot: when, by whom, from what, counts, coverage and the bus factor
    of each critical skill (skill_id -> practitioners)."""
    buses = snapshot_bus_factors(store)
    per_snapshot = {int(number): dict(zip(group["skill_id"], map(int, group["bus_factor"]),
                                          strict=True))
                    for number, group in buses.groupby("snapshot")}
    entries = []
    for row in snapshots(store).itertuples(index=False):
        entries.append({
            "snapshot": int(row.snapshot), "loaded_at": row.loaded_at.isoformat(),
            "loaded_by": row.loaded_by, "source": row.source,
            "sha256": None if _missing(row.sha256) else row.sha256,
            "people": int(row.people), "teams": int(row.teams), "skills": int(row.skills),
            "ratings": int(row.ratings), "targets": int(row.targets),
            "targets_met": int(row.targets_met), "coverage": round(float(row.coverage), 4),
            "bus_factor": per_snapshot.get(int(row.snapshot), {}),
        })
    return entries


def trend(store: Store) -> pd.DataFrame:
    """Long form for the overview's trend chart: snapshot, loaded_at, series, value.

    One series per critical skill of the newest snapshot (its bus factor) and `coverage`
    (share of team targets met, 0–1).
    """
    import pandas as pd

    buses = snapshot_bus_factors(store)
    frame = snapshots(store)
    if frame.empty:
        return pd.DataFrame(columns=["snapshot", "loaded_at", "series", "value", "measure"])
    newest = buses[buses["snapshot"] == frame["snapshot"].max()]["skill_id"]
    bus = buses[buses["skill_id"].isin(newest)].merge(frame[["snapshot", "loaded_at"]],
                                                      on="snapshot")
    bus = bus.assign(series=bus["name"], value=bus["bus_factor"].astype(float),
                     measure="bus factor")
    coverage = frame.assign(series="targets met", value=frame["coverage"], measure="coverage")
    columns = ["snapshot", "loaded_at", "series", "value", "measure"]
    return pd.concat([bus[columns], coverage[columns]], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Another tool's export: a mapping to confirm, remembered by the file's header

# What the "Known skill" column holds for a skill that is none of the taxonomy's.
OWN_SKILL = "(own)"
FIELD_LABELS = {"name": "Name", "person_id": "Person id", "team": "Team", "role": "Role",
                "discipline": "Discipline", "email": "E-mail", "manager": "Manager (id)",
                "skill": "Skill (name)", "level": "Level", "interest": "Interest",
                mappings.SKILL_ROLE: "A skill", mappings.IGNORE_ROLE: "Ignored"}


LAYOUT_WORDS = {"wide": "a row per person and a column per skill",
                "long": "a row per person and skill (one rating per row)",
                "json": "the skills-matrix app's JSON backup (members and their skills)",
                "tables": "crosstrain's own tables"}


def role_options(layout: str) -> list[str]:
    """What a header can be used as in `layout`."""
    extra = list(mappings.LONG_FIELDS) if layout == "long" else [mappings.SKILL_ROLE]
    return list(mappings.PERSON_FIELDS) + extra + [mappings.IGNORE_ROLE]


@dataclass(frozen=True)
class Remembered:
    """A mapping someone confirmed earlier for files with the same header."""

    mapping: ImportMapping
    source: str
    confirmed_at: datetime
    confirmed_by: str


@dataclass(frozen=True)
class MappingStep:
    """An upload in another tool's layout: the mapping to confirm before it can load."""

    files: Mapping[str, bytes]
    proposal: Proposal
    remembered: Remembered | None

    @property
    def mapping(self) -> ImportMapping:
        """What to start from: the remembered mapping, else the proposal."""
        return self.remembered.mapping if self.remembered else self.proposal.mapping

    @property
    def fingerprint(self) -> str:
        return self.proposal.fingerprint

    @property
    def sha256(self) -> str:
        return digest(self.files)

    @property
    def notes(self) -> list[str]:
        """What the proposal noticed, for a person deciding on it (nothing to decide on a
        remembered mapping; the unmatched skills are shown with the editor)."""
        return [] if self.remembered else self.proposal.other_notes()

    @property
    def sheets(self) -> list[str]:
        """The tables (sheets) the matrix could be read from, when there is a choice."""
        if self.mapping.layout not in ("wide", "long") or len(self.proposal.tables) < 2:
            return []
        return list(self.proposal.tables)


@dataclass(frozen=True)
class Examined:
    """An upload either in crosstrain's layouts (`incoming`, validated) or in another tool's
    (`step`, waiting for its mapping)."""

    incoming: Incoming | None = None
    step: MappingStep | None = None


def examine_uploads(store: Store, files: Mapping[str, bytes]) -> Examined:
    """Validate uploads in our template or classic layout; for another tool's export, the
    mapping to confirm (the one remembered for its header, else the proposed one). Raises
    DatasetError with every problem of a file in our layout, or of one nothing can read."""
    store.caller.require(Permission.LOAD_DATASET)
    if len(files) > 1:
        return Examined(incoming=check_uploads(files))  # only ever the template's tables
    found = examine_files(files)
    if isinstance(found, Dataset):
        return Examined(incoming=Incoming(found, digest(files)))
    proposal = found
    remembered = remembered_mapping(store, proposal.fingerprint, proposal)
    if remembered is not None and remembered.mapping.table != proposal.mapping.table \
            and remembered.mapping.table in proposal.tables:
        # Someone chose another sheet than the proposal's: its headers are the ones to edit.
        proposal = mappings.propose_mapping(files, remembered.mapping.table)
    return Examined(step=MappingStep(files, proposal, remembered))


def from_sheet(step: MappingStep, sheet: str) -> MappingStep:
    """The step proposed afresh, reading the matrix from another sheet of the workbook."""
    if sheet not in step.proposal.tables:
        raise DatasetError([Problem(", ".join(step.files), f'has no sheet "{sheet}"')])
    return MappingStep(step.files, mappings.propose_mapping(step.files, sheet), None)


def describe_mapping(mapping: ImportMapping) -> str:
    """The mapping in one line a person can check at a glance."""
    parts = [", ".join(f"{FIELD_LABELS.get(name, name).lower()} from “{header}”"
                       for name, header in mapping.columns.items())]
    known = sum(1 for s in mapping.skills if s.skill_id in KNOWN_SKILLS)
    if mapping.skills:
        parts.append(f"{counted(len(mapping.skills), 'skill')} ({known} known, "
                     f"{len(mapping.skills) - known} of their own)")
    if mapping.ignore:
        parts.append(f"ignored: {', '.join(mapping.ignore)}")
    if mapping.default_team:
        parts.append(f"team otherwise {mapping.default_team}")
    if mapping.targets:
        parts.append(counted(len(mapping.targets), "target"))
    return "; ".join(p for p in parts if p)


def check_mapped(step: MappingStep, mapping: ImportMapping) -> Incoming:
    """Validate the step's files read through `mapping`; raises DatasetError."""
    return Incoming(mappings.apply_mapping(step.files, mapping), step.sha256)


def store_mapped(store: Store, step: MappingStep, incoming: Incoming,
                 mapping: ImportMapping) -> int:
    """Confirm `mapping` for the step's header and store `incoming` as the next snapshot."""
    store.caller.require(Permission.LOAD_DATASET)
    try:
        snapshot = store_incoming(store, incoming)
    except StoredButNotCheckpointed:
        remember_mapping(store, step.fingerprint, mapping, ", ".join(step.files))
        raise
    remember_mapping(store, step.fingerprint, mapping, ", ".join(step.files))
    return snapshot


def remember_mapping(store: Store, fingerprint: str, mapping: ImportMapping,
                     source: str) -> None:
    """Keep `mapping` as the confirmed one for exports with this header fingerprint."""
    text = mapping.to_toml()
    with store.transaction(Permission.LOAD_DATASET) as cursor:
        store.execute(cursor, "save_import_mapping", fingerprint=fingerprint, mapping=text,
                      source=source, confirmed_by=store.caller.actor())
        audit.append(store, cursor, "mapping confirmed", f"mapping {fingerprint} ({source})",
                     len(mapping.skills), hashlib.sha256(text.encode("utf-8")).hexdigest())


def remembered_mapping(store: Store, fingerprint: str,
                       proposal: Proposal | None = None) -> Remembered | None:
    """The mapping confirmed for this header, if any (fitted to `proposal`'s upload)."""
    store.caller.require(Permission.LOAD_DATASET)
    found = store.read("import_mapping", fingerprint=fingerprint)
    if found.empty:
        return None
    row = found.iloc[0]
    try:
        mapping = mappings.mapping_from_toml(str(row["mapping"]), "the remembered mapping")
    except DatasetError:
        return None  # written by an older crosstrain: propose afresh rather than fail
    if proposal is not None:
        mapping = mappings.fitted(mapping, proposal)
    return Remembered(mapping, str(row["source"]), row["confirmed_at"].to_pydatetime(),
                      str(row["confirmed_by"]))


def remembered_mappings(store: Store) -> pd.DataFrame:
    """Every remembered mapping: fingerprint, source, confirmed_at, confirmed_by."""
    store.caller.require(Permission.LOAD_DATASET)
    return store.read("import_mappings")


def mapping_download(store: Store, mapping: ImportMapping, name: str) -> bytes:
    """The mapping as the TOML `python -m skills load FILE --mapping` reads; audited."""
    store.caller.require(Permission.LOAD_DATASET)
    return audit.record_export(store, name, mapping.to_toml().encode("utf-8"),
                               len(mapping.skills))


def known_skills() -> dict[str, str]:
    """Every skill of the taxonomy, skill_id -> name, for choosing what a column is."""
    return {skill_id: skill.name for skill_id, skill in
            sorted(KNOWN_SKILLS.items(), key=lambda item: item[1].name.casefold())}


def column_table(step: MappingStep, mapping: ImportMapping) -> pd.DataFrame:
    """One row per header of the matrix table: `column` and what it is `used_as`."""
    import pandas as pd

    roles = mappings.column_roles(mapping, step.proposal.headers)
    return pd.DataFrame({"column": list(roles), "used_as": list(roles.values())})


def skill_table(mapping: ImportMapping) -> pd.DataFrame:
    """One row per skill column (or skill name): what it becomes and how it was matched."""
    import pandas as pd

    rows = [{"column": s.column,
             "known": s.skill_id if s.skill_id in KNOWN_SKILLS else OWN_SKILL,
             "skill_id": s.skill_id, "name": s.name, "discipline": s.discipline,
             "critical": bool(s.critical), "matched": s.matched,
             "suggestion": KNOWN_SKILLS[s.suggestion].name if s.suggestion in KNOWN_SKILLS
             else s.suggestion}
            for s in mapping.skills]
    return pd.DataFrame(rows, columns=["column", "known", "skill_id", "name", "discipline",
                                       "critical", "matched", "suggestion"])


def edited_mapping(mapping: ImportMapping, columns: pd.DataFrame | None = None,
                   skills: pd.DataFrame | None = None, **settings: Any) -> ImportMapping:
    """`mapping` as the Data page's editors changed it; raises DatasetError saying what is
    wrong (two columns marked as the team, a discipline that is none)."""
    roles = None if columns is None else dict(zip(columns["column"].astype(str),
                                                  columns["used_as"].astype(str), strict=True))
    rows = None if skills is None else [
        {key: (None if _missing(value) or (key == "known" and value == OWN_SKILL) else value)
         for key, value in row.items()}
        for row in skills.to_dict(orient="records")]
    return mappings.edited(mapping, uses=roles, skills=rows, **settings)


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, (str, bool, list, dict)) and pd.isna(value))

"""Import: read files, validate them, and replace the stored dataset in one go."""

from __future__ import annotations

from collections.abc import Mapping as FileMap
from pathlib import Path

from skills.dataset import Dataset
from skills.ingest.mapping import Mapping, Proposal, header_fingerprint, propose, read_mapping
from skills.ingest.problems import DatasetError
from skills.ingest.reading import RawDataset, read_files, read_path
from skills.ingest.validation import derived_columns, validate


def parse_path(path: str | Path, mapping: Mapping | str | Path | None = None) -> Dataset:
    """The validated dataset at `path` (a folder of CSVs, a CSV, an .xlsx or a .json backup),
    read through `mapping` (a Mapping or a TOML file) when one is given."""
    return _validated(read_path(path, derive=derived_columns), str(path), mapping)


def parse_uploads(files: FileMap[str, bytes],
                  mapping: Mapping | str | Path | None = None) -> Dataset:
    """The validated dataset in uploaded files, keyed by file name."""
    return _validated(read_files(files, derive=derived_columns), ", ".join(files), mapping)


def examine_files(files: FileMap[str, bytes]) -> Dataset | Proposal:
    """One file (or workbook) read once: validated when it is in our template or classic
    layout (raises DatasetError with its problems), else the mapping its layout suggests.
    Reading it once for each question cost a large export's read twice on every upload."""
    raw = read_files(files, derive=derived_columns)
    try:
        proposal: Proposal | None = propose(raw, header_fingerprint(files, raw))
    except DatasetError:
        proposal = None  # nothing a mapping could read: the validation says what is wrong
    except BaseException:
        if raw.workspace is not None:
            raw.workspace.close()
        raise
    if proposal is None or proposal.mapping.layout == "tables":
        return validate(raw, source=", ".join(files))
    if raw.workspace is not None:
        raw.workspace.close()
    return proposal


def _validated(raw: RawDataset, source: str, mapping: Mapping | str | Path | None) -> Dataset:
    if mapping is None:
        return validate(raw, source=source)
    from skills.ingest.layouts import mapped_tables

    chosen = mapping if isinstance(mapping, Mapping) else read_mapping(mapping)
    if chosen.layout == "tables":
        return validate(raw, source=source)
    try:
        converted = mapped_tables(raw, chosen)
    except BaseException:
        if raw.workspace is not None:
            raw.workspace.close()
        raise
    return validate(converted, source=source)

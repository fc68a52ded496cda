"""`python -m skills inspect FILE`: the proposed mapping for another tool's file, as TOML,
and what loading the file with it would import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from skills.cli import EXIT_INVALID, EXIT_OK
from skills.ingest.mapping import Proposal, header_fingerprint, propose
from skills.ingest.problems import DatasetError, counted
from skills.ingest.reading import read_path


def _inspect(args: argparse.Namespace) -> int:
    raw = read_path(args.path)
    try:
        proposal = propose(raw, header_fingerprint({}, raw))
    finally:
        if raw.workspace is not None:
            raw.workspace.close()
    text = proposal.mapping.to_toml()
    if args.out is not None:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(_summary(args.path, proposal, args.out), file=sys.stderr if args.out is None
          else sys.stdout)
    return EXIT_OK if proposal.mapping.layout else EXIT_INVALID


def _summary(path: Path, proposal: Proposal, out: Path | None) -> str:
    from skills.ingest.loading import parse_path

    lines = [f"# layout: {proposal.mapping.layout}; header fingerprint {proposal.fingerprint}"]
    lines += [f"# note: {note}" for note in proposal.notes]
    try:
        dataset = parse_path(path, proposal.mapping)
    except DatasetError as error:
        lines.append(f"# loading with this mapping would fail: {error}".replace("\n", "\n# "))
        return "\n".join(lines)
    counts = dataset.summary()
    critical = int(dataset.skills["critical"].astype(bool).sum())
    lines.append(f"# would import: {counted(counts['people'], 'person', 'people')} in "
                 f"{counted(counts['teams'], 'team')}, {counted(counts['skills'], 'skill')} "
                 f"({critical} critical), {counted(counts['ratings'], 'rating')}, "
                 f"{counted(counts['targets'], 'target')}")
    lines += [f"# warning: {w}" for w in dataset.warnings]
    use = out if out is not None else "MAPPING.toml"
    lines.append(f"# to load: python -m skills load {path} --mapping {use}")
    return "\n".join(lines)


def add_commands(commands: Any, db: argparse.ArgumentParser) -> None:
    inspect = commands.add_parser("inspect", help="propose how another tool's file maps onto "
                                                  "crosstrain's tables (TOML)")
    inspect.add_argument("path", type=Path, help="a CSV, .xlsx or .json export")
    inspect.add_argument("--out", type=Path, default=None,
                         help="write the mapping here instead of standard output")
    inspect.set_defaults(handler=_inspect)

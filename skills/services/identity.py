"""Who the signed-in user is: their email, through the roles mapping, to a `Caller`.

The roles mapping (a CSV, an .xlsx, or the `roles` sheet of the matrix workbook) says for each
email its role (engineer, manager, hr, admin), the person of the matrix it is, and for a
manager the teams they lead. An email that is not in it gets nothing: deny by default.

Without sign-in configured the app runs in demo mode and offers the demo identities below:
real people of the bundled sample, so every page has something true to show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from skills.access import ASSIGNABLE_ROLES, Caller, NotAllowed, Permission, Role
from skills.ingest.problems import DatasetError, Problem
from skills.ingest.reading import RawTable, iter_records, read_files
from skills.services import audit
from skills.store import Store

__all__ = ["ASSIGNABLE_ROLES", "DEMO_IDENTITIES", "DemoIdentity", "RoleEntry", "RolesError",
           "demo_callers", "demo_entries", "ensure_demo_roles", "entry_problems", "identify",
           "parse_roles", "read_roles", "refused", "remove_role", "replace_roles", "roles",
           "set_role", "signed_in", "signed_out", "whom_to_ask"]

ROLE_COLUMNS = ("email", "role", "person_id", "teams")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_TEAM_SEPARATORS = re.compile(r"\s*[;|,]\s*")


class RolesError(DatasetError):
    """A roles mapping that cannot be stored; every problem, each with its row."""


@dataclass(frozen=True)
class RoleEntry:
    email: str
    role: Role
    person_id: str | None = None
    teams: tuple[str, ...] = field(default=())

    def caller(self) -> Caller:
        teams = frozenset(self.teams) if self.role == Role.MANAGER else frozenset()
        return Caller(self.role, self.person_id, teams, self.email)


@dataclass(frozen=True)
class DemoIdentity:
    person_id: str | None
    role: Role
    what: str  # how the chooser introduces them


# One engineer with a rotation request, their manager, an HR person, and an administrator.
# Farah Iyer is a programme manager in the sample; the demo lets her act as HR.
DEMO_IDENTITIES = (
    DemoIdentity("P082", Role.ENGINEER, "engineer in Feature Store, has a rotation request"),
    DemoIdentity("P002", Role.MANAGER, "engineering manager, leads Feature Store"),
    DemoIdentity("P011", Role.HR, "acts as HR in the demo"),
    DemoIdentity(None, Role.ADMIN, "administrator: roles and the audit trail"),
)
DEMO_ADMIN_EMAIL = "admin@example.org"


# ------------------------------------------------------------------------------ reading


def read_roles(source: str | Path | Mapping[str, bytes]) -> list[RoleEntry]:
    """The roles mapping in a CSV or .xlsx file (its `roles` sheet, else its only sheet), a
    folder holding `roles.csv`, or uploaded files by name. Raises RolesError."""
    if isinstance(source, Mapping):
        files = dict(source)
    else:
        path = Path(source)
        if path.is_dir():
            path = path / "roles.csv"
        if not path.is_file():
            raise RolesError([Problem(str(path), "there is no such file")])
        files = {path.name: path.read_bytes()}
    raw = read_files(files)
    tables = raw.tables
    table = tables.get("roles") or (next(iter(tables.values())) if len(tables) == 1 else None)
    if table is None:
        names = ", ".join(sorted(tables)) or "none"
        raise RolesError([Problem(", ".join(files), "no `roles` table or sheet in the input "
                                  f"(found: {names})")])
    return parse_roles(table)


def parse_roles(table: RawTable, people: set[str] | None = None,
                teams: set[str] | None = None) -> list[RoleEntry]:
    """Validate rows of a roles table; `people` and `teams` (when given) must know the ids."""
    problems: list[Problem] = []
    index = {name: table.column(name) for name in ROLE_COLUMNS}
    for required in ("email", "role"):
        if index[required] is None:
            problems.append(Problem(table.source, f"the column `{required}` is missing"))
    if problems:
        raise RolesError(problems)
    entries: list[RoleEntry] = []
    seen: dict[str, int] = {}

    def cell(cells: list[str], name: str) -> str:
        position = index[name]
        return cells[position].strip() if position is not None and position < len(cells) else ""

    for row, cells in iter_records(table):
        if not any(c.strip() for c in cells):
            continue
        email = cell(cells, "email").lower()
        role_text = cell(cells, "role").lower()
        person = cell(cells, "person_id") or None
        team_list = tuple(t for t in _TEAM_SEPARATORS.split(cell(cells, "teams")) if t)
        before = len(problems)
        problems.extend(_row_problems(table.source, row, email, role_text, person, team_list))
        if email in seen:
            problems.append(Problem(table.source, f"{email} is listed twice (also row "
                                    f"{seen[email]})", row, "email"))
        if people is not None and person is not None and person not in people:
            problems.append(Problem(table.source, f"person {person} is not in the matrix",
                                    row, "person_id"))
        if teams is not None:
            for team in team_list:
                if team not in teams:
                    problems.append(Problem(table.source, f"team {team!r} is not a team",
                                            row, "teams"))
        if len(problems) == before:
            seen[email] = row
            entries.append(RoleEntry(email, Role(role_text), person,
                                     team_list if role_text == Role.MANAGER else ()))
    if problems:
        raise RolesError(problems)
    return entries


def _row_problems(source: str, row: int | None, email: str, role: str, person: str | None,
                  teams: tuple[str, ...]) -> list[Problem]:
    problems = []
    if not _EMAIL.match(email):
        problems.append(Problem(source, f"{email or 'an empty cell'} is not an email", row,
                                "email"))
    if role not in {r.value for r in ASSIGNABLE_ROLES}:
        problems.append(Problem(source, f"role {role or '(empty)'!r} is none of engineer, "
                                "manager, hr, admin", row, "role"))
    elif role in (Role.ENGINEER, Role.MANAGER) and person is None:
        problems.append(Problem(source, f"an {role} needs the person_id they are in the "
                                "matrix", row, "person_id"))
    if role == Role.MANAGER and not teams:
        problems.append(Problem(source, "a manager needs the teams they lead (separated by "
                                ";)", row, "teams"))
    return problems


def entry_problems(entry: RoleEntry) -> list[Problem]:
    """What is wrong with one entry typed in by an admin (empty when nothing is)."""
    return _row_problems("roles", None, entry.email, entry.role.value, entry.person_id,
                         entry.teams)


# ------------------------------------------------------------------------------ storing


def _known(store: Store) -> tuple[set[str], set[str]]:
    people = store.read("people")
    return set(people["person_id"].astype(str)), set(people["team"].astype(str))


def _checked(store: Store, entries: Sequence[RoleEntry]) -> None:
    """Ids must be in the stored matrix: a role for a person who is not there is a typo."""
    people, teams = _known(store)
    problems = []
    for entry in entries:
        if entry.person_id is not None and entry.person_id not in people:
            problems.append(Problem("roles", f"{entry.email}: person {entry.person_id} is not "
                                    "in the matrix", None, "person_id"))
        for team in entry.teams:
            if team not in teams:
                problems.append(Problem("roles", f"{entry.email}: team {team!r} is not a "
                                        "team", None, "teams"))
    if problems:
        raise RolesError(problems)


def replace_roles(store: Store, entries: Sequence[RoleEntry]) -> int:
    """Make `entries` the whole roles mapping; admins (and the system) only."""
    store.caller.require(Permission.MANAGE_ROLES)
    _checked(store, entries)
    with store.transaction(Permission.MANAGE_ROLES) as cursor:
        store.execute(cursor, "delete_roles")
        for entry in entries:
            _upsert(store, cursor, entry)
        audit.append(store, cursor, "roles replaced", "roles", len(entries))
    return len(entries)


def set_role(store: Store, entry: RoleEntry) -> None:
    """Add or change one email's role; admins only."""
    store.caller.require(Permission.MANAGE_ROLES)
    _checked(store, [entry])
    with store.transaction(Permission.MANAGE_ROLES) as cursor:
        _upsert(store, cursor, entry)
        audit.append(store, cursor, "role set", f"role of {entry.email}: {entry.role.value}", 1)


def remove_role(store: Store, email: str) -> None:
    """Take an email's access away; admins only. An admin cannot remove the last admin."""
    store.caller.require(Permission.MANAGE_ROLES)
    email = email.strip().lower()
    if store.read("admin_emails")["email"].tolist() == [email]:
        raise NotAllowed(f"{email} is the only administrator; name another one first")
    with store.transaction(Permission.MANAGE_ROLES) as cursor:
        store.execute(cursor, "delete_role", email=email)
        audit.append(store, cursor, "role removed", f"role of {email}", 1)


def _upsert(store: Store, cursor: duckdb.DuckDBPyConnection, entry: RoleEntry) -> None:
    store.execute(cursor, "upsert_role", email=entry.email, role=entry.role.value,
                  person_id=entry.person_id, teams=list(entry.teams),
                  updated_by=store.caller.actor())


def roles(store: Store) -> pd.DataFrame:
    """The roles mapping: email, role, person_id, teams, updated_at, updated_by; admins only."""
    store.caller.require(Permission.MANAGE_ROLES)
    return store.read("roles")


# ------------------------------------------------------------------------------ signing in


def identify(store: Store, email: str | None) -> Caller | None:
    """The caller a signed-in email is, or None when it has no role.

    Only the sign-in gate calls this, with the organisation as the system sees it: the
    identity provider said who the user is, and nothing the user chooses changes it.
    """
    _require_gate(store)
    if not email:
        return None
    found = store.read("role_for_email", email=email)
    if found.empty:
        return None
    row = found.iloc[0]
    person = None if pd.isna(row["person_id"]) else str(row["person_id"])
    teams = tuple(str(t) for t in row["teams"]) if row["teams"] is not None else ()
    return RoleEntry(str(row["email"]), Role(row["role"]), person, teams).caller()


def _require_gate(store: Store) -> None:
    if store.caller.role != Role.SYSTEM:
        raise NotAllowed("only the sign-in decides who someone is")


def whom_to_ask(store: Store) -> str:
    """Words naming the administrators, for someone signed in without a role."""
    admins = store.read("admin_emails")["email"].tolist()
    if not admins:
        return ("whoever runs crosstrain (no administrator is named yet: they add one with "
                "`python -m skills roles load roles.csv`)")
    return "an administrator: " + ", ".join(admins)


def demo_entries(store: Store) -> list[RoleEntry]:
    """The demo identities as roles-mapping rows, for the people the stored matrix has.

    A demo manager leads their own team and the teams of the people reporting to them.
    """
    _require_gate(store)
    people = store.read("people")
    by_id = {str(r.person_id): r for r in people.itertuples(index=False)}
    entries = []
    for demo in DEMO_IDENTITIES:
        if demo.person_id is None:
            entries.append(RoleEntry(DEMO_ADMIN_EMAIL, demo.role))
            continue
        person = by_id.get(demo.person_id)
        if person is None:
            continue
        email = _email(person, demo.person_id)
        teams: tuple[str, ...] = ()
        if demo.role == Role.MANAGER:
            reports = people[people["manager_id"] == demo.person_id]["team"]
            teams = tuple(sorted({str(person.team), *map(str, reports)}))
        entries.append(RoleEntry(email, demo.role, demo.person_id, teams))
    return entries


def ensure_demo_roles(store: Store) -> bool:
    """Demo mode: an empty roles mapping gets the demo identities; True when it did."""
    _require_gate(store)
    if not store.read("roles").empty:
        return False
    replace_roles(store, demo_entries(store))
    return True


def demo_callers(store: Store) -> list[tuple[str, Caller]]:
    """What the demo chooser offers: a label and the caller for each demo identity that the
    roles mapping still knows (an admin may have changed or removed it). A demo person whom
    a later load left out of the matrix stays on offer under their stored role."""
    _require_gate(store)
    people = store.read("people")
    by_id = {str(r.person_id): r for r in people.itertuples(index=False)}
    found = []
    for demo in DEMO_IDENTITIES:
        person = by_id.get(demo.person_id or "")
        if demo.person_id is None:
            email, name = DEMO_ADMIN_EMAIL, "Administrator"
        elif person is not None:
            email, name = _email(person, demo.person_id), str(person.name)
        else:
            email, name = f"{demo.person_id.lower()}@example.org", demo.person_id
        caller = identify(store, email)
        if caller is not None:
            found.append((f"{name} · {caller.role.value} · {demo.what}", caller))
    return found


def _email(person: Any, person_id: str) -> str:
    email = getattr(person, "email", None)
    return (str(email) if isinstance(email, str) and email
            else f"{person_id.lower()}@example.org").lower()


def signed_in(store: Store, caller: Caller, how: str) -> None:
    """Record a sign-in (once per session; the gate knows when)."""
    audit.record(store.as_caller(caller), "sign-in", how)


def signed_out(store: Store, caller: Caller) -> None:
    audit.record(store.as_caller(caller), "sign-out", "single sign-on")


def refused(store: Store, email: str) -> None:
    """Record a sign-in by an email without a role (the email is the actor, not a value)."""
    audit.record(store, "sign-in refused", "no role in the roles mapping", actor=email,
                 role="none")

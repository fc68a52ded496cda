"""The roles mapping: reading it, storing it, who an email is, demo identities, deny by default."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from skills.access import SYSTEM, Caller, NotAllowed, Role
from skills.services import audit, identity
from skills.services.identity import RoleEntry, RolesError
from skills.store import ROOT
from tests.conftest import write_files

ROLES_CSV = (
    "email,role,person_id,teams\n"
    "P082@Example.org,engineer,P082,\n"
    "p002@example.org,Manager,P002,Feature Store; Serving\n"
    "p011@example.org,hr,P011,\n"
    "root@example.org,admin,,\n"
)
ADMIN = Caller(Role.ADMIN, email="root@example.org")


def test_a_roles_csv_is_read_with_lower_case_emails_roles_and_teams(tmp_path):
    path = write_files(tmp_path, {"roles.csv": ROLES_CSV}) / "roles.csv"
    entries = identity.read_roles(path)
    assert entries == [
        RoleEntry("p082@example.org", Role.ENGINEER, "P082"),
        RoleEntry("p002@example.org", Role.MANAGER, "P002", ("Feature Store", "Serving")),
        RoleEntry("p011@example.org", Role.HR, "P011"),
        RoleEntry("root@example.org", Role.ADMIN, None),
    ]
    # A folder holding roles.csv is read the same way.
    assert identity.read_roles(tmp_path) == entries


def test_the_roles_sheet_of_a_workbook_is_read(tmp_path):
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        people = pd.DataFrame({"person_id": ["P1"], "name": ["A"]})
        people.to_excel(writer, sheet_name="people", index=False)
        roles = pd.read_csv(io.StringIO(ROLES_CSV), dtype=str)
        roles.to_excel(writer, sheet_name="roles", index=False)
    entries = identity.read_roles({"matrix.xlsx": buffer.getvalue()})
    assert [e.email for e in entries] == ["p082@example.org", "p002@example.org",
                                          "p011@example.org", "root@example.org"]


def test_every_problem_of_a_roles_file_is_reported_with_its_row(tmp_path):
    bad = ("email,role,person_id,teams\n"
           "not-an-email,engineer,P082,\n"          # row 2
           "a@example.org,boss,P001,\n"             # row 3
           "b@example.org,manager,P002,\n"          # row 4: no teams
           "c@example.org,engineer,,\n"             # row 5: no person
           "a@example.org,hr,,\n")                  # row 6: fine, but a is listed... once
    path = write_files(tmp_path, {"roles.csv": bad}) / "roles.csv"
    with pytest.raises(RolesError) as caught:
        identity.read_roles(path)
    text = str(caught.value)
    for fragment in ("not-an-email is not an email", "'boss' is none of",
                     "a manager needs the teams", "an engineer needs the person_id"):
        assert fragment in text
    rows = {p.row for p in caught.value.problems}
    assert {2, 3, 4, 5} <= rows and 6 not in rows


def test_a_duplicate_email_is_an_error():
    from skills.ingest.reading import read_files

    raw = read_files({"roles.csv": b"email,role\nx@example.org,hr\nX@example.org,admin\n"})
    with pytest.raises(RolesError, match="listed twice"):
        identity.parse_roles(raw.tables["roles"])


def test_stored_roles_decide_who_an_email_is(store):
    identity.replace_roles(store, identity.read_roles({"roles.csv": ROLES_CSV.encode()}))
    manager = identity.identify(store, " P002@EXAMPLE.org ")
    assert manager == Caller(Role.MANAGER, "P002", frozenset({"Feature Store", "Serving"}),
                             "p002@example.org")
    assert identity.identify(store, "p082@example.org") == Caller(
        Role.ENGINEER, "P082", frozenset(), "p082@example.org")
    # Deny by default: an email that is not in the mapping is nobody.
    assert identity.identify(store, "stranger@example.org") is None
    assert identity.identify(store, None) is None
    assert "root@example.org" in identity.whom_to_ask(store)


def test_only_the_sign_in_gate_resolves_identities(store):
    with pytest.raises(NotAllowed):
        identity.identify(store.as_caller(Caller(Role.HR)), "p002@example.org")


def test_roles_are_for_admins_only_and_every_change_is_audited(store):
    entries = identity.read_roles({"roles.csv": ROLES_CSV.encode()})
    for role in (Role.ENGINEER, Role.MANAGER, Role.HR):
        view = store.as_caller(Caller(role, "P011"))
        with pytest.raises(NotAllowed):
            identity.replace_roles(view, entries)
        with pytest.raises(NotAllowed):
            identity.roles(view)
        with pytest.raises(NotAllowed):
            identity.set_role(view, RoleEntry("me@example.org", Role.ADMIN))
    admin = store.as_caller(ADMIN)
    assert identity.replace_roles(admin, entries) == 4
    identity.set_role(admin, RoleEntry("new@example.org", Role.HR))
    assert identity.identify(store, "new@example.org") == Caller(Role.HR, None, frozenset(),
                                                                 "new@example.org")
    identity.remove_role(admin, "new@example.org")
    assert identity.identify(store, "new@example.org") is None
    mapping = identity.roles(admin)
    assert set(mapping["updated_by"]) == {"root@example.org"}
    trail = audit.entries(store)
    assert trail["action"].tolist() == ["roles replaced", "role set", "role removed"]
    assert set(trail["actor"]) == {"root@example.org"}


def test_the_last_administrator_cannot_remove_themselves(store):
    identity.replace_roles(store, identity.read_roles({"roles.csv": ROLES_CSV.encode()}))
    with pytest.raises(NotAllowed, match="only administrator"):
        identity.remove_role(store.as_caller(ADMIN), "root@example.org")


def test_a_role_for_someone_not_in_the_matrix_is_refused(store):
    with pytest.raises(RolesError, match="P999 is not in the matrix"):
        identity.replace_roles(store, [RoleEntry("x@example.org", Role.ENGINEER, "P999")])
    with pytest.raises(RolesError, match="'Nowhere' is not a team"):
        identity.set_role(store, RoleEntry("x@example.org", Role.MANAGER, "P002",
                                           ("Nowhere",)))
    assert identity.roles(store).empty


def test_demo_identities_are_real_people_of_the_sample(store, sample_dataset):
    entries = identity.demo_entries(store)
    people = sample_dataset.people.set_index("person_id")
    by_role = {e.role: e for e in entries}
    assert set(by_role) == {Role.ENGINEER, Role.MANAGER, Role.HR, Role.ADMIN}
    for role in (Role.ENGINEER, Role.MANAGER, Role.HR):
        entry = by_role[role]
        assert entry.person_id in people.index
        assert entry.email == people.at[entry.person_id, "email"]
    manager = by_role[Role.MANAGER]
    reports = sample_dataset.people[sample_dataset.people["manager_id"] == manager.person_id]
    assert set(manager.teams) == {people.at[manager.person_id, "team"], *reports["team"]}
    # The engineer has a request of their own to show, and reports to the demo manager.
    assert by_role[Role.ENGINEER].person_id in set(sample_dataset.requests["person_id"])
    assert people.at[by_role[Role.ENGINEER].person_id, "manager_id"] == manager.person_id


def test_demo_roles_are_stored_once_and_an_admins_change_sticks(store):
    assert identity.ensure_demo_roles(store) is True
    assert identity.ensure_demo_roles(store) is False
    callers = [c for _, c in identity.demo_callers(store)]
    assert [c.role for c in callers] == [Role.ENGINEER, Role.MANAGER, Role.HR, Role.ADMIN]
    engineer = callers[0]
    identity.remove_role(store, str(engineer.email))
    assert [c.role for _, c in identity.demo_callers(store)] == [Role.MANAGER, Role.HR,
                                                                 Role.ADMIN]


def test_sign_ins_and_refusals_are_audited_without_personal_values(store):
    identity.ensure_demo_roles(store)
    manager = identity.identify(store, "p002@example.org")
    assert manager is not None
    identity.signed_in(store, manager, "single sign-on")
    identity.refused(store, "stranger@example.org")
    trail = audit.entries(store)
    last = trail.tail(2)
    assert last["action"].tolist() == ["sign-in", "sign-in refused"]
    assert last["actor"].tolist() == ["p002@example.org", "stranger@example.org"]
    assert last["role"].tolist() == ["manager", "none"]
    # Only the gate (the system) may write a line in someone else's name.
    with pytest.raises(NotAllowed):
        audit.record(store.as_caller(manager), "sign-in", actor="someone@else.org")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skills", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_loads_lists_and_demos_the_roles_mapping(tmp_path, store):
    db = str(store.path)
    store.close()
    roles = write_files(tmp_path / "in", {"roles.csv": ROLES_CSV}) / "roles.csv"
    loaded = _cli("roles", "load", str(roles), "--db", db)
    assert loaded.returncode == 0, loaded.stderr
    assert "stored 4 roles" in loaded.stderr
    listed = _cli("roles", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    frame = pd.read_csv(io.StringIO(listed.stdout), dtype=str)
    assert frame.set_index("email").at["p002@example.org", "teams"] == "Feature Store; Serving"
    bad = write_files(tmp_path / "bad", {"roles.csv": "email,role\nx,boss\n"}) / "roles.csv"
    refused = _cli("roles", "load", str(bad), "--db", db)
    assert refused.returncode == 2
    assert "roles.csv" in refused.stderr and "row 2" in refused.stderr
    demo = _cli("roles", "demo", "--db", db)
    assert demo.returncode == 0, demo.stderr
    assert "p002@example.org\tmanager\tP002\tFeature Store" in demo.stdout


def test_the_system_caller_is_not_a_role_anyone_can_be_given():
    assert Role.SYSTEM not in identity.ASSIGNABLE_ROLES
    assert SYSTEM.sees_everyone

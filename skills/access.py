"""Who is asking: roles, what each may do and whose rows each may see.

HR data is personal data, so least privilege and deny by default: a permission not granted
here is refused, and a row filter that does not name a person or a team shows nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ENGINEER = "engineer"
    MANAGER = "manager"
    HR = "hr"
    # Roles and configuration; no personal data beyond the roles mapping itself.
    ADMIN = "admin"
    # Command line and tests: whoever can run Python against the file already has it all.
    SYSTEM = "system"


# The roles a person can be given in the roles mapping (SYSTEM is never given to anyone).
ASSIGNABLE_ROLES = (Role.ENGINEER, Role.MANAGER, Role.HR, Role.ADMIN)


class Permission(StrEnum):
    READ_COVERAGE = "read coverage"
    # Levels, interests, requests and plans of named people; a manager only of their teams.
    READ_PEOPLE = "see people's levels and interests"
    LOAD_DATASET = "load a dataset"
    REQUEST_ROTATION = "request a rotation"
    PLAN = "run and approve plans"
    EXPORT_PERSONAL = "export personal data"
    MANAGE_ROLES = "manage roles and configuration"
    READ_AUDIT = "read the audit trail"
    # Every signed-in role leaves a line in the audit trail (its sign-in, its exports).
    RECORD_ACTIVITY = "leave a line in the audit trail"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ENGINEER: frozenset({Permission.READ_COVERAGE, Permission.REQUEST_ROTATION,
                              Permission.RECORD_ACTIVITY}),
    Role.MANAGER: frozenset({Permission.READ_COVERAGE, Permission.READ_PEOPLE,
                             Permission.LOAD_DATASET, Permission.REQUEST_ROTATION,
                             Permission.PLAN, Permission.RECORD_ACTIVITY}),
    Role.HR: frozenset({Permission.READ_COVERAGE, Permission.READ_PEOPLE,
                        Permission.LOAD_DATASET, Permission.EXPORT_PERSONAL,
                        Permission.READ_AUDIT, Permission.RECORD_ACTIVITY}),
    Role.ADMIN: frozenset({Permission.READ_COVERAGE, Permission.MANAGE_ROLES,
                           Permission.READ_AUDIT, Permission.RECORD_ACTIVITY}),
    Role.SYSTEM: frozenset(Permission),
}


class NotAllowed(PermissionError):
    pass


@dataclass(frozen=True)
class Caller:
    role: Role
    person_id: str | None = None
    # The teams a manager leads (row-level access); empty for everyone else.
    teams: frozenset[str] = frozenset()
    # Who signed in, as the identity provider said; None for the command line and tests.
    email: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS.get(self.role, frozenset())

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise NotAllowed(f"the {self.role.value} role may not {permission.value}")

    @property
    def sees_everyone(self) -> bool:
        """HR and the command line see every person's rows."""
        return self.role in (Role.HR, Role.SYSTEM)

    def may_see(self, person_id: str | None, team: str | None) -> bool:
        """Whether this caller may see the personal rows of `person_id` in `team`."""
        if self.sees_everyone:
            return True
        if self.person_id is not None and person_id == self.person_id:
            return True
        return self.role == Role.MANAGER and team is not None and team in self.teams

    def team_filter(self) -> list[str] | None:
        """The teams whose people this caller may see; None means every team.

        Engineers and admins get an empty list: no team's people, only their own rows.
        """
        if self.sees_everyone:
            return None
        return sorted(self.teams) if self.role == Role.MANAGER else []

    def leads(self, *teams: str | None) -> bool:
        """True when this caller answers for one of `teams` (HR and the system for all)."""
        if self.role == Role.SYSTEM:
            return True
        return self.role == Role.MANAGER and any(t in self.teams for t in teams if t)

    def describe(self) -> str:
        """Who did it, as history lines record it: 'engineer P010', 'hr', 'system'."""
        return self.role.value + (f" {self.person_id}" if self.person_id else "")

    def actor(self) -> str:
        """Who did it, as the audit trail records it: the signed-in email, else describe()."""
        return self.email or self.describe()


SYSTEM = Caller(Role.SYSTEM)

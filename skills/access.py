"""Who is asking: roles and what each may do. HR data is personal data, so least privilege."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ENGINEER = "engineer"
    MANAGER = "manager"
    HR = "hr"
    # Command line and tests: whoever can run Python against the file already has it all.
    SYSTEM = "system"


class Permission(StrEnum):
    READ_COVERAGE = "read coverage"
    LOAD_DATASET = "load a dataset"
    REQUEST_ROTATION = "request a rotation"
    PLAN = "run and approve plans"
    EXPORT_PERSONAL = "export personal data"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ENGINEER: frozenset({Permission.READ_COVERAGE, Permission.REQUEST_ROTATION}),
    Role.MANAGER: frozenset({Permission.READ_COVERAGE, Permission.LOAD_DATASET,
                             Permission.REQUEST_ROTATION, Permission.PLAN}),
    Role.HR: frozenset({Permission.READ_COVERAGE, Permission.LOAD_DATASET,
                        Permission.EXPORT_PERSONAL}),
    Role.SYSTEM: frozenset(Permission),
}


class NotAllowed(PermissionError):
    pass


@dataclass(frozen=True)
class Caller:
    role: Role
    person_id: str | None = None
    # The teams a manager answers for (row-level access, e.g. succession); empty for others.
    teams: frozenset[str] = frozenset()

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise NotAllowed(f"the {self.role.value} role may not {permission.value}")

    def describe(self) -> str:
        """Who did it, as history lines record it: 'engineer P010', 'hr', 'system'."""
        return self.role.value + (f" {self.person_id}" if self.person_id else "")


SYSTEM = Caller(Role.SYSTEM)

"""The audit trail: who did what and when, append-only, with no personal values in it.

A line names the actor (the signed-in email, else the role), the role, the action, the object
by its id ("request R004", "plan v2", "snapshot 3", a file name), how many rows it covered and,
for a file, its SHA-256. Levels, interests, names and notes never go in. Services write a line
inside the transaction of the change it records (`append`), so a change and its line commit
together; actions without a transaction of their own (sign-ins, exports) use `record`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import duckdb

if TYPE_CHECKING:
    import pandas as pd

from skills.access import NotAllowed, Permission, Role
from skills.exports import to_csv_bytes
from skills.store import Store

__all__ = ["ACTIONS", "Format", "append", "entries", "export", "record", "record_export"]

# Every action the trail knows; anything else is a programming error, not a new kind of line.
ACTIONS = frozenset({
    "sign-in", "sign-in refused", "sign-out",
    "import", "mapping confirmed", "roles replaced", "role set", "role removed",
    "request filed", "request withdrawn",
    "plan saved", "rotation approved", "rotation declined",
    "mentoring accepted", "mentoring declined",
    "hiring plan saved", "hiring scenario saved", "hiring scenario deleted",
    "export",
})
COLUMNS = ["entry", "happened_at", "actor", "role", "action", "object", "row_count", "sha256"]
Format = Literal["csv", "json"]


def _params(store: Store, action: str, object_: str | None, rows: int | None,
            sha256: str | None, actor: str | None = None,
            role: str | None = None) -> dict[str, Any]:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    caller = store.caller
    return {"actor": actor or caller.actor(), "role": role or caller.role.value,
            "action": action,
            "object": object_, "row_count": None if rows is None else int(rows),
            "sha256": sha256}


def append(store: Store, cursor: duckdb.DuckDBPyConnection, action: str,
           object_: str | None = None, rows: int | None = None,
           sha256: str | None = None) -> None:
    """Add a line inside a transaction the caller already opened (it commits with it)."""
    store.execute(cursor, "insert_audit_entry", **_params(store, action, object_, rows, sha256))


def record(store: Store, action: str, object_: str | None = None, rows: int | None = None,
           sha256: str | None = None, *, actor: str | None = None,
           role: str | None = None) -> None:
    """Add a line in a transaction of its own.

    `actor` and `role` name someone who is not a caller (a sign-in refused for want of a
    role); only the system may write such a line.
    """
    if (actor or role) and store.caller.role != Role.SYSTEM:
        raise NotAllowed("only the sign-in gate records a line for someone else")
    params = _params(store, action, object_, rows, sha256, actor, role)
    with store.transaction(Permission.RECORD_ACTIVITY) as cursor:
        store.execute(cursor, "insert_audit_entry", **params)


def record_export(store: Store, name: str, data: bytes, rows: int) -> bytes:
    """Record that `store.caller` exported `data` as file `name`; returns `data` unchanged."""
    record(store, "export", name, rows, hashlib.sha256(data).hexdigest())
    return data


def entries(store: Store, since: date | None = None) -> pd.DataFrame:
    """The trail from `since` (a day, inclusive) on, oldest first; HR and admins only."""
    store.caller.require(Permission.READ_AUDIT)
    return store.read("audit_entries", since=since)[COLUMNS]


def export(store: Store, since: date | None = None, fmt: Format = "csv") -> bytes:
    """The trail as formula-safe CSV or as JSON; the export itself is a line of the trail."""
    frame = entries(store, since)
    if fmt == "csv":
        data = to_csv_bytes(frame)
    elif fmt == "json":
        records = [{key: _plain(value) for key, value in row.items()}
                   for row in frame.to_dict(orient="records")]
        data = (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    else:
        raise ValueError(f"export the audit trail as csv or json, not {fmt!r}")
    suffix = f"-since-{since.isoformat()}" if since else ""
    return record_export(store, f"audit{suffix}.{fmt}", data, len(frame))


def _plain(value: Any) -> Any:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value

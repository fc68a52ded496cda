"""Which organisation, seen by whom: the handle pages and the command line give every service.

Pages never open the store themselves; they ask for the organisation here and pass it, with
its caller, to the services, which check each call against the caller's role and rows.
"""

from __future__ import annotations

from pathlib import Path

from skills.access import SYSTEM, Caller, NotAllowed, Permission, Role
from skills.services.data import ensure_dataset
from skills.store import Store, default_db_path

__all__ = ["SYSTEM", "Caller", "NotAllowed", "Organisation", "Permission", "Role",
           "default_db_path", "open_organisation", "seen_by"]

# To a page, the store is an opaque handle on one organisation seen by one caller.
Organisation = Store


def open_organisation(path: str | Path | None = None, *, sample_if_empty: bool = True,
                      lock_down: bool = True) -> Store:
    """Open the organisation's database; an empty one gets the bundled sample first.

    `lock_down` closes the connection to files and the network once the data is there: a
    server has no business reading anything else through DuckDB.
    """
    store = Store(path)
    if sample_if_empty:
        ensure_dataset(store)
    if lock_down:
        store.lock_down()
    return store


def seen_by(organisation: Store, caller: Caller) -> Store:
    """The same organisation as `caller` sees it; every service checks that caller."""
    return organisation.as_caller(caller)

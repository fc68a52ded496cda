"""Which organisation, seen by whom: the handle pages and the command line give every service.

Pages never open the store themselves; they ask for the organisation here and pass it, with
its caller, to the services, which check each call against the caller's role and rows.
"""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

from skills.access import SYSTEM, Caller, NotAllowed, Permission, Role
from skills.services.data import ensure_dataset
from skills.store import Store, default_db_path

__all__ = ["SYSTEM", "Caller", "NotAllowed", "Organisation", "Permission", "Role",
           "default_db_path", "keep_modules_out_of_collections", "open_organisation",
           "seen_by"]

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


_frozen_at_modules = 0
_freezing = threading.Lock()


def keep_modules_out_of_collections() -> None:
    """Take what the imported modules hold out of every later garbage collection.

    Streamlit collects all generations after every script run (`runner.postScriptGC`), which
    keeps a busy server's memory down (without it RSS climbed past 3 GB in ten minutes of the
    load benchmark) but walks every object alive, the ~1 million that pandas, plotly, the
    solvers and Streamlit itself hold for good among them: 13-64 % of the server under load.
    Collecting once and freezing the survivors (`gc.freeze`) after a run that imported new
    modules leaves later collections only what runs made since. Objects alive at that moment
    are never collected as cycles afterwards (reference counting still frees them), so it
    happens only when the imported modules changed: a few times in a server's life.
    """
    global _frozen_at_modules
    if len(sys.modules) == _frozen_at_modules:
        return
    with _freezing:
        if len(sys.modules) == _frozen_at_modules:
            return
        gc.collect()
        gc.freeze()
        _frozen_at_modules = len(sys.modules)

"""Which organisation, seen by whom: the handle pages and the command line give every service.

Pages never open the store themselves; they ask for the organisation here and pass it, with
its caller, to the services, which check each call against the caller's role and rows.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from pathlib import Path

from skills.access import SYSTEM, Caller, NotAllowed, Permission, Role
from skills.services.data import ensure_dataset
from skills.store import Store, default_db_path

__all__ = ["SYSTEM", "Caller", "NotAllowed", "Organisation", "Permission", "Role",
           "collect_after_runs", "default_db_path", "keep_modules_out_of_collections",
           "open_organisation", "seen_by"]

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


# At most one collection of every generation per this many seconds, however many sessions,
# and collections at most this share of the time: with 25 sessions' state alive, a full
# collection took 100 ms, and one a second was a tenth of the server's interpreter time.
COLLECT_EVERY = 1.0
COLLECT_SHARE = 0.03
_collector: threading.Thread | None = None
_runs_ended = 0


def collect_after_runs(every: float = COLLECT_EVERY) -> None:
    """A script run has ended: collect every generation soon, in a thread of its own, at most
    once per `every` seconds.

    Streamlit's own collection after every run (`runner.postScriptGC`) cost a fifth of the
    server's interpreter time at 25 sessions (py-spy --gil), one full collection per rerun,
    ten or more a second. Without any, cycles of frames that a run left behind waited for
    Python's own full collection, which counts objects, not bytes: RSS passed 3 GB. One
    collection a second after runs keeps what runs leave behind to a second's worth and costs
    the same at 1 session or 25 (.streamlit/config.toml turns Streamlit's off).
    """
    global _runs_ended, _collector
    _runs_ended += 1
    if _collector is not None and _collector.is_alive():
        return
    with _freezing:
        if _collector is None or not _collector.is_alive():
            _collector = threading.Thread(target=_collect, args=(every,),
                                          name="crosstrain-collector", daemon=True)
            _collector.start()


def collection_pause(every: float, took: float, share: float = COLLECT_SHARE) -> float:
    """Seconds to wait after a collection that took `took` seconds: at least `every`, and long
    enough that collecting is at most `share` of the time."""
    return max(every, took / share)


def _collect(every: float) -> None:
    collected_at = 0
    pause = every
    while True:
        time.sleep(pause)
        ended = _runs_ended
        if ended != collected_at:
            collected_at = ended
            started = time.perf_counter()
            gc.collect()
            pause = collection_pause(every, time.perf_counter() - started)

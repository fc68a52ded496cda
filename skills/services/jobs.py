"""Long-running use cases (a plan) off the page's script thread, with progress and cancel.

A Streamlit script that waits for a solve holds its session and, worse, makes every rerun of
that session wait. A job runs on a small process-wide pool; the page polls it (a fragment that
reruns itself) and can cancel it, which stops the solver child at once. The pool is small on
purpose: each solve already runs one solver process, and the machine has few cores.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from skills.plans import solving

MAX_PARALLEL_SOLVES = 2
_pool = ThreadPoolExecutor(max_workers=MAX_PARALLEL_SOLVES, thread_name_prefix="crosstrain-plan")
_ids = itertools.count(1)


@dataclass
class Job:
    """One submitted use case: its future, when it started and the limit it promised."""

    label: str
    limit: float
    future: Future[Any]
    cancel_event: threading.Event = field(default_factory=threading.Event)
    submitted: float = field(default_factory=time.monotonic)
    number: int = field(default_factory=lambda: next(_ids))

    @property
    def done(self) -> bool:
        return self.future.done()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def elapsed(self) -> float:
        return time.monotonic() - self.submitted

    def progress(self) -> float:
        """A share of the time limit used so far, below 1 until the job is done."""
        if self.done:
            return 1.0
        return min(0.99, self.elapsed() / max(self.limit, 1e-9))

    def cancel(self) -> None:
        """Stop the job: a queued one never starts; a running solve is killed at once."""
        self.cancel_event.set()
        self.future.cancel()

    def result(self) -> Any:
        """The use case's return value; raises what it raised."""
        return self.future.result()


def submit(label: str, limit: float, work: Callable[..., Any], *args: Any,
           **kwargs: Any) -> Job:
    """Run `work(*args, **kwargs)` on the pool; solves inside it obey the job's cancel."""
    event = threading.Event()

    def run() -> Any:
        with solving.cancelled_by(event):
            return work(*args, **kwargs)

    job = Job(label=label, limit=limit, future=_pool.submit(run), cancel_event=event)
    return job

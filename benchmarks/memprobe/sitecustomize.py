"""Started by the server of benchmarks/load.py and benchmarks/soak.py with `--probe`: a thread
that writes what the server's memory is made of every few seconds, one JSON line each, to
$CROSSTRAIN_MEMPROBE. Python imports `sitecustomize` from PYTHONPATH at start-up, so the app's
code is not changed for it.

Per line: RSS and its anonymous part (/proc), glibc's heap (mallinfo2: bytes in use, free
bytes kept in the arenas, mmapped blocks), the Arrow pool, Python's allocated blocks, the
full collections so far and their seconds, and the store's opens and cache size.
`CROSSTRAIN_MEMPROBE_TRIM=1` calls malloc_trim(0) before each sample, to tell memory glibc
keeps but could return from memory in use.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import json
import os
import sys
import threading
import time

# Popped: the server's own subprocesses (a solver started afresh) must not probe too.
_PATH = os.environ.pop("CROSSTRAIN_MEMPROBE", None)
_EVERY = float(os.environ.get("CROSSTRAIN_MEMPROBE_EVERY", "5"))
_TRIM = os.environ.get("CROSSTRAIN_MEMPROBE_TRIM") == "1"
# Every this many samples, the most common types of the objects the collector tracks (slow:
# it walks them all, holding the interpreter); 0 never.
_TYPES_EVERY = int(os.environ.get("CROSSTRAIN_MEMPROBE_TYPES", "0"))


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _status() -> dict[str, float]:
    wanted = {"VmRSS": "rss_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in wanted:
                found[wanted[key]] = round(int(line.split()[1]) / 1024, 1)
    return found


# Collections of the oldest generation so far, and the seconds they took.
_FULL = {"count": 0, "seconds": 0.0, "started": 0.0}


def _timed_collections(phase: str, info: dict[str, int]) -> None:
    if info.get("generation") != 2:
        return
    if phase == "start":
        _FULL["started"] = time.perf_counter()
    else:
        _FULL["count"] += 1
        _FULL["seconds"] += time.perf_counter() - _FULL["started"]


def _sample(libc: ctypes.CDLL, started: float) -> dict[str, object]:
    if _TRIM:
        libc.malloc_trim(0)
    info = libc.mallinfo2()
    line: dict[str, object] = {"t": round(time.monotonic() - started, 1), **_status(),
                               "malloc_used_mb": round(info.uordblks / 2**20, 1),
                               "malloc_free_mb": round(info.fordblks / 2**20, 1),
                               "malloc_mmap_mb": round(info.hblkhd / 2**20, 1),
                               "py_blocks": sys.getallocatedblocks(),
                               "gc_frozen": gc.get_freeze_count(),
                               "gc_full": _FULL["count"],
                               "gc_full_s": round(_FULL["seconds"], 2),
                               "modules": len(sys.modules),
                               "threads": threading.active_count()}
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        line["arrow_mb"] = round(arrow.default_memory_pool().bytes_allocated() / 2**20, 1)
    store = sys.modules.get("skills.store")
    if store is not None:
        shared = list(getattr(store, "_OPEN", ()))
        line["store_opens"] = sum(s.opens for s in shared)
        line["cache_mb"] = round(sum(s.cache.size[1] for s in shared
                                     if hasattr(s, "cache")) / 2**20, 1)
    return line


def _types() -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter(
        f"{type(o).__module__!s}.{type(o).__qualname__!s}" for o in gc.get_objects())
    return dict(counts.most_common(12))


def _run() -> None:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _Mallinfo2
    started = time.monotonic()
    samples = 0
    while True:
        time.sleep(_EVERY)
        samples += 1
        try:
            line = _sample(libc, started)
            if _TYPES_EVERY and samples % _TYPES_EVERY == 0:
                line["types"] = _types()
        except Exception as error:  # a probe must never take the server down
            line = {"error": repr(error)}
        with open(str(_PATH), "a") as out:
            out.write(json.dumps(line) + "\n")


if _PATH and os.environ.get("CROSSTRAIN_MEMPROBE_NOFREEZE") == "1":
    # An experiment: the server as it was before it froze the modules' objects.
    sys.path.insert(0, os.getcwd())
    import skills.services.session as _session

    _session.keep_modules_out_of_collections = lambda: None

if _PATH:
    gc.callbacks.append(_timed_collections)
    threading.Thread(target=_run, name="crosstrain-memprobe", daemon=True).start()

"""The one way the planners run a solver: in a child process, under a hard deadline, honestly.

PuLP labels a CBC run that stopped at its time limit "Optimal", so nothing here trusts that
label: the status comes from the solver's own model status and best bound. The solve runs in a
forked child that leads its own process group; at the deadline the whole group (the child and
any CBC it started) is killed, so no solver outlives the call and the page stays responsive.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Literal

import pulp

from skills.plans.contract import Status, relative_gap

SolverName = Literal["highs", "cbc"]
SOLVERS: tuple[SolverName, ...] = ("highs", "cbc")

# Beyond the solver's own time limit: forking, building the solver's model and sending the
# answer back take a moment, and a solver that honours its limit should not be killed for it.
_GRACE_SECONDS = 2.0
_GRACE_SHARE = 0.1


@dataclass(frozen=True)
class SolveOutcome:
    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    values: dict[str, float] = field(repr=False)
    solver: str
    message: str = ""

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


def deadline_for(time_limit: float) -> float:
    """Seconds after which the child is killed: slightly above the solver's own limit."""
    return time_limit + _GRACE_SECONDS + _GRACE_SHARE * time_limit


def solve(problem: pulp.LpProblem, *, solver: SolverName = "highs", time_limit: float = 30.0,
          gap_rel: float = 0.005, warm_start: dict[str, float] | None = None,
          seed: int = 1, highs_options: dict[str, Any] | None = None,
          kill_after: float | None = None) -> SolveOutcome:
    """Solve `problem` in a child process killed at a hard deadline; report the true status.

    The child is killed `kill_after` seconds from now, by default `deadline_for(time_limit)`:
    a caller whose own limit is the user's passes the time it has left.

    `highs_options` (optional, HiGHS only) adds to or overrides `HIGHS_OPTIONS` for this call,
    e.g. {"presolve": "off"}, which the rotation model solves several times faster with.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    if not time_limit > 0:
        raise ValueError(f"time_limit must be positive, got {time_limit}")
    started = time.perf_counter()
    if not problem.variables():
        # Nothing to decide (HiGHS calls that an error): the only plan is the empty one.
        constant = float(problem.objective.constant) if problem.objective else 0.0
        return SolveOutcome("optimal", constant, constant, 0.0, time.perf_counter() - started,
                            {}, solver, "Optimal: there was nothing to decide.")
    if solver == "cbc":
        missing = cbc_problem()
        if missing:
            return SolveOutcome("error", None, None, None, time.perf_counter() - started, {},
                                solver, missing)
    kind, payload = run_with_deadline(_solve_here, (problem, solver, time_limit, gap_rel,
                                                    warm_start, seed, highs_options or {}),
                                      deadline_for(time_limit) if kill_after is None
                                      else max(time_limit, kill_after))
    seconds = time.perf_counter() - started
    if kind == "ok":
        return SolveOutcome(seconds=seconds, solver=solver, **payload)
    if kind == "cancelled":
        return SolveOutcome(status="timeout", objective=None, bound=None, gap=None,
                            seconds=seconds, values={}, solver=solver,
                            message="The solve was cancelled before it found a plan.")
    if kind == "deadline":
        return SolveOutcome(status="timeout", objective=None, bound=None, gap=None,
                            seconds=seconds, values={}, solver=solver,
                            message=(f"No plan was found within {time_limit:g} s; the solver "
                                     "was stopped. Allow more time or loosen the policy."))
    # A crash or a refused setting is a fault, not a slow solve: say so, with the child's words.
    return SolveOutcome(status="error", objective=None, bound=None, gap=None, seconds=seconds,
                        values={}, solver=solver,
                        message=f"The solver failed: {payload}")


def cbc_path() -> str:
    """The CBC binary: $CROSSTRAIN_CBC, else the one `pulp[cbc]` installs (cbcbox).

    Found by package, not by PATH: a cron job or a service manager seldom has the
    virtualenv's bin/ on its PATH.
    """
    configured = os.environ.get("CROSSTRAIN_CBC")
    if configured:
        return configured
    try:
        import cbcbox

        return str(cbcbox.cbc_bin_path())
    except (ImportError, OSError, RuntimeError) as error:
        return f"(cbcbox: {error})"


def cbc_problem() -> str:
    """Why CBC cannot run here, in words; empty when it can."""
    path = cbc_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return (f"The CBC solver is not installed at {path}: reinstall the project's "
                "dependencies (make setup), set CROSSTRAIN_CBC, or choose HiGHS.")
    return ""


def run_with_deadline(target: Any, args: tuple, deadline: float) -> tuple[str, Any]:
    """Run `target(*args)` in a forked child; ("ok", result), ("error", text) or ("deadline", None).

    The child leads its own process group, so killing the group at the deadline also kills
    anything it spawned (CBC is a separate executable).
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(sender, target, args, os.getpid()),
                            daemon=True)
    child.start()
    sender.close()
    pid = child.pid
    assert pid is not None  # started
    # Both sides set the group, so there is no window where the child is still in ours.
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)
    try:
        if _wait(receiver, deadline):
            try:
                return receiver.recv()
            except EOFError:
                child.join(timeout=5)
                return "error", _exit_words(child.exitcode)
        event = _cancel_event()
        if event is not None and event.is_set():
            return "cancelled", None
        return "deadline", None
    finally:
        receiver.close()
        _kill_group(child)


_local = threading.local()


@contextlib.contextmanager
def cancelled_by(event: threading.Event) -> Iterator[None]:
    """Solves started on this thread inside the block stop as soon as `event` is set."""
    previous = getattr(_local, "cancel", None)
    _local.cancel = event
    try:
        yield
    finally:
        _local.cancel = previous


def _cancel_event() -> threading.Event | None:
    return getattr(_local, "cancel", None)


def _wait(receiver: Connection, deadline: float) -> bool:
    """True when the child answered before the deadline and before anyone cancelled."""
    event = _cancel_event()
    if event is None:
        return receiver.poll(deadline)
    ends = time.monotonic() + deadline
    while not event.is_set():
        if receiver.poll(min(0.1, max(0.0, ends - time.monotonic()))):
            return True
        if time.monotonic() >= ends:
            return False
    return False


def _exit_words(code: int | None) -> str:
    if code is not None and code < 0:
        return f"the solver process was killed by signal {signal.Signals(-code).name}"
    return f"the solver process exited with code {code} before it answered"


def _kill_group(child: multiprocessing.process.BaseProcess) -> None:
    if child.pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    child.join(timeout=5)


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Make this child, and anything it starts, die when `parent` does (even by kill -9).

    The kernel kills the child itself (PR_SET_PDEATHSIG). A solver the child started (CBC)
    would outlive it, so a watchdog process in the same group kills the whole group as soon as
    the child is gone.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    child = os.getpid()
    if os.fork() == 0:
        try:
            while os.getppid() == child:
                time.sleep(0.2)
            os.killpg(child, signal.SIGKILL)
        finally:
            os._exit(0)


def _child_main(sender: Connection, target: Any, args: tuple, parent: int) -> None:
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    _die_with(parent)
    # Solvers print banners and logs; the parent's stdout may be a JSON line or a web page.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        result = ("ok", target(*args))
    except BaseException as error:  # anything, so the parent hears about it instead of waiting
        result = ("error", f"{type(error).__name__}: {error}")
    sender.send(result)
    sender.close()


def _solve_here(problem: pulp.LpProblem, solver: SolverName, time_limit: float, gap_rel: float,
                warm_start: dict[str, float] | None, seed: int,
                highs_options: dict[str, Any]) -> dict[str, Any]:
    if solver == "highs":
        return _solve_highs(problem, time_limit, gap_rel, warm_start, seed, highs_options)
    return _solve_cbc(problem, time_limit, gap_rel, warm_start, seed)


def _optimal_message(objective: float | None, bound: float | None) -> str:
    gap = relative_gap(objective, bound)
    if not gap:
        return "Optimal: no better plan exists."
    return f"Optimal within the tolerance: at most {gap:.2%} below the best possible."


# --- HiGHS: the model is passed as one sparse matrix, which is much faster than PuLP's
# row-by-row hand-over at a few hundred thousand non-zeros.

HIGHS_OPTIONS: dict[str, Any] = {"mip_detect_symmetry": False}


def _solve_highs(problem: pulp.LpProblem, time_limit: float, gap_rel: float,
                 warm_start: dict[str, float] | None, seed: int,
                 extra_options: dict[str, Any] | None = None) -> dict[str, Any]:
    import highspy
    import numpy as np

    variables = problem.variables()
    index = {id(var): i for i, var in enumerate(variables)}
    inf = highspy.kHighsInf
    n = len(variables)
    objective = problem.objective or pulp.LpAffineExpression()

    lp = highspy.HighsLp()
    lp.num_col_ = n
    cost = np.zeros(n)
    for var, coef in objective.items():
        cost[index[id(var)]] = coef
    lp.col_cost_ = cost
    lp.col_lower_ = np.array([-inf if v.lowBound is None else v.lowBound for v in variables],
                             dtype=float)
    lp.col_upper_ = np.array([inf if v.upBound is None else v.upBound for v in variables],
                             dtype=float)
    starts, columns, coefs, lower, upper = [0], [], [], [], []
    for constraint in problem.constraints():
        for var, coef in constraint.items():
            if coef:
                columns.append(index[id(var)])
                coefs.append(coef)
        starts.append(len(columns))
        lb, ub = constraint.getLb(), constraint.getUb()
        lower.append(-inf if lb is None else lb)
        upper.append(inf if ub is None else ub)
    lp.num_row_ = len(lower)
    lp.row_lower_ = np.array(lower, dtype=float)
    lp.row_upper_ = np.array(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(lower)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(columns, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(coefs, dtype=float)
    is_mip = any(v.cat == pulp.LpInteger for v in variables)
    if is_mip:
        lp.integrality_ = [highspy.HighsVarType.kInteger if v.cat == pulp.LpInteger
                           else highspy.HighsVarType.kContinuous for v in variables]
    maximize = problem.sense == pulp.LpMaximize
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    lp.offset_ = float(objective.constant)

    started = time.perf_counter()
    outcome = _run_highs(lp, variables, is_mip, time_limit, gap_rel, warm_start, seed,
                         extra_options)
    if warm_start and not _objective_matches(outcome, cost, lp.offset_, variables):
        # HiGHS 1.16 can report a start solution it keeps as incumbent without the constant its
        # presolve removed: objective and bound too low. Its values are right, its figures are
        # not; solve again from scratch and claim only what that run proves.
        remaining = max(0.05, time_limit - (time.perf_counter() - started))
        again = _run_highs(lp, variables, is_mip, remaining, gap_rel, None, seed, extra_options)
        if again["values"] and _objective_matches(again, cost, lp.offset_, variables):
            return again
        true_objective = _objective_of(outcome["values"], cost, lp.offset_, variables)
        return {**outcome, "objective": true_objective, "bound": None, "gap": None,
                "status": "feasible",
                "message": "A plan was found, but its optimality could not be confirmed."}
    return outcome


def _objective_of(values: dict[str, float], cost: Any, offset: float, variables: list) -> float:
    return float(offset) + sum(float(c) * values.get(v.name, 0.0)
                               for v, c in zip(variables, cost, strict=True) if c)


def _objective_matches(outcome: dict[str, Any], cost: Any, offset: float,
                       variables: list) -> bool:
    if not outcome["values"] or outcome["objective"] is None:
        return True
    actual = _objective_of(outcome["values"], cost, offset, variables)
    return abs(actual - outcome["objective"]) <= 1e-6 * max(1.0, abs(actual))


def _run_highs(lp: Any, variables: list, is_mip: bool, time_limit: float, gap_rel: float,
               warm_start: dict[str, float] | None, seed: int,
               extra_options: dict[str, Any] | None) -> dict[str, Any]:
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", int(seed))
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", float(gap_rel))
    for key, value in {**HIGHS_OPTIONS, **(extra_options or {})}.items():
        if highs.setOptionValue(key, value) != highspy.HighsStatus.kOk:
            raise ValueError(f"HiGHS refused the option {key}={value!r}")
    highs.passModel(lp)
    if warm_start:
        start = highspy.HighsSolution()
        start.col_value = [float(warm_start.get(v.name, 0.0)) for v in variables]
        highs.setSolution(start)
    highs.run()

    status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    statuses = highspy.HighsModelStatus
    values: dict[str, float] = {}
    objective_value = bound = None
    if has_solution:
        col_value = highs.getSolution().col_value
        values = {var.name: float(col_value[i]) for i, var in enumerate(variables)}
        objective_value = float(info.objective_function_value)
        bound = float(info.mip_dual_bound) if is_mip else objective_value
    if status == statuses.kOptimal and has_solution:
        outcome: Status = "optimal"
        message = _optimal_message(objective_value, bound)
    elif status in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
        outcome, values, objective_value, bound = "infeasible", {}, None, None
        message = "No plan satisfies every hard constraint."
    elif has_solution:
        outcome = "feasible"
        message = f"Stopped at the time limit ({status.name[1:]}) with a plan."
    else:
        outcome = "timeout"
        message = f"No plan was found within {time_limit:g} s."
    if bound is not None and not math.isfinite(bound):
        bound = None
    return {"status": outcome, "objective": objective_value, "bound": bound,
            "gap": relative_gap(objective_value, bound), "values": values, "message": message}


# --- CBC, through PuLP's COIN_CMD; the true status and bound are read from CBC's own log.

_LOG_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"


def _solve_cbc(problem: pulp.LpProblem, time_limit: float, gap_rel: float,
               warm_start: dict[str, float] | None, seed: int) -> dict[str, Any]:
    if warm_start:
        for var in problem.variables():
            # We are in a forked copy, so setting initial values leaves the caller's model alone.
            var.setInitialValue(warm_start.get(var.name, 0.0))
    with tempfile.TemporaryDirectory(prefix="crosstrain-cbc-") as folder:
        log_path = os.path.join(folder, "cbc.log")
        command = pulp.COIN_CMD(path=cbc_path(), msg=False, timeLimit=time_limit,
                                gapRel=gap_rel, threads=1,
                                warmStart=bool(warm_start), logPath=log_path,
                                options=[f"randomSeed {seed}", f"randomCbcSeed {seed}"])
        problem.solve(command)
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            log = handle.read()
    return _read_cbc(problem, log, time_limit)


def _read_cbc(problem: pulp.LpProblem, log: str, time_limit: float) -> dict[str, Any]:
    result = re.search(r"Result - (.+)", log)
    result_text = result.group(1).strip() if result else ""
    has_solution = problem.sol_status in (pulp.LpSolutionOptimal,
                                          pulp.LpSolutionIntegerFeasible)
    if not has_solution and (problem.status == pulp.LpStatusInfeasible
                             or "infeasib" in log.lower()):
        return {"status": "infeasible", "objective": None, "bound": None, "gap": None,
                "values": {}, "message": "No plan satisfies every hard constraint."}
    if not has_solution:
        return {"status": "timeout", "objective": None, "bound": None, "gap": None,
                "values": {}, "message": f"No plan was found within {time_limit:g} s."}
    values = {var.name: float(var.varValue or 0.0) for var in problem.variables()}
    objective = float(pulp.value(problem.objective) or 0.0)
    proven = (problem.sol_status == pulp.LpSolutionOptimal
              and not result_text.lower().startswith("stopped"))
    bound = _cbc_bound(log)
    if bound is None and proven:
        bound = objective
    if proven:
        return {"status": "optimal", "objective": objective, "bound": bound,
                "gap": relative_gap(objective, bound), "values": values,
                "message": _optimal_message(objective, bound)}
    return {"status": "feasible", "objective": objective, "bound": bound,
            "gap": relative_gap(objective, bound), "values": values,
            "message": f"Stopped at the time limit with a plan ({result_text or 'CBC'})."}


def _cbc_bound(log: str) -> float | None:
    # CBC's summary gives the best bound in the model's own sense: "Lower bound" when
    # minimising, "Upper bound" when maximising.
    found = re.search(r"(?:Lower|Upper) bound:\s+" + _LOG_NUMBER, log)
    return float(found.group(1)) if found else None

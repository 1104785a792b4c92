"""Read untrusted bytes in a child process with a memory cap and a time budget.

``run(read, data, limits)`` forks; the child lowers its address-space limit
(``RLIMIT_AS``: what it has now plus ``limits.max_memory_bytes``) and its CPU time,
calls ``read(data, limits)`` and sends back the pickled ``ParsedPlan`` or the
refusal; the parent waits at most ``limits.max_seconds`` and kills it after that.
Whatever the file does — inflate, recurse, loop, crash the parser — the server
thread gets a plan or an ``ImportRefused`` and keeps its own memory.

The child never touches the database: it inherits the parent's connections but
only parses, and leaves with ``os._exit`` so nothing (sockets, atexit handlers,
buffered output) is closed or flushed twice. Fork works from pytest, the CLI and
waitress's worker threads alike. Where fork is missing the reader runs in-process,
still within every size cap, but without the memory and time budget.
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .base import ImportRefused, ParsedPlan
from .limits import Limits, count_text, size_text

Reader = Callable[[bytes, Limits], ParsedPlan]


@dataclass
class Outcome:
    plan: ParsedPlan | None = None
    refusal: str = ""
    line: int | None = None
    kind: str = ""  # the refusal's ``ImportRefused.kind``
    seconds: float = 0.0
    memory_bytes: int = 0  # growth of the child's peak resident memory while reading
    isolated: bool = True  # False when the reader ran in-process (no fork here)

    def result(self) -> ParsedPlan:
        if self.plan is None:
            raise ImportRefused(self.refusal, line=self.line, kind=self.kind)
        return self.plan


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _virtual_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _lower(kind: int, soft: int) -> None:
    _old_soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def memory_refusal(limits: Limits) -> ImportRefused:
    return ImportRefused(
        _("reading the file needs more than %(limit)s of memory; the limit is %(limit)s")
        % {"limit": size_text(limits.max_memory_bytes)}
    )


def time_refusal(limits: Limits) -> ImportRefused:
    return ImportRefused(
        _("reading the file takes more than %(limit)s seconds; the limit is %(limit)s seconds")
        % {"limit": count_text(math.ceil(limits.max_seconds))}
    )


def unexpected_refusal(exc: BaseException) -> ImportRefused:
    return ImportRefused(
        _(
            "the file could not be read (%(reason)s); check that it is a text, CSV, XLSX, "
            "DOCX or PDF document that opens in its usual program"
        )
        % {"reason": f"{type(exc).__name__}: {exc}"[:200]}
    )


def _read_guarded(read: Reader, data: bytes, limits: Limits) -> Outcome:
    """Call the reader; every failure becomes a refusal, never an exception."""
    try:
        return Outcome(plan=read(data, limits))
    except ImportRefused as exc:
        return Outcome(refusal=str(exc.message), line=exc.line, kind=exc.kind)
    except MemoryError:
        return Outcome(refusal=str(memory_refusal(limits)))
    except RecursionError:
        return Outcome(refusal=_("the file is nested too deeply to read; simplify its structure"))
    except Exception as exc:  # a parser library failed on a hostile file: refuse, never crash
        return Outcome(refusal=str(unexpected_refusal(exc)))


def _child(read: Reader, data: bytes, limits: Limits, pipe: int) -> None:
    start_rss = _rss_bytes()
    try:
        _lower(resource.RLIMIT_AS, _virtual_bytes() + limits.max_memory_bytes)
        _lower(resource.RLIMIT_CPU, math.ceil(limits.max_seconds) + 1)
    except (OSError, ValueError):
        pass
    outcome = _read_guarded(read, data, limits)
    outcome.memory_bytes = max(0, _peak_rss_bytes() - start_rss)
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(Outcome(refusal=str(memory_refusal(limits))))
    view = memoryview(payload)
    while view:
        view = view[os.write(pipe, view) :]


def _collect(pipe: int, deadline: float) -> bytes | None:
    """Everything the child writes before the deadline; None when time runs out."""
    parts: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _w, _x = select.select([pipe], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(pipe, 1024 * 1024)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def _in_process(read: Reader, data: bytes, limits: Limits, started: float) -> Outcome:
    """The fallback without fork: every size cap still holds, the memory and time budget not."""
    outcome = _read_guarded(read, data, limits)
    outcome.isolated = False
    outcome.seconds = time.monotonic() - started
    return outcome


_turns: dict[int, threading.BoundedSemaphore] = {}
_turns_lock = threading.Lock()


def _turn(limits: Limits) -> threading.BoundedSemaphore:
    with _turns_lock:
        return _turns.setdefault(
            limits.max_concurrent_reads, threading.BoundedSemaphore(limits.max_concurrent_reads)
        )


def busy_refusal(limits: Limits) -> ImportRefused:
    return ImportRefused(
        _(
            "this server is already reading as many documents as it reads at once "
            "(%(count)s); try again in a minute"
        )
        % {"count": limits.max_concurrent_reads}
    )


def run(read: Reader, data: bytes, limits: Limits) -> Outcome:
    """``read(data, limits)`` in a child process within the memory and time budget, with at
    most ``limits.max_concurrent_reads`` reads at a time in this process."""
    turn = _turn(limits)
    if not turn.acquire(timeout=limits.wait_for_a_turn_seconds):
        return Outcome(refusal=str(busy_refusal(limits)))
    try:
        return _run(read, data, limits)
    finally:
        turn.release()


def _die_with_the_parent() -> None:
    """Linux: the reader is killed when the process that asked for it dies (kill -9 of the
    command or the server), instead of running on alone until its CPU limit."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run(read: Reader, data: bytes, limits: Limits) -> Outcome:
    started = time.monotonic()
    if not hasattr(os, "fork"):
        return _in_process(read, data, limits, started)
    receive, send = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process can be started right now
        os.close(receive)
        os.close(send)
        return _in_process(read, data, limits, started)
    if pid == 0:  # the child
        code = 0
        try:
            _die_with_the_parent()
            os.close(receive)
            _child(read, data, limits, send)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(send)
    payload: bytes | None = None
    try:
        payload = _collect(receive, started + limits.max_seconds)
    finally:
        os.close(receive)
        if payload is None:
            os.kill(pid, signal.SIGKILL)
        try:
            _pid, status = os.waitpid(pid, 0)
        except ChildProcessError:  # SIGCHLD ignored by the host: the child was reaped already
            status = 0
    seconds = time.monotonic() - started
    if payload is None or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU):
        return Outcome(refusal=str(time_refusal(limits)), seconds=seconds)
    try:
        answer: Outcome = pickle.loads(payload)
    except Exception:
        # The child died before answering: most likely the C library or the kernel ran out
        # of memory (a Python MemoryError would have been answered as a refusal).
        return Outcome(refusal=str(memory_refusal(limits)), seconds=seconds)
    answer.seconds = seconds
    return answer

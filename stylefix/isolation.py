"""Work done in child processes, so that a crash or a hang costs one file, never the run or the editor's server.

LibCST's parser is native code: on a pathological file it can overflow its stack (SIGSEGV) or run for minutes.
`Pool` hands files to forked workers and watches them: a worker that dies costs only the file it was working
on (that file is reported, the rest of its chunk goes back to the queue, a new worker takes its place), and a
file that takes longer than the time limit is given up (its worker is killed and replaced). `ChildCaller` does
the same one call at a time (the language server, one document at a time).

Workers die with their parent, however it ends (SIGKILL included): on Linux the kernel sends them SIGTERM
(PR_SET_PDEATHSIG), elsewhere they notice the closed pipe once idle. A worker blocks SIGTERM only while it
replaces a file on disk, so a signal never leaves a file half-written.
"""
from collections import deque
import contextlib
from dataclasses import dataclass, field
import logging
import multiprocessing
from multiprocessing.connection import Connection, wait
import os
import pickle
import signal
import sys
import time
from typing import Any, Callable, Deque, Dict, Generic, Iterator, List, Optional, Sequence, Tuple, TypeVar, cast

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

# Linux's prctl(2) option that has the kernel signal a process when its parent dies.
PR_SET_PDEATHSIG = 1
# How long a worker may take to exit once told to (it is idle then), before it is killed.
EXIT_GRACE_SECONDS = 2.0


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: stop handing out work, keep every file whole, exit 143."""


class ChildFailed(Exception):
    """The child process died or ran out of time; the message says which, in the words reported for the file."""


def crash_message(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        return f"internal error: the parser crashed (signal {-exitcode})"
    return f"internal error: the worker process exited unexpectedly (exit code {exitcode})"


def timeout_message(seconds: float) -> str:
    return f"gave up after {seconds:g} s"


def _mp_context() -> Any:  # a ForkContext or SpawnContext
    # fork where there is one: workers start in milliseconds and share the parent's imported LibCST.
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def die_with_parent(parent: int) -> None:
    """In a child: end when the parent process ends, however it ends."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            logger.debug("prctl(PR_SET_PDEATHSIG) unavailable", exc_info=True)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


@contextlib.contextmanager
def no_termination() -> Iterator[None]:
    """Hold SIGTERM back for the duration (a file being replaced on disk); it takes effect right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _flush_std_streams() -> None:
    # A forked child flushes its copy of the parent's buffers when it exits: empty them first.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass


def _become_child(parent: int) -> None:
    """What every child does first: die with the parent; Ctrl-C goes to the whole process group and the parent
    decides; SIGTERM keeps its default (end at once)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _serve(connection: Connection, task: Callable[[Any], Any], parent: int) -> None:
    """A worker: run `task` on each item of each chunk received, sending one (index, result) per item."""
    _become_child(parent)
    while True:
        try:
            chunk = connection.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for index, item in chunk:
            connection.send((index, task(item)))


@dataclass
class _Worker(Generic[Item]):
    process: Any  # multiprocessing.Process
    connection: Connection
    in_hand: Deque[Tuple[int, Item]] = field(default_factory=deque)  # the first is being worked on
    started: float = 0.0  # when the first of `in_hand` was started (monotonic clock)


class Pool(Generic[Item, Result]):
    """`task` on each item in child processes; results in the items' order, a failure as `failed(item, message)`.

    The workers are started by the constructor (before the caller starts any thread, such as a progress bar's).
    """

    def __init__(
        self,
        items: Sequence[Item],
        task: Callable[[Item], Result],
        failed: Callable[[Item, str], Result],
        jobs: int,
        chunk_size: int,
        timeout: Optional[float],
    ) -> None:
        self.items = list(items)
        self.task, self.failed, self.timeout = task, failed, timeout
        indexed = list(enumerate(self.items))
        self.queue: Deque[List[Tuple[int, Item]]] = deque(
            indexed[start : start + chunk_size] for start in range(0, len(indexed), chunk_size)
        )
        self.results: Dict[int, Result] = {}
        self.workers: List[_Worker[Item]] = []
        for _ in range(min(jobs, len(self.queue))):
            self.workers.append(self._start())

    def _start(self) -> _Worker[Item]:
        context = _mp_context()
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(child_end, self.task, os.getpid()), daemon=True)
        _flush_std_streams()
        process.start()
        child_end.close()
        return _Worker(process=process, connection=parent_end)

    def results_in_order(self) -> Iterator[Result]:
        try:
            for index in range(len(self.items)):
                while index not in self.results:
                    self._step()
                yield self.results.pop(index)
        except BaseException:
            self.stop()
            raise
        self.close()

    def _step(self) -> None:
        """Hand out chunks to idle workers, then wait for a result, a death or a time limit."""
        now = time.monotonic()
        for worker in list(self.workers):
            if not worker.in_hand and self.queue:
                chunk = self.queue.popleft()
                worker.in_hand.extend(chunk)
                worker.started = now
                try:
                    worker.connection.send(chunk)
                except OSError:  # the worker died between two chunks: no file was in hand
                    worker.process.join()
                    self._replace(worker, None)
        busy = [worker for worker in self.workers if worker.in_hand]
        if not busy:
            if not self.queue:
                raise RuntimeError("no worker has work, yet results are missing")
            if not self.workers:
                self.workers.append(self._start())
            return  # a worker was replaced: hand out its chunk on the next step
        wait_for: Optional[float] = None
        if self.timeout is not None:
            wait_for = max(0.0, min(worker.started + self.timeout for worker in busy) - now)
        ready = set(wait([worker.connection for worker in busy] + [worker.process.sentinel for worker in busy], wait_for))
        now = time.monotonic()
        for worker in busy:
            if worker.connection in ready and self._receive(worker, now):
                continue
            if worker.process.sentinel in ready or worker.connection in ready:
                worker.process.join()
                self._replace(worker, crash_message(worker.process.exitcode))
            elif self.timeout is not None and worker.in_hand and now - worker.started >= self.timeout:
                worker.process.kill()
                worker.process.join()
                self._replace(worker, timeout_message(self.timeout))

    def _receive(self, worker: _Worker[Item], now: float) -> bool:
        """Read every result the worker has sent; False when its pipe is closed (the worker died)."""
        try:
            while worker.connection.poll():
                index, result = worker.connection.recv()
                self.results[index] = result
                worker.in_hand.popleft()
                worker.started = now
        except (EOFError, OSError, pickle.UnpicklingError):
            return False
        return True

    def _replace(self, worker: _Worker[Item], message: Optional[str]) -> None:
        """The worker is gone: its file in hand fails with `message`, the rest of its chunk is queued again."""
        if worker.in_hand and message is not None:
            index, item = worker.in_hand.popleft()
            self.results[index] = self.failed(item, message)
        if worker.in_hand:
            self.queue.appendleft(list(worker.in_hand))
        worker.connection.close()
        position = self.workers.index(worker)
        if self.queue:
            self.workers[position] = self._start()
        else:
            del self.workers[position]

    def close(self) -> None:
        """All results are in: let the workers exit."""
        for worker in self.workers:
            try:
                worker.connection.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + EXIT_GRACE_SECONDS
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self.workers = []

    def stop(self) -> None:
        """Interrupted: start nothing new; a worker ends at once, or right after the file it is replacing."""
        self.queue.clear()
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers:
            worker.process.join()
            worker.connection.close()
        self.workers = []


def _serve_calls(connection: Connection, function: Callable[..., Any], parent: int) -> None:
    """A long-lived child: `function(*args)` for each `args` received, answering (True, result) or (False, error)."""
    _become_child(parent)
    while True:
        try:
            args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply: Tuple[bool, Any] = (True, function(*args))
        except Exception as error:  # the caller sees the exception, as if it had made the call itself
            reply = (False, error)
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as error:  # an unpicklable result or exception
            connection.send((False, RuntimeError(f"{type(error).__name__}: {error}")))


class ChildCaller(Generic[Result]):
    """`function` called in one long-lived forked child, one call at a time (the language server's documents).

    Forking once, not per call, keeps a call's overhead to the pipe: a fresh fork pays a copy-on-write fault for
    every page the call touches (about 0.1 s per call, measured). A child that dies or exceeds the time limit is
    discarded and the next call starts a new one.
    """

    def __init__(self, function: Callable[..., Result]) -> None:
        self.function = function
        self.process: Any = None
        self.connection: Optional[Connection] = None

    def call(self, args: Tuple[Any, ...], timeout: Optional[float]) -> Result:
        """`function(*args)` in the child; raises ChildFailed when it dies or takes more than `timeout` seconds."""
        if self.process is None or not self.process.is_alive():
            self._start()
        assert self.connection is not None
        try:
            self.connection.send(args)
        except OSError:  # died since the last call: start again once
            self._start()
            self.connection.send(args)
        if not self.connection.poll(timeout):
            self._discard(kill=True)
            raise ChildFailed(timeout_message(timeout or 0))
        try:
            ok, value = self.connection.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            exitcode = self._discard(kill=False)
            raise ChildFailed(crash_message(exitcode))
        if not ok:
            raise value
        return cast(Result, value)

    def close(self) -> None:
        """End the child (idle between calls, so nothing is lost)."""
        self._discard(kill=True)

    def _start(self) -> None:
        self._discard(kill=True)
        context = _mp_context()
        self.connection, child_end = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve_calls, args=(child_end, self.function, os.getpid()), daemon=True)
        _flush_std_streams()
        self.process.start()
        child_end.close()

    def _discard(self, kill: bool) -> Optional[int]:
        exitcode = None
        if self.process is not None:
            if kill and self.process.is_alive():
                self.process.kill()
            self.process.join()
            exitcode = self.process.exitcode
        if self.connection is not None:
            self.connection.close()
        self.process, self.connection = None, None
        return exitcode

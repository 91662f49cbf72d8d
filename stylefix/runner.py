"""Files in, results out: `fix_file` (read, decide, write), `fix_stdin`, and `fix_paths` (discovery, cache, pool)."""
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
import difflib
import logging
import multiprocessing
import os
from pathlib import Path
import signal
import stat
import tempfile
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from stylefix.cache import Cache, CachedError, Verdict, content_digest, open_cache
from stylefix.config import Config
from stylefix.discovery import discover, project_modules
from stylefix.mentions import with_project_mentions
from stylefix.results import (
    BinaryFile,
    Change,
    FileResult,
    Mode,
    Status,
    StylefixError,
    UndecodableSource,
    UnparseableSource,
)

logger = logging.getLogger(__name__)

# Below this many files to parse, starting worker processes costs more than it saves.
MIN_FILES_FOR_POOL = 4
# Files per task sent to a worker: big enough to amortise the round trip, small enough to balance the load.
MAX_CHUNK = 16


@dataclass(frozen=True)
class RunOptions:
    mode: Mode
    safe: bool = True
    use_cache: bool = True
    jobs: int = 0  # 0: one per available CPU
    force_exclude: bool = False
    names: Optional[Tuple[str, ...]] = None  # run only these codemods (e.g. the LSP's organizeImports)
    codemods: Optional[Tuple[type, ...]] = None  # other codemod classes altogether (tests of the safety net)


@dataclass
class Outcome:
    """A worker's result for one file, plus what the parent needs to update the cache."""

    result: FileResult
    digest: Optional[str] = None
    cache_changes: Tuple[Change, ...] = ()
    cache_error: Optional[CachedError] = None  # cached like a verdict


class FileChangedOnDisk(StylefixError):
    pass


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=f"a/{path}", tofile=f"b/{path}"):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def write_atomically(path: Path, original: bytes, new: bytes) -> None:
    """Replace `path`'s content with `new` unless it changed since it was read as `original`.

    The new content goes to a temporary file in the same directory first and is moved over the original in one
    step (os.replace), so an interrupted run leaves either the old file or the new one, never half of each.
    """
    target = path.resolve()
    try:
        info = target.stat()
    except FileNotFoundError as error:
        raise FileChangedOnDisk("deleted while stylefix was running, not written") from error
    if not info.st_mode & stat.S_IWUSR:
        raise StylefixError("read-only file, not changed")
    with open(target, "rb") as handle:
        if handle.read() != original:
            raise FileChangedOnDisk("changed on disk while stylefix was running, not overwritten")
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".stylefix-tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(new)
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _error(display: str, message: str) -> Outcome:
    return Outcome(FileResult(path=display, status=Status.ERROR, error=message))


def process_source(
    source: bytes, path: Path, display: str, config: Config, options: RunOptions, write: bool
) -> Outcome:
    from stylefix.engine import fix_source

    digest = content_digest(source)
    try:
        fixed = fix_source(source, path, config, names=options.names, safe=options.safe, codemods=options.codemods)
    except (UnparseableSource, UndecodableSource, BinaryFile) as error:
        outcome = _error(display, error.located(display))
        outcome.digest, outcome.cache_error = digest, (error.message, error.line, error.column)
        return outcome
    except StylefixError as error:
        return _error(display, error.located(display))
    except RecursionError:
        return _error(display, f"{display}: too deeply nested to process")
    except Exception as error:  # a bug in stylefix: report it for this file and carry on with the others
        logger.debug("internal error on %s", display, exc_info=True)
        return _error(display, f"{display}: internal error: {type(error).__name__}: {error} — please report")
    if not fixed.changes:
        return Outcome(FileResult(display, Status.UNCHANGED, warnings=fixed.warnings), digest=digest)
    result = FileResult(display, Status.CHANGED, changes=fixed.changes, warnings=fixed.warnings)
    if options.mode is Mode.DIFF:
        result.diff = unified_diff(display, source, fixed.source)
    if write:
        try:
            write_atomically(path, source, fixed.source)
        except StylefixError as error:
            return _error(display, error.located(display))
        except OSError as error:
            return _error(display, f"{display}: cannot write: {error.strerror or error}")
        return Outcome(result, digest=content_digest(fixed.source), cache_changes=())
    result.source = fixed.source
    return Outcome(result, digest=digest, cache_changes=fixed.changes)


def read_source(path: Path) -> bytes:
    if path.is_dir():
        raise StylefixError("is a directory, not a file")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise StylefixError(f"cannot read: {error.strerror or error}") from error


def fix_file(path: Path, config: Config, options: RunOptions) -> Outcome:
    display = str(path)
    try:
        source = read_source(path)
    except StylefixError as error:
        return _error(display, error.located(display))
    outcome = process_source(source, path, display, config, options, write=options.mode is Mode.FIX)
    if options.mode is not Mode.DIFF:
        outcome.result.source = None  # only stdin prints sources; keep results small across processes
    return outcome


def with_project_modules(config: Config) -> Config:
    """`config` with the project's module index that sort-imports needs to recognise local imports."""
    if "sort-imports" in config.enabled and not config.project_modules:
        return replace(config, project_modules=project_modules(config))
    return config


def fix_stdin(source: bytes, filename: Optional[Path], config: Config, options: RunOptions) -> FileResult:
    # The same indexes `fix_paths` uses, so an editor's format-on-save and a run on the file agree.
    config = with_project_mentions(with_project_modules(config), options.use_cache)
    path = filename or Path("<stdin>")
    display = str(filename) if filename else "-"
    outcome = process_source(source, path, display, config, options, write=False)
    result = outcome.result
    if result.status is Status.UNCHANGED:
        result.source = source
    return result


# Worker-process state, set once per worker by the pool initializer (fork copies it; nothing is pickled per task).
_WORKER: dict = {}


def _init_worker(config: Config, options: RunOptions, stop: Optional[object]) -> None:
    # Ctrl-C goes to the whole process group; the parent decides, workers finish the file in hand.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(config=config, options=options, stop=stop)


def _process_chunk(paths: List[Path]) -> List[Outcome]:
    config, options, stop = _WORKER["config"], _WORKER["options"], _WORKER.get("stop")
    outcomes = []
    for path in paths:
        if stop is not None and stop.is_set():
            break
        outcomes.append(fix_file(path, config, options))
    return outcomes


def _chunks(paths: List[Path], jobs: int) -> List[List[Path]]:
    size = max(1, min(MAX_CHUNK, len(paths) // (jobs * 4) or 1))
    return [paths[start : start + size] for start in range(0, len(paths), size)]


def _mp_context() -> multiprocessing.context.BaseContext:
    # fork where there is one: workers start in milliseconds and share the parent's imported LibCST.
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def _default_executor(jobs: int, config: Config, options: RunOptions, stop: object) -> Executor:
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=_mp_context(), initializer=_init_worker, initargs=(config, options, stop)
    )


ExecutorFactory = Callable[[int, Config, RunOptions, object], Executor]


def _preload(config: Config) -> None:
    # Import LibCST and the codemods once in the parent so forked workers share them instead of each paying.
    from stylefix import registry

    for name in config.enabled:
        registry.SPECS[name].load()


def _run_work(
    work: List[Path], config: Config, options: RunOptions, executor_factory: Optional[ExecutorFactory]
) -> Iterator[Outcome]:
    """Outcomes for `work` in order. The pool is started here, before the caller draws anything (a progress
    bar's thread must not exist yet when workers fork)."""
    jobs = options.jobs or available_cpus()
    if executor_factory is None and (jobs == 1 or len(work) < MIN_FILES_FOR_POOL):
        return (fix_file(path, config, options) for path in work)
    _preload(config)
    stop = _mp_context().Event()
    executor = (executor_factory or _default_executor)(jobs, config, options, stop)
    futures = [executor.submit(_process_chunk, chunk) for chunk in _chunks(work, jobs)]
    return _collect(executor, futures, stop)


def _collect(executor: Executor, futures: List[Future], stop: object) -> Iterator[Outcome]:
    try:
        for future in futures:
            yield from future.result()
    except BaseException:
        # Ctrl-C or a broken pool: let workers finish the file in hand (writes are atomic), start nothing new.
        stop.set()
        for future in futures:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _cached_result(path: Path, verdict: Verdict, mode: Mode) -> Optional[FileResult]:
    error, changes = verdict.error_for(str(path)), verdict.changes
    if error is not None:
        return FileResult(str(path), Status.ERROR, error=error, cached=True)
    if not changes:
        return FileResult(str(path), Status.UNCHANGED, cached=True)
    if mode is Mode.CHECK:
        return FileResult(str(path), Status.CHANGED, changes=changes, cached=True)
    return None  # fix and diff need the new source


def fix_paths(
    paths: Sequence[Path],
    config: Config,
    options: RunOptions,
    executor_factory: Optional[ExecutorFactory] = None,
    on_total: Optional[Callable[[int], None]] = None,
) -> Iterator[FileResult]:
    """Results for every file under `paths`, in a stable (sorted) order; never raises for a bad file."""
    found = discover(paths, config, force_exclude=options.force_exclude)
    if on_total is not None:
        on_total(len(found.files) + len(found.errors) + len(found.excluded))
    for given, message in found.errors:
        yield FileResult(given, Status.ERROR, error=f"{given}: {message}")
    for path in found.excluded:
        yield FileResult(str(path), Status.EXCLUDED)
    files = sorted(found.files, key=lambda path: str(path))
    config = with_project_mentions(with_project_modules(config), options.use_cache)
    # --fast verdicts are kept apart: without the safety net a file this Python cannot parse may pass.
    fingerprint = config.fingerprint() + ("" if options.safe else "-fast")
    cache: Optional[Cache] = open_cache(config.root, fingerprint) if options.use_cache else None
    ready: dict = {}
    work: List[Path] = []
    for path in files:
        hit = _cache_lookup(cache, path, options.mode) if cache is not None else None
        if hit is not None:
            ready[path] = hit
        else:
            work.append(path)
    outcomes = _run_work(work, config, options, executor_factory) if work else iter(())
    try:
        for path in files:
            if path in ready:
                yield ready[path]
                continue
            outcome = next(outcomes)
            if cache is not None and outcome.digest is not None:
                cache.store(path, outcome.digest, outcome.cache_changes, outcome.cache_error)
            yield outcome.result
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
        if cache is not None:
            cache.save()


def _cache_lookup(cache: Cache, path: Path, mode: Mode) -> Optional[FileResult]:
    verdict = cache.lookup_stat(path)
    if verdict is None:
        try:
            source = read_source(path)
        except StylefixError:
            return None
        verdict = cache.lookup(path, content_digest(source))
    if verdict is None:
        return None
    return _cached_result(path, verdict, mode)

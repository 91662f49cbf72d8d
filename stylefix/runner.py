"""Files in, results out: `fix_file` (read, decide, write), `fix_stdin`, and `fix_paths` (discovery, cache, pool)."""
from dataclasses import dataclass, replace
import difflib
import functools
import logging
import os
from pathlib import Path
import stat
import tempfile
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from stylefix import registry
from stylefix.cache import Cache, CachedError, Verdict, content_digest, open_cache
from stylefix.config import EMPTY_INDEX, Config
from stylefix.contract import MODULE_INDEX
from stylefix.discovery import discover, project_modules
from stylefix.isolation import ChildCaller, ChildFailed, Pool, no_termination
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
    timeout: Optional[float] = None  # seconds per file; None: the configuration's `timeout`; 0: no limit


@dataclass
class Outcome:
    """A worker's result for one file, plus what the parent needs to update the cache."""

    result: FileResult
    digest: Optional[str] = None
    cache_changes: Tuple[Change, ...] = ()
    cache_error: Optional[CachedError] = None  # cached like a verdict
    cache_warnings: Tuple[str, ...] = ()  # the result's warnings without their leading "path:"


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
    step (os.replace), so an interrupted run leaves either the old file or the new one, never half of each. The
    owner and group are kept where the running user may set them. A file with more than one hard link is
    rewritten in place instead (see `_write_in_place`), so every link sees the fixed content.
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
    with no_termination():  # SIGTERM waits until the file is replaced: never a stray temporary file
        if info.st_nlink > 1:
            _write_in_place(target, original, new, info)
            return
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".stylefix-tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(new)
            _keep_owner(temporary, info)
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
            os.replace(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise


def _keep_owner(path: str, info: os.stat_result) -> None:
    """Give the new file the original's owner and group, as far as the running user may (best effort)."""
    for uid, gid in ((info.st_uid, info.st_gid), (-1, info.st_gid)):
        try:
            os.chown(path, uid, gid)
            return
        except OSError:
            continue


def _write_in_place(target: Path, original: bytes, new: bytes, info: os.stat_result) -> None:
    """Rewrite a hard-linked file through its inode, so that every link sees the fix.

    A rename would give this one link a new inode and leave the others with the old content. The original is
    first saved to a backup file beside it; the new content is written, flushed to disk and read back; only when
    it reads back exactly is the backup removed. Should the write fail, the original is written back; should the
    process die half-way, the backup (`.NAME.stylefix-backup`) still holds the original.
    """
    backup = target.parent / f".{target.name}.stylefix-backup"
    with open(backup, "wb") as handle:
        handle.write(original)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(backup, stat.S_IMODE(info.st_mode))
    try:
        _overwrite(target, new)
        with open(target, "rb") as handle:
            if handle.read() != new:
                raise OSError("the rewritten file does not read back as written")
    except BaseException:
        _overwrite(target, original)
        os.unlink(backup)
        raise
    os.unlink(backup)


def _overwrite(target: Path, content: bytes) -> None:
    with open(target, "r+b") as handle:
        handle.write(content)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _error(display: str, message: str) -> Outcome:
    return Outcome(FileResult(path=display, status=Status.ERROR, error=message))


def process_source(
    source: bytes, path: Path, display: str, config: Config, options: RunOptions, write: bool
) -> Outcome:
    from stylefix.engine import fix_source

    digest: Optional[str] = content_digest(source)
    try:
        fixed = fix_source(source, path, config, names=options.names, safe=options.safe, codemods=options.codemods)
    except (UnparseableSource, UndecodableSource, BinaryFile) as error:
        # Cached, "too deeply nested" included: the verdict depends only on the bytes and stylefix's version.
        outcome = _error(display, error.located(display))
        outcome.digest, outcome.cache_error = digest, (error.message, error.line, error.column)
        return outcome
    except StylefixError as error:
        return _error(display, error.located(display))
    except RecursionError:
        return _error(display, f"{display}:1:1: too deeply nested to process")
    except Exception as error:  # a bug in stylefix: report it for this file and carry on with the others
        logger.debug("internal error on %s", display, exc_info=True)
        return _error(display, f"{display}:1:1: internal error: {type(error).__name__}: {error} — please report")
    cache_warnings = unlocated_warnings(display, fixed.warnings)
    if cache_warnings is None:
        digest = None  # a warning this run cannot place again: not cached, so it is never lost
    if not fixed.changes:
        result = FileResult(display, Status.UNCHANGED, warnings=fixed.warnings)
        return Outcome(result, digest=digest, cache_warnings=cache_warnings or ())
    result = FileResult(display, Status.CHANGED, changes=fixed.changes, warnings=fixed.warnings)
    if options.mode is Mode.DIFF:
        result.diff = unified_diff(display, source, fixed.source)
    if write:
        try:
            write_atomically(path, source, fixed.source)
        except StylefixError as error:
            return _error(display, error.located(display))
        except OSError as error:
            return _error(display, f"{display}:1:1: cannot write: {error.strerror or error}")
        # The warnings were found in the file as read; the fixed file is cached as clean only without any.
        written = content_digest(fixed.source) if not fixed.warnings else None
        return Outcome(result, digest=written, cache_changes=())
    result.source = fixed.source
    return Outcome(result, digest=digest, cache_changes=fixed.changes, cache_warnings=cache_warnings or ())


def unlocated_warnings(display: str, warnings: Tuple[str, ...]) -> Optional[Tuple[str, ...]]:
    """The warnings without their leading "display:" (the engine locates every warning in the file), or None
    when one is not located in this file."""
    prefix = f"{display}:"
    if not all(warning.startswith(prefix) for warning in warnings):
        return None
    return tuple(warning[len(prefix) :] for warning in warnings)


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
    """`config` with the project's module index, for the enabled codemods that need it (sort-imports' local imports)."""
    if registry.needed(MODULE_INDEX, config.enabled) and config.project_modules is EMPTY_INDEX:
        return replace(config, project_modules=project_modules(config))
    return config


def fix_stdin(source: bytes, filename: Optional[Path], config: Config, options: RunOptions) -> FileResult:
    # The same indexes `fix_paths` uses, so an editor's format-on-save and a run on the file agree.
    config = with_project_mentions(with_project_modules(config), options.use_cache)
    path = filename or Path("<stdin>")
    display = str(filename) if filename else "-"
    # In a child process, as every file of a run is: a crash or a hang costs this answer (an error on stderr,
    # the input untouched), and --timeout / the `timeout` key hold for the editor's call too.
    timeout = options.timeout if options.timeout is not None else config.timeout
    caller: ChildCaller[Outcome] = ChildCaller(
        functools.partial(process_source, source, path, display, config, options, write=False)
    )
    try:
        outcome = caller.call((), timeout or None)
    except ChildFailed as error:
        outcome = _error(display, f"{display}:1:1: {error}")
    finally:
        caller.close()
    result = outcome.result
    if result.status is Status.UNCHANGED:
        result.source = source
    return result


def _chunks_size(count: int, jobs: int) -> int:
    return max(1, min(MAX_CHUNK, count // (jobs * 4) or 1))


def _preload(config: Config) -> None:
    # Import LibCST and the codemods once in the parent so forked workers share them instead of each paying.
    from stylefix import registry

    for name in config.enabled:
        registry.SPECS[name].load()


def _run_work(work: List[Path], config: Config, options: RunOptions) -> Iterator[Outcome]:
    """Outcomes for `work` in order, each file processed in a worker process (stylefix/isolation.py), even with
    one job: a crash or a hang costs that file only. The workers start here, before the caller draws anything
    (a progress bar's thread must not exist yet when they fork)."""
    jobs = options.jobs or available_cpus()
    if len(work) < MIN_FILES_FOR_POOL:
        jobs = 1  # LibCST is imported by the worker only if a file needs it
    else:
        _preload(config)
    timeout = options.timeout if options.timeout is not None else config.timeout
    pool = Pool(
        work,
        task=functools.partial(fix_file, config=config, options=options),
        failed=_failed,
        jobs=jobs,
        chunk_size=_chunks_size(len(work), jobs),
        timeout=timeout or None,
    )
    return pool.results_in_order()


def _failed(path: Path, message: str) -> Outcome:
    # Not cached: a crash or a time limit may not happen again (memory, load, a longer --timeout).
    return _error(str(path), f"{path}:1:1: {message}")


def _cached_result(path: Path, verdict: Verdict, mode: Mode) -> Optional[FileResult]:
    error, changes = verdict.error_for(str(path)), verdict.changes
    if error is not None:
        return FileResult(str(path), Status.ERROR, error=error, cached=True)
    warnings = tuple(f"{path}:{warning}" for warning in verdict.warnings)
    if not changes:
        return FileResult(str(path), Status.UNCHANGED, warnings=warnings, cached=True)
    if mode is Mode.CHECK:
        return FileResult(str(path), Status.CHANGED, changes=changes, warnings=warnings, cached=True)
    return None  # fix and diff need the new source


def fix_paths(
    paths: Sequence[Path],
    config: Config,
    options: RunOptions,
    on_total: Optional[Callable[[int], None]] = None,
) -> Iterator[FileResult]:
    """Results for every file under `paths`, in a stable (sorted) order; never raises for a bad file."""
    found = discover(paths, config, force_exclude=options.force_exclude)
    if on_total is not None:
        on_total(len(found.files) + len(found.errors) + len(found.excluded))
    for given, message in found.errors:
        yield FileResult(given, Status.ERROR, error=f"{given}:1:1: {message}")
    for path in found.excluded:
        yield FileResult(str(path), Status.EXCLUDED)
    for path in found.outside:
        yield FileResult(str(path), Status.EXCLUDED, error=f"{path}: skipped: a symlink to a file outside the project")
    for warning in found.warnings:
        yield FileResult("", Status.EXCLUDED, warnings=(warning,))
    files = sorted(found.files, key=lambda path: str(path))
    config = with_project_mentions(with_project_modules(config), options.use_cache)
    # --fast verdicts are kept apart: without the safety net a file this Python cannot parse may pass.
    fingerprint = config.fingerprint() + ("" if options.safe else "-fast")
    cache: Optional[Cache] = open_cache(config.root, fingerprint) if options.use_cache else None
    ready: Dict[Path, FileResult] = {}
    work: List[Path] = []
    for path in files:
        hit = _cache_lookup(cache, path, options.mode) if cache is not None else None
        if hit is not None:
            ready[path] = hit
        else:
            work.append(path)
    outcomes = _run_work(work, config, options) if work else iter(())
    try:
        for path in files:
            if path in ready:
                yield ready[path]
                continue
            outcome = next(outcomes)
            if cache is not None and outcome.digest is not None:
                cache.store(path, outcome.digest, outcome.cache_changes, outcome.cache_error, outcome.cache_warnings)
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

"""stylefix as a library: `fix_bytes` -> `fix_file` -> `fix_paths`, and `fix_stdin`.

Each layer calls the one below it, as the CLI and the language server do. Without a `config`, the settings are
those a run from the command line would use: the nearest pyproject.toml with `[tool.stylefix]` above the file
(or the common directory of `paths`). Without `options`, files are fixed in place with the safety net on.
"""
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from stylefix import runner
from stylefix.config import Config, common_base, load_config
from stylefix.engine import fix_source
from stylefix.results import FileResult, FixResult, Mode
from stylefix.runner import RunOptions

__all__ = ["FileResult", "FixResult", "Mode", "RunOptions", "fix_bytes", "fix_file", "fix_paths", "fix_stdin"]

FIX = RunOptions(mode=Mode.FIX)


def fix_bytes(
    source: bytes, path: Path, config: Optional[Config] = None, names: Optional[Sequence[str]] = None, safe: bool = True
) -> FixResult:
    """One file's bytes in, the fixed bytes, changes and warnings out; nothing is read or written. `path` decides
    what the file is (a test file, its local modules). Raises StylefixError subclasses for a file that cannot be
    processed (UnparseableSource, UndecodableSource, BinaryFile, InternalError from the safety net)."""
    return fix_source(source, path, config or load_config(path), names=names, safe=safe)


def fix_file(path: Path, config: Optional[Config] = None, options: RunOptions = FIX) -> FileResult:
    """Read one file and fix it (`Mode.FIX` writes it atomically), check it, or diff it; never raises for a bad
    file: its error is in the result."""
    config = runner.with_project_modules(config or load_config(path))
    return runner.fix_file(path, config, options).result


def fix_stdin(
    source: bytes, filename: Optional[Path] = None, config: Optional[Config] = None, options: RunOptions = FIX
) -> FileResult:
    """The editor contract (`stylefix fix - --stdin-filename PATH`): the result's `source` holds the new text."""
    config = config or load_config(filename if filename is not None else Path.cwd())
    return runner.fix_stdin(source, filename, config, options)


def fix_paths(
    paths: Sequence[Path],
    config: Optional[Config] = None,
    options: RunOptions = FIX,
    on_total: Optional[Callable[[int], None]] = None,
) -> Iterator[FileResult]:
    """Every Python file under `paths` (discovery, cache, worker processes), one result each in sorted order."""
    config = config or load_config(common_base(paths))
    return runner.fix_paths(paths, config, options, on_total=on_total)

"""Which files a run touches: *.py and *.pyi under the given paths, minus excludes and .gitignore'd paths."""
from dataclasses import dataclass, field
import logging
import os
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

import pathspec

from stylefix.config import Config

logger = logging.getLogger(__name__)

PYTHON_SUFFIXES: Tuple[str, ...] = (".py", ".pyi")


@dataclass
class Discovered:
    files: List[Path] = field(default_factory=list)
    # (path as given, one-line message) for paths that cannot be processed at all
    errors: List[Tuple[str, str]] = field(default_factory=list)
    excluded: List[Path] = field(default_factory=list)


class Excluder:
    """`exclude`/`extend-exclude` globs (gitignore syntax, relative to the project root) and .gitignore files."""

    def __init__(self, config: Config) -> None:
        self.root = config.root.resolve()
        self.patterns = pathspec.GitIgnoreSpec.from_lines(config.exclude + config.extend_exclude)
        self._gitignores: Dict[Path, Optional[pathspec.GitIgnoreSpec]] = {}

    def _relative(self, path: Path) -> Optional[Path]:
        try:
            return path.relative_to(self.root)
        except ValueError:
            return None

    def _gitignore(self, directory: Path) -> Optional[pathspec.GitIgnoreSpec]:
        if directory not in self._gitignores:
            spec = None
            ignore_file = directory / ".gitignore"
            try:
                with open(ignore_file, encoding="utf-8", errors="replace") as handle:
                    spec = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
            except OSError:
                spec = None
            self._gitignores[directory] = spec
        return self._gitignores[directory]

    def is_excluded(self, path: Path, is_dir: bool) -> bool:
        absolute = path if path.is_absolute() else Path.cwd() / path
        absolute = Path(os.path.normpath(absolute))
        relative = self._relative(absolute)
        suffix = "/" if is_dir else ""
        if relative is None:
            # Outside the project: only the file or directory name is matched against the exclude patterns.
            return self.patterns.match_file(absolute.name + suffix)
        if relative == Path("."):
            return False
        if self.patterns.match_file(relative.as_posix() + suffix):
            return True
        # .gitignore files from the root down to the path's directory; the deepest file that has an opinion wins.
        verdict: Optional[bool] = None
        directory = self.root
        for part in relative.parts[:-1] + ("",):
            spec = self._gitignore(directory)
            if spec is not None:
                inner = absolute.relative_to(directory).as_posix() + suffix
                result = spec.check_file(inner)
                if result.include is not None:
                    verdict = result.include
            if not part:
                break
            directory = directory / part
        return bool(verdict)


def _walk(directory: Path, excluder: Excluder, found: Discovered) -> None:
    for current, dirnames, filenames in os.walk(directory, followlinks=False):
        base = Path(current)
        dirnames[:] = sorted(name for name in dirnames if not excluder.is_excluded(base / name, is_dir=True))
        for name in sorted(filenames):
            if not name.endswith(PYTHON_SUFFIXES):
                continue
            path = base / name
            if excluder.is_excluded(path, is_dir=False):
                continue
            if path.is_symlink():
                problem = _symlink_problem(path)
                if problem:
                    found.errors.append((str(path), problem))
                    continue
            found.files.append(path)
        # Directory symlinks are never followed (os.walk skips them): no loops, no leaving the project.


def _symlink_problem(path: Path) -> Optional[str]:
    try:
        path.stat()
    except OSError as error:
        if error.errno == 40:  # ELOOP
            return "symlink loop, not processed"
        return "broken symlink, not processed"
    return None


def discover(paths: Sequence[Path], config: Config, force_exclude: bool = False) -> Discovered:
    excluder = Excluder(config)
    found = Discovered()
    for path in paths:
        if path.is_symlink() and not path.is_dir():
            problem = _symlink_problem(path)
            if problem:
                found.errors.append((str(path), problem))
                continue
        if path.is_dir():
            if force_exclude and excluder.is_excluded(path, is_dir=True):
                continue
            _walk(path, excluder, found)
        elif path.exists():
            if force_exclude and excluder.is_excluded(path, is_dir=False):
                found.excluded.append(path)
                continue
            found.files.append(path)
        else:
            found.errors.append((str(path), "no such file or directory"))
    found.files = _dedupe(found.files)
    return found


def _dedupe(files: List[Path]) -> List[Path]:
    seen: Set[Path] = set()
    unique = []
    for path in files:
        try:
            key = path.resolve()
        except OSError:
            key = path
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def project_modules(config: Config) -> FrozenSet[str]:
    """Every name that can be the first component of an import of the project's own code.

    sort-imports files an import as local when its first component is one of these. The guide's author keeps
    packages in sub-directories, some without __init__.py, so every directory counts, not only the root: a
    module or package directory anywhere is a top-level name unless it sits inside a regular package (a
    directory with __init__.py), whose contents are only reached through the package's own name
    (`celery/backends/redis.py` makes `celery` local, not `redis`). The walk therefore stops at a regular
    package: what is inside cannot add a name, and most of a project's files are (one pass over the project,
    about a twentieth of the time it took to visit every file).
    """
    root = config.root
    excluder = Excluder(config)
    names: Set[str] = set()
    for current, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(current)
        dirnames[:] = [name for name in dirnames if not excluder.is_excluded(base / name, is_dir=True)]
        candidates = [name for name in filenames if name.endswith(PYTHON_SUFFIXES)]
        python_files = [name for name in candidates if not excluder.is_excluded(base / name, is_dir=False)]
        if not python_files:
            continue
        names.update(part for part in base.relative_to(root).parts if part.isidentifier())
        if base != root and "__init__.py" in python_files:
            dirnames[:] = []
            continue
        for name in python_files:
            stem = name.rsplit(".", 1)[0]
            if stem.isidentifier() and stem != "__init__":
                names.add(stem)
    return frozenset(names)

"""Content-keyed verdict cache in `.stylefix_cache/` at the project root.

A key is (path, content hash) under a file named after the stylefix version, the Python version (which decides
what parses) and the config fingerprint, so any change to the file, the configuration, stylefix or Python misses.
Three verdicts are kept: "clean" (no changes), "would change" (with its changes, so `check` can report without
parsing) and "cannot be processed" for input errors that depend only on the bytes (cannot parse, cannot
decode, binary), so a warm run over a tree with one broken file does not import LibCST to say so again. A stat
shortcut (mtime, size) avoids reading files that have not been touched since the last run. The warnings of a
clean or "would change" verdict are kept with it (without the file's path, which depends on how it was named),
so a cache hit reports them again.
"""
from dataclasses import dataclass
import hashlib
import json
import logging
import os
from pathlib import Path
import sys
import tempfile
from typing import Any, Dict, List, Optional, Tuple

from stylefix.results import Change, StylefixError

logger = logging.getLogger(__name__)

CACHE_FORMAT = 3

# An input error that depends only on a file's bytes: (message, line, column), as StylefixError takes them.
CachedError = Tuple[str, Optional[int], Optional[int]]


@dataclass(frozen=True)
class Verdict:
    digest: str
    changes: Tuple[Change, ...]
    error: Optional[CachedError] = None
    # Each warning after its "path:", e.g. "3:1: assert-order: ..."; the caller puts the path back.
    warnings: Tuple[str, ...] = ()

    def error_for(self, display: str) -> Optional[str]:
        if self.error is None:
            return None
        return StylefixError(*self.error).located(display)


def content_digest(source: bytes) -> str:
    return hashlib.blake2b(source, digest_size=16).hexdigest()


def _version() -> str:
    from stylefix.version import VERSION

    return VERSION


class Cache:
    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        python = "py{}{}".format(*sys.version_info[:2])
        self.file = directory / f"v{CACHE_FORMAT}-{_version()}-{python}-{fingerprint}.json"
        self._entries: Dict[str, List[Any]] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.file, encoding="utf-8") as handle:
                data = json.load(handle)
            if isinstance(data, dict):
                self._entries = data
        except (OSError, ValueError):
            self._entries = {}

    @staticmethod
    def _stat(path: Path) -> Optional[Tuple[int, int]]:
        try:
            info = path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def lookup_stat(self, path: Path) -> Optional[Verdict]:
        """A verdict without reading the file, when its mtime and size are what they were."""
        entry = self._entries.get(os.path.abspath(path))
        if not entry:
            return None
        stat = self._stat(path)
        if stat is None or [stat[0], stat[1]] != entry[0:2]:
            return None
        return _verdict(entry)

    def lookup(self, path: Path, digest: str) -> Optional[Verdict]:
        entry = self._entries.get(os.path.abspath(path))
        if not entry or entry[2] != digest:
            return None
        return _verdict(entry)

    def store(
        self,
        path: Path,
        digest: str,
        changes: Tuple[Change, ...],
        error: Optional[CachedError] = None,
        warnings: Tuple[str, ...] = (),
    ) -> None:
        stat = self._stat(path)
        if stat is None:
            return
        self._entries[os.path.abspath(path)] = [
            stat[0],
            stat[1],
            digest,
            [[change.codemod, change.line, change.message] for change in changes],
            list(error) if error is not None else None,
            list(warnings),
        ]
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by stylefix automatically.\n*\n", encoding="utf-8")
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(self._entries, handle)
            os.replace(temporary, self.file)
        except OSError as error:
            logger.warning("cannot write cache %s: %s", self.file, error)


def _verdict(entry: List[Any]) -> Verdict:
    error = entry[4]
    changes = tuple(Change(*change) for change in entry[3])
    return Verdict(entry[2], changes, tuple(error) if error else None, tuple(entry[5]))


def open_cache(root: Path, fingerprint: str) -> Cache:
    return Cache(root / ".stylefix_cache", fingerprint)

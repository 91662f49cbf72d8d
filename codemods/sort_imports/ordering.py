"""What order `sort-imports` writes: each import's group (future, standard library, third-party, local) and its
sort key inside the group, and how a statement is quoted in a message.

Free of LibCST: shared by the codemod (transform.py), its byte-level pre-check (precheck.py) and `stylefix init`,
which compares the project's import blocks with this classification.
"""
from dataclasses import dataclass
import functools
from pathlib import Path
import re
import sys
from typing import Any, Dict, FrozenSet, Optional, Sequence, Tuple, Union

from stylefix.codemods.sort_imports.spec import SortImportsOptions
from stylefix.config import ModuleIndex
from stylefix.context import FileContext

FUTURE, STDLIB, THIRD_PARTY, LOCAL = 0, 1, 2, 3
GROUP_NAMES: Tuple[str, ...] = ("__future__", "standard library", "third-party", "local")
# Standard-library modules that some Python 3 has and the running one may not (removed since 3.8, or added after
# 3.10): with them the grouping is the same whichever Python runs stylefix, and old `try: import imp` code sorts
# the way it was written.
STDLIB_OTHER_VERSIONS: FrozenSet[str] = frozenset(
    {
        # removed: 3.8 macpath; 3.9 dummy_threading; 3.10 formatter, parser, symbol; 3.11 binhex
        "macpath", "dummy_threading", "_dummy_thread", "formatter", "parser", "symbol", "binhex",
        # removed in 3.12
        "asynchat", "asyncore", "distutils", "imp", "smtpd",
        # removed in 3.13
        "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap", "msilib", "nis",
        "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib",
        # added: 3.11 tomllib; 3.14 annotationlib, compression
        "tomllib", "annotationlib", "compression",
    }
)
STDLIB_NAMES: FrozenSet[str] = frozenset(sys.stdlib_module_names) | STDLIB_OTHER_VERSIONS
# Messages quote statements; longer ones are cut to keep a report line readable.
MAX_QUOTED = 60
DIGITS_RE = re.compile(r"(\d+)")

NaturalKey = Tuple[Union[str, int], ...]


@dataclass(frozen=True)
class Classifier:
    """Everything that decides an import's group, built once per configuration."""

    # dotted module prefix -> group, from known-first-party / known-third-party / extra-standard-library
    user: Dict[str, int]
    # top-level names of the project's own modules that the file can import (see local_names)
    local: FrozenSet[str]

    def group(self, module: str, level: int, is_from: bool) -> int:
        if level:
            return LOCAL
        if is_from and module == "__future__":
            return FUTURE
        if self.user:
            prefix = module
            while prefix:
                found = self.user.get(prefix)
                if found is not None:
                    return found
                prefix = prefix.rpartition(".")[0]
        top = module.partition(".")[0]
        if top in STDLIB_NAMES:
            return STDLIB
        if top in self.local:
            return LOCAL
        return THIRD_PARTY


@functools.lru_cache(maxsize=64)
def _user_groups(options: SortImportsOptions) -> Tuple[Tuple[str, int], ...]:
    pairs: Dict[str, int] = {}
    # Later lists lose to earlier ones when a name is listed twice: first-party, third-party, standard library.
    for names, group in (
        (options.extra_standard_library, STDLIB),
        (options.known_third_party, THIRD_PARTY),
        (options.known_first_party, LOCAL),
    ):
        for name in names:
            pairs[name.strip()] = group
    return tuple((name, group) for name, group in pairs.items() if name)


def _own_package(parts: Tuple[str, ...]) -> Optional[str]:
    if len(parts) > 2 and parts[0] == "src":
        parts = parts[1:]
    if not parts:
        return None
    top = parts[0] if len(parts) > 1 else Path(parts[0]).stem
    return top if top.isidentifier() else None


def project_of(index: ModuleIndex, parts: Tuple[str, ...]) -> Tuple[ModuleIndex, Tuple[str, ...]]:
    """The index of the innermost (nested) project holding the file, and the file's path relative to it."""
    for length in range(len(parts) - 1, 0, -1):
        found = index.nested.get("/".join(parts[:length]))
        if found is not None:
            return project_of(found, parts[length:])
    return index, parts


def local_names(file: FileContext) -> FrozenSet[str]:
    """Top-level names local in this file: those of the project's source roots and of the file's own
    directory (on sys.path when it runs as a script or as a pytest test), in the innermost project holding it."""
    index = file.config.project_modules
    relative = file.relative_path()
    if relative is None:
        return index.names
    index, parts = project_of(index, relative.parts)
    own = _own_package(parts)
    names = index.names | {own} if own else index.names
    directory = parts[:-1]
    while directory:
        found = index.directories.get("/".join(directory))
        if found is not None:
            return names | found
        if "/".join(directory) in index.roots:
            break
        directory = directory[:-1]
    return names


def classifier_for(file: FileContext, options: SortImportsOptions) -> Classifier:
    return Classifier(dict(_user_groups(options)), local_names(file))


def natural_key(text: str) -> NaturalKey:
    """Digit runs compared as numbers: `a9` < `a10`."""
    parts = DIGITS_RE.split(text)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


def sort_key(module: str, level: int, is_from: bool, rest: str, force_sort_within_sections: bool) -> Tuple[Any, ...]:
    """Order inside a group: absolute before relative (farthest first), then by module name, case-insensitively.

    Statements of the same module (kept apart, never merged) are ordered by the text of what they import,
    case-sensitively, so `from x import A` comes before `from x import b`, as isort orders them."""
    relative = (1, -level) if level else (0, 0)
    kind = 1 if is_from else 0
    by_type = () if force_sort_within_sections else (kind,)
    return (relative, *by_type, natural_key(module.lower()), kind, natural_key(rest))


def import_text(names: Sequence[Tuple[str, Optional[str]]]) -> str:
    return "import " + ", ".join(name + (f" as {alias}" if alias else "") for name, alias in names)


def from_text(level: int, module: str, names: Sequence[Tuple[str, Optional[str]]], parenthesized: bool) -> str:
    listed = ", ".join(name + (f" as {alias}" if alias else "") for name, alias in names)
    if parenthesized:
        listed = f"({listed})"
    return f"from {'.' * level}{module} import {listed}"


def quote(text: str) -> str:
    return "`" + (text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 3] + "...") + "`"

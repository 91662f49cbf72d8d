"""Which files a run touches: *.py and *.pyi under the given paths, minus excludes and .gitignore'd paths."""
from dataclasses import dataclass, field
import logging
import os
from pathlib import Path
import re
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

import pathspec

from stylefix.config import Config, ModuleIndex

logger = logging.getLogger(__name__)

PYTHON_SUFFIXES: Tuple[str, ...] = (".py", ".pyi")
# Up to this many candidate names, a file is searched for each before its imports are scanned.
MAX_NEEDLES = 64


@dataclass
class Discovered:
    files: List[Path] = field(default_factory=list)
    # (path as given, one-line message) for paths that cannot be processed at all
    errors: List[Tuple[str, str]] = field(default_factory=list)
    excluded: List[Path] = field(default_factory=list)
    # symlinks met in a walk that lead out of the project root: skipped (a named path is still processed)
    outside: List[Path] = field(default_factory=list)
    # named directories that yield no file because they are excluded
    warnings: List[str] = field(default_factory=list)


class _Matcher:
    """A GitIgnoreSpec asked about one path: one search of one combined regular expression when no pattern
    negates (the usual case: pathspec otherwise tries each pattern in turn), else pathspec itself."""

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self.combined: Optional["re.Pattern[str]"] = None
        patterns = [pattern for pattern in spec.patterns if pattern.include is not None]
        regexes: List[Any] = [getattr(pattern, "regex", None) for pattern in patterns]
        if all(pattern.include for pattern in patterns) and all(isinstance(r, re.Pattern) for r in regexes):
            flags = {regex.flags for regex in regexes}
            if len(flags) <= 1:
                # Named groups (pathspec marks directory matches with one) cannot repeat in one expression.
                parts = [re.sub(r"\(\?P<\w+>", "(?:", regex.pattern) for regex in regexes]
                try:
                    self.combined = re.compile("|".join(f"(?:{part})" for part in parts) or "(?!)", *flags)
                except re.error:  # e.g. an inline flag that only a whole expression may carry: ask pathspec
                    self.combined = None

    def verdict(self, path: str) -> Optional[bool]:
        """True: excluded, False: re-included by a negation, None: no pattern has an opinion."""
        if self.combined is not None:
            return True if self.combined.search(path) else None
        return self.spec.check_file(path).include


class Excluder:
    """`exclude`/`extend-exclude` globs (gitignore syntax, relative to the project root) and .gitignore files.

    Asked once per directory and file of a walk, so it works on strings and remembers, per directory, the path
    relative to the root and the .gitignore files that apply there (a warm run over a large repository is
    mostly this).
    """

    def __init__(self, config: Config) -> None:
        self.root = os.path.normpath(str(config.root.resolve()))
        self._cwd = os.getcwd()  # relative paths are relative to where the run started
        self.patterns = _Matcher(pathspec.GitIgnoreSpec.from_lines(config.exclude + config.extend_exclude))
        # directory -> (its path relative to the root with a trailing "/", the .gitignore specs from the root
        # down to it with the relative path of the directory holding each), or None outside the project
        self._contexts: Dict[str, Optional[Tuple[str, Tuple[Tuple[_Matcher, str], ...]]]] = {}
        # directories whose listing the walk has seen without a .gitignore: no need to look for one
        self._without_gitignore: Set[str] = set()

    def listed(self, directory: str, names: Set[str]) -> None:
        """The walk has listed `directory` (absolute and normalised): remember whether it holds a .gitignore."""
        if ".gitignore" not in names:
            self._without_gitignore.add(directory)

    def _read_gitignore(self, directory: str) -> Optional[_Matcher]:
        path = os.path.join(directory, ".gitignore")
        # Most directories have none: known from the walk's listing, else a stat is cheaper than a failed open.
        if directory in self._without_gitignore or not os.path.isfile(path):
            return None
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return _Matcher(pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines()))
        except OSError:
            return None

    def _context(self, directory: str) -> Optional[Tuple[str, Tuple[Tuple[_Matcher, str], ...]]]:
        if directory in self._contexts:
            return self._contexts[directory]
        context: Optional[Tuple[str, Tuple[Tuple[_Matcher, str], ...]]] = None
        if directory == self.root:
            prefix, specs = "", ()
            context = (prefix, specs)
        else:
            parent, name = os.path.split(directory)
            outer = self._context(parent) if parent != directory else None
            if outer is not None:
                context = (outer[0] + name + "/", outer[1])
        if context is not None:
            spec = self._read_gitignore(directory)
            if spec is not None:
                context = (context[0], context[1] + ((spec, context[0]),))
        self._contexts[directory] = context
        return context

    def absolute(self, path: "Union[os.PathLike[str], str]") -> str:
        return os.path.normpath(os.path.join(self._cwd, path))

    def reason(self, path: Path, is_dir: bool) -> str:
        """Why an excluded path is excluded, for a warning."""
        context = self._context(os.path.dirname(self.absolute(path)))
        name = os.path.basename(self.absolute(path)) + ("/" if is_dir else "")
        if self.patterns.verdict((context[0] if context is not None else "") + name):
            return "excluded by exclude / extend-exclude"
        return "excluded by .gitignore"

    def is_excluded(self, path: Path, is_dir: bool) -> bool:
        absolute = self.absolute(path)
        if absolute == self.root:
            return False
        directory, name = os.path.split(absolute)
        return self.is_excluded_in(directory, name, is_dir)

    def is_excluded_in(self, directory: str, name: str, is_dir: bool) -> bool:
        """`name` inside `directory` (absolute and normalised): the walk asks this way, without building paths."""
        context = self._context(directory)
        suffix = "/" if is_dir else ""
        if context is None:
            # Outside the project: only the file or directory name is matched against the exclude patterns.
            return bool(self.patterns.verdict(name + suffix))
        prefix, specs = context
        relative = prefix + name + suffix
        if self.patterns.verdict(relative):
            return True
        # .gitignore files from the root down to the path's directory; the deepest file that has an opinion wins.
        verdict: Optional[bool] = None
        for spec, base in specs:
            result = spec.verdict(relative[len(base) :])
            if result is not None:
                verdict = result
        return bool(verdict)


def _walk(directory: Path, excluder: Excluder, found: Discovered) -> None:
    """Like os.walk, but on os.scandir's entries: their types come with the listing, so a file costs no stat of
    its own. Files and errors come out sorted by path."""
    files: List[str] = []
    errors: List[Tuple[str, str]] = []
    outside: List[str] = []
    pending: List[Tuple[str, str]] = [(os.fspath(directory), excluder.absolute(directory))]
    while pending:
        current, absolute = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            continue  # unreadable or vanished directory: skipped, as os.walk does
        excluder.listed(absolute, {entry.name for entry in entries})
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # a symlink to a directory counts as one (and is not entered below)
            except OSError:
                is_dir = False
            if is_dir:
                # Directory symlinks are never followed: no loops, no leaving the project.
                if not entry.is_symlink() and not excluder.is_excluded_in(absolute, name, is_dir=True):
                    pending.append((entry.path, os.path.join(absolute, name)))
                continue
            if not name.endswith(PYTHON_SUFFIXES) or excluder.is_excluded_in(absolute, name, is_dir=False):
                continue
            if entry.is_symlink():
                problem = _symlink_problem(Path(entry.path))
                if problem:
                    errors.append((str(Path(entry.path)), problem))
                    continue
                if not _inside(os.path.realpath(entry.path), excluder.root):
                    # A cloned repository must not make stylefix write anywhere the user may: black skips these too.
                    outside.append(entry.path)
                    continue
            files.append(entry.path)
    found.files.extend(Path(path) for path in sorted(files))
    found.outside.extend(Path(path) for path in sorted(outside))
    found.errors.extend(sorted(errors))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


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
            before = len(found.files)
            if not force_exclude or not excluder.is_excluded(path, is_dir=True):
                _walk(path, excluder, found)
            if len(found.files) == before and excluder.is_excluded(path, is_dir=True):
                reason = excluder.reason(path, is_dir=True)
                found.warnings.append(f"no Python files found under {path} ({reason})")
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
    # The same file reached twice (named twice, or through a symlink) is processed once; one stat per file.
    seen: Set[object] = set()
    unique = []
    for path in files:
        try:
            status = os.stat(path)
            key: object = (status.st_dev, status.st_ino)
        except OSError:
            key = path
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


# An import statement's module paths, for the roots the project's own imports show (a cheap scan, no parse):
# `import a.b, c as d` and `from a.b import (c, d)`.
IMPORT_LINE_RE = re.compile(
    rb"^[ \t]*(?:import[ \t]+(?P<names>[^\r\n#;]+)|from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]+(?P<from>[^\r\n#;]+))",
    re.MULTILINE,
)


def _listed_names(text: bytes) -> List[str]:
    """The names of `a.b as c, d` or `(c, d,` (the first line of a parenthesized list)."""
    return [part.split()[0] for part in text.decode("utf-8", "replace").strip("()\\ \t").split(",") if part.split()]


def _imported_paths(source: bytes) -> Iterator[str]:
    """Dotted module paths of two components or more that the source imports (`from a import b` gives `a.b`)."""
    for match in IMPORT_LINE_RE.finditer(source):
        if match.group("names") is not None:
            yield from (name for name in _listed_names(match.group("names")) if "." in name)
            continue
        module = match.group("module").decode("ascii", "replace")
        if module.startswith("."):
            continue
        yield module
        for name in _listed_names(match.group("from")):
            yield f"{module}.{name}"


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def project_modules(config: Config) -> ModuleIndex:
    """Where the project's own modules are: sort-imports files an import as local when its first component is
    a module or package of a source root (or of the importing file's own directory).

    The source roots are the project root, `src/`, the directories the `src` key names, and every directory
    that the project's own imports show to be one: an import of a full dotted path (`commands.cluster_create`,
    `from commands import cluster_create`) that resolves to a module or package in a directory makes that
    directory a root (the guide's author keeps packages under `manage_arkime/`, imported as top-level names from
    the tests). A directory of tests (`tests/redis/test_cache.py`) or a script (`scripts/yaml.py`) is not a
    root, so it does not make `redis` or `yaml` local elsewhere. A directory below the root with its own
    pyproject.toml is a project of its own, indexed apart. User code is never imported.
    """
    src = tuple(os.path.normpath(entry).replace(os.sep, "/").strip("/") for entry in config.src)
    return _index(config.root.resolve(), Excluder(config), tuple("" if entry == "." else entry for entry in src))


def _index(root: Path, excluder: Excluder, src: Sequence[str]) -> ModuleIndex:
    """One walk that stops at regular packages (what is inside one is reached through its name, and most of a
    project's files are inside one: about a twentieth of the time a walk of every file takes); only the files
    outside regular packages are read for the imports that show roots."""
    directories: Set[str] = set()  # every directory holding Python files, or holding one that does
    children: Dict[str, Set[str]] = {}  # directory -> top-level names importable from it
    packages: Set[str] = set()  # directories with __init__.py
    stems: Dict[str, Set[str]] = {}  # directory -> its modules (name.py)
    files: List[str] = []
    nested: Dict[str, ModuleIndex] = {}
    root_text = str(root)
    for current, dirnames, filenames in os.walk(root, followlinks=False):
        absolute = excluder.absolute(current)
        relative = os.path.relpath(current, root_text).replace(os.sep, "/")
        relative = "" if relative == "." else relative
        if relative and "pyproject.toml" in filenames:
            nested[relative] = _index(Path(current), excluder, ())
            dirnames[:] = []
            continue
        dirnames[:] = [name for name in dirnames if not excluder.is_excluded_in(absolute, name, is_dir=True)]
        python_files = [
            name
            for name in filenames
            if name.endswith(PYTHON_SUFFIXES) and not excluder.is_excluded_in(absolute, name, is_dir=False)
        ]
        if not python_files:
            continue
        directory = relative
        while directory and directory not in directories:
            directories.add(directory)
            parent, _, name = directory.rpartition("/")
            children.setdefault(parent, set()).add(name)
            directory = parent
        if relative and ("__init__.py" in python_files or "__init__.pyi" in python_files):
            packages.add(relative)
            dirnames[:] = []
            continue
        for name in python_files:
            files.append(os.path.join(current, name))
            stem = name.rsplit(".", 1)[0]
            if stem != "__init__":
                children.setdefault(relative, set()).add(stem)
                stems.setdefault(relative, set()).add(stem)
    roots = ["", *(["src"] if "src" in directories else []), *src]
    roots += sorted(_shown_roots(root, files, directories, children, packages, set(roots)))
    roots = list(dict.fromkeys(roots))
    names = frozenset(name for root_dir in roots for name in children.get(root_dir, ()) if name.isidentifier())
    # In a file's own directory only modules and regular packages count: a directory without __init__.py there
    # is a namespace portion, which Python uses only when no installed package has the name (tests/redis/).
    per_directory = {
        directory: frozenset(
            name
            for name in found
            if name.isidentifier() and (name in stems.get(directory, ()) or _join(directory, name) in packages)
        )
        for directory, found in children.items()
        if directory not in roots and directory not in packages
    }
    return ModuleIndex(names, tuple(roots), per_directory, nested)


def _shown_roots(
    root: Path,
    files: Sequence[str],
    directories: Set[str],
    children: Dict[str, Set[str]],
    packages: Set[str],
    roots: Set[str],
) -> Set[str]:
    """Directories that the project's own imports show to be source roots (see project_modules)."""
    # first component -> the directories (not yet roots, not packages) holding a package or directory of that name
    holders: Dict[str, List[str]] = {}
    for directory, names in children.items():
        if directory in roots or directory in packages:
            continue
        for name in names:
            if _join(directory, name) in directories:  # only a directory can resolve a dotted path
                holders.setdefault(name, []).append(directory)
    if not holders:
        return set()
    resolves: Dict[str, bool] = {}

    def resolved(relative: str) -> bool:
        if relative not in resolves:
            base = root / relative
            modules = (base.with_name(base.name + suffix) for suffix in PYTHON_SUFFIXES)
            resolves[relative] = base.is_dir() or any(module.is_file() for module in modules)
        return resolves[relative]

    shown: Set[str] = set()
    needles = [name.encode() for name in holders]
    for path in files:
        try:
            with open(path, "rb") as handle:
                source = handle.read()
        except OSError:
            continue
        if b"import" not in source:
            continue
        if len(needles) <= MAX_NEEDLES and not any(needle in source for needle in needles):
            continue
        for dotted in _imported_paths(source):
            first, _, rest = dotted.partition(".")
            second = rest.partition(".")[0]
            for directory in holders.get(first, ()):
                if directory not in shown and second.isidentifier():
                    if resolved(_join(directory, f"{first}/{second}")):
                        shown.add(directory)
    return shown

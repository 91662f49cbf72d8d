"""`[tool.stylefix]` in pyproject.toml, parsed once into typed, validated objects."""
from dataclasses import dataclass, field, fields, replace
import fnmatch
import hashlib
import logging
import os
from pathlib import Path
import sys
import typing
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from stylefix import registry

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

logger = logging.getLogger(__name__)

DEFAULT_EXCLUDES: Tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".eggs",
    "build",
    "dist",
    "__pycache__",
    ".tox",
    ".nox",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".stylefix_cache",
)
DEFAULT_LINE_LENGTH = 120  # the guide's line length
DEFAULT_TEST_FILES: Tuple[str, ...] = ("test_*.py", "*_test.py")
DEFAULT_TEST_FUNCTIONS: Tuple[str, ...] = ("test",)
DEFAULT_TEST_CLASSES: Tuple[str, ...] = ("Test",)
CACHE_DIR_NAME = ".stylefix_cache"
# Seconds a file may take before it is given up: generous, as the slowest real file measured takes 3 s
# (docs/reliability.md); only pathological input comes near it.
DEFAULT_TIMEOUT = 60.0


class InvalidConfig(Exception):
    """A configuration file or command-line option that cannot be used; the message is one line."""


class NothingSelected(InvalidConfig):
    """--select / --ignore (or the configuration's select / ignore) leave no codemod to run."""


@dataclass(frozen=True)
class Mention:
    path: str  # relative to the project root, with `/`
    line: int
    kind: str


@dataclass(frozen=True)
class KeywordLine:
    """A `-k` option in a configuration file: the words of its expression select tests by substring."""

    path: str
    line: int
    words: Tuple[str, ...]


@dataclass(frozen=True)
class ProjectMentions:
    """The project's mentions of test-like names outside code, by name; the `-k` expressions."""

    by_name: Mapping[str, Tuple[Mention, ...]] = field(default_factory=dict)
    keyword_lines: Tuple[KeywordLine, ...] = ()

    def of(self, name: str, exclude_path: Optional[str] = None) -> List[Mention]:
        return [mention for mention in self.by_name.get(name, ()) if mention.path != exclude_path]

    def fingerprint(self) -> str:
        """What can change a verdict: which names are mentioned, and the `-k` words (not where: a line moving in
        another file must not invalidate every cached verdict)."""
        relevant = (sorted(self.by_name), sorted({words for keyword in self.keyword_lines for words in keyword.words}))
        return hashlib.sha256(repr(relevant).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ModuleIndex:
    """Where sort-imports finds a project's own modules (built by discovery.project_modules, never by importing).

    Paths are relative to the project root, with "/" separators; "" is the root itself."""

    # top-level names importable from the project's source roots: local in every file of the project
    names: FrozenSet[str] = frozenset()
    # the source roots: the project root (""), src/, the `src` key's, and those the project's imports show
    roots: Tuple[str, ...] = ("",)
    # directory -> its modules and regular packages: a file's own directory is on sys.path when it runs as a
    # script or pytest imports it as a test (the first directory above it that is not a regular package)
    directories: Mapping[str, FrozenSet[str]] = field(default_factory=dict)
    # directory -> the index of a nested project (a directory with its own pyproject.toml)
    nested: Mapping[str, "ModuleIndex"] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        """Whether `name` is a module anywhere in the index (the LSP rebuilds it for a file it has not seen)."""
        return (
            name in self.names
            or any(name in found for found in self.directories.values())
            or any(name in index for index in self.nested.values())
        )

    def fingerprint(self) -> str:
        parts = (
            sorted(self.names),
            self.roots,
            sorted((key, sorted(value)) for key, value in self.directories.items()),
            sorted((key, value.fingerprint()) for key, value in self.nested.items()),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


EMPTY_INDEX = ModuleIndex()


@dataclass(frozen=True)
class Config:
    root: Path
    config_path: Optional[Path] = None
    enabled: Tuple[str, ...] = registry.NAMES
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: Tuple[str, ...] = ()
    line_length: int = DEFAULT_LINE_LENGTH
    test_files: Tuple[str, ...] = DEFAULT_TEST_FILES
    test_functions: Tuple[str, ...] = DEFAULT_TEST_FUNCTIONS
    test_classes: Tuple[str, ...] = DEFAULT_TEST_CLASSES
    codemod_options: Mapping[str, Any] = field(default_factory=dict)
    # Source roots named by the `src` key, relative to the project root (sort-imports' local-module lookup).
    src: Tuple[str, ...] = ()
    # The project's own modules, indexed once per run by discovery (sort-imports uses it).
    project_modules: ModuleIndex = field(default_factory=lambda: EMPTY_INDEX)
    timeout: float = DEFAULT_TIMEOUT  # seconds per file (not in the fingerprint: a time limit is never cached)
    # Where the project's files mention test names outside code (stylefix/mentions.py), filled in once per run;
    # test-names keeps the name of a test used there.
    project_mentions: Optional[ProjectMentions] = None

    def options(self, name: str) -> Any:
        found = self.codemod_options.get(name)
        if found is None:
            spec = registry.SPECS.get(name)
            return spec.options() if spec else None
        return found

    def fingerprint(self) -> str:
        """Everything that can change a file's result, hashed; part of every cache key."""
        relevant = (
            self.enabled,
            self.line_length,
            self.test_files,
            self.test_functions,
            self.test_classes,
            sorted((name, repr(value)) for name, value in self.codemod_options.items()),
            self.project_modules.fingerprint(),
            self.project_mentions.fingerprint() if self.project_mentions is not None else None,
        )
        return hashlib.sha256(repr(relevant).encode()).hexdigest()[:16]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _snake(key: str) -> str:
    return key.replace("-", "_")


def _type_name(expected: Any) -> str:
    origin = typing.get_origin(expected)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(choice) for choice in typing.get_args(expected))
    if origin in (tuple, list):
        return "a list of strings"
    return {bool: "true or false", int: "an integer", str: "a string"}.get(expected, str(expected))


def _coerce(where: str, value: Any, expected: Any) -> Any:
    origin = typing.get_origin(expected)
    if origin is typing.Literal:
        if value in typing.get_args(expected):
            return value
    elif origin in (tuple, list):
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
    elif expected is bool:
        if isinstance(value, bool):
            return value
    elif expected is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, expected):
        return value
    raise InvalidConfig(f"{where}: invalid value {value!r}; expected {_type_name(expected)}")


def parse_options(
    name: str, table: Mapping[str, Any], where: str, extra: Optional[Mapping[str, Any]] = None, shown: Optional[str] = None
) -> Any:
    """Validate a `[tool.stylefix.<codemod>]` table into that codemod's options dataclass; `shown` is the table's
    name as the file spells it."""
    shown = shown or name
    options_class = registry.SPECS[name].options
    hints = typing.get_type_hints(options_class)
    known = {_kebab(f.name): f.name for f in fields(options_class)}
    minimums = {f.name: f.metadata["minimum"] for f in fields(options_class) if "minimum" in f.metadata}
    values: Dict[str, Any] = dict(extra or {})
    for key, value in table.items():
        if key not in known:
            choices = ", ".join(sorted(known)) or "none"
            raise InvalidConfig(f"{where}: unknown option {key!r} in [{shown}]; valid options: {choices}")
        attribute = known[key]
        values[attribute] = _coerce(f"{where}: {shown}.{key}", value, hints[attribute])
        minimum = minimums.get(attribute)
        if minimum is not None and values[attribute] < minimum:
            raise InvalidConfig(
                f"{where}: {shown}.{key}: invalid value {value!r}; expected an integer of at least {minimum}"
            )
    return options_class(**values)


def check_names(names: Iterable[str], where: str) -> List[str]:
    result = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name not in registry.SPECS:
            raise InvalidConfig(f"{where}: unknown codemod {name!r}; valid names: {', '.join(registry.NAMES)}")
        result.append(name)
    return result


def _split_names(value: Any, where: str) -> List[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidConfig(f"{where}: invalid value {value!r}; expected a list of codemod names")
    return check_names(value, where)


TOP_LEVEL_KEYS: Tuple[str, ...] = (
    "select",
    "ignore",
    "exclude",
    "extend-exclude",
    "line-length",
    "test-files",
    "test-functions",
    "test-classes",
    "known-first-party",
    "known-third-party",
    "timeout",
    "src",
)


def _read_toml(path: Path, where: str) -> Dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data: Dict[str, Any] = tomllib.load(handle)
            return data
    except OSError as error:
        raise InvalidConfig(f"{where}: cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise InvalidConfig(f"{where}: invalid TOML: {error}") from error


def _pytest_patterns(data: Mapping[str, Any], key: str) -> Optional[Tuple[str, ...]]:
    value = data.get("tool", {}).get("pytest", {}).get("ini_options", {}).get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split()
    return tuple(str(item) for item in value)


def find_config_file(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.stylefix] table, searching upward from `start`."""
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            try:
                with open(candidate, "rb") as handle:
                    if b"[tool.stylefix" in handle.read():
                        return candidate
            except OSError:
                continue
    return None


def find_project_root(start: Path) -> Path:
    """The directory of the nearest pyproject.toml or git root; else `start` itself."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists() or (candidate / "pyproject.toml").is_file():
            return candidate
    return directory


def common_base(paths: Sequence[Path]) -> Path:
    resolved = [path.resolve() if path.exists() else path.absolute() for path in paths] or [Path.cwd()]
    base = Path(os.path.commonpath([str(path) for path in resolved]))
    return base


def load_config(
    start: Path,
    config_file: Optional[Path] = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_exclude: Sequence[str] = (),
) -> Config:
    """Config for a run starting at `start` (a file or directory); CLI values passed in win over the file.

    The settings come from `config_file` (--config) or the nearest pyproject.toml with [tool.stylefix]; the
    project root (local modules, cache) is always the nearest directory with pyproject.toml or .git above
    `start`, wherever the settings come from."""
    start = start.resolve() if start.exists() else start.absolute()
    if config_file is not None:
        if not config_file.is_file():
            raise InvalidConfig(f"--config: {config_file}: no such file")
        path: Optional[Path] = config_file.resolve()
        where = str(config_file)
    else:
        path = find_config_file(start)
        where = str(path) if path else "configuration"
    data: Dict[str, Any] = _read_toml(path, where) if path else {}
    prefix = "tool.stylefix."
    tool = data.get("tool")
    if path is not None and path.name != "pyproject.toml" and not (isinstance(tool, dict) and "stylefix" in tool):
        # A ruff.toml-style file: the keys of [tool.stylefix] at its top level.
        data, prefix = {"tool": {"stylefix": data}}, ""
    table = data.get("tool", {}).get("stylefix", {})
    root = find_project_root(start)
    pyproject = root / "pyproject.toml"
    if pyproject != path and pyproject.is_file():
        # pytest's own settings (test-file patterns) come from the project's pyproject.toml, when it can be read
        try:
            data = _read_toml(pyproject, str(pyproject))
        except InvalidConfig:
            data = {}
    return build_config(root, path, data, table, where, select, ignore, extend_exclude, prefix)


def build_config(
    root: Path,
    path: Optional[Path],
    data: Mapping[str, Any],
    table: Mapping[str, Any],
    where: str,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_exclude: Sequence[str] = (),
    prefix: str = "tool.stylefix.",
) -> Config:
    """`prefix`: how the file spells the table (`tool.stylefix.` in pyproject.toml, empty for a file holding the
    keys at its top level), so that errors name a key as it appears in the file."""
    unknown = [key for key in table if key not in TOP_LEVEL_KEYS and key not in registry.SPECS]
    if unknown:
        valid = ", ".join(TOP_LEVEL_KEYS + registry.NAMES)
        place = f"in [{prefix[:-1]}]" if prefix else "at the top level"
        raise InvalidConfig(f"{where}: unknown key {unknown[0]!r} {place}; valid keys: {valid}")

    def strings(key: str, default: Tuple[str, ...]) -> Tuple[str, ...]:
        if key not in table:
            return default
        return typing.cast(Tuple[str, ...], _coerce(f"{where}: {prefix}{key}", table[key], Tuple[str, ...]))

    cli_select = check_names(select, "--select")
    file_select = _split_names(table["select"], f"{where}: {prefix}select") if "select" in table else None
    file_ignore = _split_names(table.get("ignore", []), f"{where}: {prefix}ignore")
    cli_ignore = check_names(ignore, "--ignore")
    if cli_select:
        chosen = cli_select
        dropped = set(cli_ignore)
    else:
        chosen = file_select if file_select is not None else [s.name for s in registry.CODEMODS if s.default_on]
        dropped = set(file_ignore) | set(cli_ignore)
    enabled = registry.ordered([name for name in chosen if name not in dropped])
    if not enabled:
        raise NothingSelected(
            f"no codemod left to run: selected {', '.join(chosen) or 'none'}, "
            f"ignored {', '.join(sorted(dropped)) or 'none'} (--select / --ignore, or select / ignore in {where})"
        )

    line_length = table.get("line-length", DEFAULT_LINE_LENGTH)
    _coerce(f"{where}: {prefix}line-length", line_length, int)
    if line_length <= 0:
        raise InvalidConfig(f"{where}: {prefix}line-length: invalid value {line_length!r}; expected a positive integer")

    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise InvalidConfig(f"{where}: {prefix}timeout: invalid value {timeout!r}; expected a positive number of seconds")

    # Top-level keys a codemod shares with its section (e.g. `known-first-party`): lists, merged in front of the
    # section's own list.
    shared_values = {key: strings(key, ()) for spec in registry.CODEMODS for key in spec.shared_keys}
    codemod_options: Dict[str, Any] = {}
    for spec in registry.CODEMODS:
        name = spec.name
        sub_table = table.get(name, {})
        if not isinstance(sub_table, dict):
            raise InvalidConfig(f"{where}: {prefix}{name}: expected a table [{prefix}{name}]")
        shared = {_snake(key): shared_values[key] for key in spec.shared_keys}
        options = parse_options(name, sub_table, where, shared, shown=f"{prefix}{name}")
        merged = {field: tuple(dict.fromkeys(value + getattr(options, field))) for field, value in shared.items()}
        codemod_options[name] = replace(options, **merged) if merged else options

    test_files = strings("test-files", _pytest_patterns(data, "python_files") or DEFAULT_TEST_FILES)
    test_functions = strings("test-functions", _pytest_patterns(data, "python_functions") or DEFAULT_TEST_FUNCTIONS)
    test_classes = strings("test-classes", _pytest_patterns(data, "python_classes") or DEFAULT_TEST_CLASSES)
    return Config(
        root=root,
        config_path=path,
        enabled=enabled,
        exclude=strings("exclude", DEFAULT_EXCLUDES),
        extend_exclude=strings("extend-exclude", ()) + tuple(extend_exclude),
        line_length=line_length,
        test_files=test_files,
        test_functions=test_functions,
        test_classes=test_classes,
        codemod_options=codemod_options,
        timeout=float(timeout),
        src=strings("src", ()),
    )


def _matches_pytest_name(name: str, patterns: Sequence[str]) -> bool:
    # pytest: a pattern with glob characters is a glob, anything else a prefix.
    for pattern in patterns:
        if any(char in pattern for char in "*?["):
            if fnmatch.fnmatchcase(name, pattern):
                return True
        elif name.startswith(pattern):
            return True
    return False


def is_test_file(path: Path, config: Config) -> bool:
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in config.test_files)


def is_test_function(name: str, config: Config) -> bool:
    return _matches_pytest_name(name, config.test_functions)


def is_test_class(name: str, config: Config) -> bool:
    return _matches_pytest_name(name, config.test_classes)

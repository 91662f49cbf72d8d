"""typing-generics: the pre-check, warnings, runtime equivalence of annotations, and a corpus of real files."""

import ast
from collections import Counter
import importlib.util
from pathlib import Path
import pytest
import sys
import types
import typing
from typing import Any, Dict, List, Optional, Set, Tuple

import libcst as cst
from libcst.codemod import CodemodContext

from stylefix.codemod import FileContext
from stylefix.codemods.typing_generics.transform import TypingGenerics
from stylefix.engine import fix_source
from tests.helpers import NO_PROJECT, PROJECT_ROOT, SITE_PACKAGES, apply_codemod, make_config

CODEMOD = "typing-generics"
# Installed dev dependencies whose sources use PEP 585/604 annotations; a fixed, deterministic sample of them.
CORPUS_PACKAGES: Tuple[str, ...] = ("platformdirs", "cattrs", "pygls", "filelock", "_pytest")
# Enough files to meet every kind of construct, few enough to keep the suite quick.
CORPUS_SIZE = 25

PRECHECK_CASES: Tuple[Tuple[str, str, Dict[str, bool], bool], ...] = (
    ("plain-code", "def f(x: int) -> str:\n    return str(x)\n", {}, False),
    ("typing-generics-only", "from typing import List\nx: List[int] = []\n", {}, False),
    ("builtin-subscript", "x: list[int] = []\n", {}, True),
    ("builtin-subscript-after-comment", "x: (dict  # note\n   [str, int]) = {}\n", {}, True),
    ("union", "x: int | None = None\n", {}, True),
    ("union-option-off", "x: int | None = None\n", {"unions": False}, False),
    ("collections-import-unused-in-annotations", "from collections.abc import Callable\n", {}, False),
    ("collections-in-annotation", "from collections.abc import Callable\nf: Callable[[], int]\n", {}, True),
    ("collections-bare-in-annotation", "from collections.abc import Iterable\ndef f(x: Iterable): ...\n", {}, True),
    ("aliased-import-in-annotation", "from collections.abc import Mapping as Map\nz: Map[str, int]\n", {}, True),
    ("runtime-union-only", "flags = set(a) | set(b)\n", {}, False),
    ("runtime-generic-only", "values = list[int]()\nisinstance(x, int | str)\n", {}, False),
    ("union-in-vararg", "def f(*args: int | None, **kw: str | None): ...\n", {}, True),
    ("union-in-string-annotation", "def f() -> 'int | None': ...\n", {}, True),
    ("union-in-cast", "from typing import cast\ny = cast('int | None', x)\n", {}, True),
    ("generic-in-typevar-bound", "from typing import TypeVar\nT = TypeVar('T', bound=list[int])\n", {}, True),
    ("type-alias-value", "from typing import TypeAlias\nIds: TypeAlias = list[int]\n", {}, True),
    ("nested-function-annotation", "def f():\n    def g(x: dict[str, int]): ...\n", {}, True),
    ("unparseable-by-cpython", "type Ids = list[int]\n", {}, True),
    ("contextlib-unused-in-annotations", "import contextlib\n", {}, False),
    ("contextlib-in-annotation", "import contextlib\nc: contextlib.AbstractContextManager[int]\n", {}, True),
    ("builtins-alias", "from builtins import list as L\nx: L[int] = []\n", {}, True),
    ("bare-builtin-default", "def f(x: dict) -> list:\n    return []\n", {}, False),
    ("bare-builtin-option", "def f(x: dict) -> int:\n    return 1\n", {"bare": True}, True),
    ("string-annotation", "x: 'set[int]' = set()\n", {}, True),
)

RUNTIME_MODULE = """\
from collections import OrderedDict, deque
import collections.abc
from collections.abc import Callable, Iterator
from typing import NewType, TypeAlias, TypeVar, cast

Pairs: TypeAlias = list[tuple[int, str]]
T = TypeVar("T", bound=dict[str, int] | None)
Ids = NewType("Ids", frozenset[int])


class Store:
    items: dict[str, list[int | None]]
    handlers: "list[Callable[[int], str | None]]"
    queue: deque[int]
    ordered: OrderedDict[str, int]
    kind: type[int] | None = None

    def get(self, key: str, default: int | None = None) -> tuple[int, ...] | None:
        return None

    def each(self) -> Iterator[int]:
        yield from ()

    def mapping(self, values: collections.abc.Mapping[str, set[int]]) -> "dict[str, int | str | None]":
        return cast(dict[str, int], {})


def run(pairs: Pairs, callback: Callable[..., None] | None = None) -> list[str]:
    return [isinstance(pairs, list | tuple) and str(deque())]
"""


def _run_directly(source: str, options: Optional[Dict[str, bool]] = None) -> Tuple[str, int]:
    """Run the codemod class on a parsed tree without the engine's pre-check: (output, number of changes)."""
    config = make_config(NO_PROJECT, {CODEMOD: dict(options or {})})
    file = FileContext(path=Path("example.py"), config=config, is_test_file=False)
    command = TypingGenerics(CodemodContext(filename="example.py"), file)
    tree = command.transform_module(cst.parse_module(source))
    return tree.code, len(command.changes)


@pytest.mark.parametrize(
    ("name", "source", "options", "expected"), PRECHECK_CASES, ids=[case[0] for case in PRECHECK_CASES]
)
def test_WHEN_precheck_looks_at_bytes_THEN_it_says_whether_anything_may_change(
    name: str, source: str, options: Dict[str, bool], expected: bool
) -> None:
    config = make_config(NO_PROJECT, {CODEMOD: options})
    file = FileContext(path=Path("example.py"), config=config, is_test_file=False)

    actual = TypingGenerics.precheck(source.encode("utf-8"), file)

    assert expected == actual
    if not expected:
        assert (source, 0) == _run_directly(source, options)


def test_WHEN_both_typing_names_and_typing_module_are_taken_THEN_file_is_left_AND_a_warning_says_why() -> None:
    source = "typing = None\n\n\nclass List:\n    pass\n\n\nx: list[int] = []\n"
    config = make_config(NO_PROJECT)

    result = fix_source(source.encode("utf-8"), PROJECT_ROOT / "example.py", config, names=[CODEMOD])

    assert source.encode("utf-8") == result.source
    assert 1 == len(result.warnings)
    assert "example.py:8:1: typing-generics: left as it is: the names `List` and `typing` are both taken" in (
        result.warnings[0]
    )


def test_WHEN_union_has_comments_on_both_sides_of_a_bar_THEN_it_is_kept_AND_a_warning_says_why() -> None:
    source = "x: (\n    int  # a\n    |  # b\n    str\n) = 1\n"
    config = make_config(NO_PROJECT)

    result = fix_source(source.encode("utf-8"), PROJECT_ROOT / "example.py", config, names=[CODEMOD])

    assert source.encode("utf-8") == result.source
    assert any("union with comments on both sides" in warning for warning in result.warnings)


def test_WHEN_subscript_has_an_argument_count_typing_refuses_THEN_it_is_kept_AND_a_warning_says_why() -> None:
    source = "from collections.abc import Generator\n\n\ndef f() -> Generator[None]:\n    yield\n"
    config = make_config(NO_PROJECT)

    result = fix_source(source.encode("utf-8"), PROJECT_ROOT / "example.py", config, names=[CODEMOD])

    assert source.encode("utf-8") == result.source
    assert 1 == len(result.warnings)
    expected_warning = "example.py:4:12: typing-generics: Generator[None] left as it is: typing.Generator takes 3 arguments"
    assert expected_warning in result.warnings[0]


def _shape(hint: Any) -> Any:
    """A hint's structure with typing aliases and builtin generics, and unions of either spelling, made equal."""
    if hint is None:
        hint = type(None)
    if isinstance(hint, list):
        return ("list", tuple(_shape(item) for item in hint))
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin is None:
        return hint
    if origin in (types.UnionType, typing.Union):
        return ("union", frozenset(_shape(argument) for argument in arguments))
    return (origin, tuple(_shape(argument) for argument in arguments))


def _import(path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A real import of a real file; registered in sys.modules so get_type_hints finds the class's globals."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def _all_hints(module: types.ModuleType) -> Dict[str, Any]:
    hints = {}
    for name in ("Store", "Store.get", "Store.each", "Store.mapping", "run"):
        target: Any = module
        for part in name.split("."):
            target = getattr(target, part)
        hints[name] = {key: _shape(value) for key, value in typing.get_type_hints(target).items()}
    hints["T"] = _shape(module.T.__bound__)
    hints["Ids"] = _shape(module.Ids.__supertype__)
    hints["Pairs"] = _shape(module.Pairs)
    return hints


def test_WHEN_module_rewritten_THEN_it_imports_AND_every_annotation_evaluates_to_the_same_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_codemod(RUNTIME_MODULE, CODEMOD)
    (tmp_path / "before_module.py").write_text(RUNTIME_MODULE)
    (tmp_path / "after_module.py").write_text(applied.output)

    before = _import(tmp_path / "before_module.py", "typing_generics_before", monkeypatch)
    after = _import(tmp_path / "after_module.py", "typing_generics_after", monkeypatch)

    assert "list[" not in applied.output and "| None" not in applied.output.split("def run")[0]
    assert _all_hints(before) == _all_hints(after)
    assert () == applied.second_pass_changes


def _corpus() -> List[Path]:
    files: List[Path] = []
    for package in CORPUS_PACKAGES:
        files.extend(sorted((SITE_PACKAGES / package).rglob("*.py")))
    interesting = [path for path in files if b"|" in path.read_bytes() or b"list[" in path.read_bytes()]
    step = max(1, len(interesting) // CORPUS_SIZE)
    return interesting[::step][:CORPUS_SIZE]


def _names(tree: ast.AST) -> typing.Counter[str]:
    """Every name used, also inside strings that parse as expressions (string annotations)."""
    counts: typing.Counter[str] = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            counts[node.id] += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            try:
                counts.update(_names(ast.parse(node.value.strip(), mode="eval")))
            except (SyntaxError, ValueError):
                pass
    return counts


def _module_bindings(body: List[ast.stmt]) -> Dict[str, Set[str]]:
    """Name -> what binds it at module level ("typing.X" for `from typing import X`, "module typing", "other")."""
    bindings: Dict[str, Set[str]] = {}
    for statement in body:
        if isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                origin = f"{statement.module}.{alias.name}" if not statement.level else "relative"
                bindings.setdefault(alias.asname or alias.name, set()).add(origin)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                name = alias.asname or alias.name.split(".")[0]
                bindings.setdefault(name, set()).add(f"module {alias.name}" if alias.asname else f"module {name}")
        elif isinstance(statement, (ast.If, ast.Try)):
            nested = statement.body + statement.orelse + getattr(statement, "finalbody", [])
            for handler in getattr(statement, "handlers", []):
                nested += handler.body
            for name, origins in _module_bindings(nested).items():
                bindings.setdefault(name, set()).update(origins)
    return bindings


def _introduced_names_resolve(before: str, after: str) -> List[str]:
    """Problems: names the rewrite introduced that are not bound to the typing module's members."""
    old_names, new_tree = _names(ast.parse(before)), ast.parse(after)
    new_names = _names(new_tree)
    bindings = _module_bindings(new_tree.body)
    problems = []
    for name in sorted(name for name, count in new_names.items() if count > old_names[name]):
        origins = bindings.get(name, set())
        if name in ("typing", "t") and "module typing" not in origins:
            problems.append(f"{name} is used but not bound to the typing module ({origins})")
        elif name not in ("typing", "t") and f"typing.{name}" not in origins:
            problems.append(f"{name} is used but not imported from typing ({origins})")
    for node in ast.walk(new_tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if "module typing" in bindings.get(node.value.id, set()) and not hasattr(typing, node.attr):
                problems.append(f"{node.value.id}.{node.attr} does not exist")
    return problems


@pytest.mark.parametrize("path", _corpus(), ids=lambda path: str(path.relative_to(SITE_PACKAGES)))
def test_WHEN_corpus_file_changed_THEN_output_parses_AND_every_introduced_name_resolves(path: Path) -> None:
    source = path.read_bytes()
    config = make_config(NO_PROJECT)

    result = fix_source(source, path, config, names=[CODEMOD])

    if result.changes:
        output = result.source.decode("utf-8")
        compile(output, str(path), "exec", dont_inherit=True)
        assert [] == _introduced_names_resolve(source.decode("utf-8"), output)
    else:
        assert source == result.source

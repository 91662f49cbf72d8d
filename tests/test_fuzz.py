"""Property-based fuzzing of `fix_source` with every codemod on, as a plain module and as a test file.

Three generators: hypothesmith's two (syntactically valid Python from the grammar, and programs built from
LibCST nodes, for robustness on odd code) and a targeted one that writes the constructs the codemods act on (import blocks with comments, PEP 585/604
annotations, test functions with asserts). Properties: no exception but a clean "cannot parse"; the output
parses; a second pass changes nothing; the safety net never fires on a correct codemod.

The suite runs a bounded number of examples; `make fuzz` sets STYLEFIX_FUZZ_EXAMPLES for a long run.
"""
import ast
import os
import pytest
from typing import List

from hypothesis import HealthCheck, given, settings, strategies as st
import hypothesmith
import libcst as cst
from libcst.codemod import CodemodContext

from stylefix import registry
from stylefix.context import FileContext
from stylefix.directives import parse_directives
from stylefix.engine import fix_source, gate_for
from stylefix.results import InternalError, UnparseableSource
from tests.helpers import PROJECT_ROOT, make_config

EXAMPLES = int(os.environ.get("STYLEFIX_FUZZ_EXAMPLES", "40"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 100,  # the bounded run in the suite is repeatable; `make fuzz` explores
)
# Generated programs such as `1(2)` make the generators' own compile step warn; stylefix's parses are silent.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
ROOT = PROJECT_ROOT / "tests" / "fuzz_project"
CONFIG = make_config(ROOT, {"sort-imports": {"known-first-party": ["mypkg"]}})
PATHS = [ROOT / "module.py", ROOT / "test_module.py"]

MODULES = ["os", "sys", "json", "typing", "collections", "collections.abc", "requests", "attr", "mypkg",
           "mypkg.sub", "_private", "Zeta", "a1", "a10", "a2", "os.path", "__future__"]
NAMES = ["path", "List", "Callable", "Dict", "x", "y", "Optional", "deque", "defaultdict"]
BASE_TYPES = ["int", "str", "None", "bytes", "Any", "MyType", "'Forward'", "List[int]", "Dict[str, int]"]
OPERANDS = ["result", "actual", "expected", "expected_value", "3", "-1", "'text'", "None", "True", "[1, 2]",
            "{'a': 1}", "len(items)", "mock.call_args_list", "[mock.call(1)]", "MAX_SIZE", "Color.RED",
            "response.status", "(1, 2)", "f'{x}'", "b'raw'", "..."]
COMMENTS = ["", "  # trailing", "  # stylefix: skip", "  # isort: skip", "  # noqa"]


@st.composite
def _type(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(st.sampled_from(BASE_TYPES))
    inner = draw(_type(depth + 1))
    other = draw(_type(depth + 1))
    forms = [f"list[{inner}]", f"dict[{inner}, {other}]", f"set[{inner}]", f"tuple[{inner}, ...]",
             f"{inner} | {other}", f"{inner} | None", f"type[{inner}]", f"frozenset[{inner}]",
             f"Callable[[{inner}], {other}]", f"Optional[{inner}]"]
    return draw(st.sampled_from(forms))


@st.composite
def _import(draw: st.DrawFn) -> str:
    module = draw(st.sampled_from(MODULES))
    kind = draw(st.integers(0, 3))
    comment = draw(st.sampled_from(COMMENTS))
    if module == "__future__":
        return "from __future__ import annotations" + comment
    if kind == 0:
        return f"import {module}{comment}"
    if kind == 1:
        return f"import {module} as alias_{draw(st.integers(0, 3))}{comment}"
    if kind == 2:
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
        return f"from {module} import {', '.join(names)}{comment}"
    return f"from {'.' * draw(st.integers(1, 2))}{draw(st.sampled_from(['', 'sibling']))} import name{comment}"


@st.composite
def _assert(draw: st.DrawFn) -> str:
    left, right = draw(st.sampled_from(OPERANDS)), draw(st.sampled_from(OPERANDS))
    operator = draw(st.sampled_from(["==", "!=", "==", "is", "<"]))
    message = draw(st.sampled_from(["", ", 'message'"]))
    if draw(st.booleans()):
        return f"assert {left} {operator} {right}{message}"
    return f"assert (\n        {left}  # left\n        {operator} {right}\n    ){message}"


@st.composite
def _function(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(["get", "user", "returns", "none", "when", "empty", "raises", "with",
                                           "valid", "input", "called", "is", "ok"]), min_size=1, max_size=5))
    prefix = draw(st.sampled_from(["test_", "test_", "helper_", "_"]))
    name = prefix + "_".join(words)
    parameter = draw(_type())
    returns = draw(_type())
    body: List[str] = []
    if draw(st.booleans()):
        body.append(f"    # Run our test\n    result = {draw(st.sampled_from(['get_user', 'parse', '_load']))}(1)")
    body.extend("    " + draw(_assert()) for _ in range(draw(st.integers(0, 3))))
    body.append(f"    local: {draw(_type())} = None")
    decorator = draw(st.sampled_from(["", "@pytest.fixture\n", "@pytest.mark.parametrize('a', [1])\n"]))
    return f"{decorator}def {name}(a: {parameter}) -> {returns}:\n" + "\n".join(body) + "\n"


@st.composite
def targeted_module(draw: st.DrawFn) -> str:
    parts: List[str] = []
    if draw(st.booleans()):
        parts.append('"""Docstring."""\n')
    if draw(st.booleans()):
        parts.append("# header comment\n\n")
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 5)) == 0:
            parts.append(draw(st.sampled_from(["\n", "# own-line comment\n", "x = 1\n", "if TYPE_CHECKING:\n    import os\n"])))
        parts.append(draw(_import()) + "\n")
    parts.append("\n")
    for _ in range(draw(st.integers(0, 4))):
        parts.append(draw(st.sampled_from([
            f"VALUE: {draw(_type())} = None\n",
            f"Alias = {draw(_type())}\n",
            f"def helper(x: {draw(_type())}) -> None:\n    return isinstance(x, int | str)\n",
            "class TestThing:\n    def test_method_works(self):\n        assert self.value == 3\n",
            draw(_function()),
        ])))
    return "".join(parts)


def _check_prechecks(encoded: bytes, tree: cst.Module) -> None:
    """A pre-check that says "nothing to do" is never wrong (each codemod run directly, without it)."""
    directives = parse_directives(encoded, registry.NAMES)
    for path in PATHS:
        file = FileContext(path=path, config=CONFIG, is_test_file=path.name.startswith("test_"), directives=directives)
        for name in registry.NAMES:
            gate = gate_for(name)
            if not gate.applies_to(file) or gate.precheck(encoded, file) or directives.skips_file(name):
                continue
            command = gate.load()(CodemodContext(filename=path.name), file)
            command.transform_module(tree)
            assert [] == command.changes, f"{name} pre-check skipped a file it changes\n--- input ---\n{encoded!r}"


def _check_properties(source: str) -> None:
    encoded = source.encode("utf-8")
    try:
        tree = cst.parse_module(encoded)
    except cst.ParserSyntaxError:
        tree = None
    if tree is not None:
        _check_prechecks(encoded, tree)
    for path in PATHS:
        try:
            result = fix_source(encoded, path, CONFIG)
        except UnparseableSource:
            return
        except InternalError as error:  # the safety net fired: a codemod bug
            pytest.fail(f"{path.name}: {error}\n--- input ---\n{source}")
        cst.parse_module(result.source)
        try:
            ast.parse(encoded)
        except SyntaxError:
            continue
        ast.parse(result.source)
        again = fix_source(result.source, path, CONFIG)
        assert result.source == again.source, f"{path.name}: not stable\n--- input ---\n{source}"


@FUZZ_SETTINGS
@given(source=targeted_module())
def test_WHEN_fix_source_called_on_targeted_programs_THEN_output_parses_stable_and_guard_silent(source: str) -> None:
    _check_properties(source)


@FUZZ_SETTINGS
@given(source=hypothesmith.from_grammar())
def test_WHEN_fix_source_called_on_grammar_programs_THEN_output_parses_stable_and_guard_silent(source: str) -> None:
    _check_properties(source)


@FUZZ_SETTINGS
@given(source=hypothesmith.from_node())
def test_WHEN_fix_source_called_on_libcst_generated_programs_THEN_output_parses_stable_and_guard_silent(
    source: str,
) -> None:
    _check_properties(source)

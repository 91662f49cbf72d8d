"""typing-generics' binding analysis against LibCST's ScopeProvider: the same verdicts, or an admitted doubt."""

import pytest
from typing import List, Tuple

from hypothesis import HealthCheck, given, settings, strategies as st
import hypothesmith
import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from stylefix.codemods.typing_generics.bindings import Unsure
from stylefix.codemods.typing_generics.bindings_check import disagreements
from stylefix.codemods.typing_generics.bindings_walk import analyse

# Generated programs per property; enough to meet most statement kinds, few enough for a quick suite.
EXAMPLES = 60
BINDING_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)

# (case, source, name the analysis must be unsure of or None): every construct that binds a name.
CASES: Tuple[Tuple[str, str, object], ...] = (
    ("builtin", "x: list[int] = []\n", None),
    ("from-import", "from collections.abc import Callable\nf: Callable[[], int]\n", None),
    ("aliased", "from collections.abc import Mapping as M\nz: M[str, int]\n", None),
    ("module-import", "import collections.abc\nx: collections.abc.Iterator[int]\n", None),
    ("conditional-imports", "try:\n    from typing import List\nexcept ImportError:\n    List = list\nx: List[int]\n", "List"),
    ("two-imports", "if a:\n    from x import C\nelse:\n    from y import C\nv: C[int]\n", None),
    ("used-before-import", "x: Callable\nfrom collections.abc import Callable\n", "Callable"),
    ("class-attribute", "class A:\n    list = 1\n    x: list[int]\n", "list"),
    ("parameter", "def f(type: type[int]) -> None:\n    pass\n", "type"),
    ("function-local", "def f():\n    dict = {}\n    x: dict[str, int] = dict\n", "dict"),
    ("global", "def f():\n    global set\n    set = 1\nx: set[int]\n", "set"),
    ("nonlocal", "def f():\n    tuple = 1\n    def g():\n        nonlocal tuple\n", "tuple"),
    ("comprehension", "y = [list for list in range(3)]\nx: list[int]\n", "list"),
    ("del", "from typing import List\ndel List\n", "List"),
    ("star-import", "from os.path import *\nx: list[int]\n", None),
    ("import-in-function", "def f():\n    from typing import Dict\n    x: Dict[str, int]\n", "Dict"),
    ("walrus", "if (frozenset := 3):\n    pass\n", "frozenset"),
    ("with-target", "with open(p) as set:\n    pass\n", "set"),
    ("except-target", "try:\n    pass\nexcept E as list:\n    pass\n", "list"),
    ("loop-target", "for dict in x:\n    pass\n", "dict"),
    ("string-annotation", "from collections.abc import Callable\nf: 'Callable[[], int]'\n", None),
    ("attribute-chain", "import os.path\nx: os.path.sep\ny = os.path.join(a, b).x\n", None),
    ("calls-and-subscripts", "import a\nx: a.b(c).d[e].f = g[h].i\n", None),
)


def _verdicts(source: str) -> Tuple[List[str], bool]:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    found: List[str] = []
    unsure = disagreements(module, analyse(module), wrapper.resolve(ScopeProvider), found)
    return found, unsure


@pytest.mark.parametrize("case,source,doubt", CASES, ids=[case[0] for case in CASES])
def test_WHEN_analysing_a_binding_construct_THEN_the_verdicts_are_scope_providers_or_unsure(
    case: str, source: str, doubt: object
) -> None:
    found, unsure = _verdicts(source)

    assert [] == found
    if doubt is not None:
        bindings = analyse(cst.parse_module(source)).bindings
        with pytest.raises(Unsure):
            bindings.check(str(doubt))


@pytest.mark.parametrize("case,source,doubt", [case for case in CASES if case[2] is None], ids=lambda value: "")
def test_WHEN_analysing_names_bound_only_by_module_imports_THEN_the_analysis_is_sure(
    case: str, source: str, doubt: object
) -> None:
    module = cst.parse_module(source)
    bindings = analyse(module).bindings

    for name in ("list", "Callable", "M", "collections", "C", "os", "a"):
        bindings.check(name)


@BINDING_SETTINGS
@given(source=hypothesmith.from_grammar())
def test_WHEN_analysing_generated_grammar_programs_THEN_no_verdict_differs_from_scope_providers(source: str) -> None:
    try:
        found, _ = _verdicts(source)
    except (cst.ParserSyntaxError, RecursionError):
        return

    assert [] == found


@BINDING_SETTINGS
@given(source=hypothesmith.from_node())
def test_WHEN_analysing_generated_node_programs_THEN_no_verdict_differs_from_scope_providers(source: str) -> None:
    try:
        found, _ = _verdicts(source)
    except (cst.ParserSyntaxError, RecursionError):
        return

    assert [] == found


def test_WHEN_an_import_name_appears_in_a_string_THEN_its_references_are_left_to_scope_provider() -> None:
    module = cst.parse_module("from collections.abc import Callable\nf: 'Callable[[], int]'\n")
    binding = next(iter(analyse(module).bindings.assignments))

    with pytest.raises(Unsure):
        binding.references


@pytest.mark.parametrize("name", ["list", "typing", "Callable", "x"])
def test_WHEN_a_name_is_bound_twice_at_module_level_by_imports_THEN_both_bindings_are_reported(name: str) -> None:
    module = cst.parse_module(f"if a:\n    from p import {name}\nelse:\n    from q import {name}\ny: {name}\n")
    expected_nodes = {id(statement) for statement in _import_nodes(module)}

    actual_nodes = {id(binding.node) for binding in analyse(module).bindings.assignments[name]}

    assert expected_nodes == actual_nodes


def _import_nodes(module: cst.Module) -> List[cst.CSTNode]:
    found: List[cst.CSTNode] = []

    class Imports(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            found.append(node)

    module.visit(Imports())
    return found

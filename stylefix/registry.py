"""The one list of codemods: names, summaries, defaults, option schemas and where the implementation lives.

This module must stay free of LibCST imports: the CLI, configuration validation and cache hits read it,
and none of them should pay for importing LibCST.
"""
from dataclasses import dataclass, field
import importlib
import logging
from typing import Any, Dict, List, Literal, Mapping, Optional, Tuple, Type

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SortImportsOptions:
    known_first_party: Tuple[str, ...] = ()
    known_third_party: Tuple[str, ...] = ()
    # The guide's author files pytest with the standard library (21 of 22 `import pytest` lines in arkime/aws-aio).
    extra_standard_library: Tuple[str, ...] = ("pytest",)
    split_multiple: bool = False
    force_sort_within_sections: bool = True


@dataclass(frozen=True)
class TypingGenericsOptions:
    bare: bool = False
    unions: bool = True


@dataclass(frozen=True)
class TestNamesOptions:
    __test__ = False  # not a pytest test class, despite the name

    unittest: bool = False
    # The shortest name the guide allows, `def test_WHEN_a_THEN_b`, is 22 characters.
    max_length: int = field(default=120, metadata={"minimum": 22})


@dataclass(frozen=True)
class AssertOrderOptions:
    scope: Literal["tests", "all"] = "tests"
    unittest: bool = False


@dataclass(frozen=True)
class Example:
    """A documented before/after pair; `stylefix explain` prints it and a test runs it."""

    title: str
    before: str
    after: str
    path: str = "example.py"
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CodemodSpec:
    name: str
    summary: str
    default_on: bool
    options: Type[Any]
    # "module:Class" of the LibCST command, imported only when a file actually needs it.
    implementation: str
    # A module free of LibCST with `applies_to(file)` and `precheck(source, file)`: files no codemod can change
    # are answered without importing LibCST at all. Empty: the command class's own classmethods are used.
    precheck: str = ""

    def load(self) -> Type[Any]:
        module_name, class_name = self.implementation.split(":")
        codemod: Type[Any] = getattr(importlib.import_module(module_name), class_name)
        return codemod


# The order here is the order codemods run in on a file: sort-imports last, because the others add imports;
# test-names before assert-order, so that it can read the parsed bytes instead of generating the code again.
CODEMODS: Tuple[CodemodSpec, ...] = (
    CodemodSpec(
        name="test-names",
        summary="renames tests to `test_WHEN_<action>_AND_<condition>_THEN_<result>`",
        default_on=True,
        options=TestNamesOptions,
        implementation="codemods.test_names:TestNames",
        precheck="codemods.test_names_precheck",
    ),
    CodemodSpec(
        name="assert-order",
        summary="puts the expected value first in equality asserts: `assert result == 3` -> `assert 3 == result`",
        default_on=True,
        options=AssertOrderOptions,
        implementation="codemods.assert_order:AssertOrder",
        precheck="codemods.assert_order_precheck",
    ),
    CodemodSpec(
        name="typing-generics",
        summary=(
            "rewrites PEP 585/604 annotations (`list[int]`, `X | None`) as typing generics (`List[int]`, `Optional[X]`)"
        ),
        default_on=True,
        options=TypingGenericsOptions,
        implementation="codemods.typing_generics:TypingGenerics",
        precheck="codemods.typing_generics_precheck",
    ),
    CodemodSpec(
        name="sort-imports",
        summary=(
            "groups imports `__future__` -> standard library -> third-party -> local, one blank line between groups, "
            "sorted inside each group"
        ),
        default_on=True,
        options=SortImportsOptions,
        implementation="codemods.sort_imports:SortImports",
        precheck="codemods.sort_imports_precheck",
    ),
)

SPECS: Dict[str, CodemodSpec] = {spec.name: spec for spec in CODEMODS}
NAMES: Tuple[str, ...] = tuple(spec.name for spec in CODEMODS)


def get_spec(name: str) -> Optional[CodemodSpec]:
    return SPECS.get(name)


def ordered(names: List[str]) -> Tuple[str, ...]:
    """Names in registry (run) order, duplicates dropped."""
    wanted = set(names)
    return tuple(name for name in NAMES if name in wanted)

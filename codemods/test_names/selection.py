"""Which functions `test-names` renames: the tests of a module (pytest and, when enabled, unittest classes),
less those it must leave alone (fixtures, overrides, skip directives); their new names within the length limit."""
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Protocol, Sequence, Set, Tuple

import libcst as cst

from stylefix.codemods.test_names.call_under_test import body_facts, callee_parts
from stylefix.codemods.test_names.grammar import name_words
from stylefix.codemods.test_names.naming import Naming, choose_naming, compose, disambiguate, plan_name
from stylefix.codemods.test_names.precheck import TEST_PREFIX, is_conforming
from stylefix.codemods.test_names.words import FIXTURE_DECORATORS, NOT_A_TEST_DECORATORS
from stylefix.config import Config, is_test_class, is_test_function
from stylefix.cst_walk import dotted_name, suite_statements

UNITTEST_BASE_SUFFIX = "TestCase"
PYTEST, UNITTEST, UNKNOWN = "pytest", "unittest", "unknown"
# A class scope as `references.variable_uses` spells it (CPython's `ast` node name).
SCOPE_CLASS = "ClassDef"


class Reporter(Protocol):
    """What selecting the tests asks of the codemod: its skip directives, and where warnings go."""

    def is_skipped(self, node: cst.CSTNode) -> bool: ...

    def warn(self, warning: str) -> None: ...

    def warn_kept(self, node: cst.FunctionDef, old: str, reason: str) -> None: ...


@dataclass(frozen=True)
class FoundTest:
    """A function that is a test, with what its class tells about it."""

    node: cst.FunctionDef
    kind: str  # PYTEST (also for module-level tests), UNITTEST
    class_name: Optional[str] = None
    # The classes the def sits in, outermost first: the rewrite enters only these.
    owners: Tuple[cst.ClassDef, ...] = ()

    @property
    def scope(self) -> Tuple[str, ...]:
        """Where the def binds its name, as `variable_uses` spells it: `("ClassDef:TestX",)`, `()` for the module."""
        return tuple(f"{SCOPE_CLASS}:{owner.name.value}" for owner in self.owners)


@dataclass
class Candidate:
    test: FoundTest
    old: str
    naming: Naming
    old_words: Tuple[str, ...]
    new: str = ""

    @property
    def node(self) -> cst.FunctionDef:
        return self.test.node


@dataclass(frozen=True)
class ClassInfo:
    node: cst.ClassDef
    kind: str  # PYTEST, UNITTEST or UNKNOWN (a base class defined in another module)
    local_bases: Tuple[str, ...]
    bound: FrozenSet[str]


def decorator_names(node: cst.FunctionDef) -> List[str]:
    names = []
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        parts = callee_parts(expression)
        if parts:
            names.append(parts[-1])
    return names


def is_renamable_def(node: cst.FunctionDef) -> bool:
    """Fixtures, properties and overloads are not tests, whatever their name."""
    names = set(decorator_names(node))
    return not (names & FIXTURE_DECORATORS or names & NOT_A_TEST_DECORATORS)


def bound_names(body: Sequence[cst.BaseStatement]) -> FrozenSet[str]:
    """Names a class body binds (defs, classes, assignments): a child binding a parent's test name overrides it."""
    names: Set[str] = set()
    for statement in body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets: List[cst.BaseExpression] = []
                if isinstance(small, cst.Assign):
                    targets = [target.target for target in small.targets]
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    targets = [small.target]
                names.update(target.value for target in targets if isinstance(target, cst.Name))
    return frozenset(names)


def classify_bases(node: cst.ClassDef, known: Dict[str, ClassInfo]) -> Tuple[str, Tuple[str, ...]]:
    """PYTEST (no base or object), UNITTEST (a *TestCase base) or UNKNOWN, and the bases defined in this file."""
    kinds: Set[str] = set()
    local: List[str] = []
    for base in node.bases:
        if base.keyword is not None:
            continue
        dotted = dotted_name(base.value)
        if dotted == "object":
            continue
        if dotted is not None and dotted in known:
            local.append(dotted)
            kinds.add(known[dotted].kind)
        elif _named_test_case(base.value):
            kinds.add(UNITTEST)
        else:
            kinds.add(UNKNOWN)
    kind = UNKNOWN if UNKNOWN in kinds else UNITTEST if UNITTEST in kinds else PYTEST
    return kind, tuple(local)


def _named_test_case(expression: cst.BaseExpression) -> bool:
    """Whether a base's own name ends in TestCase, however it is reached (`unittest.TestCase`, `mods[0].TestCase`)."""
    name = expression.attr if isinstance(expression, cst.Attribute) else expression
    return isinstance(name, cst.Name) and name.value.endswith(UNITTEST_BASE_SUFFIX)


def module_classes(module: cst.Module) -> List[ClassInfo]:
    known: Dict[str, ClassInfo] = {}
    found = []
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            info = class_info(statement, known)
            known[statement.name.value] = info
            found.append(info)
    return found


def class_info(node: cst.ClassDef, known: Dict[str, ClassInfo]) -> ClassInfo:
    kind, local_bases = classify_bases(node, known)
    return ClassInfo(node, kind, local_bases, bound_names(suite_statements(node.body)))


def overridden_names(classes: Sequence[ClassInfo]) -> Dict[int, Set[str]]:
    """Per class (by id of its node): names it binds that a related class in this file binds too."""
    by_name = {info.node.name.value: info for info in classes}
    result: Dict[int, Set[str]] = {id(info.node): set() for info in classes}
    for info in classes:
        pending = list(info.local_bases)
        seen: Set[str] = set()
        while pending:
            name = pending.pop(0)
            base = by_name.get(name)
            if base is None or name in seen:
                continue
            seen.add(name)
            shared = info.bound & base.bound
            result[id(info.node)] |= shared
            result[id(base.node)] |= shared
            pending.extend(base.local_bases)
    return result


def find_tests(module: cst.Module, config: Config, unittest: bool, reporter: Reporter) -> Iterator[FoundTest]:
    """Every test function, in source order."""
    classes = module_classes(module)
    overridden = overridden_names(classes)
    infos = {id(info.node): info for info in classes}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            if is_test_function(statement.name.value, config):
                yield FoundTest(statement, PYTEST)
        elif isinstance(statement, cst.ClassDef):
            yield from _class_tests(infos[id(statement)], overridden[id(statement)], (), config, unittest, reporter)


def _class_tests(
    info: ClassInfo,
    overridden: Set[str],
    outer: Tuple[cst.ClassDef, ...],
    config: Config,
    unittest: bool,
    reporter: Reporter,
) -> Iterator[FoundTest]:
    node = info.node
    if info.kind == UNITTEST and not unittest:
        return
    if info.kind != UNITTEST and not is_test_class(node.name.value, config):
        return
    if reporter.is_skipped(node):
        return
    owners = (*outer, node)
    tests = []
    for statement in suite_statements(node.body):
        if isinstance(statement, cst.ClassDef) and info.kind == PYTEST:
            yield from _class_tests(class_info(statement, {}), set(), owners, config, unittest, reporter)
        elif isinstance(statement, cst.FunctionDef):
            name = statement.name.value
            if name.startswith(TEST_PREFIX) and (info.kind == UNITTEST or is_test_function(name, config)):
                tests.append(statement)
    if info.kind == UNKNOWN:
        waiting = [test for test in tests if name_words(test.name.value) and not is_conforming(test.name.value)]
        if waiting:
            # No line number: these warnings come back on every run, and positions cost more than a parse.
            reporter.warn(
                f"class {node.name.value} has a base class defined in another module; "
                f"its {len(waiting)} tests may override inherited ones; not renamed"
            )
        return
    for test in tests:
        name = test.name.value
        if name in overridden:
            if name_words(name) is not None and not is_conforming(name):
                reporter.warn(f"{node.name.value}.{name} overrides or is overridden in a related class; not renamed")
            continue
        yield FoundTest(test, info.kind, node.name.value, owners)


def find_candidates(
    module: cst.Module,
    config: Config,
    unittest: bool,
    max_length: int,
    vocabulary: Callable[[], FrozenSet[str]],
    reporter: Reporter,
) -> List[Candidate]:
    """The tests to rename, each with a planned name that fits `max_length` and keeps the old name's meaning;
    a test with none is kept, with a warning. `vocabulary` gives the file's words, asked for only when needed."""
    local_names = frozenset(
        statement.name.value for statement in module.body if isinstance(statement, (cst.FunctionDef, cst.ClassDef))
    )
    found = []
    for test in find_tests(module, config, unittest, reporter):
        node = test.node
        old = node.name.value
        words = name_words(old)
        if words is None or is_conforming(old) or not is_renamable_def(node) or reporter.is_skipped(node):
            continue
        naming = plan_name(old, body_facts(node, local_names, words, test.class_name))
        if naming is None:
            continue
        fitted, problems = choose_naming(naming, words, max_length, vocabulary())
        if fitted is None:
            if problems:
                lost = ", ".join(problem.describe() for problem in problems)
                reason = f"no new name within {max_length} characters keeps its meaning ({lost})"
            else:
                reason = f"no new name fits in {max_length} characters"
            reporter.warn_kept(node, old, f"{reason}; rename it by hand")
            continue
        if test.kind != UNITTEST and not is_test_function(compose(fitted), config):
            continue
        found.append(Candidate(test, old, fitted, tuple(words)))
    return found


def assign_names(candidates: Sequence[Candidate], taken: Set[str], max_length: int) -> None:
    """New names, in source order. A name that occurs anywhere in the file is never reused (the safety net
    compares renames file-wide, by name); two tests share a new name only if they share the old one."""
    chosen: Dict[str, str] = {}  # new name -> old name
    for candidate in candidates:
        old = candidate.old

        def is_taken(name: str) -> bool:
            return name in taken or chosen.get(name, old) != old

        candidate.new = disambiguate(candidate.naming, candidate.old_words, is_taken, max_length)
        chosen.setdefault(candidate.new, old)

"""Codemod `test-names`: rename tests to `test_WHEN_<action>_AND_<condition>_THEN_<result>`.

The new name is built from three sources, in this order of trust: the words of the old name, the function the
body calls (the "function under test"), and the docstring. Everything is deterministic: the same file always
gives the same names, and a renamed file is left alone by a second run.
"""
import bisect
import builtins
from collections import Counter
import dataclasses
from dataclasses import dataclass
import functools
import logging
import os
import re
import sys
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Scope, ScopeProvider

from stylefix.codemod import FileContext, StylefixCodemod
from stylefix.config import is_test_class, is_test_function
from stylefix.registry import Example

logger = logging.getLogger(__name__)

TEST_PREFIX = "test"
# Stands for the words of the function under test while the rest of the old name is cut into parts.
CALL_MARKER = "\0"
WHEN, AND, THEN = "WHEN", "AND", "THEN"
TAGS: FrozenSet[str] = frozenset({WHEN, AND, THEN})
CALLED = "called"
AS_EXPECTED: Tuple[str, ...] = ("as", "expected")
RAISES = "raises"

# Words that start the outcome (THEN part). Third-person verbs as they appear in real test names; extend this
# table from real names, never elsewhere.
OUTCOME_VERBS: FrozenSet[str] = frozenset(
    {
        "accepts", "adds", "allows", "appends", "applies", "are", "becomes", "behaves", "breaks", "builds", "calls",
        "can", "cannot", "clears", "closes", "contains", "converts", "creates", "defines", "deletes", "denies",
        "detects", "does", "doesnt", "emits", "equals", "errors", "excludes", "executes", "exits",
        "expands", "fails", "falls", "finds", "gives", "handles", "has", "have", "ignores", "includes", "is",
        "isnt", "keeps", "logs", "maintains", "matches", "opens", "outputs", "overrides", "overwrites", "passes",
        "preserves", "prevents", "prints", "produces", "raises", "reflects", "refers", "registers", "rejects",
        "removes", "renders", "replaces", "resolves", "respects", "restores", "retains", "retries", "returns",
        "saves", "sends", "sets", "shows", "skips", "starts", "stops", "stores", "succeeds", "supports",
        "survives", "swallows", "throws", "triggers", "updates", "uses", "validates", "warns", "was", "were", "works",
        "writes", "yields",
    }
)
# Inside a condition these describe the condition ("when_file_is_missing"), so only a strong verb ends it; as
# the first word they name a function (`test_is_valid`, `test_has_key`).
WEAK_OUTCOME_VERBS: FrozenSet[str] = frozenset({"are", "can", "does", "has", "have", "is", "was", "were"})
# Base forms that only occur as outcomes in test names; conjugated to the third person in the new name.
BASE_OUTCOME_VERBS: FrozenSet[str] = frozenset({"raise", "return", "throw"})
# "should_return_none" -> "returns_none"
MODALS: FrozenSet[str] = frozenset({"should", "must", "shall", "will"})
CONDITION_MARKERS: FrozenSet[str] = frozenset(
    {
        "after", "before", "during", "for", "given", "if", "on", "under", "unless", "upon", "using", "via", "when",
        "whenever", "while", "with", "without",
    }
)
# Markers that carry no meaning once the condition sits behind `_AND_`; the others stay ("AND_without_header").
DROPPED_MARKERS: FrozenSet[str] = frozenset({"given", "if", "when", "whenever"})
# Markers that open a clause with its own verb ("when_file_is_missing"); the others take a noun phrase, so a weak
# verb after them is the outcome ("during_shutdown_is_skipped").
CLAUSE_MARKERS: FrozenSet[str] = frozenset({"given", "if", "unless", "when", "whenever", "while"})
# Kept in front of a base-form outcome verb: "dont_raise" stays "dont_raise", never "raises".
NEGATIONS: FrozenSet[str] = frozenset({"cannot", "dont", "never", "not"})
FILLER_WORDS: FrozenSet[str] = frozenset({"a", "an", "it", "that", "the"})
# An action made only of these names no function, so the function the body calls is the better action.
VAGUE_WORDS: FrozenSet[str] = frozenset(
    {
        "all", "bad", "basic", "basics", "case", "cases", "correct", "default", "defaults", "edge", "empty",
        "error", "errors", "example", "examples", "fail", "failure", "good", "happy", "invalid", "main",
        "missing", "none", "ok", "path", "regression", "sad", "sanity", "simple", "smoke", "success", "valid",
        "works",
    }
)
# Words of the old name that never distinguish two tests (used when two new names collide).
NON_CONTENT_WORDS: FrozenSet[str] = DROPPED_MARKERS | FILLER_WORDS | MODALS | {"and"}

# Calls that are never the function under test.
BUILTIN_NAMES: FrozenSet[str] = frozenset(dir(builtins))
STDLIB_MODULES: FrozenSet[str] = frozenset(sys.stdlib_module_names)
HELPER_ROOTS: FrozenSet[str] = frozenset(
    {
        "cache", "capfd", "capfdbinary", "caplog", "capsys", "capsysbinary", "cls", "doctest_namespace", "fake",
        "faker", "freezegun", "hypothesis", "mocker", "monkeypatch", "pytest", "pytester", "record_property",
        "recwarn", "request", "responses", "respx", "testdir", "tmp_path", "tmp_path_factory", "tmpdir",
        "tmpdir_factory",
    }
)
# Any part containing "mock" is a mock too (mock_client.deploy, MagicMock, unittest.mock.call).
MOCK_NAMES: FrozenSet[str] = frozenset({"patch", "patcher", "patchers"})
# A one-word overlap is too weak to say the old name meant this function (`get` for `get_format_args`), unless
# it is the last word of the function's name (`total` for `compute_total`).
MIN_SHARED_WORDS = 2
# Fields of LibCST nodes that hold only punctuation and whitespace, never a call (besides whitespace_*).
SYNTAX_FIELDS: FrozenSet[str] = frozenset(
    {
        "colon", "comma", "dot", "equal", "first_colon", "footer", "header", "indent", "lbrace", "lbracket",
        "leading_lines", "lines_after_decorators", "lpar", "operator", "rbrace", "rbracket", "rpar", "second_colon",
        "semicolon", "star", "trailing_whitespace",
    }
)
# A comment that opens the "act" section of a test: "# Run our test", "# Act", "# When".
ACT_COMMENT_RE = re.compile(r"^#\s*(?:Run|RUN|Act|ACT|When|WHEN)\b")
# The docstring is used only when its first sentence is short enough to read as a name.
DOCSTRING_MAX_WORDS = 12
DOCSTRING_PREFIXES: FrozenSet[str] = frozenset(
    {"assert", "asserts", "check", "checks", "ensure", "ensures", "test", "tests", "verify", "verifies"}
)
DEF_KEYWORD = "def "
FIXTURE_DECORATORS: FrozenSet[str] = frozenset({"fixture", "yield_fixture"})
NOT_A_TEST_DECORATORS: FrozenSet[str] = frozenset(
    {"cached_property", "deleter", "getter", "overload", "property", "setter"}
)
UNITTEST_BASE_SUFFIX = "TestCase"
CLASS_NAME_NOISE: FrozenSet[str] = frozenset({"case", "cases", "test", "tests"})
PYTEST, UNITTEST, UNKNOWN = "pytest", "unittest", "unknown"
PYTEST_CONFIG_FILES: Tuple[str, ...] = ("pyproject.toml", "pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg")
CONFTEST = "conftest.py"
# `-k EXPR`, `-k=EXPR`, `"-k", "EXPR"` (pyproject lists): the expression is what follows on the line.
KEYWORD_OPTION_RE = re.compile(r"(?<![\w-])-k(?![\w-])")
KEYWORD_OPERATORS: FrozenSet[str] = frozenset({"and", "or", "not"})
TEST_DEF_RE = re.compile(rb"\bdef[\s\\]+(test\w*)")
CAMEL_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")
WORD_RE = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class NameParts:
    """A test name (or docstring) cut into what is done, under which conditions, with which outcome."""

    action: Tuple[str, ...] = ()
    conditions: Tuple[Tuple[str, ...], ...] = ()
    outcome: Tuple[str, ...] = ()


@dataclass(frozen=True)
class BodyFacts:
    """What the body says about the test: the function under test, a lone `pytest.raises`, the docstring."""

    call: Optional[str] = None
    raises: Optional[str] = None  # "" when the body is one pytest.raises block with no single exception name
    docstring: Optional[str] = None
    # The words of the test's class name without test/tests/case: `PeekableTests` -> ("peekable",)
    class_words: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Naming:
    when: Tuple[str, ...]
    conditions: Tuple[Tuple[str, ...], ...]
    then: Tuple[str, ...]


@dataclass(frozen=True)
class FoundTest:
    """A function that is a test, with what its class tells about it."""

    node: cst.FunctionDef
    kind: str  # PYTEST (also for module-level tests), UNITTEST
    class_name: Optional[str] = None
    # Classes of this file related by inheritance share their names: (key of the family, names they bind).
    family: Optional[Tuple[int, FrozenSet[str]]] = None


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


# --- words -----------------------------------------------------------------------------------------------------


def is_conforming(name: str) -> bool:
    """Already `test_WHEN_..._THEN_...`: left alone (the pre-check uses the same test on raw bytes)."""
    return name.startswith(f"{TEST_PREFIX}_{WHEN}_") and f"_{THEN}_" in name


def camel_words(identifier: str) -> List[str]:
    return [word.lower() for word in CAMEL_WORD_RE.findall(identifier)]


def snake_case(identifier: str) -> str:
    return "_".join(camel_words(identifier))


def name_words(name: str) -> Optional[List[str]]:
    """The words after the `test` prefix; None for names outside the scheme (`testing_x`, `tests_x`)."""
    if not name.startswith(TEST_PREFIX):
        return None
    rest = name[len(TEST_PREFIX) :]
    if rest.startswith("_") or not rest:
        return [word for word in rest.split("_") if word]
    if rest[0].isupper() and rest.isascii():
        return camel_words(rest)
    return None


def is_tag_word(word: str) -> bool:
    return len(word) >= 2 and word.isalpha() and word.isupper()


def conjugate(verb: str) -> str:
    """Third person singular of a base-form verb: `return` -> `returns`, `be` -> `is`."""
    irregular = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if verb in irregular:
        return irregular[verb]
    if not verb.isalpha() or not verb.islower():
        return verb
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def normalize_outcome(words: Sequence[str]) -> Tuple[str, ...]:
    """`should_not_be_empty` -> `is_not_empty`, `should_raise` -> `raises`, `return_none` -> `returns_none`."""
    result = list(words)
    if result and result[0].lower() in MODALS:
        result = result[1:]
        if not result:
            return ()
        if result[0] == "not":
            rest = result[1:]
            if rest and rest[0] == "be":
                return ("is", "not", *rest[1:])
            return ("does", "not", *rest)
        if result[0] in ("be", "have") or result[0].isalpha() and result[0].islower():
            result[0] = conjugate(result[0])
        return tuple(result)
    if result and result[0] in BASE_OUTCOME_VERBS:
        result[0] = conjugate(result[0])
    return tuple(result)


def _starts_outcome(word: str, weak_allowed: bool) -> bool:
    if word in MODALS or word in BASE_OUTCOME_VERBS:
        return True
    if word in OUTCOME_VERBS:
        return weak_allowed or word not in WEAK_OUTCOME_VERBS
    return False


def segment(words: Sequence[str]) -> NameParts:
    """Cut lower-case words into action, conditions (at condition markers and `and`) and outcome (at a verb)."""
    action: List[str] = []
    conditions: List[List[str]] = []
    outcome: List[str] = []
    state = "action"
    clause = False
    for word in words:
        current = action if state == "action" else conditions[-1] if state == "condition" else outcome
        if word in CONDITION_MARKERS:
            conditions.append([] if word in DROPPED_MARKERS else [word])
            state, clause = "condition", word in CLAUSE_MARKERS
        elif state == "condition" and word == "and":
            conditions.append([])
        elif state != "outcome" and _starts_outcome(word, bool(action) if state == "action" else not clause):
            if word in BASE_OUTCOME_VERBS and current and current[-1] in NEGATIONS:
                outcome.append(current.pop())
            outcome.append(word)
            state = "outcome"
        else:
            current.append(word)
    while action and action[0] in FILLER_WORDS:
        action.pop(0)
    cleaned = tuple(tuple(w for w in words if w not in FILLER_WORDS) for words in conditions)
    return NameParts(tuple(action), tuple(c for c in cleaned if c), normalize_outcome(outcome))


def tagged_parts(words: Sequence[str]) -> NameParts:
    """A name that already starts `test_WHEN_` but has no THEN: keep its WHEN and AND parts as they are."""
    action: List[str] = []
    conditions: List[List[str]] = []
    current = action
    for word in words[1:]:
        if word == AND:
            conditions.append([])
            current = conditions[-1]
        elif word != WHEN:
            current.append(word)
    return NameParts(tuple(action), tuple(tuple(c) for c in conditions if c), ())


def docstring_parts(docstring: Optional[str]) -> Optional[NameParts]:
    """THEN and AND words from "Should return X when Y." style docstrings; None when it reads otherwise."""
    if not docstring:
        return None
    first = re.split(r"(?<=[.!?])\s|\n", docstring.strip(), maxsplit=1)[0]
    words: List[str] = []
    for token in WORD_RE.findall(first):
        words.extend(camel_words(token) if not token.islower() else [token])
    while words and words[0] in DOCSTRING_PREFIXES | {"that", "it"}:
        words.pop(0)
    words = [word for word in words if word not in ("a", "an", "the")]
    if not words or len(words) > DOCSTRING_MAX_WORDS:
        return None
    start = next((i for i, word in enumerate(words) if _starts_outcome(word, True)), None)
    if start is None:
        return None
    while start + 1 < len(words) and words[start + 1] in OUTCOME_VERBS - WEAK_OUTCOME_VERBS:
        start += 1  # "chained calls produces ...": the subject's noun looked like a verb
    parts = segment(words[start:])
    return parts if parts.outcome or parts.conditions else None


def _find_span(words: Sequence[str], wanted: Sequence[str]) -> Optional[int]:
    keys = [word.lower() for word in words]
    size = len(wanted)
    for start in range(len(keys) - size + 1):
        if keys[start : start + size] == list(wanted):
            return start
    return None


def _shared_prefix(action: Sequence[str], call_keys: Sequence[str]) -> int:
    """How many leading words of the action are a run of words of the function under test's name."""
    for size in range(len(action), 0, -1):
        if _find_span(call_keys, [word.lower() for word in action[:size]]) is not None:
            return size
    return 0


def plan_name(old: str, facts: BodyFacts) -> Optional[Naming]:
    """The parts of the new name, or None when the name is left alone (already tagged, no action found)."""
    words = name_words(old)
    if words is None or is_conforming(old):
        return None
    call_words = tuple(word for word in (facts.call or "").split("_") if word)
    call_keys = [word.lower() for word in call_words]
    if any(word in TAGS for word in words) or (words and is_tag_word(words[0])):
        if not words or words[0] != WHEN or THEN in words:
            return None
        parts = tagged_parts(words)
        when = parts.action
        conditions = parts.conditions
        outcome: Tuple[str, ...] = ()
    else:
        span = _find_span(words, call_keys) if call_keys else None
        marked = segment([*words[:span], CALL_MARKER, *words[span + len(call_keys) :]]) if span is not None else None
        if marked is not None and CALL_MARKER in marked.action:
            # The function under test is named in the action: the action's other words are a condition.
            leftover = tuple(word for word in marked.action if word != CALL_MARKER)
            conditions = ((leftover,) if leftover else ()) + marked.conditions
            outcome = marked.outcome
            when = (*call_words, CALLED)
        else:
            parts = segment(words)
            conditions = parts.conditions
            outcome = parts.outcome
            action = parts.action
            shared = _shared_prefix(action, call_keys)
            if shared < MIN_SHARED_WORDS and not (shared == 1 and action[0].lower() == call_keys[-1]):
                shared = 0
            vague = bool(action) and all(word.lower() in VAGUE_WORDS or word.isdigit() for word in action)
            named_by_class = bool(call_keys) and _find_span(facts.class_words, call_keys) is not None
            if call_words and (not action or shared or vague or named_by_class):
                # The old name starts with part of the function's name (`next_vni` for `get_next_vni`), its class
                # is named after the function (`PeekableTests`), or the name says nothing a function could be
                # called: the function is the action, the rest a condition.
                when = (*call_words, CALLED)
                leftover = action[shared:]
                conditions = ((leftover,) if leftover else ()) + conditions
            else:
                when = action
    if not when:
        return None
    docstring = docstring_parts(facts.docstring)
    if not outcome:
        if facts.raises is not None:
            outcome = (RAISES, facts.raises) if facts.raises else (RAISES,)
        elif docstring is not None and docstring.outcome:
            outcome = docstring.outcome
        else:
            outcome = AS_EXPECTED
    if not conditions and docstring is not None:
        conditions = docstring.conditions
    return Naming(tuple(when), tuple(conditions), tuple(outcome))


def compose(naming: Naming, conditions: Optional[int] = None) -> str:
    kept = naming.conditions if conditions is None else naming.conditions[:conditions]
    parts = [TEST_PREFIX, WHEN, *naming.when]
    for condition in kept:
        parts.extend([AND, *condition])
    parts.extend([THEN, *naming.then])
    return "_".join(parts)


def fit_length(naming: Naming, max_length: int) -> Optional[Naming]:
    """Drop AND conditions from the end until `def <name>` fits; None when even no condition does not fit."""
    for keep in range(len(naming.conditions), -1, -1):
        if len(DEF_KEYWORD) + len(compose(naming, keep)) <= max_length:
            return Naming(naming.when, naming.conditions[:keep], naming.then)
    return None


def disambiguate(naming: Naming, old_words: Sequence[str], taken: Set[str], max_length: int) -> str:
    """The composed name, or with the next word of the old name it lacks, or with `_2`, `_3`..."""
    name = compose(naming)
    if name not in taken:
        return name
    used = {word.lower() for part in (naming.when, naming.then, *naming.conditions) for word in part}
    for word in old_words:
        if {word.lower(), conjugate(word.lower())} & used or word.lower() in NON_CONTENT_WORDS or word in TAGS:
            continue
        used.add(word.lower())
        candidate = compose(Naming(naming.when, naming.conditions + ((word,),), naming.then))
        if candidate not in taken and len(DEF_KEYWORD) + len(candidate) <= max_length:
            return candidate
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


# --- the body ---------------------------------------------------------------------------------------------------


def callee_parts(func: cst.BaseExpression) -> Optional[List[str]]:
    """`ops.perform_get` -> ["ops", "perform_get"]; `Client().get` -> ["Client", "get"]; None if not a name."""
    parts: List[str] = []
    node: cst.BaseExpression = func
    while True:
        if isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Name):
            parts.append(node.value)
            return parts[::-1]
        else:
            return parts[::-1] if parts else None


def is_call_under_test(parts: Sequence[str], local_names: FrozenSet[str]) -> bool:
    """Not a mock, a constructor, a builtin, a pytest helper, a helper of this file or a stdlib function."""
    last = parts[-1]
    bare = last.lstrip("_")
    if not bare or (last.startswith("__") and last.endswith("__")) or bare[0].isupper():
        return False
    if last.lower().startswith("assert"):
        return False
    if any("mock" in part.lower() or part in MOCK_NAMES for part in parts):
        return False
    if len(parts) == 1:
        return last not in BUILTIN_NAMES and last not in local_names
    root = parts[0]
    if root in HELPER_ROOTS or root in STDLIB_MODULES:
        return False
    return not (root == "self" and len(parts) == 2)


def _first_call(node: cst.CSTNode, local_names: FrozenSet[str]) -> Optional[str]:
    """The first qualifying call in pre-order (outer calls before the calls in their arguments)."""
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        return None
    if isinstance(node, cst.Call) or isinstance(node, cst.Decorator) and not isinstance(node.decorator, cst.Call):
        # A decorator without arguments is called with the function: `@memoize` calls memoize.
        parts = callee_parts(node.func if isinstance(node, cst.Call) else node.decorator)
        if parts and is_call_under_test(parts, local_names):
            return parts[-1].lstrip("_")
    for child in _child_nodes(node):
        found = _first_call(child, local_names)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=None)
def _searched_fields(node_type: type) -> Tuple[str, ...]:
    return tuple(
        item.name
        for item in dataclasses.fields(node_type)
        if not item.name.startswith("whitespace") and item.name not in SYNTAX_FIELDS
    )


def _child_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The children that can hold a call, in source order; `node.children` costs a visit per node, 15x slower."""
    for name in _searched_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            yield from (item for item in value if isinstance(item, cst.CSTNode))


def _header(statement: cst.BaseCompoundStatement) -> List[cst.CSTNode]:
    """The expressions a compound statement evaluates before its body."""
    if isinstance(statement, cst.With):
        return [item.item for item in statement.items]
    if isinstance(statement, (cst.If, cst.While)):
        return [statement.test]
    if isinstance(statement, cst.For):
        return [statement.iter]
    return []


def _blocks(statement: cst.BaseCompoundStatement) -> Iterator[cst.BaseStatement]:
    """The statements of a compound statement's bodies (body, elif/else, except, finally), in order."""
    body = statement.body
    if isinstance(body, cst.IndentedBlock):
        yield from body.body
    parts: List[cst.CSTNode] = list(getattr(statement, "handlers", ()))
    for attribute in ("orelse", "finalbody"):
        part = getattr(statement, attribute, None)
        if part is not None:
            parts.append(part)
    for part in parts:
        if isinstance(part, cst.If):
            yield part
        elif isinstance(getattr(part, "body", None), cst.IndentedBlock):
            yield from part.body.body


def _steps(block: Iterable[cst.BaseStatement]) -> Iterator[Tuple[cst.BaseStatement, List[cst.CSTNode]]]:
    """(statement, what it evaluates) in execution order; a compound statement's header comes before its body."""
    for statement in block:
        if isinstance(statement, cst.SimpleStatementLine):
            yield statement, [statement]
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            yield statement, list(statement.decorators)
        elif isinstance(statement, cst.BaseCompoundStatement):
            yield statement, _header(statement)
            yield from _steps(_blocks(statement))


def _has_act_comment(statement: cst.BaseStatement) -> bool:
    lines = getattr(statement, "leading_lines", ())
    return any(line.comment is not None and ACT_COMMENT_RE.match(line.comment.value) for line in lines)


def _is_assert(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Assert):
            return True
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            parts = callee_parts(small.value.func)
            if parts and parts[-1].lower().startswith("assert"):
                return True
    return False


def _step_call(nodes: Sequence[cst.CSTNode], local_names: FrozenSet[str]) -> Optional[str]:
    for node in nodes:
        found = _first_call(node, local_names)
        if found is not None:
            return found
    return None


def find_call_under_test(body: Sequence[cst.BaseStatement], local_names: FrozenSet[str]) -> Optional[str]:
    """After a `# Run`/`# Act`/`# When` comment the first call; else the last call before the first assert."""
    steps = list(_steps(body))
    act = next((i for i, (statement, _nodes) in enumerate(steps) if _has_act_comment(statement)), None)
    if act is not None:
        for _statement, nodes in steps[act:]:
            found = _step_call(nodes, local_names)
            if found is not None:
                return found
    last: Optional[str] = None
    for statement, nodes in steps:
        found = _step_call(nodes, local_names)
        if _is_assert(statement):
            return last if last is not None else found
        if found is not None:
            last = found
    return last


def _is_pytest_raises(node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.Call):
        return False
    parts = callee_parts(node.func)
    return parts in (["pytest", "raises"], ["raises"])


def single_raises(body: Sequence[cst.BaseStatement]) -> Optional[str]:
    """For a body that ends in its only `with pytest.raises(X):` block: the exception in snake case."""
    statements = [s for s in body if not _is_docstring_statement(s)]
    blocks = [
        s for s in statements if isinstance(s, cst.With) and any(_is_pytest_raises(i.item) for i in s.items)
    ]
    if len(blocks) != 1 or statements[-1] is not blocks[0] or len(blocks[0].items) != 1:
        return None
    call = blocks[0].items[0].item
    assert isinstance(call, cst.Call)
    positional = [arg for arg in call.args if arg.keyword is None]
    if not positional or len(positional) > 1:
        return "" if positional else None
    exception = callee_parts(positional[0].value) if not isinstance(positional[0].value, cst.Call) else None
    return snake_case(exception[-1]) if exception else ""


def _is_docstring_statement(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _target_names(target: cst.CSTNode) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


def function_bindings(node: cst.FunctionDef) -> Set[str]:
    """Parameters and names the body binds: calling one of them calls a helper or a value, not the code under test."""
    params = node.params
    names = {param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    pending: List[cst.BaseStatement] = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
    while pending:
        statement = pending.pop()
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        names.update(_target_names(target.target))
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    names.update(_target_names(small.target))
        elif isinstance(statement, cst.BaseCompoundStatement):
            if isinstance(statement, cst.For):
                names.update(_target_names(statement.target))
            elif isinstance(statement, cst.With):
                for item in statement.items:
                    if item.asname is not None:
                        names.update(_target_names(item.asname.name))
            pending.extend(_blocks(statement))
    return names


def class_words(class_name: Optional[str]) -> Tuple[str, ...]:
    if class_name is None:
        return ()
    return tuple(word for word in camel_words(class_name) if word not in CLASS_NAME_NOISE)


def body_facts(node: cst.FunctionDef, module_names: FrozenSet[str], class_name: Optional[str] = None) -> BodyFacts:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    local_names = module_names | function_bindings(node)
    docstring = node.get_docstring(clean=True)
    return BodyFacts(
        find_call_under_test(body, local_names), single_raises(body), docstring, class_words(class_name)
    )


# --- which functions ---------------------------------------------------------------------------------------------


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


def _dotted(expression: cst.BaseExpression) -> Optional[str]:
    parts = callee_parts(expression) if isinstance(expression, (cst.Name, cst.Attribute)) else None
    return ".".join(parts) if parts else None


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
        dotted = _dotted(base.value)
        if dotted == "object":
            continue
        if dotted is not None and dotted in known:
            local.append(dotted)
            kinds.add(known[dotted].kind)
        elif dotted is not None and dotted.split(".")[-1].endswith(UNITTEST_BASE_SUFFIX):
            kinds.add(UNITTEST)
        else:
            kinds.add(UNKNOWN)
    kind = UNKNOWN if UNKNOWN in kinds else UNITTEST if UNITTEST in kinds else PYTEST
    return kind, tuple(local)


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
    return ClassInfo(node, kind, local_bases, bound_names(class_body(node)))


def class_body(node: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    return node.body.body if isinstance(node.body, cst.IndentedBlock) else ()


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


def families(classes: Sequence[ClassInfo]) -> Dict[int, Tuple[int, FrozenSet[str]]]:
    """Per class (by id of its node): its family of classes related by inheritance in this file, as the key of
    the family and every name the family binds. A test renamed to a name a relative binds would override it."""
    by_name = {info.node.name.value: info for info in classes}
    parent: Dict[int, int] = {id(info.node): id(info.node) for info in classes}

    def root(key: int) -> int:
        while parent[key] != key:
            key = parent[key]
        return key

    for info in classes:
        for base_name in info.local_bases:
            base = by_name.get(base_name)
            if base is not None:
                parent[root(id(info.node))] = root(id(base.node))
    bound: Dict[int, Set[str]] = {}
    for info in classes:
        bound.setdefault(root(id(info.node)), set()).update(info.bound)
    return {id(info.node): (root(id(info.node)), frozenset(bound[root(id(info.node))])) for info in classes}


# --- references outside the file ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _read_lines(path: str, mtime_ns: int, size: int) -> Tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


def external_files(file: FileContext) -> List[Tuple[str, Tuple[str, ...]]]:
    """The pytest configuration files at the project root and the conftest.py files above the test file."""
    root = file.root.resolve()
    candidates = [root / name for name in PYTEST_CONFIG_FILES]
    directory = file.path.resolve().parent
    while True:
        candidates.append(directory / CONFTEST)
        if directory == root or root not in directory.parents:
            break
        directory = directory.parent
    found = []
    for path in dict.fromkeys(candidates):
        try:
            status = os.stat(path)
        except OSError:
            continue
        display = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        found.append((display, _read_lines(str(path), status.st_mtime_ns, status.st_size)))
    return found


def word_pattern(name: str) -> "re.Pattern[str]":
    return re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")


def keyword_mismatches(line: str, old: str, new: str) -> List[str]:
    """Words of a `-k` expression that match the old name and not the new one, or the other way round."""
    found = []
    for match in KEYWORD_OPTION_RE.finditer(line):
        expression = re.split(r"\s-", line[match.end() :], maxsplit=1)[0]
        for word in re.findall(r"[A-Za-z_]\w*", expression):
            if word.lower() in KEYWORD_OPERATORS:
                continue
            if (word.lower() in old.lower()) != (word.lower() in new.lower()):
                found.append(word)
    return found


def mention_counts(code: str, names: Iterable[str]) -> Counter:
    """(name, line) -> how often the name occurs there as a whole word; one pass over the code for all names."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    counts: Counter = Counter()
    line, offset = 1, 0
    for match in re.finditer(rf"(?<!\w)(?:{alternatives})(?!\w)", code):
        line += code.count("\n", offset, match.start())
        offset = match.start()
        counts[(match.group(0), line)] += 1
    return counts


def external_warnings(file: FileContext, renames: Sequence[Tuple[int, str, str]]) -> List[str]:
    warnings: List[str] = []
    files = external_files(file)
    for line_number, old, new in renames:
        pattern = word_pattern(old)
        for display, lines in files:
            for number, line in enumerate(lines, start=1):
                if pattern.search(line):
                    warnings.append(f"{line_number}: {old} is referenced in {display}:{number}; update it to {new}")
                    continue
                for word in keyword_mismatches(line, old, new):
                    warnings.append(
                        f"{line_number}: -k {word!r} in {display}:{number} selects {old} and {new} differently"
                    )
    return warnings


# --- the codemod -------------------------------------------------------------------------------------------------

EXAMPLES: Tuple[Example, ...] = (
    Example(
        title="the function under test becomes WHEN, the rest of the name AND, the outcome verb THEN",
        before=(
            "def test_deploy_not_bootstrapped_executes_command(mock_shell):\n"
            "    # Run our test\n"
            "    client.deploy([\"MyStack\"])\n"
            "\n"
            "    assert expected_calls == mock_shell.call_args_list\n"
        ),
        after=(
            "def test_WHEN_deploy_called_AND_not_bootstrapped_THEN_executes_command(mock_shell):\n"
            "    # Run our test\n"
            "    client.deploy([\"MyStack\"])\n"
            "\n"
            "    assert expected_calls == mock_shell.call_args_list\n"
        ),
        path="test_cdk_client.py",
    ),
    Example(
        title="condition markers start AND parts; a lone pytest.raises block gives THEN_raises_<exception>",
        before=(
            "def test_parse_returns_none_when_empty():\n"
            "    assert None == parse(\"\")\n"
            "\n"
            "\n"
            "def test_next_vni_pool_exhausted():\n"
            "    with pytest.raises(vni.VniPoolExhausted):\n"
            "        provider.get_next_vni()\n"
        ),
        after=(
            "def test_WHEN_parse_called_AND_empty_THEN_returns_none():\n"
            "    assert None == parse(\"\")\n"
            "\n"
            "\n"
            "def test_WHEN_get_next_vni_called_AND_pool_exhausted_THEN_raises_vni_pool_exhausted():\n"
            "    with pytest.raises(vni.VniPoolExhausted):\n"
            "        provider.get_next_vni()\n"
        ),
        path="test_vni.py",
    ),
    Example(
        title="references in the same file are renamed too; fixtures and tagged names are left alone",
        before=(
            "@pytest.fixture\n"
            "def test_data():\n"
            "    return {\"a\": 1}\n"
            "\n"
            "\n"
            "def test_perform_get_success(test_data):\n"
            "    actual = ops.perform_get(test_data)\n"
            "    assert {\"a\": 1} == actual\n"
            "\n"
            "\n"
            "def test_CONFIRM_prompt_shown():\n"
            "    assert ask()\n"
            "\n"
            "\n"
            "FLAKY = [test_perform_get_success]\n"
        ),
        after=(
            "@pytest.fixture\n"
            "def test_data():\n"
            "    return {\"a\": 1}\n"
            "\n"
            "\n"
            "def test_WHEN_perform_get_called_AND_success_THEN_as_expected(test_data):\n"
            "    actual = ops.perform_get(test_data)\n"
            "    assert {\"a\": 1} == actual\n"
            "\n"
            "\n"
            "def test_CONFIRM_prompt_shown():\n"
            "    assert ask()\n"
            "\n"
            "\n"
            "FLAKY = [test_WHEN_perform_get_called_AND_success_THEN_as_expected]\n"
        ),
        path="test_rest_ops.py",
    ),
    Example(
        title="methods of unittest.TestCase classes only with unittest = true; camelCase names are split",
        before=(
            "class RESTClientTestCase(TestCase):\n"
            "    def test_get_error_path(self):\n"
            "        \"\"\"Should raise a RequestError when the server answers 500.\"\"\"\n"
            "        self.client.get(\"/x\")\n"
            "\n"
            "    def testPostRetries(self):\n"
            "        self.client.post(\"/x\")\n"
        ),
        after=(
            "class RESTClientTestCase(TestCase):\n"
            "    def test_WHEN_get_called_AND_error_path_THEN_raises_request_error(self):\n"
            "        \"\"\"Should raise a RequestError when the server answers 500.\"\"\"\n"
            "        self.client.get(\"/x\")\n"
            "\n"
            "    def test_WHEN_post_called_THEN_retries(self):\n"
            "        self.client.post(\"/x\")\n"
        ),
        path="test_rest_client.py",
        options={"unittest": True},
    ),
)

DOC = """
Which functions: in test files only (`test-files`, else pytest's `python_files`, else test_*.py and *_test.py),
module-level test functions and methods of test classes (`test-classes`, else `python_classes`, else Test*) whose
name starts with `test`. Left alone: names already `test_WHEN_..._THEN_...`; names whose first word is an
upper-case tag (`test_CONFIRM_...`); fixtures, properties and overloads; methods of unittest.TestCase
subclasses unless `unittest = true`; classes with a base class defined in another module (their tests may
override inherited ones); a test bound twice in its scope or overriding a parent class's test (warned).

How the name is built:
1. The old name is split into words (camelCase too) and cut at the first condition marker (when, if, with,
   without, for, on, after, before, during, while, using, via, ...) and the first outcome verb (returns, raises,
   is, has, fails, works, ...; `should_X` becomes `Xs`).
2. WHEN: the function under test plus `_called`. It is the first call after a `# Run`/`# Act`/`# When` comment,
   else the last call before the first assert, skipping mocks, constructors, builtins, pytest and stdlib helpers
   and this file's own functions. It is used when its words appear in the old name's action or the action
   starts with part of it (the other words of the action become a condition), when the class is named after
   it (`PeekableTests.test_slicing`), when the old name has no action or only vague words (happy_path, basic);
   otherwise the old name's action words are the WHEN part, without `_called`.
3. AND: the conditions in order (markers when/if/given dropped, with/without/for/on... kept; `and` starts a new
   condition).
4. THEN: the outcome words; else `raises_<exception>` when the body ends in its only `with pytest.raises(X)`;
   else the outcome of a "Should return X when Y" docstring; else `as_expected`. The docstring also gives the
   AND part when the name has no condition.
5. If `def <name>` is longer than `max-length` (default 120), conditions are dropped from the end; a name that
   still does not fit is left alone (warned).

Safety: a new name never repeats a name bound in the same scope (for a class: in any class of this file it
inherits from or that inherits from it): the next word of the old name that the new name lacks is added as a
condition, else `_2`, `_3`. References in the same file (decorators, lists,
`test_x.__name__`) are renamed with the function through scope analysis; other mentions in the file (strings,
comments, attributes) and mentions in pytest.ini, pyproject.toml, tox.ini, setup.cfg and conftest.py files
(node ids, `--deselect`, `-k`) are warned about, not changed. Each change is reported as `old -> new` on the
line of the `def`.

Options ([tool.stylefix.test-names]): unittest = false (rename methods of unittest.TestCase subclasses too),
max-length = 120.
Directives: `# stylefix: skip` (or `skip[test-names]`) on a `def` line or its decorators leaves that test alone;
on a `class` line, every test of the class.
"""


class TestNames(StylefixCodemod):
    """Plans the renames from the tree's top level, resolves scopes only when something is renamed, renames."""

    __test__ = False  # not a pytest test class, whatever its name
    NAME = "test-names"
    EXAMPLES = EXAMPLES
    DOC = DOC

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__(context, file)
        self._renames: Dict[int, str] = {}
        self._target_lines: List[int] = []

    @classmethod
    def applies_to(cls, file: FileContext) -> bool:
        return file.is_test_file

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        return any(not is_conforming(match.group(1).decode("ascii")) for match in TEST_DEF_RE.finditer(source))

    # -- which functions

    def _test_defs(self, module: cst.Module) -> Iterator[FoundTest]:
        """Every test function, in source order."""
        classes = module_classes(module)
        overridden = overridden_names(classes)
        family = families(classes)
        infos = {id(info.node): info for info in classes}
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                if is_test_function(statement.name.value, self.file.config):
                    yield FoundTest(statement, PYTEST)
            elif isinstance(statement, cst.ClassDef):
                info = infos[id(statement)]
                yield from self._class_tests(info, overridden[id(statement)], family[id(statement)])

    def _class_tests(
        self, info: ClassInfo, overridden: Set[str], family: Optional[Tuple[int, FrozenSet[str]]]
    ) -> Iterator[FoundTest]:
        node = info.node
        config = self.file.config
        if info.kind == UNITTEST and not self.options.unittest:
            return
        if info.kind != UNITTEST and not is_test_class(node.name.value, config):
            return
        if self.is_skipped(node):
            return
        tests = []
        for statement in class_body(node):
            if isinstance(statement, cst.ClassDef) and info.kind == PYTEST:
                yield from self._class_tests(class_info(statement, {}), set(), None)
            elif isinstance(statement, cst.FunctionDef):
                name = statement.name.value
                if name.startswith(TEST_PREFIX) and (info.kind == UNITTEST or is_test_function(name, config)):
                    tests.append(statement)
        if info.kind == UNKNOWN:
            waiting = [test for test in tests if name_words(test.name.value) and not is_conforming(test.name.value)]
            if waiting:
                # No line number: these warnings come back on every run, and positions cost more than a parse.
                self.warn(
                    f"class {node.name.value} has a base class defined in another module; "
                    f"its {len(waiting)} tests may override inherited ones; not renamed"
                )
            return
        for test in tests:
            name = test.name.value
            if name in overridden:
                if name_words(name) is not None and not is_conforming(name):
                    self.warn(f"{node.name.value}.{name} overrides or is overridden in a related class; not renamed")
                continue
            yield FoundTest(test, info.kind, node.name.value, family)

    def _candidates(self, module: cst.Module) -> List[Candidate]:
        local_names = frozenset(
            statement.name.value for statement in module.body if isinstance(statement, (cst.FunctionDef, cst.ClassDef))
        )
        max_length = self.options.max_length
        found = []
        for test in self._test_defs(module):
            node = test.node
            old = node.name.value
            words = name_words(old)
            if words is None or is_conforming(old) or not is_renamable_def(node) or self.is_skipped(node):
                continue
            naming = plan_name(old, body_facts(node, local_names, test.class_name))
            if naming is None:
                continue
            fitted = fit_length(naming, max_length)
            if fitted is None:
                self.warn(f"{self.line_of(node)}: {old}: no new name fits in {max_length} characters; not renamed")
                continue
            if test.kind != UNITTEST and not is_test_function(compose(fitted), self.file.config):
                continue
            found.append(Candidate(test, old, fitted, tuple(words)))
        return found

    # -- resolving

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        candidates = self._candidates(tree)
        if not candidates:
            return tree
        wrapper = self.context.wrapper
        assert wrapper is not None, "the engine always runs codemods with a metadata wrapper"
        scopes = wrapper.resolve(ScopeProvider)
        # Names bound per scope, or per family of related classes: a new name must be free in all of them.
        taken: Dict[int, Set[str]] = {}
        renamed: List[Tuple[Candidate, List[cst.Name]]] = []
        for candidate in candidates:
            scope = scopes.get(candidate.node)
            if scope is None:
                continue
            family = candidate.test.family
            names = taken.setdefault(family[0] if family else id(scope), set(family[1]) if family else set())
            names.update(assignment.name for assignment in scope.assignments)
            references = self._references(candidate, scope)
            if references is None:
                continue
            candidate.new = disambiguate(candidate.naming, candidate.old_words, names, self.options.max_length)
            names.add(candidate.new)
            renamed.append((candidate, references))
        if not renamed:
            return tree
        for candidate, references in renamed:
            for name in (candidate.node.name, *references):
                self._renames[id(name)] = candidate.new
                self._target_lines.append(self.line_of(name))
            self.report(candidate.node.name, f"{candidate.old} -> {candidate.new}")
        self._target_lines.sort()
        self._warn_mentions(tree, renamed)
        return tree.visit(self)

    def _references(self, candidate: Candidate, scope: Scope) -> Optional[List[cst.Name]]:
        """The Name nodes that refer to this def; None (with a warning) when the name is bound more than once."""
        assignments = list(scope.assignments[candidate.old])
        if len(assignments) != 1:
            lines = sorted({self.line_of(a.node) for a in assignments if isinstance(a.node, cst.CSTNode)})
            self.warn(
                f"{self.line_of(candidate.node)}: {candidate.old} is bound {len(assignments)} times in its scope "
                f"(lines {', '.join(map(str, lines))}); only the last counts; not renamed"
            )
            return None
        return [access.node for access in assignments[0].references if isinstance(access.node, cst.Name)]

    def _warn_mentions(self, tree: cst.Module, renamed: Sequence[Tuple[Candidate, List[cst.Name]]]) -> None:
        """Mentions the rename does not reach: strings, comments and attributes here, and pytest config files."""
        reached: Counter = Counter()
        for candidate, references in renamed:
            reached.update((candidate.old, self.line_of(name)) for name in (candidate.node.name, *references))
        found = mention_counts(tree.code, {candidate.old for candidate, _references in renamed})
        for (old, line), count in sorted(found.items(), key=lambda item: (item[0][1], item[0][0])):
            if count > reached[(old, line)]:
                self.warn(f"{line}: {old} is also mentioned here (string, comment or attribute); not renamed")
        mentions = [(self.line_of(candidate.node), candidate.old, candidate.new) for candidate, _refs in renamed]
        for warning in external_warnings(self.file, mentions):
            self.warn(warning)

    # -- renaming

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Only statements that hold a renamed name are entered: most test bodies are skipped whole.
        if isinstance(node, cst.BaseStatement) and not self._holds_target(node):
            return False
        return super().on_visit(node)

    def _holds_target(self, statement: cst.BaseStatement) -> bool:
        position = self._position(statement)
        if position is None:
            return True
        first, last = position.start.line, position.end.line
        decorators = getattr(statement, "decorators", ())
        if decorators:
            first = min(first, self.line_of(decorators[0]))
        index = bisect.bisect_left(self._target_lines, first)
        return index < len(self._target_lines) and self._target_lines[index] <= last

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self._renames.get(id(original_node))
        return updated_node if new is None else updated_node.with_changes(value=new)

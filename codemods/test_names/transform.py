"""Codemod `test-names`: rename tests to `test_WHEN_<action>_AND_<condition>_THEN_<result>`.

The new name is built from three sources, in this order of trust: the words of the old name, the function the
body calls (the "function under test"), and the docstring. Everything is deterministic: the same file always
gives the same names, and a renamed file is left alone by a second run.
"""
import ast
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
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, cast
import warnings

import libcst as cst
from libcst.metadata import Scope, ScopeProvider

from stylefix.codemod import CodemodContext, FileContext, StylefixCodemod
from stylefix.codemods.test_names import precheck as test_names_precheck
from stylefix.codemods.test_names.meaning import (
    AUXILIARIES,
    NEGATION_WORDS,
    MeaningProblem,
    conjugate,
    content_words,
    forms,
    meaning_problems,
    name_parts,
    source_vocabulary,
)
from stylefix.codemods.test_names.precheck import AND, TEST_PREFIX, THEN, WHEN, is_conforming
from stylefix.codemods.test_names.words import (
    BASE_OUTCOME_VERBS,
    CLASS_NAME_NOISE,
    CLAUSE_MARKERS,
    CONDITION_MARKERS,
    CONJUNCTIONS,
    DOC,
    DOCSTRING_PREFIXES,
    DROPPED_MARKERS,
    EXAMPLES,
    FILLER_WORDS,
    FIXTURE_DECORATORS,
    HELPER_ROOTS,
    MARKER_PHRASES,
    MOCK_NAMES,
    MODALS,
    NEGATIONS,
    NON_CONTENT_WORDS,
    NOT_A_TEST_DECORATORS,
    NOUN_LIKE_VERBS,
    OUTCOME_VERBS,
    RESULT_WORDS,
    VAGUE_WORDS,
    WEAK_OUTCOME_VERBS,
)
from stylefix.config import is_test_class, is_test_function
from stylefix.mentions import ATTRIBUTE, COMMENT, DOCSTRING, STRING, Occurrence, keyword_mismatches, python_occurrences
from stylefix.results import Change

logger = logging.getLogger(__name__)

# Stands for the words of the function under test while the rest of the old name is cut into parts.
CALL_MARKER = "\0"
TAGS: FrozenSet[str] = frozenset({WHEN, AND, THEN})
CALLED = "called"
AS_EXPECTED: Tuple[str, ...] = ("as", "expected")
RAISES = "raises"


# Calls that are never the function under test.
BUILTIN_NAMES: FrozenSet[str] = frozenset(dir(builtins))
STDLIB_MODULES: FrozenSet[str] = frozenset(sys.stdlib_module_names)
# A one-word overlap is too weak to say the old name meant this function (`get` for `get_format_args`), unless
# it is the last word of the function's name (`total` for `compute_total`).
MIN_SHARED_WORDS = 2
# Names of one or two characters (`attr.s`, `attr.ib`, `f`) are shorthands or stand-ins: the function under test
# only when the old name has them as a word.
MIN_CALL_NAME_LENGTH = 3
# Fields of LibCST nodes that hold only punctuation and whitespace, never a call (besides whitespace_*).
SYNTAX_FIELDS: FrozenSet[str] = frozenset(
    {
        "colon", "comma", "dot", "equal", "first_colon", "footer", "header", "indent", "lbrace", "lbracket",
        "leading_lines", "lines_after_decorators", "lpar", "operator", "rbrace", "rbracket", "rpar", "second_colon",
        "semicolon", "star", "trailing_whitespace",
    }
)
# Nested scopes: what they call runs later, if at all.
NOT_SEARCHED_NODES: FrozenSet[type] = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
# A comment that opens the "act" section of a test: "# Run our test", "# Act", "# When".
ACT_COMMENT_RE = re.compile(r"^#\s*(?:Run|RUN|Act|ACT|When|WHEN)\b")
# The docstring is used only when its first sentence is short enough to read as a name.
DOCSTRING_MAX_WORDS = 12
DEF_KEYWORD = "def "
UNITTEST_BASE_SUFFIX = "TestCase"
PYTEST, UNITTEST, UNKNOWN = "pytest", "unittest", "unknown"
CAMEL_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")
WORD_RE = re.compile(r"[A-Za-z0-9]+")
# `ast` nodes and fields whose strings are never variables: string constants, attribute and keyword names,
# the module of `from x import y`, type comments.
NO_VARIABLE_NODES: FrozenSet[str] = frozenset({"Constant", "TypeIgnore"})
TYPE_COMMENT_NODES: Tuple[str, ...] = (
    "AsyncFor", "AsyncFunctionDef", "AsyncWith", "Assign", "For", "FunctionDef", "With", "arg"
)
NO_VARIABLE_FIELDS: FrozenSet[Tuple[str, str]] = frozenset(
    {("FunctionDef", "name"), ("AsyncFunctionDef", "name")}  # counted as defs, per scope
    | {("Attribute", "attr"), ("keyword", "arg"), ("ImportFrom", "module"), ("MatchClass", "kwd_attrs")}
    | {(kind, "type_comment") for kind in TYPE_COMMENT_NODES}
)
SCOPE_CLASS = "ClassDef"
# Every run of word characters: a superset of the names bound in the file, for ASCII names.
IDENTIFIER_RE = re.compile(r"\w+")


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
    # The first call inside the first assert, when `call` is an earlier one: `assert store.skus() == [...]`.
    assert_call: Optional[str] = None
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


# --- words -----------------------------------------------------------------------------------------------------


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
    """Cut lower-case words into action, conditions (at condition markers and `and`) and outcome (at a verb).

    A marker needs words after it: the last word of a name is never one (`test_copy_with`), and the words right
    after a marker belong to its condition, even a second marker (`using_with_block`, `before_after_request`) or
    a word that looks like a verb (`with_errors`, `with_matches_re`)."""
    action: List[str] = []
    conditions: List[List[str]] = []
    outcome: List[str] = []
    state = "action"
    clause = False
    opened = False  # a marker opened the current condition and no word has followed it yet
    for index, word in enumerate(words):
        current = action if state == "action" else conditions[-1] if state == "condition" else outcome
        phrase = index > 0 and (words[index - 1], word) in MARKER_PHRASES  # `ends_with_sep`
        if word in CONDITION_MARKERS and index + 1 < len(words) and not phrase:
            if not (state == "condition" and opened):
                conditions.append([])
            if word not in DROPPED_MARKERS:
                conditions[-1].append(word)
            clause = word in CLAUSE_MARKERS or state == "condition" and opened and clause
            state, opened = "condition", True
        elif state == "condition" and word == "and":
            conditions.append([])
            opened = False
        elif state == "condition" and opened and not clause:
            current.append(word)
            opened = False
        elif (
            state != "outcome"
            and not (word in NOUN_LIKE_VERBS and index + 1 == len(words))  # `schema_calls`: a plural noun
            and _starts_outcome(word, bool(action) if state == "action" else not clause)
        ):
            if current and current[-1] in NEGATIONS:
                outcome.append(current.pop())  # `no_raise`, `never_fails`: the negation stays with its verb
            outcome.append(word)
            state = "outcome"
        else:
            current.append(word)
            opened = False
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
    paragraph = " ".join(re.split(r"\n\s*\n", docstring.strip(), maxsplit=1)[0].split())
    first = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0]
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
    # Without an outcome the sentence was not cut where its verb is: its conditions would be noise.
    return parts if parts.outcome else None


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


def trim(words: Sequence[str]) -> Tuple[str, ...]:
    """Without conjunctions at either end: a part never begins or ends with `and`, `or`, `then`."""
    start, end = 0, len(words)
    while start < end and words[start].lower() in CONJUNCTIONS:
        start += 1
    while end > start and words[end - 1].lower() in CONJUNCTIONS:
        end -= 1
    return tuple(words[start:end])


def around_call(before: Sequence[str], after: Sequence[str], parts: NameParts, checked: bool) -> NameParts:
    """The old name's parts once the function under test is found in its action (`before` and `after` it): the
    call is the action; the other words are a condition. A conjunction next to the call (`add_and_find`) joins
    another action: the words on its side become a condition of their own. When the function was found in the
    first assert after other calls (`checked`: its result is what the test looks at), a result word leading or
    ending the words after it makes them the outcome (`skus_sorted` -> THEN `sorted`); otherwise such a word
    describes the input (`ceil_sorted` for `ceil(x, OPTIONS_SORTED)`) and stays a condition."""
    outcome = parts.outcome
    result_word = bool(after) and (after[0].lower() in RESULT_WORDS or after[-1].lower() in RESULT_WORDS)
    if checked and not outcome and result_word:
        outcome, after = tuple(after), ()
    if before and before[-1].lower() in CONJUNCTIONS or after and after[0].lower() in CONJUNCTIONS:
        leftovers: Tuple[Tuple[str, ...], ...] = (tuple(before), tuple(after))
    else:
        leftovers = ((*before, *after),)
    return NameParts((CALL_MARKER,), tuple(part for part in leftovers if part) + parts.conditions, outcome)


def call_parts(words: Sequence[str], call_words: Sequence[str], checked: bool = False) -> Optional[NameParts]:
    """The parts when the old name's action names the function under test: its words in the action
    (`deploy_not_bootstrapped` for `deploy`), or the action starting with two of its words or its last word
    (`next_vni_pool_exhausted` for `get_next_vni`). None otherwise."""
    if not call_words:
        return None
    call_keys = [word.lower() for word in call_words]
    span = _find_span(words, call_keys)
    if span is not None:
        marked = segment([*words[:span], CALL_MARKER, *words[span + len(call_keys) :]])
        if CALL_MARKER in marked.action:
            index = marked.action.index(CALL_MARKER)
            return around_call(marked.action[:index], marked.action[index + 1 :], marked, checked)
    parts = segment(words)
    shared = _shared_prefix(parts.action, call_keys)
    if shared >= MIN_SHARED_WORDS or shared == 1 and parts.action[0].lower() == call_keys[-1]:
        return around_call((), parts.action[shared:], parts, checked)
    return None


def _words_of(call: Optional[str]) -> Tuple[str, ...]:
    return tuple(word for word in (call or "").split("_") if word)


def plan_name(old: str, facts: BodyFacts) -> Optional[Naming]:
    """The parts of the new name, or None when the name is left alone (already tagged, no action found)."""
    words = name_words(old)
    if words is None or is_conforming(old):
        return None
    call_words = _words_of(facts.call)
    if any(word in TAGS for word in words) or (words and is_tag_word(words[0])):
        if not words or words[0] != WHEN or THEN in words:
            return None
        parts = tagged_parts(words)
        when = parts.action
        conditions = parts.conditions
        outcome: Tuple[str, ...] = ()
    else:
        # The act before the first assert first; else a call inside that assert the name speaks of.
        assert_words = _words_of(facts.assert_call)
        named = [
            (call, found)
            for call, checked in ((call_words, False), (assert_words, True))
            for found in [call_parts(words, call, checked)]
            if found
        ]
        if named:
            call, parts = named[0]
            when = (*call, CALLED)
            conditions, outcome = parts.conditions, parts.outcome
        else:
            parts = segment(words)
            conditions, outcome, action = parts.conditions, parts.outcome, parts.action
            vague = bool(action) and all(word.lower() in VAGUE_WORDS or word.isdigit() for word in action)
            call_keys = [word.lower() for word in call_words]
            named_by_class = bool(call_keys) and _find_span(facts.class_words, call_keys) is not None
            if call_words and (not action or vague or named_by_class):
                # Its class is named after the function (`PeekableTests`), or the name says nothing a function
                # could be called: the function is the action, the name's words a condition.
                when = (*call_words, CALLED)
                conditions = ((action,) if action else ()) + conditions
            else:
                when = action
    when = trim(when)
    if not when:
        # Nothing names what is done (`test_no_raise_on_valid_warning`: a negated outcome and a condition).
        return literal_naming(words)
    docstring = docstring_parts(facts.docstring)
    outcome = trim(outcome)
    if not outcome:
        if facts.raises is not None:
            outcome = (RAISES, facts.raises) if facts.raises else (RAISES,)
        elif docstring is not None and docstring.outcome:
            outcome = trim(docstring.outcome) or AS_EXPECTED
        else:
            outcome = AS_EXPECTED
    conditions = tuple(part for part in map(trim, conditions) if part)
    if not conditions and docstring is not None:
        conditions = tuple(part for part in map(trim, docstring.conditions) if part)
    return Naming(when, conditions, outcome)


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


def disambiguate(naming: Naming, old_words: Sequence[str], is_taken: Callable[[str], bool], max_length: int) -> str:
    """The composed name, or with the next word of the old name it lacks, or with `_2`, `_3`..."""
    name = compose(naming)
    if not is_taken(name):
        return name
    used = {word.lower() for part in (naming.when, naming.then, *naming.conditions) for word in part}
    for word in old_words:
        if {word.lower(), conjugate(word.lower())} & used or word.lower() in NON_CONTENT_WORDS or word in TAGS:
            continue
        used.add(word.lower())
        candidate = compose(Naming(naming.when, naming.conditions + ((word,),), naming.then))
        if not is_taken(candidate) and len(DEF_KEYWORD) + len(candidate) <= max_length:
            return candidate
    number = 2
    while is_taken(f"{name}_{number}"):
        number += 1
    return f"{name}_{number}"


def with_missing_words(naming: Naming, words: Sequence[str]) -> Naming:
    """The naming with the old name's content words it lacks as one more condition, in their order."""
    tokens, _then = name_parts(compose(naming))
    kept = set(tokens)
    wanted = set(content_words(words))
    missing = [word for word in words if word.lower() in wanted and not forms(word) & kept]
    missing = list(dict.fromkeys(missing))
    if all(word.lower() in CONJUNCTIONS for word in missing):
        return naming  # `AND_and` reads as nothing: the old name's own words say it better
    return Naming(naming.when, naming.conditions + (tuple(missing),), naming.then)


def literal_naming(words: Sequence[str], then: Tuple[str, ...] = AS_EXPECTED) -> Optional[Naming]:
    """The old name's own parts, nothing trimmed: its action, conditions and outcome (else `then`)."""
    parts = segment(words)
    when, conditions = parts.action, parts.conditions
    if not when and conditions:
        when, conditions = conditions[0], conditions[1:]
    if not when:
        return None
    return Naming(when, conditions, parts.outcome or then)


def without_lone_auxiliary(naming: Naming) -> Naming:
    """`THEN_is`, `THEN_does_not` say nothing: the outcome is then `as_expected`."""
    if all(word.lower() in AUXILIARIES or word.lower() in NEGATION_WORDS for word in naming.then):
        return Naming(naming.when, naming.conditions, AS_EXPECTED)
    return naming


def joins_nothing(naming: Naming) -> bool:
    """Whether a conjunction begins or ends a part (`WHEN_round_trips_or_THEN_...`): the words it joined are cut."""
    return any(part and trim(part) != part for part in (naming.when, naming.then, *naming.conditions))


def naming_choices(naming: Naming, words: Sequence[str]) -> Iterator[Naming]:
    """The planned naming first, then ones closer to the old name's words, the last one all of them in order."""
    yield naming
    yield with_missing_words(naming, words)
    # The outcome the body gave (`raises_value_error`) first, then none.
    for then in dict.fromkeys((naming.then, AS_EXPECTED)):
        literal = literal_naming(words, then)
        if literal is not None:
            yield literal
            yield with_missing_words(literal, words)
    if not any(word in TAGS for word in words):
        yield Naming(tuple(words), (), AS_EXPECTED)  # the old name's words in order: nothing is cut


def choose_naming(
    naming: Naming, words: Sequence[str], max_length: int, vocabulary: FrozenSet[str]
) -> Tuple[Optional[Naming], List[MeaningProblem]]:
    """The first naming that fits in `max_length` and keeps the old name's meaning; else None and what the first
    one that fits loses (no problems: nothing fits at all)."""
    first: Optional[List[MeaningProblem]] = None
    seen: Set[str] = set()
    choices = list(naming_choices(naming, words))
    for number, choice in enumerate(choices):
        fitted = fit_length(without_lone_auxiliary(choice), max_length)
        if fitted is None or joins_nothing(fitted) and number + 1 < len(choices):
            continue
        name = compose(fitted)
        if name in seen:
            continue
        seen.add(name)
        problems = meaning_problems(words, name, vocabulary)
        if not problems:
            return fitted, []
        if first is None:
            first = problems
    return None, first or []


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


@dataclass(frozen=True)
class CallRules:
    """What the search for the function under test skips: names of this file and of the test (helpers, values);
    and the old name's words, the only one- or two-letter names that count (`test_eq` calling `eq`)."""

    local_names: FrozenSet[str]
    name_words: FrozenSet[str] = frozenset()


def is_call_under_test(parts: Sequence[str], rules: CallRules) -> bool:
    """Not a mock, a constructor, a builtin, a pytest helper, a helper of this file or a stdlib function."""
    last = parts[-1]
    bare = last.lstrip("_")
    if not bare or (last.startswith("__") and last.endswith("__")) or bare[0].isupper():
        return False
    if len(bare) < MIN_CALL_NAME_LENGTH and bare not in rules.name_words:
        return False
    if last.lower().startswith("assert"):
        return False
    if any("mock" in part.lower() or part in MOCK_NAMES for part in parts):
        return False
    if len(parts) == 1:
        return last not in BUILTIN_NAMES and last not in rules.local_names
    root = parts[0]
    if root in HELPER_ROOTS or root in STDLIB_MODULES:
        return False
    return not (root == "self" and len(parts) == 2)


def _first_call(node: cst.CSTNode, rules: CallRules) -> Optional[str]:
    """The first qualifying call in pre-order (outer calls before the calls in their arguments).

    Exact type checks: LibCST's node classes are ABCs, and isinstance() against them costs ten times more."""
    kind = type(node)
    if kind in NOT_SEARCHED_NODES:
        return None
    callee: Optional[cst.BaseExpression] = None
    if kind is cst.Call:
        callee = cast(cst.Call, node).func
    elif kind is cst.Decorator and type(cast(cst.Decorator, node).decorator) is not cst.Call:
        callee = cast(cst.Decorator, node).decorator  # `@memoize` calls memoize with the function
    if callee is not None:
        parts = callee_parts(callee)
        if parts and is_call_under_test(parts, rules):
            return parts[-1].lstrip("_")
    for child in _child_nodes(node):
        found = _first_call(child, rules)
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


@functools.lru_cache(maxsize=None)
def _is_node_type(kind: type) -> bool:
    return issubclass(kind, cst.CSTNode)


def _child_nodes(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The children that can hold a call, in source order; `node.children` costs a visit per node, 15x slower."""
    children: List[cst.CSTNode] = []
    for name in _searched_fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            children.extend(item for item in value if _is_node_type(type(item)))
        elif _is_node_type(kind):
            children.append(value)
    return children


def _header(statement: cst.BaseCompoundStatement) -> List[cst.CSTNode]:
    """The expressions a compound statement evaluates before its body."""
    if isinstance(statement, cst.With):
        return [item.item for item in statement.items]
    if isinstance(statement, (cst.If, cst.While)):
        return [statement.test]
    if isinstance(statement, cst.For):
        return [statement.iter]
    if isinstance(statement, cst.Match):
        return [statement.subject]
    return []


def _blocks(statement: cst.BaseCompoundStatement) -> Iterator[cst.BaseStatement]:
    """The statements of a compound statement's bodies (body, match cases, elif/else, except, finally), in order."""
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        yield from body.body
    parts: List[cst.CSTNode] = [*getattr(statement, "cases", ()), *getattr(statement, "handlers", ())]
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


def _step_call(nodes: Sequence[cst.CSTNode], rules: CallRules) -> Optional[str]:
    for node in nodes:
        found = _first_call(node, rules)
        if found is not None:
            return found
    return None


def find_call_under_test(
    body: Sequence[cst.BaseStatement], rules: CallRules
) -> Tuple[Optional[str], Optional[str]]:
    """After a `# Run`/`# Act`/`# When` comment the first call; else the last call before the first assert (or
    the first call in it). Second: the first call in that assert when an earlier call came first, else None."""
    steps = list(_steps(body))
    act = next((i for i, (statement, _nodes) in enumerate(steps) if _has_act_comment(statement)), None)
    if act is not None:
        for _statement, nodes in steps[act:]:
            found = _step_call(nodes, rules)
            if found is not None:
                return found, None
    last: Optional[str] = None
    for statement, nodes in steps:
        found = _step_call(nodes, rules)
        if _is_assert(statement):
            return (last, found) if last is not None else (found, None)
        if found is not None:
            last = found
    return last, None


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


def body_facts(
    node: cst.FunctionDef, module_names: FrozenSet[str], words: Sequence[str], class_name: Optional[str] = None
) -> BodyFacts:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    rules = CallRules(module_names | function_bindings(node), frozenset(word.lower() for word in words))
    call, assert_call = find_call_under_test(body, rules)
    docstring = node.get_docstring(clean=True)
    return BodyFacts(call, assert_call, single_raises(body), docstring, class_words(class_name))


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


# --- mentions in the file ---------------------------------------------------------------------------------------


def mention_counts(code: str, names: Iterable[str]) -> Counter:
    """(name, line) -> how often the name occurs there as a whole word; one pass over the code for all names.

    Lines are counted as LibCST counts them (`\n`, `\r\n` and a lone `\r` each end one)."""
    wanted = frozenset(names)
    if not wanted:
        return Counter()
    # Every word that starts like the names (the pattern is the same for every file: `test` for test names).
    prefix = os.path.commonprefix(sorted(wanted))
    pattern = re.compile(rf"(?<!\w){re.escape(prefix)}\w*" if prefix else r"\w+")
    lone_returns = "\r" in code
    counts: Counter = Counter()
    line, offset = 1, 0
    for match in pattern.finditer(code):
        word = match.group(0)
        if word not in wanted:
            continue
        start = match.start()
        line += code.count("\n", offset, start)
        if lone_returns:
            line += code.count("\r", offset, start) - code.count("\r\n", offset, start)
        offset = start
        counts[(word, line)] += 1
    return counts


@dataclass(frozen=True)
class NameUses:
    """What CPython's `ast` says about some names: how often each is used as a variable besides the function
    defs named after it, and the lines of those defs per scope (the chain of enclosing classes and functions)."""

    variables: Counter
    defs: Dict[Tuple[str, Tuple[str, ...]], List[int]]


def variable_uses(code: str, names: FrozenSet[str], lines: Sequence[int]) -> Optional[NameUses]:
    """From CPython's `ast` (a tenth of a LibCST parse): every identifier among `names` that can bind or refer to
    a variable, in any scope. Attribute and keyword names, imported-from modules and strings are not counted, nor
    comments. Only the statements that span one of the sorted `lines` (where the names occur in the text) are
    looked into. None when this Python cannot parse the code."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    uses = NameUses(Counter(), {})
    try:
        _scan(tree, (), names, lines, uses)
    except RecursionError:  # a very deep expression: let scope analysis decide
        return None
    return uses


def _spans(statement: ast.stmt, lines: Sequence[int]) -> bool:
    first = min([statement.lineno, *(item.lineno for item in getattr(statement, "decorator_list", ()))])
    index = bisect.bisect_left(lines, first)
    return index < len(lines) and lines[index] <= (statement.end_lineno or statement.lineno)


def _scan(node: ast.AST, scope: Tuple[str, ...], names: FrozenSet[str], lines: Sequence[int], uses: NameUses) -> None:
    kind = type(node).__name__
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if node.name in names and not isinstance(node, ast.ClassDef):
            uses.defs.setdefault((node.name, scope), []).append(node.lineno)
        scope = (*scope, f"{kind}:{node.name}")
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            _scan(value, scope, names, lines, uses)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, ast.stmt):
                    if _spans(item, lines):
                        _scan(item, scope, names, lines, uses)
                elif isinstance(item, ast.AST):
                    _scan(item, scope, names, lines, uses)
                elif isinstance(item, str) and _is_variable_field(kind, field):
                    uses.variables.update(part for part in item.split(".") if part in names)
        elif isinstance(value, str) and _is_variable_field(kind, field):
            uses.variables.update(part for part in value.split(".") if part in names)


def _is_variable_field(kind: str, field: str) -> bool:
    return kind not in NO_VARIABLE_NODES and (kind, field) not in NO_VARIABLE_FIELDS


def _docstring_node(node: cst.CSTNode) -> Optional[cst.SimpleString]:
    """The docstring of a module, class or function: its first statement when that is a plain string."""
    if isinstance(node, cst.Module):
        body: Sequence[cst.CSTNode] = node.body
    elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        body = node.body.body
    else:
        return None
    first = body[0] if body else None
    if isinstance(first, cst.SimpleStatementLine):
        first = first.body[0] if first.body else None
    if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString):
        return first.value
    return None


class TestNames(StylefixCodemod):
    """Plans the renames from the tree's top level and rewrites only the statements that hold a renamed name.

    Scope analysis (about 4x a parse) is paid only when the text shows it can matter: when an old name occurs
    in the file anywhere besides its def. Otherwise nothing refers to the test, and renaming the def is complete.
    """

    __test__ = False  # not a pytest test class, whatever its name
    NAME = "test-names"
    EXAMPLES = EXAMPLES
    DOC = DOC

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__(context, file)
        self._renames: Dict[int, str] = {}  # id of a Name node -> its new value
        self._enter: Set[int] = set()  # ids of the classes that hold a renamed def
        self._target_lines: List[int] = []  # lines of every renamed Name (scope path only)
        self._reference_lines: List[int] = []  # lines of the references among them (scope path only)
        self._known_lines: Dict[int, int] = {}  # id of a node -> its line, when the text told it
        self._code: Optional[str] = None
        self._words: Optional[FrozenSet[str]] = None  # the file's words, lower case: what a THEN may hold
        # old name -> new name, for comments and docstrings that mention a renamed test (then the whole tree is
        # visited: rare, and comments sit between statements where the statement rewrite does not look)
        self._text_renames: Dict[str, str] = {}
        self._text_pattern: Optional["re.Pattern[str]"] = None
        self._docstrings: Set[int] = set()  # ids of the docstring nodes seen by the visit

    @classmethod
    def applies_to(cls, file: FileContext) -> bool:
        return test_names_precheck.applies_to(file)

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        return test_names_precheck.precheck(source, file)

    def line_of(self, node: cst.CSTNode) -> int:
        known = self._known_lines.get(id(node))
        return known if known is not None else super().line_of(node)

    # -- which functions

    def _test_defs(self, module: cst.Module) -> Iterator[FoundTest]:
        """Every test function, in source order."""
        classes = module_classes(module)
        overridden = overridden_names(classes)
        infos = {id(info.node): info for info in classes}
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                if is_test_function(statement.name.value, self.file.config):
                    yield FoundTest(statement, PYTEST)
            elif isinstance(statement, cst.ClassDef):
                yield from self._class_tests(infos[id(statement)], overridden[id(statement)], ())

    def _class_tests(
        self, info: ClassInfo, overridden: Set[str], outer: Tuple[cst.ClassDef, ...]
    ) -> Iterator[FoundTest]:
        node = info.node
        config = self.file.config
        if info.kind == UNITTEST and not self.options.unittest:
            return
        if info.kind != UNITTEST and not is_test_class(node.name.value, config):
            return
        if self.is_skipped(node):
            return
        owners = (*outer, node)
        tests = []
        for statement in class_body(node):
            if isinstance(statement, cst.ClassDef) and info.kind == PYTEST:
                yield from self._class_tests(class_info(statement, {}), set(), owners)
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
            yield FoundTest(test, info.kind, node.name.value, owners)

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
            naming = plan_name(old, body_facts(node, local_names, words, test.class_name))
            if naming is None:
                continue
            fitted, problems = choose_naming(naming, words, max_length, self._vocabulary(module))
            if fitted is None:
                if problems:
                    lost = ", ".join(problem.describe() for problem in problems)
                    reason = f"no new name within {max_length} characters keeps its meaning ({lost})"
                else:
                    reason = f"no new name fits in {max_length} characters"
                self._warn_kept(node, old, f"{reason}; rename it by hand")
                continue
            if test.kind != UNITTEST and not is_test_function(compose(fitted), self.file.config):
                continue
            found.append(Candidate(test, old, fitted, tuple(words)))
        return found

    # -- resolving

    def _text(self, module: cst.Module) -> str:
        if self._code is None:
            self._code = self.source_code(module)
        return self._code

    def _vocabulary(self, module: cst.Module) -> FrozenSet[str]:
        if self._words is None:
            self._words = source_vocabulary(IDENTIFIER_RE.findall(self._text(module)))
        return self._words

    def _warn_kept(self, node: cst.FunctionDef, old: str, reason: str) -> None:
        position = self._position(node.name)
        line, column = (position.start.line, position.start.column + 1) if position is not None else (0, 0)
        self.warn_at(line, column, f"kept {old}: {reason}")

    def _display_path(self) -> str:
        relative = self.file.relative_path()
        return relative.as_posix() if relative is not None else str(self.file.path)

    def _unblocked(self, candidates: Sequence[Candidate], occurrences: Sequence[Occurrence]) -> List[Candidate]:
        """The candidates whose name nothing the rename cannot reach uses: a string or an attribute in this file,
        a string, an import or configuration text elsewhere in the project. The others keep their name."""
        own_path = self._display_path()
        index = self.file.config.project_mentions
        here: Dict[str, List[Tuple[str, int, str]]] = {}
        for occurrence in occurrences:
            if occurrence.kind in (STRING, ATTRIBUTE):
                here.setdefault(occurrence.word, []).append((own_path, occurrence.line, occurrence.kind))
        kept = []
        for candidate in candidates:
            uses = list(here.get(candidate.old, ()))
            if index is not None:
                uses += [(m.path, m.line, m.kind) for m in index.of(candidate.old, exclude_path=own_path)]
            if not uses:
                kept.append(candidate)
                continue
            path, line, kind = uses[0]
            more = f" and {len(uses) - 1} more place{'s' if len(uses) > 2 else ''}" if len(uses) > 1 else ""
            self._warn_kept(
                candidate.node, candidate.old, f"its name is used at {path}:{line} ({kind}){more}; rename both by hand"
            )
        return kept

    def _keyword_selected(
        self, resolved: Sequence[Tuple[Candidate, List[cst.Name]]]
    ) -> List[Tuple[Candidate, List[cst.Name]]]:
        """Without the renames that a `-k` expression in the project's configuration would select differently."""
        index = self.file.config.project_mentions
        if index is None or not index.keyword_lines:
            return list(resolved)
        kept = []
        for candidate, references in resolved:
            found = [
                (option, word)
                for option in index.keyword_lines
                for word in keyword_mismatches(option.words, candidate.old, candidate.new)
            ]
            if not found:
                kept.append((candidate, references))
                continue
            option, word = found[0]
            self._warn_kept(
                candidate.node,
                candidate.old,
                f"-k {word!r} at {option.path}:{option.line} selects it and {candidate.new} differently "
                "(-k expression); rename both by hand",
            )
        return kept

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        candidates = self._candidates(tree)
        if not candidates:
            return tree
        code = self._text(tree)
        mentions = mention_counts(code, {candidate.old for candidate in candidates})
        totals: Counter = Counter()
        for (old, _line), count in mentions.items():
            totals[old] += count
        names = {candidate.old for candidate in candidates if totals[candidate.old] > 1}
        # Strings, comments, docstrings and attributes are told apart by one pass of a lexer, only where an old
        # name occurs besides its def.
        occurrences = [o for o in python_occurrences(code) if o.word in names] if names else []
        candidates = self._unblocked(candidates, occurrences)
        if not candidates:
            return tree
        taken = set(IDENTIFIER_RE.findall(code))
        def_lines = self._unreferenced_def_lines(code, candidates, mentions, totals)
        if def_lines is not None:
            self._known_lines.update(def_lines)
            resolved: List[Tuple[Candidate, List[cst.Name]]] = [(candidate, []) for candidate in candidates]
        else:
            logger.debug("%s: scope analysis", self.file.path)
            resolved = self._resolve_references(candidates, taken)
        self._name(resolved, taken)
        resolved = self._keyword_selected(resolved)
        if not resolved:
            return tree
        for candidate, references in resolved:
            self._enter.update(id(owner) for owner in candidate.test.owners)
            for name in (candidate.node.name, *references):
                self._renames[id(name)] = candidate.new
            self.report(candidate.node.name, f"{candidate.old} -> {candidate.new}", rename=(candidate.old, candidate.new))
        if self._reference_lines:
            self._target_lines = sorted(
                self.line_of(name) for candidate, references in resolved for name in (candidate.node.name, *references)
            )
        renamed = {candidate.old: candidate.new for candidate, _references in resolved}
        self._text_renames = {
            o.word: renamed[o.word] for o in occurrences if o.kind in (COMMENT, DOCSTRING) and o.word in renamed
        }
        if self._text_renames:
            # Comments and docstrings sit anywhere (between statements, in headers): visit the whole tree.
            self._text_pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, self._text_renames))})(?!\w)")
            visited = cast(cst.Module, tree.visit(self))
            self.changes.sort(key=lambda change: change.line)
            return visited
        body = self._rewrite_block(tree.body)
        return tree if body is None else tree.with_changes(body=body)

    def _unreferenced_def_lines(
        self, code: str, candidates: Sequence[Candidate], mentions: Counter, totals: Counter
    ) -> Optional[Dict[int, int]]:
        """id of each candidate's def -> its line, when no old name is referred to or bound twice in a scope;
        else None (scope analysis decides).

        An old name that occurs once in the text occurs only at its def. For the others, CPython's `ast` tells
        whether any other occurrence is a variable, or a second def in the same scope (then scope analysis
        finds the references and warns), or only strings, comments, attributes and defs in other classes (warned
        about, as on the scope path)."""
        if not all(candidate.old.isascii() for candidate in candidates):
            return None  # the text's word boundaries are exact for ASCII names only; rare enough to pay for scopes
        once = {old: line for (old, line) in mentions if totals[old] == 1}
        lines = {id(c.node.name): once[c.old] for c in candidates if c.old in once}
        others = [candidate for candidate in candidates if candidate.old not in once]
        if not others:
            return lines
        names = frozenset(candidate.old for candidate in others)
        logger.debug("%s: %s occur again; asking ast", self.file.path, ", ".join(sorted(names)))
        uses = variable_uses(code, names, sorted({line for (name, line) in mentions if name in names}))
        if uses is None or any(uses.variables[name] for name in names):
            return None
        if any(len(found) != 1 for (name, _scope), found in uses.defs.items()):
            return None  # bound twice in one scope: scope analysis warns with both lines
        for candidate in others:
            found = uses.defs.get((candidate.old, candidate.test.scope))
            if found is None:
                return None
            if (candidate.old, found[0]) in mentions:  # else the name is on a continuation line: positions tell
                lines[id(candidate.node.name)] = found[0]
        return lines

    def _resolve_references(
        self, candidates: Sequence[Candidate], taken: Set[str]
    ) -> List[Tuple[Candidate, List[cst.Name]]]:
        """The scope path: each candidate with the Name nodes that refer to it; names bound twice are left out.

        Every name bound in any scope joins `taken`, so non-ASCII names are as safe as the text makes ASCII ones."""
        wrapper = self.context.wrapper
        assert wrapper is not None, "the engine always runs codemods with a metadata wrapper"
        scopes = wrapper.resolve(ScopeProvider)
        for scope in {id(scope): scope for scope in scopes.values() if scope is not None}.values():
            taken.update(assignment.name for assignment in scope.assignments)
        resolved = []
        for candidate in candidates:
            scope = scopes.get(candidate.node)
            if scope is None:
                continue
            references = self._references(candidate, scope)
            if references is not None:
                resolved.append((candidate, references))
        self._reference_lines = sorted(self.line_of(name) for _candidate, names in resolved for name in names)
        return resolved

    def _name(self, resolved: Sequence[Tuple[Candidate, List[cst.Name]]], taken: Set[str]) -> None:
        """New names, in source order. A name that occurs anywhere in the file is never reused (the safety net
        compares renames file-wide, by name); two tests share a new name only if they share the old one."""
        chosen: Dict[str, str] = {}  # new name -> old name
        for candidate, _references in resolved:
            old = candidate.old

            def is_taken(name: str) -> bool:
                return name in taken or chosen.get(name, old) != old

            candidate.new = disambiguate(candidate.naming, candidate.old_words, is_taken, self.options.max_length)
            chosen.setdefault(candidate.new, old)

    def _references(self, candidate: Candidate, scope: Scope) -> Optional[List[cst.Name]]:
        """The Name nodes that refer to this def; None (with a warning) when the name is bound more than once."""
        assignments = list(scope.assignments[candidate.old])
        if len(assignments) != 1:
            lines = sorted({self.line_of(a.node) for a in assignments if isinstance(a.node, cst.CSTNode)})
            self.warn(
                f"{self.where(candidate.node.name)}: {candidate.old} is bound {len(assignments)} times in its scope "
                f"(lines {', '.join(map(str, lines))}); only the last counts; not renamed"
            )
            return None
        return [access.node for access in assignments[0].references if isinstance(access.node, cst.Name)]

    # -- renaming

    def _rewrite_block(self, body: Sequence[cst.BaseStatement]) -> Optional[List[cst.BaseStatement]]:
        """The statements with the renamed ones replaced; None when none changed. Untouched statements are
        returned as they are, so the cost follows what changes, not the size of the file."""
        new_body = list(body)
        changed = False
        for index, statement in enumerate(body):
            updated = self._rewrite_statement(statement)
            if updated is not statement:
                new_body[index] = updated
                changed = True
        return new_body if changed else None

    def _rewrite_statement(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        if self._reference_lines and self._holds(statement, self._reference_lines):
            # A reference can sit anywhere in the statement: visit it, entering only statements that hold one.
            return cast(cst.BaseStatement, statement.visit(self))
        if isinstance(statement, cst.FunctionDef):
            new = self._renames.get(id(statement.name))
            return statement if new is None else statement.with_changes(name=statement.name.with_changes(value=new))
        if isinstance(statement, cst.ClassDef) and id(statement) in self._enter:
            block = statement.body
            if isinstance(block, cst.IndentedBlock):
                body = self._rewrite_block(block.body)
                if body is not None:
                    return statement.with_changes(body=block.with_changes(body=body))
        return statement

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._text_pattern is not None:
            docstring = _docstring_node(node)
            if docstring is not None:
                self._docstrings.add(id(docstring))
        # Only statements that hold a renamed name are entered: most test bodies are skipped whole.
        elif isinstance(node, cst.BaseStatement) and not self._holds(node, self._target_lines):
            return False
        return super().on_visit(node)

    def _renamed_text(self, node: cst.CSTNode, text: str, kind: str) -> str:
        """`text` with the renamed tests' old names replaced, each replacement reported as a change."""
        pattern = self._text_pattern
        assert pattern is not None
        found = list(dict.fromkeys(pattern.findall(text)))
        for old in found:
            self.changes.append(Change(self.NAME, self.line_of(node), f"{kind}: {old} -> {self._text_renames[old]}"))
        return pattern.sub(lambda match: self._text_renames[match.group(0)], text) if found else text

    def leave_Comment(self, original_node: cst.Comment, updated_node: cst.Comment) -> cst.Comment:
        if self._text_pattern is None:
            return updated_node
        value = self._renamed_text(original_node, updated_node.value, COMMENT)
        return updated_node if value == updated_node.value else updated_node.with_changes(value=value)

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        if self._text_pattern is None or id(original_node) not in self._docstrings:
            return updated_node
        value = self._renamed_text(original_node, updated_node.value, DOCSTRING)
        return updated_node if value == updated_node.value else updated_node.with_changes(value=value)

    def _holds(self, statement: cst.BaseStatement, lines: List[int]) -> bool:
        """Whether one of the sorted `lines` falls in the statement, decorators included."""
        position = self._position(statement)
        if position is None:
            return True
        first, last = position.start.line, position.end.line
        decorators = getattr(statement, "decorators", ())
        if decorators:
            first = min(first, self.line_of(decorators[0]))
        index = bisect.bisect_left(lines, first)
        return index < len(lines) and lines[index] <= last

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self._renames.get(id(original_node))
        return updated_node if new is None else updated_node.with_changes(value=new)

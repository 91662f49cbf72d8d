"""The naming grammar of `test-names`: a test name (or a docstring) cut into action, conditions and outcome.

Words only, free of LibCST: what a name says, and where the function under test's words sit in it. The word
tables are in `words`; checking that a new name keeps the old one's meaning is in `meaning`.
"""
from dataclasses import dataclass
import re
from typing import List, Optional, Sequence, Tuple

from stylefix.codemods.test_names.meaning import conjugate
from stylefix.codemods.test_names.precheck import AND, TEST_PREFIX, WHEN
from stylefix.codemods.test_names.words import (
    BASE_OUTCOME_VERBS,
    CLAUSE_MARKERS,
    CONDITION_MARKERS,
    CONJUNCTIONS,
    DOCSTRING_PREFIXES,
    DROPPED_MARKERS,
    FILLER_WORDS,
    MARKER_PHRASES,
    MODALS,
    NEGATIONS,
    NOUN_LIKE_VERBS,
    OUTCOME_VERBS,
    RESULT_WORDS,
    WEAK_OUTCOME_VERBS,
)

# Stands for the words of the function under test while the rest of the old name is cut into parts.
CALL_MARKER = "\0"
# A one-word overlap is too weak to say the old name meant this function (`get` for `get_format_args`), unless
# it is the last word of the function's name (`total` for `compute_total`).
MIN_SHARED_WORDS = 2
# The docstring is used only when its first sentence is short enough to read as a name.
DOCSTRING_MAX_WORDS = 12
CAMEL_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")
WORD_RE = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class NameParts:
    """A test name (or docstring) cut into what is done, under which conditions, with which outcome."""

    action: Tuple[str, ...] = ()
    conditions: Tuple[Tuple[str, ...], ...] = ()
    outcome: Tuple[str, ...] = ()


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


def find_span(words: Sequence[str], wanted: Sequence[str]) -> Optional[int]:
    keys = [word.lower() for word in words]
    size = len(wanted)
    for start in range(len(keys) - size + 1):
        if keys[start : start + size] == list(wanted):
            return start
    return None


def _shared_prefix(action: Sequence[str], call_keys: Sequence[str]) -> int:
    """How many leading words of the action are a run of words of the function under test's name."""
    for size in range(len(action), 0, -1):
        if find_span(call_keys, [word.lower() for word in action[:size]]) is not None:
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
    span = find_span(words, call_keys)
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

"""The new name of a test: planned from the old name's parts and what the body says, then fitted to the length
limit and checked to keep the old name's meaning (free of LibCST)."""
from dataclasses import dataclass
from typing import Callable, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from stylefix.codemods.test_names.grammar import (
    call_parts,
    docstring_parts,
    find_span,
    is_tag_word,
    name_words,
    segment,
    tagged_parts,
    trim,
)
from stylefix.codemods.test_names.meaning import (
    AUXILIARIES,
    NEGATION_WORDS,
    MeaningProblem,
    conjugate,
    content_words,
    forms,
    meaning_problems,
    name_parts,
)
from stylefix.codemods.test_names.precheck import AND, TEST_PREFIX, THEN, WHEN, is_conforming
from stylefix.codemods.test_names.words import CONJUNCTIONS, NON_CONTENT_WORDS, VAGUE_WORDS

TAGS: FrozenSet[str] = frozenset({WHEN, AND, THEN})
CALLED = "called"
AS_EXPECTED: Tuple[str, ...] = ("as", "expected")
RAISES = "raises"
DEF_KEYWORD = "def "


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
            named_by_class = bool(call_keys) and find_span(facts.class_words, call_keys) is not None
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

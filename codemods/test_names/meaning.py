"""Whether a new test name keeps the meaning of the old one. Pure and LibCST-free: the codemod, the table tests
and scripts/test_names_real.py ask the same question.

A new name keeps the meaning when
- every content word of the old name (all but a few function words) appears in it, as it is or conjugated
  (`return` -> `returns`);
- a negation stays immediately before the word it negates (`no_raise`, never `no_THEN_raises`);
- its THEN part is not a lone auxiliary (`is`, `does`, `has`, with or without `not`);
- its THEN part holds no word the source does not contain (`specifieds` from `must_specified`).
"""
from dataclasses import dataclass
import logging
import re
from typing import AbstractSet, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

logger = logging.getLogger(__name__)

WHEN_TAG, AND_TAG, THEN_TAG = "WHEN", "AND", "THEN"
# Words that carry no meaning of their own in a test name: markers the new name replaces by its tags, articles,
# modals (`should_return` -> `returns`) and the auxiliaries that conjugation rewrites (`should_be` -> `is`).
FUNCTION_WORDS: FrozenSet[str] = frozenset(
    {
        "a", "an", "are", "be", "do", "does", "given", "if", "is", "it", "must", "shall", "should", "that", "the",
        "then", "was", "were", "when", "whenever", "will", "would",
    }
)
# `and` joins parts (the new name's AND says it); as the first or last word it is the subject
# (`test_and_operator_evaluates_true`, `test_fmt_and`) and a content word. `or` always is one.
JOINING_WORDS: FrozenSet[str] = frozenset({"and"})
NEGATION_WORDS: FrozenSet[str] = frozenset(
    {
        "arent", "cannot", "cant", "didnt", "doesnt", "dont", "isnt", "never", "no", "non", "nor", "not", "wasnt",
        "without", "wont",
    }
)
# A THEN part made of these alone (with or without a negation) says nothing: `THEN_is`, `THEN_does_not`.
AUXILIARIES: FrozenSet[str] = frozenset(
    {"am", "are", "be", "can", "could", "did", "do", "does", "had", "has", "have", "is", "was", "were"}
)
# Words the new name may hold without the source having them: its own vocabulary.
OWN_WORDS: FrozenSet[str] = frozenset({"as", "expected", "raises", "called", "is", "does", "has", "not"})
IRREGULAR: Tuple[Tuple[str, str], ...] = (("be", "is"), ("have", "has"), ("do", "does"), ("go", "goes"))
NUMBER_SUFFIX_RE = re.compile(r"^\d+$")
CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")

LOST_WORD = "lost word"
CUT_NEGATION = "negation cut"
LONE_AUXILIARY = "lone auxiliary"
INVENTED_WORD = "invented word"
KINDS: Tuple[str, ...] = (LOST_WORD, CUT_NEGATION, LONE_AUXILIARY, INVENTED_WORD)


@dataclass(frozen=True)
class MeaningProblem:
    kind: str
    word: str

    def describe(self) -> str:
        return f"{self.kind} {self.word!r}"


def conjugate(verb: str) -> str:
    """Third person singular of a base-form verb: `return` -> `returns`, `be` -> `is`. Participles and gerunds
    are not base forms and stay as they are (`specified`, never `specifieds`)."""
    irregular = dict(IRREGULAR)
    if verb in irregular:
        return irregular[verb]
    if not verb.isalpha() or not verb.islower():
        return verb
    if verb.endswith("ed") and not verb.endswith("eed") or verb.endswith("ing"):
        return verb
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def forms(word: str) -> Set[str]:
    """The spellings a word of the old name may take in the new one."""
    lowered = word.lower()
    return {lowered, conjugate(lowered)}


def content_words(words: Sequence[str]) -> List[str]:
    """The old name's words (lower case) that the new name must keep."""
    lowered = [word.lower() for word in words]
    last = len(lowered) - 1
    return [
        word
        for index, word in enumerate(lowered)
        if word not in FUNCTION_WORDS and (word not in JOINING_WORDS or index in (0, last))
    ]


def name_parts(new_name: str) -> Tuple[List[str], List[str]]:
    """The new name's words after `test` (lower case, tags kept upper case), and its THEN words."""
    words = [word for word in new_name.split("_")[1:] if word]
    tokens = [word if word in (WHEN_TAG, AND_TAG, THEN_TAG) else word.lower() for word in words]
    then: List[str] = []
    if THEN_TAG in tokens:
        then = tokens[len(tokens) - 1 - tokens[::-1].index(THEN_TAG) + 1 :]
        while then and NUMBER_SUFFIX_RE.match(then[-1]) and len(then) > 1:
            then = then[:-1]  # `_2`: told apart from another test, not part of the outcome
    return tokens, then


def _negated(words: Sequence[str], start: int) -> Optional[str]:
    """The word a negation at `start` negates: the next one that is not a function word."""
    for word in words[start + 1 :]:
        if word not in FUNCTION_WORDS:
            return word
    return None


def _is_derived(word: str, vocabulary: AbstractSet[str]) -> bool:
    if word in vocabulary or word in OWN_WORDS or word.isdigit():
        return True
    bases = [word[:-1], word[:-2], word[:-3] + "y"] if len(word) > 3 else [word[:-1]]
    bases += [base for base, conjugated in IRREGULAR if conjugated == word]
    return any(base in vocabulary and conjugate(base) == word for base in bases)


def meaning_problems(
    old_words: Sequence[str], new_name: str, vocabulary: Optional[AbstractSet[str]] = None
) -> List[MeaningProblem]:
    """What the new name loses or changes of the old name's meaning; empty when it keeps it.

    `old_words` are the old name's words after `test`; `vocabulary` the lower-case words of the source (the
    file), which THEN words must come from; None skips that check."""
    tokens, then = name_parts(new_name)
    kept = {token for token in tokens if token not in (WHEN_TAG, AND_TAG, THEN_TAG)}
    problems: List[MeaningProblem] = []
    for word in dict.fromkeys(content_words(old_words)):
        if not forms(word) & kept:
            problems.append(MeaningProblem(LOST_WORD, word))
    lowered = [word.lower() for word in old_words]
    meaningful = [token for token in tokens if token not in FUNCTION_WORDS]
    for index, word in enumerate(lowered):
        if word not in NEGATION_WORDS:
            continue
        negated = _negated(lowered, index)
        if negated is None or negated in NEGATION_WORDS:
            continue
        wanted = forms(negated)
        pairs = zip(meaningful, meaningful[1:])
        if not any(first == word and second in wanted for first, second in pairs):
            problems.append(MeaningProblem(CUT_NEGATION, f"{word}_{negated}"))
    if not then or all(word in AUXILIARIES or word in NEGATION_WORDS for word in then):
        problems.append(MeaningProblem(LONE_AUXILIARY, "_".join(then)))
    if vocabulary is not None:
        for word in then:
            if not _is_derived(word, vocabulary):
                problems.append(MeaningProblem(INVENTED_WORD, word))
    return problems


def source_vocabulary(identifiers: Iterable[str]) -> FrozenSet[str]:
    """The lower-case words of a file's identifiers: `ValueError` -> value, error; `max_length` -> max, length."""
    found: Set[str] = set()
    for identifier in identifiers:
        for part in identifier.split("_"):
            if part:
                found.add(part.lower())
                found.update(word.lower() for word in CAMEL_RE.findall(part))
    return frozenset(found)


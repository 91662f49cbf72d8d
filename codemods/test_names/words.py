"""The word tables of `test-names`: data only, so they can grow from real names."""
import logging
from typing import FrozenSet, Tuple

logger = logging.getLogger(__name__)

# Words that start the outcome (THEN part). Third-person verbs as they appear in real test names; extend this
# table from real names, never elsewhere.
OUTCOME_VERBS: FrozenSet[str] = frozenset(
    {
        "accepts", "adds", "allows", "appends", "applies", "are", "becomes", "behaves", "breaks", "builds", "calls",
        "can", "cannot", "clears", "closes", "contains", "converts", "creates", "defines", "deletes", "denies",
        "detects", "does", "doesnot", "doesnt", "emits", "equals", "excludes", "executes", "exits", "expands", "fails",
        "falls", "finds", "gives", "handles", "has", "have", "ignores", "includes", "is", "isnt", "keeps", "logs",
        "maintains", "matches", "needs", "opens", "outputs", "overrides", "overwrites", "passes", "preserves",
        "prevents", "prints", "produces", "raises", "refers", "reflects", "registers", "rejects", "removes", "renders",
        "replaces", "requires", "resolves", "respects", "restores", "retains", "retries", "returns", "saves", "sends",
        "sets", "shows", "skips", "starts", "stops", "stores", "succeeds", "supports", "survives", "swallows",
        "throws", "triggers", "updates", "uses", "validates", "warns", "was", "were", "works", "writes", "yields",
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
# (word, marker) pairs where the marker belongs to a phrase, not a condition: `ends_with_sep`, `starts_with`.
MARKER_PHRASES: FrozenSet[Tuple[str, str]] = frozenset(
    {("begins", "with"), ("ends", "with"), ("starts", "with"), ("deals", "with"), ("compatible", "with")}
)
# Outcome verbs that are also plural nouns: as the last word of a name or docstring sentence they are the noun
# (`test_get_schema_calls`, "interspersed prepend() and next() calls"), not the outcome.
NOUN_LIKE_VERBS: FrozenSet[str] = frozenset(
    {
        "adds", "builds", "calls", "finds", "logs", "matches", "outputs", "prints", "saves", "sends", "sets", "starts",
        "stops", "stores", "updates", "uses", "writes",
    }
)
# Markers that carry no meaning once the condition sits behind `_AND_`; the others stay ("AND_without_header").
DROPPED_MARKERS: FrozenSet[str] = frozenset({"given", "if", "when", "whenever"})
# Markers that open a clause with its own verb ("when_file_is_missing"); the others take a noun phrase, so a weak
# verb after them is the outcome ("during_shutdown_is_skipped").
CLAUSE_MARKERS: FrozenSet[str] = frozenset({"given", "if", "unless", "when", "whenever", "while"})
# Kept in front of the outcome verb they negate: "dont_raise" stays "dont_raise", never "raises";
# "no_raise" is never "no_THEN_raises".
NEGATIONS: FrozenSet[str] = frozenset({"cannot", "cant", "doesnt", "dont", "isnt", "never", "no", "not", "wont"})
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
# Join two actions (`add_and_find`); never the first or last word of a WHEN, AND or THEN part.
CONJUNCTIONS: FrozenSet[str] = frozenset({"and", "or", "then"})
# Words that describe what the function under test made of its result. Right after the function's words in the
# name (or ending the words after them) they are the outcome: `test_skus_sorted` -> `THEN_sorted`,
# `test_parse_comments_ignored` -> `THEN_comments_ignored`. States of the input (`deleted`, `missing`,
# `expired`, `exhausted`) are not here: they are conditions (`AND_pool_exhausted`).
RESULT_WORDS: FrozenSet[str] = frozenset(
    {
        "deduplicated", "escaped", "ignored", "normalised", "normalized", "ordered", "preserved", "rejected",
        "reversed", "rounded", "skipped", "sorted", "stripped", "truncated", "unchanged", "unescaped", "unique",
    }
)
# Words of the old name that never distinguish two tests (used when two new names collide).
NON_CONTENT_WORDS: FrozenSet[str] = DROPPED_MARKERS | FILLER_WORDS | MODALS | {"and"}

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
DOCSTRING_PREFIXES: FrozenSet[str] = frozenset(
    {"assert", "asserts", "check", "checks", "ensure", "ensures", "test", "tests", "verify", "verifies"}
)
FIXTURE_DECORATORS: FrozenSet[str] = frozenset({"fixture", "yield_fixture"})
NOT_A_TEST_DECORATORS: FrozenSet[str] = frozenset(
    {"cached_property", "deleter", "getter", "overload", "property", "setter"}
)
CLASS_NAME_NOISE: FrozenSet[str] = frozenset({"case", "cases", "test", "tests"})

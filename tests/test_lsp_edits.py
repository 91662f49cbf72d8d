"""The language server's pure helpers: line-based minimal edits, LSP line splitting, positions, encodings."""
from pathlib import Path
import pytest
from typing import Callable, List, Sequence, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from stylefix import registry
from stylefix.lsp_edits import CODE_ACTION_KINDS, code_actions, diagnostics, text_edits, wanted_kind
from stylefix.lsp_outcome import Outcome, declared_encoding, fix_text
from stylefix.results import Change, StylefixError
from stylefix.spans import split_lines
from tests.helpers import make_config


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def apply_edits(text: str, edits: Sequence[types.TextEdit], units: Callable[[str], int] = len) -> str:
    """`text` with `edits` applied the way an LSP client applies them (all positions refer to the original)."""
    lines = split_lines(text)

    def offset(position: types.Position) -> int:
        before = sum(len(line) for line in lines[: position.line])
        if position.line >= len(lines):
            return before
        line = lines[position.line].rstrip("\r\n")
        column = 0
        while column < len(line) and units(line[:column]) < position.character:
            column += 1
        return before + column

    ordered = sorted(edits, key=lambda edit: (edit.range.start.line, edit.range.start.character), reverse=True)
    result = text
    for edit in ordered:
        result = result[: offset(edit.range.start)] + edit.new_text + result[offset(edit.range.end) :]
    return result


def edit(start: Tuple[int, int], end: Tuple[int, int], new_text: str) -> types.TextEdit:
    return types.TextEdit(
        range=types.Range(
            start=types.Position(line=start[0], character=start[1]),
            end=types.Position(line=end[0], character=end[1]),
        ),
        new_text=new_text,
    )


EDIT_CASES: List[Tuple[str, str, str, List[types.TextEdit]]] = [
    ("identical", "a\nb\n", "a\nb\n", []),
    (
        "swapped lines",
        "import sys\nimport os\n\nx\n",
        "import os\nimport sys\n\nx\n",
        [edit((0, 0), (0, 0), "import os\n"), edit((1, 0), (2, 0), "")],
    ),
    ("one line replaced in the middle", "a\nb\nc\n", "a\nB\nc\n", [edit((1, 0), (2, 0), "B\n")]),
    ("line added at the end", "a\n", "a\nb\n", [edit((1, 0), (1, 0), "b\n")]),
    ("last line without newline replaced", "a\nb", "a\nc", [edit((1, 0), (1, 1), "c")]),
    ("newline added to the last line", "a\nb", "a\nb\n", [edit((1, 0), (1, 1), "b\n")]),
    ("crlf kept", "b\r\na\r\n", "a\r\nb\r\n", [edit((0, 0), (0, 0), "a\r\n"), edit((1, 0), (2, 0), "")]),
    ("form feed is not a line break", "a\x0cb\nc\n", "a\x0cb\nC\n", [edit((1, 0), (2, 0), "C\n")]),
    ("everything replaced", "a\n", "b\n", [edit((0, 0), (1, 0), "b\n")]),
    ("empty document filled", "", "a\n", [edit((0, 0), (0, 0), "a\n")]),
]


@pytest.mark.parametrize("old, new, expected_edits", [c[1:] for c in EDIT_CASES], ids=[c[0] for c in EDIT_CASES])
def test_WHEN_text_edits_computed_THEN_exact_minimal_edits_that_rebuild_the_new_text(
    old: str, new: str, expected_edits: List[types.TextEdit]
) -> None:
    edits = text_edits(old, new)

    assert expected_edits == edits
    assert new == apply_edits(old, edits)


def test_WHEN_text_edits_computed_AND_last_line_has_wide_characters_THEN_end_column_in_client_units() -> None:
    old = "x = 1\ny = '😋'"
    new = "x = 1\ny = '😋'\n"

    edits = text_edits(old, new, utf16_units)

    assert [edit((1, 0), (1, 8), "y = '😋'\n")] == edits
    assert new == apply_edits(old, edits, utf16_units)


LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\r\n", "d\r", "\n", "é\n", "😋\n", "x = 1\n"]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(old_lines=LINES, new_lines=LINES, old_tail=st.sampled_from(["", "z", "😋"]), new_tail=st.sampled_from(["", "z"]))
def test_WHEN_text_edits_applied_THEN_new_text_rebuilt_and_no_edit_touches_unchanged_lines(
    old_lines: List[str], new_lines: List[str], old_tail: str, new_tail: str
) -> None:
    old = "".join(old_lines) + old_tail
    new = "".join(new_lines) + new_tail

    edits = text_edits(old, new, utf16_units)

    assert new == apply_edits(old, edits, utf16_units)
    replaced = sum(edit.range.end.line - edit.range.start.line for edit in edits)
    assert replaced <= len(split_lines(old))
    if old == new:
        assert [] == edits


SPLIT_CASES = [
    ("", []),
    ("a", ["a"]),
    ("a\n", ["a\n"]),
    ("a\r\nb\rc\n", ["a\r\n", "b\r", "c\n"]),
    ("a\x0cb\x1cc\u2028d\n", ["a\x0cb\x1cc\u2028d\n"]),
    ("\n\n", ["\n", "\n"]),
]


@pytest.mark.parametrize("text, expected_lines", SPLIT_CASES)
def test_WHEN_split_lines_called_THEN_only_lsp_line_terminators_split(text: str, expected_lines: List[str]) -> None:
    assert expected_lines == split_lines(text)


ENCODING_CASES = [
    ("x = 1\n", "utf-8"),
    ("# -*- coding: latin-1 -*-\nx = 'é'\n", "iso8859-1"),
    ("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n", "cp1252"),
    ("# coding: utf-8\n", "utf-8"),
    ("\ufeffx = 1\n", "utf-8"),
    ("# coding: no-such-codec\n", "utf-8"),
    ("x = 1\n# coding: latin-1\n# only the first two lines count\n", "utf-8"),
]


@pytest.mark.parametrize("text, expected_encoding", ENCODING_CASES)
def test_WHEN_declared_encoding_read_THEN_pep263_cookie_honoured(text: str, expected_encoding: str) -> None:
    assert expected_encoding == declared_encoding(text)


def test_WHEN_fix_text_called_AND_latin1_cookie_THEN_non_ascii_text_survives(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    text = "# -*- coding: latin-1 -*-\nimport sys\nimport os\n\nNAME = 'café'\n"

    outcome = fix_text(text, tmp_path / "module.py", config)

    assert None is outcome.error
    assert "# -*- coding: latin-1 -*-\nimport os\nimport sys\n\nNAME = 'café'\n" == outcome.text


def test_WHEN_fix_text_called_AND_character_not_in_declared_encoding_THEN_error_outcome(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    text = "# -*- coding: latin-1 -*-\nNAME = '😋'\n"

    outcome = fix_text(text, tmp_path / "module.py", config)

    assert text == outcome.text
    assert 2 == outcome.error.line
    assert outcome.error.message.startswith("cannot encode in iso8859-1:")


def test_WHEN_fix_text_called_AND_unparseable_THEN_error_with_location_and_text_kept(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    text = "import os\nx = (\n"

    outcome = fix_text(text, tmp_path / "module.py", config)

    assert text == outcome.text
    assert () == outcome.changes
    assert isinstance(outcome.error, StylefixError)
    assert 2 == outcome.error.line


def test_WHEN_diagnostics_built_AND_error_past_the_end_THEN_clamped_to_last_line() -> None:
    outcome = Outcome("x = (\n", error=StylefixError("cannot parse: '(' was never closed", 7, 40))

    found = diagnostics(outcome, len)

    expected_range = types.Range(start=types.Position(line=0, character=5), end=types.Position(line=0, character=5))
    assert [expected_range] == [diagnostic.range for diagnostic in found]
    assert types.DiagnosticSeverity.Error == found[0].severity


def test_WHEN_diagnostics_built_THEN_one_per_change_covering_its_span_or_line_in_client_units() -> None:
    changes = (
        Change("assert-order", 1, "first"),
        Change("sort-imports", 2, "second"),
        Change("test-names", 1, "third", 4, 1, 7),
    )
    outcome = Outcome("fixed\n", changes=changes, original="s = '😋'\nb = 2\n")

    found = diagnostics(outcome, utf16_units)

    expected = [
        ("assert-order", "first", (0, 0, 0, 8)),  # no span: the whole line
        ("sort-imports", "second", (1, 0, 1, 5)),
        ("test-names", "third", (0, 4, 0, 8)),  # '😋' is 3 code points, 4 UTF-16 units
    ]
    actual = [
        (d.code, d.message, (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character))
        for d in found
    ]
    assert expected == actual
    assert {"stylefix"} == {diagnostic.source for diagnostic in found}


KIND_CASES = [
    ("source.fixAll.stylefix", None, True),
    ("source.fixAll.stylefix", ["source"], True),
    ("source.fixAll.stylefix", ["source.fixAll"], True),
    ("source.fixAll.stylefix", ["source.organizeImports"], False),
    ("source.organizeImports.stylefix", ["source.organizeImports"], True),
    ("quickfix", ["quickfix"], True),
    ("quickfix", ["source"], False),
    ("source.fixAllX", ["source.fixAll"], False),
]


@pytest.mark.parametrize("kind, only, expected", KIND_CASES)
def test_WHEN_action_kind_matched_against_only_THEN_hierarchical_prefixes_match(
    kind: str, only: Sequence[str], expected: bool
) -> None:
    assert expected == wanted_kind(kind, only)


def test_WHEN_code_action_kinds_listed_THEN_each_codemod_spec_with_a_kind_adds_one() -> None:
    expected_kinds = ["quickfix", "source.fixAll.stylefix"] + [
        f"{spec.code_action_kind}.stylefix" for spec in registry.CODEMODS if spec.code_action_kind
    ]

    assert expected_kinds == CODE_ACTION_KINDS
    assert "source.organizeImports.stylefix" in CODE_ACTION_KINDS


def test_WHEN_code_actions_built_AND_only_organize_imports_asked_THEN_sort_imports_runs_alone() -> None:
    source = "import sys\nimport os\n\nx: List[int] = []\n"
    changes = (Change("sort-imports", 1, "imports out of order"), Change("typing-generics", 4, "use list"))
    outcome = Outcome("import os\nimport sys\n\nx: list[int] = []\n", changes=changes, original=source)
    published = diagnostics(outcome, len)
    only = ["source.organizeImports"]
    runs: List[List[str]] = []

    def partial_edits(names: Sequence[str]) -> List[types.TextEdit]:
        runs.append(list(names))
        return text_edits(source, "import os\nimport sys\n\nx: List[int] = []\n")

    actions = code_actions("file:///a.py", source, outcome, published, (0, 0), only, partial_edits, len)

    expected_actions = [("stylefix: sort imports", "source.organizeImports.stylefix", ["imports out of order"])]
    actual_actions = [(a.title, a.kind, [d.message for d in a.diagnostics or []]) for a in actions]
    assert expected_actions == actual_actions
    assert [["sort-imports"]] == runs

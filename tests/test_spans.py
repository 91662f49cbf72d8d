"""Changes a later codemod reports on an earlier codemod's output, located in the file as it was read."""
from stylefix.results import Change
from stylefix.spans import map_changes

ORIGINAL = "import os\n\n\ndef test_compute(values: list[int]) -> None:\n    pass\n"
# an earlier codemod added a line at the top and renamed the test on the def line
REWRITTEN = (
    "from typing import List\nimport os\n\n\ndef test_WHEN_compute_called_THEN_done(values: list[int]) -> None:\n"
    "    pass\n"
)


def test_WHEN_change_reported_on_rewritten_text_THEN_mapped_to_the_same_text_in_the_original() -> None:
    annotation = Change("typing-generics", 5, "list[int] -> List[int]", 47, 5, 56)
    moved_import = Change("sort-imports", 2, "moved", 0, 2, 9)

    mapped = map_changes([annotation, moved_import], [ORIGINAL, REWRITTEN])

    assert "list[int]" == REWRITTEN.splitlines()[4][47:56]
    expected = [(4, 25, 4, 34), (1, 0, 1, 9)]
    assert expected == [(c.line, c.column, c.end_line, c.end_column) for c in mapped]
    assert "list[int]" == ORIGINAL.splitlines()[3][25:34]


def test_WHEN_change_is_about_text_the_earlier_codemod_wrote_THEN_placed_where_that_text_went_in() -> None:
    added_import = Change("sort-imports", 1, "added", 0, 1, 23)

    mapped = map_changes([added_import], [ORIGINAL, REWRITTEN])

    assert [(1, 0, 1, 0)] == [(c.line, c.column, c.end_line, c.end_column) for c in mapped]

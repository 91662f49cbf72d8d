"""Changes a later codemod reports on an earlier codemod's output, located in the file as it was read."""
from typing import List, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from stylefix.results import Change
from stylefix.spans import EXACT_DIFF_LINES, Opcode, line_opcodes, map_changes

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


def check_alignment(old: Sequence[str], new: Sequence[str], opcodes: List[Opcode]) -> None:
    """The opcodes walk both texts from start to end without gaps, and what they call equal is equal."""
    old_at, new_at = 0, 0
    for tag, old_first, old_last, new_first, new_last in opcodes:
        assert (old_at, new_at) == (old_first, new_first)
        if tag == "equal":
            assert list(old[old_first:old_last]) == list(new[new_first:new_last])
        old_at, new_at = old_last, new_last
    assert (len(old), len(new)) == (old_at, new_at)


LINES = st.sampled_from(["\n", "    pass\n", "x = 1\n", "y = 2\n", "def f():\n", "import os\n"])


@settings(max_examples=60, deadline=None)
@given(
    old=st.lists(LINES | st.text("abc", min_size=1, max_size=3).map(lambda text: text + "\n"), min_size=EXACT_DIFF_LINES + 1, max_size=700),
    edits=st.lists(st.tuples(st.integers(0, 699), st.sampled_from(["drop", "add", "change"])), max_size=30),
)
def test_WHEN_long_texts_diffed_THEN_opcodes_align_them_exactly(old: List[str], edits: List[tuple]) -> None:
    new = list(old)
    for index, kind in edits:
        index %= len(new) or 1
        if kind == "drop" and new:
            del new[index]
        elif kind == "add":
            new.insert(index, "added\n")
        elif new:
            new[index] = "changed " + new[index]

    check_alignment(old, new, line_opcodes(old, new))


def test_WHEN_long_file_rewritten_throughout_THEN_every_change_maps_to_its_own_line() -> None:
    blocks = 3000  # far beyond the lines difflib aligns in reasonable time on this shape
    old = "".join(f"def helper_{i}(items: list[int]) -> None:\n    return None\n\n" for i in range(blocks))
    new = "".join(f"def helper_{i}(items: List[int]) -> None:\n    return None\n\n" for i in range(blocks))
    changes = [Change("typing-generics", 3 * i + 1, "list[int] -> List[int]", 23 + len(str(i)), 3 * i + 1, 32 + len(str(i))) for i in range(blocks)]

    mapped = map_changes(changes, [old, new])

    expected = [(3 * i + 1, 23 + len(str(i)), 3 * i + 1, 32 + len(str(i))) for i in range(blocks)]
    assert expected == [(change.line, change.column, change.end_line, change.end_column) for change in mapped]

"""The public API, called for real on files in a temporary project: each layer does what the CLI does."""
from pathlib import Path
import pytest
from typing import List

from stylefix.api import fix_bytes, fix_file, fix_paths, fix_stdin
from stylefix.config import load_config
from stylefix.results import Mode, Status, UnparseableSource
from stylefix.runner import RunOptions

BEFORE = b"def first(values: list[int]) -> dict[str, int]:\n    return {}\n"
AFTER = b"from typing import Dict, List\n\n\ndef first(values: List[int]) -> Dict[str, int]:\n    return {}\n"
BROKEN = b"x = (\n"
CLEAN = b"VALUE = 1\n"
CHECK = RunOptions(mode=Mode.CHECK, use_cache=False)


def _project(root: Path) -> Path:
    (root / "pyproject.toml").write_text("[tool.stylefix]\n")
    (root / "pkg").mkdir()
    (root / "pkg" / "module.py").write_bytes(BEFORE)
    (root / "pkg" / "broken.py").write_bytes(BROKEN)
    (root / "pkg" / "clean.py").write_bytes(CLEAN)
    return root


def test_WHEN_fix_bytes_called_THEN_fixed_bytes_and_changes_come_back_and_nothing_is_written(tmp_path: Path) -> None:
    root = _project(tmp_path)
    expected_messages = ["list[int] -> List[int]", "dict[str, int] -> Dict[str, int]", "add `from typing import Dict, List`"]

    result = fix_bytes(BEFORE, root / "pkg" / "module.py")

    assert AFTER == result.source
    assert expected_messages == [change.message for change in result.changes]
    assert BEFORE == (root / "pkg" / "module.py").read_bytes()
    # TEST: only the named codemods run
    assert BEFORE == fix_bytes(BEFORE, root / "pkg" / "module.py", names=["sort-imports"]).source


def test_WHEN_fix_bytes_called_AND_source_does_not_parse_THEN_it_raises_unparseable_source(tmp_path: Path) -> None:
    root = _project(tmp_path)

    with pytest.raises(UnparseableSource) as raised:
        fix_bytes(BROKEN, root / "pkg" / "broken.py", load_config(root))

    assert "cannot parse: '(' was never closed" == raised.value.message


def test_WHEN_fix_file_called_THEN_file_is_rewritten(tmp_path: Path) -> None:
    root = _project(tmp_path)

    result = fix_file(root / "pkg" / "module.py")

    assert Status.CHANGED == result.status
    assert AFTER == (root / "pkg" / "module.py").read_bytes()
    # TEST: a second run finds nothing left to do
    assert Status.UNCHANGED == fix_file(root / "pkg" / "module.py").status


def test_WHEN_fix_file_called_AND_mode_is_check_THEN_file_is_left_alone(tmp_path: Path) -> None:
    root = _project(tmp_path)

    result = fix_file(root / "pkg" / "module.py", options=CHECK)

    assert Status.CHANGED == result.status
    assert BEFORE == (root / "pkg" / "module.py").read_bytes()
    # TEST: a file that does not parse is an error in its result, not an exception
    broken = fix_file(root / "pkg" / "broken.py", options=CHECK)
    assert (Status.ERROR, f"{root / 'pkg' / 'broken.py'}:1:5: cannot parse: '(' was never closed") == (
        broken.status,
        broken.error,
    )


def test_WHEN_fix_paths_called_THEN_every_file_has_one_result_in_sorted_order(tmp_path: Path) -> None:
    root = _project(tmp_path)
    expected_results = [
        (str(root / "pkg" / "broken.py"), Status.ERROR),
        (str(root / "pkg" / "clean.py"), Status.UNCHANGED),
        (str(root / "pkg" / "module.py"), Status.CHANGED),
    ]
    totals: List[int] = []

    results = list(fix_paths([root / "pkg"], options=CHECK, on_total=totals.append))

    assert expected_results == [(result.path, result.status) for result in results]
    assert [3] == totals
    assert BEFORE == (root / "pkg" / "module.py").read_bytes()
    # TEST: in fix mode the file is written
    list(fix_paths([root / "pkg"], load_config(root), RunOptions(mode=Mode.FIX, use_cache=False)))
    assert AFTER == (root / "pkg" / "module.py").read_bytes()


def test_WHEN_fix_stdin_called_THEN_new_source_is_in_the_result_and_no_file_is_written(tmp_path: Path) -> None:
    root = _project(tmp_path)

    result = fix_stdin(BEFORE, root / "pkg" / "module.py")

    assert (Status.CHANGED, AFTER) == (result.status, result.source)
    assert BEFORE == (root / "pkg" / "module.py").read_bytes()
    # TEST: unchanged source comes back as it was
    unchanged = fix_stdin(CLEAN, root / "pkg" / "clean.py")
    assert (Status.UNCHANGED, CLEAN) == (unchanged.status, unchanged.source)

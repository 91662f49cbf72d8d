"""test-names' conflicts: ruff's pep8-naming rule that flags the names it writes, in test files."""
import fnmatch
from typing import Sequence

from stylefix.conflicts import Layer, RuffRule, strings

# A name test-names writes, to try ruff's pep8-naming `ignore-names` globs on.
SAMPLE_TEST_NAME = "test_WHEN_called_THEN_returned"


def _naming_ignored(layers: Sequence[Layer]) -> bool:
    for layer in layers:
        naming = layer.lint("pep8-naming", {})
        if isinstance(naming, dict):
            patterns = strings(naming.get("ignore-names")) + strings(naming.get("extend-ignore-names"))
            if any(fnmatch.fnmatchcase(SAMPLE_TEST_NAME, pattern) for pattern in patterns):
                return True
    return False


RUFF_RULES = (
    RuffRule(
        "N802",
        "invalid-function-name",
        "flags the `test_WHEN_..._THEN_...` names that {} writes",
        tests_only=lambda options: True,
        resolved=_naming_ignored,
    ),
)

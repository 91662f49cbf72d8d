"""Which files `test-names` may change, answered from the path and raw bytes, without importing LibCST."""
import logging
import re

from stylefix.config import DEFAULT_TEST_FUNCTIONS, is_test_function
from stylefix.context import FileContext

logger = logging.getLogger(__name__)

# A second run changes nothing (the safety net need not run it again): a test is renamed only to a conforming
# name, and conforming names (`is_conforming`) are never renamed; no other codemod renames functions.
STABLE_BY_CONSTRUCTION = True

TEST_PREFIX = "test"
WHEN, AND, THEN = "WHEN", "AND", "THEN"
# Every `def` name (any name may be a test when pytest's python_functions says so); with the default setting
# only names starting with `test` can be tests, which the narrower expression finds faster.
DEF_RE = re.compile(rb"\bdef[\s\\]+(\w+)")
TEST_DEF_RE = re.compile(rb"\bdef[\s\\]+(test\w*)")


def is_conforming(name: str) -> bool:
    """Already `test_WHEN_..._THEN_...`: left alone (the codemod uses the same test)."""
    return name.startswith(f"{TEST_PREFIX}_{WHEN}_") and f"_{THEN}_" in name


def applies_to(file: FileContext) -> bool:
    return file.is_test_file


def precheck(source: bytes, file: FileContext) -> bool:
    """False only when no test function in the file could get a new name."""
    config = file.config
    pattern = TEST_DEF_RE if config.test_functions == DEFAULT_TEST_FUNCTIONS else DEF_RE
    for match in pattern.finditer(source):
        name = match.group(1).decode("ascii")
        if is_test_function(name, config) and not is_conforming(name):
            return True
    return False

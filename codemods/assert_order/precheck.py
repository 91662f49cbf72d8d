"""Which files `assert-order` may change, answered from the path and raw bytes, without importing LibCST."""
import logging

from stylefix.context import FileContext

logger = logging.getLogger(__name__)

# A second run changes nothing (the safety net need not run it again): a swap happens only when the left operand
# does not read as expected and the right one does (or `result == name`), judged from each operand alone, so the
# swapped assert reads as expected-first; no other codemod touches asserts.
STABLE_BY_CONSTRUCTION = True


def applies_to(file: FileContext) -> bool:
    return file.is_test_file or file.config.options("assert-order").scope == "all"


def precheck(source: bytes, file: FileContext) -> bool:
    """False only when there is certainly no equality assert (or unittest equality call) to flip."""
    if b"assert" not in source:
        return False
    if b"==" in source or b"!=" in source:
        return True
    return file.config.options("assert-order").unittest and b"Equal" in source

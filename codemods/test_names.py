"""Codemod `test-names` (placeholder until its issue lands)."""
import logging

from stylefix.codemod import StylefixCodemod

logger = logging.getLogger(__name__)


class TestNames(StylefixCodemod):
    NAME = "test-names"

    @classmethod
    def precheck(cls, source: bytes, file: object) -> bool:
        return False

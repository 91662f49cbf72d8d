"""Codemod `sort-imports` (placeholder until its issue lands)."""
import logging

from stylefix.codemod import StylefixCodemod

logger = logging.getLogger(__name__)


class SortImports(StylefixCodemod):
    NAME = "sort-imports"

    @classmethod
    def precheck(cls, source: bytes, file: object) -> bool:
        return False

"""Codemod `assert-order` (placeholder until its issue lands)."""
import logging

from stylefix.codemod import StylefixCodemod

logger = logging.getLogger(__name__)


class AssertOrder(StylefixCodemod):
    NAME = "assert-order"

    @classmethod
    def precheck(cls, source: bytes, file: object) -> bool:
        return False

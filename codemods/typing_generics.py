"""Codemod `typing-generics` (placeholder until its issue lands)."""
import logging

from stylefix.codemod import StylefixCodemod

logger = logging.getLogger(__name__)


class TypingGenerics(StylefixCodemod):
    NAME = "typing-generics"

    @classmethod
    def precheck(cls, source: bytes, file: object) -> bool:
        return False

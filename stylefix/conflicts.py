"""Warnings for tools configured to undo what stylefix writes (filled in by the integrations issue)."""
import logging
from typing import List

from stylefix.config import Config

logger = logging.getLogger(__name__)


def find_conflicts(config: Config) -> List[str]:
    return []

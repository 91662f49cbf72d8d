"""What a codemod may know about the file it rewrites, besides the tree. Free of LibCST: pre-checks use it."""
from dataclasses import dataclass
import logging
from pathlib import Path
from typing import Optional

from stylefix.config import Config
from stylefix.directives import NO_DIRECTIVES, Directives

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileContext:
    path: Path
    config: Config
    is_test_file: bool
    directives: Directives = NO_DIRECTIVES

    @property
    def root(self) -> Path:
        return self.config.root

    def relative_path(self) -> Optional[Path]:
        try:
            return self.path.resolve().relative_to(self.config.root.resolve())
        except (ValueError, OSError):
            return None

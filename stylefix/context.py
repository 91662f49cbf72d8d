"""What a codemod may know about the file it rewrites, besides the tree. Free of LibCST: pre-checks use it."""
import ast
from dataclasses import dataclass, field
import logging
from pathlib import Path
from typing import Any, Dict, Optional

from stylefix.config import Config
from stylefix.directives import NO_DIRECTIVES, Directives
from stylefix.parsing import python_tree

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileContext:
    path: Path
    config: Config
    is_test_file: bool
    directives: Directives = NO_DIRECTIVES
    # CPython's tree of the bytes last asked about, shared by pre-checks and the engine's syntax check.
    _parsed: Dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Path:
        return self.config.root

    def relative_path(self) -> Optional[Path]:
        try:
            return self.path.resolve().relative_to(self.config.root.resolve())
        except (ValueError, OSError):
            return None

    def python_tree(self, source: bytes) -> Optional[ast.Module]:
        """CPython's `ast` of `source` (about a tenth of a LibCST parse), or None when it does not parse."""
        if self._parsed.get("source") is not source:
            self._parsed.update(source=source, tree=python_tree(source))
        tree: Optional[ast.Module] = self._parsed["tree"]
        return tree

"""The base every codemod builds on: a LibCST transformer that knows its file and reports changes.

Not LibCST's codemod framework (`libcst.codemod`): importing it imports `libcst.matchers`, hundreds of generated
dataclasses that cost about 0.2 s, more than fixing a typical file. The base keeps the framework's shape (a
context with scratch space and warnings, `transform_module` resolving the declared metadata, then
`transform_module_impl`), so a LibCST CodemodContext works as well as this module's own.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
import logging
from types import ModuleType
from typing import Any, ClassVar, Dict, Generator, List, Optional, Sequence, Tuple

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper

from stylefix import registry
from stylefix.context import FileContext
from stylefix.contract import Example
from stylefix.positions import Positions, compute_positions
from stylefix.results import Change

logger = logging.getLogger(__name__)

# Key in CodemodContext.scratch under which the engine leaves the bytes the tree was parsed from, as long as no
# codemod has changed the tree: a codemod that needs the text decodes them instead of generating the code again.
SOURCE_KEY = "stylefix.source"
# Key under which the engine shares one positions cache (top-level statement -> its positions) between the
# codemods of a run: each codemod's tree holds mostly the statements the one before saw.
POSITIONS_KEY = "stylefix.positions"


@dataclass(frozen=True)
class CodemodContext:
    """What a codemod run shares with the engine: the file name, scratch space, warnings, the metadata wrapper."""

    filename: Optional[str] = None
    scratch: Dict[str, Any] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)
    wrapper: Optional[MetadataWrapper] = None


class StylefixCodemod(cst.CSTTransformer):
    """Subclasses set NAME and EXAMPLES, may override `applies_to` and `precheck`, and call `report` per change."""

    NAME: ClassVar[str] = ""
    EXAMPLES: ClassVar[Sequence[Example]] = ()
    # Longer explanation for `stylefix explain`: rules, options, directives.
    DOC: ClassVar[str] = ""

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__()
        self.context = context
        self.file = file
        self.options: Any = file.config.options(self.NAME)
        self.changes: List[Change] = []
        # (line, column, message): the engine prints them as `path:line:column: codemod: message`.
        self.located_warnings: List[Tuple[int, int, str]] = []
        self._positions: Optional[Positions] = None

    def warn(self, warning: str) -> None:
        self.context.warnings.append(warning)

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """Resolve the declared metadata on `tree` (no copy of it) and run `transform_module_impl`."""
        with self._handle_metadata_reference(tree) as module:
            return self.transform_module_impl(module)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return tree.visit(self)

    @classmethod
    def _checks(cls) -> Optional[ModuleType]:
        """The pre-check module the registered codemod's spec names, if any."""
        spec = registry.get_spec(cls.NAME)
        return spec.module(spec.precheck) if spec is not None and spec.precheck else None

    @classmethod
    def applies_to(cls, file: FileContext) -> bool:
        """Whether this codemod runs on this file at all (e.g. test files only): its pre-check module's answer."""
        checks = cls._checks()
        return bool(checks.applies_to(file)) if checks is not None else True

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        """A cheap look at the raw bytes, from its pre-check module: False only when this codemod certainly changes
        nothing."""
        checks = cls._checks()
        return bool(checks.precheck(source, file)) if checks is not None else True

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module) -> Generator[cst.Module, None, None]:
        # Not LibCST's way, which deep-copies the tree for every codemod (about 1.2x a parse): the engine hands
        # each codemod a tree nothing else holds on to, so the copy buys nothing here.
        old_wrapper = self.context.wrapper
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                yield wrapper.module
            finally:
                self.context = replace(self.context, wrapper=old_wrapper)

    def source_code(self, module: cst.Module) -> str:
        """The module's code: decoded from the engine's bytes while they match the tree (nearly free), else
        generated (about 0.3x a parse)."""
        source = self.context.scratch.get(SOURCE_KEY)
        if isinstance(source, bytes):
            try:
                return source.decode(module.encoding)
            except (LookupError, UnicodeDecodeError):
                pass
        return module.code

    def _position(self, node: cst.CSTNode) -> Optional[CodeRange]:
        # Positions are resolved lazily, on the first change or skip check, so clean files never pay for them.
        if self._positions is None:
            wrapper = self.context.wrapper
            if wrapper is None:
                return None
            self._positions = compute_positions(wrapper.module, self.context.scratch.get(POSITIONS_KEY))
        return self._positions.get(node)

    def line_of(self, node: cst.CSTNode) -> int:
        position = self._position(node)
        return position.start.line if position is not None else 0

    def report(self, node: cst.CSTNode, message: str, rename: Optional[Tuple[str, str]] = None) -> None:
        """Record one change; `node` is a node of the tree this codemod was given (an original_node); a rename of a
        definition says (old name, new name)."""
        position = self._position(node)
        if position is None:
            self.changes.append(Change(self.NAME, 0, message, rename=rename))
            return
        start, end = position.start, position.end
        self.changes.append(Change(self.NAME, start.line, message, start.column, end.line, end.column, rename))

    def where(self, node: cst.CSTNode) -> str:
        """`line:column` (1-based) of a node, the location a warning starts with."""
        position = self._position(node)
        return f"{position.start.line}:{position.start.column + 1}" if position is not None else "1:1"

    def warn_at(self, line: int, column: int, message: str) -> None:
        """A warning about one place in the file (1-based line and column)."""
        self.located_warnings.append((line, column, message))

    def lines_of(self, node: cst.CSTNode) -> Tuple[int, int]:
        """First and last line of a statement, for a compound statement only its header (decorators to colon)."""
        position = self._position(node)
        if position is None:
            return (0, 0)
        first, last = position.start.line, position.end.line
        decorators = getattr(node, "decorators", ())
        if decorators:
            first = min(first, self.line_of(decorators[0]))
        body = getattr(node, "body", None)
        if isinstance(body, cst.IndentedBlock):
            body_position = self._position(body)
            if body_position is not None:
                last = max(first, body_position.start.line - 1)
        return (first, last)

    def is_skipped(self, node: cst.CSTNode) -> bool:
        """True when a `# stylefix: skip` (for this codemod) ends one of the statement's lines."""
        directives = self.file.directives
        if not directives.has_line_skips(self.NAME):
            return False
        first, last = self.lines_of(node)
        return any(directives.skips_line(line, self.NAME) for line in range(first, last + 1))

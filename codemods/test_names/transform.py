"""Codemod `test-names`: rename tests to `test_WHEN_<action>_AND_<condition>_THEN_<result>`.

The new name is built from three sources, in this order of trust: the words of the old name, the function the
body calls (the "function under test"), and the docstring. Everything is deterministic: the same file always
gives the same names, and a renamed file is left alone by a second run.

The parts: `grammar` cuts a name into action, conditions and outcome; `call_under_test` reads the body;
`naming` plans, fits and checks the new name (`meaning`); `selection` finds the tests to rename; `references`
finds where an old name is used; `rewrite` applies the renames. This module only runs them in order.
"""
from collections import Counter
import logging
import re
import typing
from typing import Dict, FrozenSet, List, Optional, Sequence

import libcst as cst

from stylefix.codemod import CodemodContext, StylefixCodemod
from stylefix.codemods.test_names import docs
from stylefix.codemods.test_names.meaning import source_vocabulary
from stylefix.codemods.test_names.references import (
    MentionCounts,
    Resolved,
    keyword_selected,
    mention_counts,
    resolve_references,
    unblocked,
    unreferenced_def_lines,
)
from stylefix.codemods.test_names.rewrite import Renamer
from stylefix.codemods.test_names.selection import Candidate, assign_names, find_candidates
from stylefix.context import FileContext
from stylefix.mentions import COMMENT, DOCSTRING, python_occurrences

logger = logging.getLogger(__name__)

# Every run of word characters: a superset of the names bound in the file, for ASCII names.
IDENTIFIER_RE = re.compile(r"\w+")


class TestNames(StylefixCodemod):
    """Plans the renames from the tree's top level and rewrites only the statements that hold a renamed name.

    Scope analysis (about 4x a parse) is paid only when the text shows it can matter: when an old name occurs
    in the file anywhere besides its def. Otherwise nothing refers to the test, and renaming the def is complete.
    """

    NAME = "test-names"
    EXAMPLES = docs.EXAMPLES
    DOC = docs.DOC

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__(context, file)
        self._known_lines: Dict[int, int] = {}  # id of a node -> its line, when the text told it
        self._code: Optional[str] = None
        self._words: Optional[FrozenSet[str]] = None  # the file's words, lower case: what a THEN may hold
        self._renamer = Renamer(self.NAME, self.line_of, self._position)

    def line_of(self, node: cst.CSTNode) -> int:
        known = self._known_lines.get(id(node))
        return known if known is not None else super().line_of(node)

    def warn_kept(self, node: cst.FunctionDef, old: str, reason: str) -> None:
        position = self._position(node.name)
        line, column = (position.start.line, position.start.column + 1) if position is not None else (0, 0)
        self.warn_at(line, column, f"kept {old}: {reason}")

    def _text(self, module: cst.Module) -> str:
        if self._code is None:
            self._code = self.source_code(module)
        return self._code

    def _vocabulary(self, module: cst.Module) -> FrozenSet[str]:
        if self._words is None:
            self._words = source_vocabulary(IDENTIFIER_RE.findall(self._text(module)))
        return self._words

    def _display_path(self) -> str:
        relative = self.file.relative_path()
        return relative.as_posix() if relative is not None else str(self.file.path)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        options = self.options
        config = self.file.config
        candidates = find_candidates(
            tree, config, options.unittest, options.max_length, lambda: self._vocabulary(tree), self
        )
        if not candidates:
            return tree
        code = self._text(tree)
        mentions = mention_counts(code, {candidate.old for candidate in candidates})
        totals: typing.Counter[str] = Counter()
        for (old, _line), count in mentions.items():
            totals[old] += count
        names = {candidate.old for candidate in candidates if totals[candidate.old] > 1}
        # Strings, comments, docstrings and attributes are told apart by one pass of a lexer, only where an old
        # name occurs besides its def.
        occurrences = [o for o in python_occurrences(code) if o.word in names] if names else []
        candidates = unblocked(candidates, occurrences, self._display_path(), config.project_mentions, self)
        if not candidates:
            return tree
        renamer = self._renamer
        taken = set(IDENTIFIER_RE.findall(code))
        def_lines = self._unreferenced_def_lines(code, candidates, mentions, totals)
        if def_lines is not None:
            self._known_lines.update(def_lines)
            resolved: List[Resolved] = [(candidate, []) for candidate in candidates]
        else:
            logger.debug("%s: scope analysis", self.file.path)
            wrapper = self.context.wrapper
            assert wrapper is not None, "the engine always runs codemods with a metadata wrapper"
            resolved = resolve_references(candidates, wrapper, taken, self)
            renamer.reference_lines = sorted(self.line_of(name) for _candidate, names in resolved for name in names)
        assign_names([candidate for candidate, _references in resolved], taken, options.max_length)
        resolved = keyword_selected(resolved, config.project_mentions, self)
        if not resolved:
            return tree
        for candidate, references in resolved:
            renamer.enter.update(id(owner) for owner in candidate.test.owners)
            for name in (candidate.node.name, *references):
                renamer.renames[id(name)] = candidate.new
            rename = (candidate.old, candidate.new)
            self.report(candidate.node.name, f"{candidate.old} -> {candidate.new}", rename=rename)
        if renamer.reference_lines:
            renamer.target_lines = sorted(
                self.line_of(name) for candidate, references in resolved for name in (candidate.node.name, *references)
            )
        renamed = {candidate.old: candidate.new for candidate, _references in resolved}
        text_renames = {
            o.word: renamed[o.word] for o in occurrences if o.kind in (COMMENT, DOCSTRING) and o.word in renamed
        }
        if text_renames:
            # Comments and docstrings sit anywhere (between statements, in headers): visit the whole tree.
            renamer.rename_in_text(text_renames)
            visited = tree.visit(renamer)
            self.changes.extend(renamer.changes)
            self.changes.sort(key=lambda change: change.line)
            return visited
        body = renamer.rewrite_block(tree.body)
        return tree if body is None else tree.with_changes(body=body)

    def _unreferenced_def_lines(
        self, code: str, candidates: Sequence[Candidate], mentions: MentionCounts, totals: typing.Counter[str]
    ) -> Optional[Dict[int, int]]:
        """id of each candidate's def -> its line when the text and CPython's `ast` show that nothing refers to
        the old names; else None, and scope analysis decides (a test overrides this to always take that path)."""
        return unreferenced_def_lines(code, candidates, mentions, totals, self.file.path)

"""The codemod base class: what LibCST's machinery still finds on a subclass, and the source it hands over."""
from pathlib import Path
from typing import List

import libcst as cst
from libcst.codemod import CodemodContext
import libcst.matchers as m

from stylefix.codemod import SOURCE_KEY, FileContext, StylefixCodemod
from stylefix.engine import fix_source
from tests.helpers import make_config

SOURCE = "x = 1\ny = 2\n"


class _MatcherCodemod(StylefixCodemod):
    NAME = "matcher-probe"

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__(context, file)
        self.seen: List[str] = []

    @m.visit(m.Name("y"))
    def _see_y(self, node: cst.Name) -> None:
        self.seen.append(node.value)


def _file() -> FileContext:
    config = make_config(Path("."))
    return FileContext(Path("example.py"), config, False)


def test_WHEN_subclass_uses_a_matcher_decorator_THEN_libcst_still_calls_it() -> None:
    codemod = _MatcherCodemod(CodemodContext(), _file())

    codemod.transform_module(cst.parse_module(SOURCE))

    assert ["y"] == codemod.seen


def test_WHEN_engine_bytes_in_scratch_THEN_source_code_decodes_them_AND_else_generates_the_code() -> None:
    module = cst.parse_module(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    handed_over = b"# -*- coding: latin-1 -*-\ny = '\xe9'\n"  # differs from the tree: proves which one is read
    with_bytes = _MatcherCodemod(CodemodContext(scratch={SOURCE_KEY: handed_over}), _file())
    without = _MatcherCodemod(CodemodContext(), _file())

    assert "# -*- coding: latin-1 -*-\ny = '\u00e9'\n" == with_bytes.source_code(module)
    assert "# -*- coding: latin-1 -*-\nx = '\u00e9'\n" == without.source_code(module)


class _Changer(StylefixCodemod):
    NAME = "changer-probe"

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self.report(tree.body[0], "x = 1 -> x = 2")
        return cst.parse_module(SOURCE.replace("x = 1", "x = 2"))


class _Recorder(StylefixCodemod):
    NAME = "recorder-probe"
    seen: List[object] = []

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        _Recorder.seen.append(self.context.scratch.get(SOURCE_KEY))
        return tree


def test_WHEN_engine_runs_codemods_THEN_bytes_handed_over_only_until_a_codemod_changes_the_tree() -> None:
    config = make_config(Path("."))
    _Recorder.seen.clear()

    fix_source(SOURCE.encode(), Path("example.py"), config, safe=False, codemods=[_Recorder, _Changer, _Recorder])

    assert [SOURCE.encode(), None] == _Recorder.seen

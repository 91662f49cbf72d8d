"""The codemod base class: what LibCST's machinery still finds on a subclass, and the source it hands over."""
from pathlib import Path
import subprocess
import sys
from typing import List

import libcst as cst

from stylefix import registry
from stylefix.codemod import SOURCE_KEY, CodemodContext, FileContext, StylefixCodemod
from stylefix.engine import fix_source
from tests.helpers import PROJECT_ROOT, make_config

SOURCE = "x = 1\ny = 2\n"


class _VisitingCodemod(StylefixCodemod):
    NAME = "visit-probe"

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__(context, file)
        self.seen: List[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)


def _file() -> FileContext:
    config = make_config(Path("."))
    return FileContext(Path("example.py"), config, False)


def test_WHEN_subclass_defines_visit_methods_THEN_transform_module_calls_them() -> None:
    codemod = _VisitingCodemod(CodemodContext(), _file())

    codemod.transform_module(cst.parse_module(SOURCE))

    assert ["x", "y"] == codemod.seen


def test_WHEN_fixing_a_file_with_every_codemod_THEN_libcst_matchers_is_never_imported(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from stylefix.engine import fix_source\n"
        "from tests.helpers import PROJECT_ROOT, make_config\n"
        "source = b'import sys\\nimport os\\ndef test_x(a: list[int] | None):\\n    assert a == [1]\\n'\n"
        "result = fix_source(source, Path('tests/test_x.py'), make_config(Path('.')))\n"
        "print(len(result.changes), 'libcst.matchers' in sys.modules, 'libcst.codemod' in sys.modules)\n"
    )
    expected_imported = ["False", "False"]  # libcst.matchers, libcst.codemod

    completed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)

    changes, *imported = completed.stdout.split()
    assert expected_imported == imported, completed.stderr
    assert int(changes) >= len(registry.NAMES)  # every codemod had work, so every codemod was imported


def test_WHEN_engine_bytes_in_scratch_THEN_source_code_decodes_them_AND_else_generates_the_code() -> None:
    module = cst.parse_module(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    handed_over = b"# -*- coding: latin-1 -*-\ny = '\xe9'\n"  # differs from the tree: proves which one is read
    with_bytes = _VisitingCodemod(CodemodContext(scratch={SOURCE_KEY: handed_over}), _file())
    without = _VisitingCodemod(CodemodContext(), _file())

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

"""sort-imports: every rule, option, comment position, barrier and directive, as input -> exact output."""
from dataclasses import replace
from pathlib import Path
import pytest
from typing import Any, Dict, Tuple

from stylefix.codemod import FileContext
from stylefix.codemods.sort_imports.transform import SortImports
from stylefix.config import ModuleIndex
from stylefix.directives import parse_directives
from stylefix.engine import fix_source
from stylefix.registry import NAMES
from tests.cases import Case, case_id, run_case
from tests.helpers import NO_PROJECT, make_config

CODEMOD = "sort-imports"
# A module of the project's own package `mypkg`, with a top-level `helpers` module beside it.
IN_PACKAGE: Dict[str, Any] = {"path": "mypkg/module.py", "project_modules": ("mypkg", "helpers")}


def sorts(name: str, before: str, after: str, **fields: Any) -> Case:
    return Case(name, before, after, **{**IN_PACKAGE, **fields})


def keeps(name: str, source: str, **fields: Any) -> Case:
    return sorts(name, source, source, **fields)


CASES: Tuple[Case, ...] = (
    # --- groups and blank lines
    sorts(
        "groups_in_order",
        "import mypkg.core\nimport requests\nimport os\nfrom __future__ import annotations\n",
        "from __future__ import annotations\n\nimport os\n\nimport requests\n\nimport mypkg.core\n",
    ),
    sorts(
        "two_blank_lines_between_groups_become_one",
        "import os\n\n\nimport requests\n",
        "import os\n\nimport requests\n",
    ),
    sorts(
        "missing_blank_line_between_groups_added",
        "import os\nimport requests\n",
        "import os\n\nimport requests\n",
    ),
    sorts(
        "blank_line_inside_a_group_removed",
        "import os\n\nimport sys\n",
        "import os\nimport sys\n",
    ),
    sorts(
        "blank_lines_after_block_kept_as_they_were",
        "import sys\nimport os\n\n\n\nx = 1\n",
        "import os\nimport sys\n\n\n\nx = 1\n",
    ),
    sorts(
        "no_blank_line_after_block_kept",
        "import sys\nimport os\nx = 1\n",
        "import os\nimport sys\nx = 1\n",
    ),
    keeps(
        "whitespace_only_blank_line_kept_when_count_is_right",
        "import os\n   \nimport requests\n",
    ),
    # --- order inside a group
    sorts(
        "import_and_from_interleaved_by_module",
        "import uuid\nfrom typing import List\nimport logging\nimport json\n",
        "import json\nimport logging\nfrom typing import List\nimport uuid\n",
    ),
    sorts(
        "case_insensitive",
        "import Zope\nimport attr\nimport Babel\n",
        "import attr\nimport Babel\nimport Zope\n",
    ),
    sorts(
        "natural_number_order",
        "import lib10\nimport lib9\nimport lib1\n",
        "import lib1\nimport lib9\nimport lib10\n",
    ),
    sorts(
        "same_module_import_before_from",
        "from os import path\nimport os.path\nimport os\n",
        "import os\nfrom os import path\nimport os.path\n",
    ),
    sorts(
        "submodule_after_package",
        "import xml.etree\nimport xml\nfrom xml import dom\n",
        "import xml\nfrom xml import dom\nimport xml.etree\n",
    ),
    sorts(
        "relative_after_absolute_farthest_first",
        "from . import b\nfrom .a import c\nfrom ...x import y\nfrom .. import d\nimport mypkg\nfrom ..z import w\n",
        "import mypkg\nfrom ...x import y\nfrom .. import d\nfrom ..z import w\nfrom . import b\nfrom .a import c\n",
    ),
    sorts(
        "force_sort_within_sections_false_puts_import_lines_first",
        "import uuid\nfrom typing import List\nimport logging\nfrom abc import ABC\n",
        "import logging\nimport uuid\nfrom abc import ABC\nfrom typing import List\n",
        options={"force-sort-within-sections": False},
    ),
    sorts(
        "force_sort_within_sections_false_relative_still_last",
        "from . import a\nfrom mypkg import b\nimport mypkg.c\n",
        "import mypkg.c\nfrom mypkg import b\nfrom . import a\n",
        options={"force-sort-within-sections": False},
    ),
    # --- statements kept as written
    sorts(
        "names_not_reordered_nor_merged",
        "from typing import List, Dict\nfrom os import sep\nfrom typing import Any\n",
        "from os import sep\nfrom typing import Any\nfrom typing import List, Dict\n",
    ),
    sorts(
        "multi_line_import_kept_as_written",
        "import sys\nfrom os import (\n    sep,\n    path,  # the module\n)\n",
        "from os import (\n    sep,\n    path,  # the module\n)\nimport sys\n",
    ),
    keeps(
        "multi_line_imports_already_sorted",
        "from os import (\n    sep,  # the separator\n    path,\n)\nimport sys\nfrom typing import (List,\n"
        "                    Dict)\n\nimport requests\n",
    ),
    sorts(
        "aliased_dotted_import_kept",
        "import xml.etree.ElementTree as ET\nimport abc\n",
        "import abc\nimport xml.etree.ElementTree as ET\n",
    ),
    sorts(
        "multiple_names_kept_on_one_line",
        "import sys, os\nimport abc\n",
        "import abc\nimport sys, os\n",
    ),
    sorts(
        "split_multiple",
        "import sys, os  # both\nimport abc\n",
        "import abc\nimport os\nimport sys  # both\n",
        options={"split-multiple": True},
    ),
    sorts(
        "split_multiple_across_groups",
        "import requests, os\n",
        "import os\n\nimport requests\n",
        options={"split-multiple": True},
    ),
    sorts(
        "backslash_continuation_kept",
        "import sys\nfrom os import sep, \\\n    path\n",
        "from os import sep, \\\n    path\nimport sys\n",
    ),
    # --- duplicates
    sorts(
        "exact_duplicate_removed",
        "import os\nimport sys\nimport os\n",
        "import os\nimport sys\n",
    ),
    sorts(
        "duplicate_up_to_whitespace_removed",
        "from os import (sep,path)\nimport abc\nfrom os import ( sep, path, )\n",
        "import abc\nfrom os import (sep,path)\n",
    ),
    keeps(
        "duplicate_with_a_comment_kept",
        "import os\nimport os  # again\n",
    ),
    keeps(
        "same_names_other_parentheses_not_a_duplicate",
        "from os import sep\nfrom os import (sep)\n",
    ),
    # --- comments
    sorts(
        "comment_above_moves_with_its_import",
        "import sys\n# for the retry loop\nimport time\nimport abc\n",
        "import abc\nimport sys\n# for the retry loop\nimport time\n",
    ),
    sorts(
        "comment_block_with_blank_line_above_later_import_moves_with_it",
        "import sys\n# one\n\n# two\nimport abc\n",
        "# one\n\n# two\nimport abc\nimport sys\n",
    ),
    sorts(
        "inline_comment_stays_with_statement",
        "import sys  # noqa: F401\nimport abc  # first\n",
        "import abc  # first\nimport sys  # noqa: F401\n",
    ),
    sorts(
        "header_comment_separated_by_blank_line_stays_at_top",
        '"""Doc."""\n# Imports\n\nimport sys\nimport abc\n',
        '"""Doc."""\n# Imports\n\nimport abc\nimport sys\n',
    ),
    sorts(
        "comment_directly_above_first_import_after_docstring_moves",
        '"""Doc."""\n# about sys\nimport sys\nimport abc\n',
        '"""Doc."""\nimport abc\n# about sys\nimport sys\n',
    ),
    sorts(
        "file_top_comments_stay_first",
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Copyright 2024 Someone\nimport sys\nimport abc\n",
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Copyright 2024 Someone\nimport abc\nimport sys\n",
    ),
    sorts(
        "license_header_and_docstring_stay_first",
        '# Licensed under the MIT license.\n\n"""Module."""\n\nimport sys\nimport abc\n',
        '# Licensed under the MIT license.\n\n"""Module."""\n\nimport abc\nimport sys\n',
    ),
    sorts(
        "comment_after_block_stays",
        "import sys\nimport abc\n# constants\nX = 1\n",
        "import abc\nimport sys\n# constants\nX = 1\n",
    ),
    sorts(
        "comment_at_end_of_file_stays",
        "import sys\nimport abc\n\n# the end\n",
        "import abc\nimport sys\n\n# the end\n",
    ),
    sorts(
        "comment_in_function_above_first_import_moves",
        "def f():\n    # lazy\n    import sys\n    import abc\n",
        "def f():\n    import abc\n    # lazy\n    import sys\n",
    ),
    sorts(
        "comment_between_groups_moves_with_next",
        "import requests\n\n# standard library\nimport os\n",
        "# standard library\nimport os\n\nimport requests\n",
    ),
    keeps(
        "comment_block_set_apart_inside_a_group_keeps_its_blank_line",
        "from collections import OrderedDict\nfrom io import StringIO\n\n# --------------\n# Legacy Imports\n"
        "# --------------\nfrom urllib.parse import quote\nfrom urllib.request import getproxies\n",
    ),
    sorts(
        "comment_block_set_apart_moves_with_its_blank_line_and_import",
        "import abc\nimport sys\n\n# Legacy\nimport os\n",
        "import abc\n\n# Legacy\nimport os\nimport sys\n",
    ),
    sorts(
        "comment_block_set_apart_keeps_one_blank_line",
        "import abc\n\n\n# Legacy\nimport os\n",
        "import abc\n\n# Legacy\nimport os\n",
    ),
    sorts(
        "comment_block_set_apart_moving_to_the_top_leaves_its_blank_line",
        "import sys\n\n# Legacy\nimport os\n",
        "# Legacy\nimport os\nimport sys\n",
    ),
    # --- classification
    sorts(
        "own_package_is_local_without_project_modules",
        "import mypkg.a\nimport requests\n",
        "import requests\n\nimport mypkg.a\n",
        project_modules=(),
    ),
    sorts(
        "own_package_under_src_is_local",
        "import srcpkg.a\nimport requests\n",
        "import requests\n\nimport srcpkg.a\n",
        path="src/srcpkg/module.py",
        project_modules=(),
    ),
    sorts(
        "project_module_in_sub_directory_is_local",
        "import manage_arkime\nimport boto3\n",
        "import boto3\n\nimport manage_arkime\n",
        project_modules=("manage_arkime",),
    ),
    sorts(
        "stdlib_wins_over_a_project_module_of_the_same_name",
        "import types\nimport requests\n",
        "import types\n\nimport requests\n",
        project_modules=("types",),
    ),
    sorts(
        "extra_standard_library",
        "import pytest\n\nimport os\n",
        "import os\nimport pytest\n",
        options={"extra-standard-library": ["pytest"]},
    ),
    sorts(
        "known_third_party_wins_over_project",
        "import helpers\nimport os\n",
        "import os\n\nimport helpers\n",
        options={"known-third-party": ["helpers"]},
    ),
    sorts(
        "known_first_party_wins_over_stdlib",
        "import mypkg\nimport email\nimport os\n",
        "import os\n\nimport email\nimport mypkg\n",
        options={"known-first-party": ["email"]},
    ),
    sorts(
        "known_first_party_dotted_prefix",
        "import google.mine.x\nimport google.protobuf\nimport os\n",
        "import os\n\nimport google.protobuf\n\nimport google.mine.x\n",
        options={"known-first-party": ["google.mine"]},
    ),
    sorts(
        "top_level_known_first_party",
        "import corelib\nimport os\n",
        "import os\n\nimport corelib\n",
        table={"known-first-party": ["corelib"]},
    ),
    sorts(
        "unknown_module_is_third_party",
        "import zzz_unknown\nimport os\nimport mypkg\n",
        "import os\n\nimport zzz_unknown\n\nimport mypkg\n",
    ),
    # --- barriers
    sorts(
        "statement_is_a_barrier",
        "import sys\nsys.path.insert(0, 'lib')\nimport zlib\nimport abc\n",
        "import sys\nsys.path.insert(0, 'lib')\nimport abc\nimport zlib\n",
    ),
    sorts(
        "several_statements_on_a_line_are_a_barrier",
        "import zlib\nimport b; import a\nimport sys\nimport abc\n",
        "import zlib\nimport b; import a\nimport abc\nimport sys\n",
    ),
    sorts(
        "star_import_is_a_barrier",
        "import zlib\nimport abc\nfrom os import *\nimport sys\nimport io\n",
        "import abc\nimport zlib\nfrom os import *\nimport io\nimport sys\n",
    ),
    sorts(
        "rebinding_import_stays_and_is_a_barrier",
        "from a import x\nfrom b import x\nimport d\nimport c\n",
        "from a import x\nfrom b import x\nimport c\nimport d\n",
    ),
    sorts(
        "same_name_bound_to_same_module_is_not_a_barrier",
        "import os.path\nimport abc\nimport os\n",
        "import abc\nimport os\nimport os.path\n",
    ),
    sorts(
        "stylefix_skip_pins_an_import",
        "import zlib\nimport mylib  # stylefix: skip\nimport sys\nimport abc\n",
        "import zlib\nimport mylib  # stylefix: skip\nimport abc\nimport sys\n",
    ),
    keeps(
        "stylefix_skip_for_this_codemod_pins",
        "import zlib\nimport abc  # stylefix: skip[sort-imports]\n",
    ),
    sorts(
        "stylefix_skip_for_another_codemod_does_not_pin",
        "import zlib\nimport abc  # stylefix: skip[typing-generics]\n",
        "import abc  # stylefix: skip[typing-generics]\nimport zlib\n",
    ),
    keeps(
        "stylefix_skip_file",
        "# stylefix: skip-file\nimport zlib\nimport abc\n",
    ),
    sorts(
        "isort_skip_pins_an_import",
        "import zlib\nimport mylib  # isort: skip\nimport sys\nimport abc\n",
        "import zlib\nimport mylib  # isort: skip\nimport abc\nimport sys\n",
    ),
    keeps(
        "isort_skip_file",
        "import zlib\nimport abc\n# isort: skip_file\n",
    ),
    sorts(
        "isort_off_on",
        "import zlib\nimport abc\n# isort: off\nimport sys\nimport io\n# isort: on\nimport time\nimport os\n",
        "import abc\nimport zlib\n# isort: off\nimport sys\nimport io\n# isort: on\nimport os\nimport time\n",
    ),
    keeps(
        "isort_off_without_on",
        "import zlib\n# isort: off\nimport sys\nimport io\n",
    ),
    sorts(
        "isort_split_own_line",
        "import zlib\nimport sys\n# isort: split\nimport io\nimport abc\n",
        "import sys\nimport zlib\n# isort: split\nimport abc\nimport io\n",
    ),
    sorts(
        "isort_split_trailing_pins",
        "import zlib\nimport sys  # isort: split\nimport io\nimport abc\n",
        "import zlib\nimport sys  # isort: split\nimport abc\nimport io\n",
    ),
    # --- nested blocks
    sorts(
        "if_type_checking",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from mypkg.b import B\n    from collections import abc\n",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from collections import abc\n\n    from mypkg.b import B\n",
    ),
    sorts(
        "try_except_import_error",
        "try:\n    import ujson as json\n    import simplejson\nexcept ImportError:\n    import json\n",
        "try:\n    import simplejson\n    import ujson as json\nexcept ImportError:\n    import json\n",
    ),
    sorts(
        "nested_functions_and_classes",
        "class A:\n    import zlib\n    import abc\n\n    def f(self):\n        def g():\n"
        "            import sys\n            import io\n",
        "class A:\n    import abc\n    import zlib\n\n    def f(self):\n        def g():\n"
        "            import io\n            import sys\n",
    ),
    sorts(
        "with_for_while_else_finally",
        "with x:\n    import b2\n    import a2\nfor i in y:\n    import b3\n    import a3\nelse:\n"
        "    import b4\n    import a4\nwhile z:\n    import b5\n    import a5\ntry:\n    pass\nfinally:\n"
        "    import b6\n    import a6\n",
        "with x:\n    import a2\n    import b2\nfor i in y:\n    import a3\n    import b3\nelse:\n"
        "    import a4\n    import b4\nwhile z:\n    import a5\n    import b5\ntry:\n    pass\nfinally:\n"
        "    import a6\n    import b6\n",
    ),
    sorts(
        "match_case",
        "match x:\n    case 1:\n        import b\n        import a\n",
        "match x:\n    case 1:\n        import a\n        import b\n",
    ),
    sorts(
        "tab_indentation",
        "def f():\n\timport sys\n\timport requests\n\timport abc\n",
        "def f():\n\timport abc\n\timport sys\n\n\timport requests\n",
    ),
    sorts(
        "module_and_function_blocks_sorted_separately",
        "import zlib\nimport abc\n\n\ndef f():\n    import sys\n    import io\n    return sys\n",
        "import abc\nimport zlib\n\n\ndef f():\n    import io\n    import sys\n    return sys\n",
    ),
    keeps(
        "one_line_suite_left_alone",
        "if x: import b; import a\n",
    ),
    # --- files
    sorts(
        "crlf",
        "import sys\r\nimport requests\r\nimport abc\r\n\r\nx = 1\r\n",
        "import abc\r\nimport sys\r\n\r\nimport requests\r\n\r\nx = 1\r\n",
    ),
    sorts(
        "only_future_imports",
        "from __future__ import division\nfrom __future__ import annotations\n",
        "from __future__ import annotations\nfrom __future__ import division\n",
    ),
    keeps(
        "no_imports",
        '"""Nothing to import."""\nx = 1\n',
    ),
    keeps(
        "already_sorted",
        '"""Doc."""\nfrom __future__ import annotations\n\nimport json\nimport logging\nfrom typing import List\n'
        "import uuid\n\nfrom django.views.decorators.csrf import csrf_exempt\nfrom langchain_core.messages import"
        " HumanMessage\n\nfrom mypkg.core import run\nfrom . import sibling\n\nlogger = logging.getLogger(__name__)\n",
    ),
    keeps(
        "single_import",
        "import os\n",
    ),
    sorts(
        "imports_not_at_top",
        "x = 1\nimport sys\nimport abc\n",
        "x = 1\nimport abc\nimport sys\n",
    ),
)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_WHEN_sort_imports_applied_THEN_output_is_exact_and_stable(case: Case) -> None:
    run_case(case, [CODEMOD])


class UncheckedSortImports(SortImports):
    """sort-imports without its pre-check: what a pre-check that finds nothing to do must agree with."""

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        return True


def _file_context(case: Case, source: bytes) -> Tuple[FileContext, Any]:
    table: Dict[str, Any] = dict(case.table)
    if case.options:
        table["sort-imports"] = dict(case.options)
    config = replace(make_config(NO_PROJECT, table), project_modules=ModuleIndex(names=frozenset(case.project_modules)))
    path = NO_PROJECT / case.path
    file = FileContext(path=path, config=config, is_test_file=False, directives=parse_directives(source, NAMES))
    return file, config


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_WHEN_precheck_says_no_change_THEN_full_run_changes_nothing(case: Case) -> None:
    for text in (case.before, case.after):
        source = text.encode("utf-8")
        file, config = _file_context(case, source)

        if not SortImports.precheck(source, file):
            # The engine would skip the codemod on the pre-check's word: run it without one.
            assert source == fix_source(source, file.path, config, codemods=[UncheckedSortImports]).source


def test_WHEN_precheck_on_sorted_case_outputs_THEN_most_are_proven_sorted() -> None:
    # The pre-check is only useful if it proves ordinary sorted files clean without parsing them.
    proven = 0
    for case in CASES:
        source = case.after.encode("utf-8")
        file, _ = _file_context(case, source)
        proven += not SortImports.precheck(source, file)

    assert proven >= len(CASES) // 2


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1\n", False),
        ("import os\nimport sys\n", False),
        ("import sys\nimport os\n", True),
        ("import os\n# comment\n\n# more\nimport sys\n", False),
        ("import os\n\n# comment\nimport sys\n", False),
        ("import os\n\n\n# comment\nimport sys\n", True),
        ("import sys\n\n# comment\nimport os\n", True),
        ("import os\n# isort: split\nimport sys\n", True),
        ("import sys\nfrom os import *\nimport abc\n", False),
        ("import sys\nimport abc\nfrom os import *\n", True),
        ("import sys\nx = 1; \\\nimport abc\nimport io\n", False),
        ("from os import (\n    sep,  # separator\n    path,\n)\nimport sys\n", False),
        ("from os import (\n    sep,\n)\nimport abc\n", True),
        ("from os import (\n    sep,\n    x = 1\n)\n", True),
        ("from os import (sep,\n    path) ; import sys\n", True),
        ("import os\nimport os\n", True),
        ("import os\r\nimport sys\r\n", False),
        ("\ufeffimport sys\nimport os\n", True),
    ],
)
def test_WHEN_precheck_on_bytes_THEN_it_says_whether_to_parse(source: str, expected: bool) -> None:
    case = keeps("precheck", source)
    file, _ = _file_context(case, source.encode("utf-8"))

    assert expected == SortImports.precheck(source.encode("utf-8"), file)


MESSAGE_CASES: Tuple[Case, ...] = (
    Case(
        "duplicate removed and import moved",
        "import sys\nimport os\nimport os\nimport requests\n",
        "import os\nimport sys\n\nimport requests\n",
        path="mypkg/a.py",
        options={"split-multiple": True},
        changes=((3, "removed duplicate `import os`"), (2, "`import os` belongs before `import sys`")),
    ),
    Case(
        "blank lines between groups",
        "import os\nimport requests\n\n\nimport mypkg\n",
        "import os\n\nimport requests\n\nimport mypkg\n",
        path="mypkg/a.py",
        options={"split-multiple": True},
        changes=((2, "one blank line between import groups"), (5, "one blank line between import groups")),
    ),
    Case(
        "blank line inside a group",
        "import os\n\nimport sys\n",
        "import os\nimport sys\n",
        path="mypkg/a.py",
        options={"split-multiple": True},
        changes=((3, "no blank line inside an import group"),),
    ),
    Case(
        "import split",
        "import os, sys\n",
        "import os\nimport sys\n",
        path="mypkg/a.py",
        options={"split-multiple": True},
        changes=((1, "split `import os, sys`"),),
    ),
)


@pytest.mark.parametrize("case", MESSAGE_CASES, ids=case_id)
def test_WHEN_changes_reported_THEN_lines_and_messages_name_the_statement(case: Case) -> None:
    run_case(case, [CODEMOD])


def test_WHEN_project_has_modules_on_disk_THEN_runner_files_them_as_local(tmp_path: Path) -> None:
    from stylefix.results import Mode
    from stylefix.runner import RunOptions, fix_paths
    from tests.helpers import write_files

    # TEST: a package in a sub-directory without __init__.py is local, found by the runner's project index
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[tool.stylefix]\nselect = ['sort-imports']\n",
            "manage_arkime/core/cluster.py": "X = 1\n",
            "app/main.py": "from core import cluster\nimport boto3\nimport os\n",
        },
    )
    from stylefix.config import load_config

    config = load_config(tmp_path)
    results = list(fix_paths([tmp_path], config, RunOptions(mode=Mode.FIX, use_cache=False, jobs=1)))

    assert ["changed"] == [result.status.value for result in results if result.path.endswith("main.py")]
    expected = "import os\n\nimport boto3\n\nfrom core import cluster\n"
    assert expected == (tmp_path / "app" / "main.py").read_text()


def test_WHEN_project_indexed_THEN_modules_inside_regular_packages_are_not_top_level_names(tmp_path: Path) -> None:
    from stylefix.discovery import project_modules
    from tests.helpers import write_files

    write_files(
        tmp_path,
        {
            "celery/__init__.py": "",
            "celery/backends/__init__.py": "",
            "celery/backends/redis.py": "",
            "manage_arkime/core/cluster.py": "",
            "setup.py": "",
        },
    )

    index = project_modules(make_config(tmp_path))

    assert {"celery", "manage_arkime", "setup"} == set(index.names)
    assert "redis" not in index

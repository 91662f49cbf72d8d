"""sort-imports on real project layouts through the real CLI: which modules are local, where the project root
is, and the default placement of pytest."""
from pathlib import Path
from typing import Dict

from tests.helpers import run_cli, write_files

SORT_ONLY = "[tool.stylefix]\nselect = ['sort-imports']\n"

# The guide author's layout (arkime/aws-aio): packages under manage_arkime/, some without __init__.py, imported
# as top-level names from test_manage_arkime/ (whose conftest puts manage_arkime/ on sys.path).
ARKIME_TEST = (
    "import json\n"
    "import pytest\n"
    "import unittest.mock as mock\n"
    "\n"
    "from aws_interactions.events_interactions import ConfigureIsmEvent\n"
    "import cdk_interactions.cdk_context as context\n"
    "import commands.cluster_create as cc\n"
    "import constants as constants\n"
    "from core.capacity_planning import CaptureNodesPlan\n"
)
ARKIME_LAYOUT: Dict[str, str] = {
    "pyproject.toml": SORT_ONLY,
    "manage_arkime/manage_arkime.py": (
        "import logging\n\nimport click\n\nfrom commands.cluster_create import cmd_cluster_create\n"
        "from logging_wrangler import LoggingWrangler\n"
    ),
    "manage_arkime/logging_wrangler.py": "",
    "manage_arkime/constants.py": "",
    "manage_arkime/commands/cluster_create.py": "",
    "manage_arkime/core/capacity_planning.py": "",
    "manage_arkime/aws_interactions/events_interactions.py": "",
    "manage_arkime/cdk_interactions/__init__.py": "",
    "manage_arkime/cdk_interactions/cdk_context.py": "",
    "test_manage_arkime/conftest.py": "",
    "test_manage_arkime/commands/test_cluster_create.py": ARKIME_TEST,
}


def test_WHEN_fix_run_AND_bare_test_directory_has_a_package_name_THEN_that_package_stays_third_party(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": SORT_ONLY,
            "src/app/__init__.py": "",
            "src/app/settings.py": "",
            "src/app/cache.py": "import redis\nimport app.settings\nimport os\n",
            "tests/redis/test_cache.py": "import os\n",
        },
    )

    result = run_cli(["fix", "--no-cache", "."], cwd=tmp_path)

    assert 0 == result.returncode, result.stderr
    expected = "import os\n\nimport redis\n\nimport app.settings\n"
    assert expected == (tmp_path / "src/app/cache.py").read_text()


def test_WHEN_fix_run_AND_script_has_a_package_name_THEN_local_only_beside_it(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": SORT_ONLY,
            "scripts/yaml.py": "",
            "scripts/deploy.py": "import yaml\nimport requests\nimport os\n",
            "app/config.py": "import yaml\nimport app.settings\nimport json\n",
            "app/settings.py": "",
        },
    )

    result = run_cli(["fix", "--no-cache", "."], cwd=tmp_path)

    assert 0 == result.returncode, result.stderr
    # TEST: elsewhere `yaml` is the third-party package
    assert "import json\n\nimport yaml\n\nimport app.settings\n" == (tmp_path / "app/config.py").read_text()
    # TEST: beside scripts/yaml.py, `python scripts/deploy.py` imports that file: local
    assert "import os\n\nimport requests\n\nimport yaml\n" == (tmp_path / "scripts/deploy.py").read_text()


FLASK_VIEWS = (
    "from celery.result import AsyncResult\n"
    "from flask import Blueprint\n"
    "from flask import request\n"
    "\n"
    "from . import tasks\n"
)
FLASK_LAYOUT: Dict[str, str] = {
    "pyproject.toml": "[project]\nname = 'flask'\n",
    "src/flask/__init__.py": "",
    "src/flask/app.py": "import os\n\nfrom flask import json\n",
    "examples/celery/pyproject.toml": "[project]\nname = 'flask-example-celery'\n",
    "examples/celery/make_celery.py": "from task_app import create_app\n",
    "examples/celery/src/task_app/__init__.py": "from celery import Celery\nfrom flask import Flask\n",
    "examples/celery/src/task_app/tasks.py": "import time\n\nfrom celery import shared_task\n",
    "examples/celery/src/task_app/views.py": FLASK_VIEWS,
}


def test_WHEN_check_run_at_outer_project_AND_nested_project_THEN_nested_files_use_their_own_root(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, FLASK_LAYOUT)

    # TEST: from the outer project, `celery` (a directory name there) and `flask` (the outer package) are
    # third-party in the nested project: nothing to change
    outer = run_cli(["check", "--no-cache", "--select", "sort-imports", "."], cwd=tmp_path)
    # TEST: the same from inside the nested project
    inner = run_cli(["check", "--no-cache", "--select", "sort-imports", "."], cwd=tmp_path / "examples/celery")

    assert (0, b"") == (outer.returncode, outer.stdout), outer.stderr
    assert (0, b"") == (inner.returncode, inner.stdout), inner.stderr


def test_WHEN_fix_run_at_outer_project_AND_nested_project_imports_its_own_package_THEN_local_there(
    tmp_path: Path,
) -> None:
    layout = dict(FLASK_LAYOUT)
    layout["examples/celery/make_celery.py"] = "from task_app import create_app\nimport flask\nimport os\n"
    write_files(tmp_path, layout)

    result = run_cli(["fix", "--no-cache", "--select", "sort-imports", "."], cwd=tmp_path)

    assert 0 == result.returncode, result.stderr
    expected = "import os\n\nimport flask\n\nfrom task_app import create_app\n"
    assert expected == (tmp_path / "examples/celery/make_celery.py").read_text()


def test_WHEN_check_run_AND_author_layout_THEN_packages_under_manage_arkime_stay_local(tmp_path: Path) -> None:
    write_files(tmp_path, ARKIME_LAYOUT)

    result = run_cli(["check", "--no-cache", "."], cwd=tmp_path)

    assert (0, b"") == (result.returncode, result.stdout), result.stderr


def test_WHEN_fix_run_AND_author_layout_scrambled_THEN_author_grouping_restored(tmp_path: Path) -> None:
    lines = ARKIME_TEST.replace("\n\n", "\n").splitlines(keepends=True)
    write_files(tmp_path, {**ARKIME_LAYOUT, "test_manage_arkime/commands/test_cluster_create.py": "".join(lines[::-1])})

    result = run_cli(["fix", "--no-cache", "."], cwd=tmp_path)

    assert 0 == result.returncode, result.stderr
    assert ARKIME_TEST == (tmp_path / "test_manage_arkime/commands/test_cluster_create.py").read_text()


def test_WHEN_fix_run_AND_src_key_names_a_root_THEN_its_modules_are_local(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": SORT_ONLY + "src = ['lib']\n",
            "lib/mylib.py": "",
            "app/main.py": "import mylib\nimport requests\nimport os\n",
        },
    )

    result = run_cli(["fix", "--no-cache", "."], cwd=tmp_path)

    assert 0 == result.returncode, result.stderr
    assert "import os\n\nimport requests\n\nimport mylib\n" == (tmp_path / "app/main.py").read_text()


# --- --config chooses settings only


def _shared_config_workspace(tmp_path: Path, config_text: str) -> Path:
    write_files(
        tmp_path,
        {
            "ws/team.toml": config_text,
            "ws/otherrepo/pyproject.toml": "[project]\nname = 'click'\n",
            "ws/otherrepo/src/click/__init__.py": "",
            "ws/proj/pyproject.toml": "[project]\nname = 'proj'\n",
            "ws/proj/proj_mod.py": "",
            "ws/proj/b.py": "import proj_mod\nimport click\nimport os\n",
        },
    )
    return tmp_path / "ws"


def test_WHEN_fix_run_with_config_file_elsewhere_THEN_project_root_stays_nearest_pyproject(tmp_path: Path) -> None:
    for config_text in ("[tool.stylefix]\nselect = ['sort-imports']\n", "select = ['sort-imports']\n"):
        workspace = _shared_config_workspace(tmp_path / str(len(config_text)), config_text)

        result = run_cli(["fix", "--config", "../team.toml", "b.py"], cwd=workspace / "proj")

        # TEST: `click` of a sibling checkout is not local; the project's own module is
        assert 0 == result.returncode, result.stderr
        assert "import os\n\nimport click\n\nimport proj_mod\n" == (workspace / "proj/b.py").read_text()
        # TEST: the cache goes to the project, not to the directory of the config file
        assert (False, True) == ((workspace / ".stylefix_cache").exists(), (workspace / "proj/.stylefix_cache").exists())


def test_WHEN_run_with_config_file_AND_bad_key_THEN_error_names_file_and_key_as_written(tmp_path: Path) -> None:
    cases = [
        ("selekt = []\n", "../team.toml: unknown key 'selekt' at the top level"),
        ("[tool.stylefix]\nselekt = []\n", "../team.toml: unknown key 'selekt' in [tool.stylefix]"),
        ("line-length = 'wide'\n", "../team.toml: line-length: invalid value 'wide'"),
        ("[sort-imports]\nsplit = 1\n", "../team.toml: unknown option 'split' in [sort-imports]"),
        ("[tool.stylefix.sort-imports]\nsplit = 1\n", "../team.toml: unknown option 'split' in [tool.stylefix.sort-imports]"),
        ("[sort-imports]\nsplit-multiple = 1\n", "../team.toml: sort-imports.split-multiple: invalid value 1"),
    ]
    for index, (config_text, expected_message) in enumerate(cases):
        workspace = _shared_config_workspace(tmp_path / str(index), config_text)

        result = run_cli(["check", "--config", "../team.toml", "b.py"], cwd=workspace / "proj")

        assert 2 == result.returncode
        assert expected_message in result.stderr.decode(), config_text


# --- pytest filed with the standard library by default


def test_WHEN_fix_run_with_default_config_THEN_pytest_goes_with_standard_library(tmp_path: Path) -> None:
    source = "import requests\nimport pytest\nimport os\n"
    write_files(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "test_a.py": source, "strict/test_b.py": source})
    (tmp_path / "strict/pyproject.toml").write_text(
        "[tool.stylefix]\nselect = ['sort-imports']\n[tool.stylefix.sort-imports]\nextra-standard-library = []\n"
    )

    # TEST: default: the style guide author's placement
    default = run_cli(["fix", "--no-cache", "--select", "sort-imports", "test_a.py"], cwd=tmp_path)
    # TEST: an empty list restores the strict grouping
    strict = run_cli(["fix", "--no-cache", "test_b.py"], cwd=tmp_path / "strict")

    assert (0, 0) == (default.returncode, strict.returncode), default.stderr + strict.stderr
    assert "import os\nimport pytest\n\nimport requests\n" == (tmp_path / "test_a.py").read_text()
    assert "import os\n\nimport pytest\nimport requests\n" == (tmp_path / "strict/test_b.py").read_text()


# --- a comment set apart by a blank line heads a block of its own (requests 2.32.3)

COMPAT_TAIL = (
    "# Keep OrderedDict for backwards compatibility.\n"
    "from collections import OrderedDict\n"
    "from io import StringIO\n"
    "\n"
    "# --------------\n"
    "# Legacy Imports\n"
    "# --------------\n"
    "from urllib.parse import (\n"
    "    quote,\n"
    "    urlparse,\n"
    ")\n"
    "from urllib.request import getproxies\n"
    "\n"
    "builtin_str = str\n"
)
MODELS_HEAD = (
    "import datetime\n"
    "\n"
    "# Import encoding now, to avoid implicit import later.\n"
    "import encodings.idna  # noqa: F401\n"
    "from io import UnsupportedOperation\n"
    "\n"
    "from urllib3.util import parse_url\n"
)


def test_WHEN_check_run_AND_comment_set_apart_heads_imports_THEN_blank_line_kept(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": SORT_ONLY, "requests/compat.py": COMPAT_TAIL, "requests/models.py": MODELS_HEAD})

    result = run_cli(["check", "--no-cache", "."], cwd=tmp_path)

    assert (0, b"") == (result.returncode, result.stdout), result.stderr


def test_WHEN_fix_run_AND_comment_set_apart_heads_a_moved_import_THEN_blank_line_moves_with_it(
    tmp_path: Path,
) -> None:
    source = "from urllib.request import getproxies\nimport abc\n\n# Legacy Imports\nfrom http import cookiejar\n"
    write_files(tmp_path, {"pyproject.toml": SORT_ONLY, "compat.py": source})

    result = run_cli(["fix", "--no-cache", "."], cwd=tmp_path)

    assert 0 == result.returncode, result.stderr
    expected = "import abc\n\n# Legacy Imports\nfrom http import cookiejar\nfrom urllib.request import getproxies\n"
    assert expected == (tmp_path / "compat.py").read_text()


def test_WHEN_fix_run_AND_test_beside_a_bare_directory_named_like_a_package_THEN_that_package_stays_third_party(
    tmp_path: Path,
) -> None:
    # pytest puts tests/ on sys.path, but tests/redis/ (no __init__.py) only counts when no redis is installed
    write_files(
        tmp_path,
        {
            "pyproject.toml": SORT_ONLY,
            "tests/redis/test_cache.py": "",
            "tests/helpers.py": "",
            "tests/test_app.py": "import redis\nimport helpers\nimport os\n",
        },
    )

    result = run_cli(["fix", "--no-cache", "."], cwd=tmp_path)

    assert 0 == result.returncode, result.stderr
    assert "import os\n\nimport redis\n\nimport helpers\n" == (tmp_path / "tests/test_app.py").read_text()

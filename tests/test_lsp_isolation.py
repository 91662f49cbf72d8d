"""The language server on pathological documents and on a crash: each document gets an answer, the server goes on.

The real server in a subprocess, with the engine wrapped so that a document containing a marker dies of SIGSEGV
(what a stack overflow in LibCST's native parser does) or never finishes; every other document runs for real.
"""
from pathlib import Path
import pytest
import sys
from typing import Any, List

from lsprotocol import types
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.helpers import UNSORTED_IMPORTS
from tests.test_lsp import format_document, make_project, open_document
from tests.test_pathological import DEEP, FULL, PYPROJECT, SHAPES

pytestmark = pytest.mark.asyncio(loop_scope="module")

SERVER_SCRIPT = """
import os
import signal
import time

from stylefix import engine, lsp

fix_source = engine.fix_source


def fix_source_with_faults(source, *args, **kwargs):
    if b"CRASH_HERE" in source:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"HANG_HERE" in source:
        time.sleep(600)
    return fix_source(source, *args, **kwargs)


engine.fix_source = fix_source_with_faults
lsp.serve()
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-c", SERVER_SCRIPT]))
async def client(lsp_client: LanguageClient, workspace: Path) -> Any:
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=workspace.as_uri(), process_id=None)
    )
    yield
    await lsp_client.shutdown_session()


def _summary(found: List[types.Diagnostic]) -> List[tuple]:
    return [(d.severity, d.range.start.line, d.range.start.character, d.message) for d in found]


async def test_WHEN_document_crashes_the_parser_THEN_one_error_diagnostic_and_server_keeps_serving(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "crash", {})
    crashing, healthy = root / "crash.py", root / "healthy.py"
    text = UNSORTED_IMPORTS + "# CRASH_HERE\n"

    found = await open_document(client, crashing, text)
    edits = await format_document(client, crashing)

    expected = [(types.DiagnosticSeverity.Error, 0, 0, "internal error: the parser crashed (signal 11)")]
    assert expected == _summary(found)
    assert [] == edits
    # TEST: the same server still answers the next document
    assert ["sort-imports"] == [d.code for d in await open_document(client, healthy, UNSORTED_IMPORTS)]


async def test_WHEN_document_takes_longer_than_the_time_limit_THEN_gave_up_diagnostic_and_server_keeps_serving(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "hang", {})
    (root / "pyproject.toml").write_text("[tool.stylefix]\ntimeout = 1\n")

    found = await open_document(client, root / "hang.py", UNSORTED_IMPORTS + "# HANG_HERE\n")

    assert [(types.DiagnosticSeverity.Error, 0, 0, "gave up after 1 s")] == _summary(found)
    assert ["sort-imports"] == [d.code for d in await open_document(client, root / "after.py", UNSORTED_IMPORTS)]


async def test_WHEN_20000_term_expression_opened_THEN_one_too_deep_diagnostic_and_no_edits(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "deep", {})
    path = root / "binop.py"
    text = UNSORTED_IMPORTS + "x = " + " + ".join(["a"] * 20_000) + "\n"

    found = await open_document(client, path, text)
    edits = await format_document(client, path)

    expected_message = f"{DEEP} (depth about 19999, limit 500)"
    assert [(types.DiagnosticSeverity.Error, 0, 0, expected_message)] == _summary(found)
    assert [] == edits


async def test_WHEN_pathological_documents_opened_THEN_each_answered_and_the_deep_ones_refused(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "shapes", {"pyproject.toml": PYPROJECT})
    answered = {}

    for name, shape in SHAPES.items():
        found = await open_document(client, root / name, shape.write(shape.full if FULL else shape.small))
        answered[name] = found

    refused = sorted(name for name, found in answered.items() if found and found[0].message.startswith(DEEP))
    assert [] == [name for name, found in answered.items() if not found]
    assert [] == [name for name in refused if len(answered[name]) != 1]
    if not FULL:
        assert sorted(name for name, shape in SHAPES.items() if shape.deep) == refused

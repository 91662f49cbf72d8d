"""`stylefix lsp` end to end: the real server in a subprocess, driven by a real LSP client (pytest-lsp).

One server serves the whole module (starting one costs a Python start-up); every test opens its own documents in
its own project directory, so the tests do not depend on each other.
"""
import asyncio
import json
from pathlib import Path
import pytest
from typing import Any, Dict, List, Optional, Sequence, Tuple

from lsprotocol import types
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.helpers import SORTED, STYLEFIX, UNSORTED, run_cli, write_files
from tests.test_lsp_edits import apply_edits, edit

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Generous: the first request of a session imports LibCST; a hung server must fail the test, not the CI job.
RESPONSE_TIMEOUT_SECONDS = 60

# Both fixes in one test file: imports (sort-imports) and an assert (assert-order, test files only).
TEST_MODULE = (
    "import sys\n"
    "import os\n"
    "\n"
    "\n"
    "def test_WHEN_added_THEN_sum_returned() -> None:\n"
    "    result = 1 + 2\n"
    "    assert result == 3, (os, sys)\n"
)
TEST_MODULE_FIXED = (
    "import os\n"
    "import sys\n"
    "\n"
    "\n"
    "def test_WHEN_added_THEN_sum_returned() -> None:\n"
    "    result = 1 + 2\n"
    "    assert 3 == result, (os, sys)\n"
)
IMPORT_EDITS = [edit((0, 0), (0, 0), "import os\n"), edit((1, 0), (2, 0), "")]
ASSERT_EDITS = [edit((6, 0), (7, 0), "    assert 3 == result, (os, sys)\n")]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=STYLEFIX + ["lsp"]))
async def client(lsp_client: LanguageClient, workspace: Path) -> Any:
    capabilities = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])
    )
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=workspace.as_uri(), process_id=None)
    )
    yield
    await lsp_client.shutdown_session()


def make_project(workspace: Path, name: str, files: Dict[str, str]) -> Path:
    root = workspace / name
    write_files(root, {"pyproject.toml": "[tool.stylefix]\n", **files})
    return root


async def open_document(client: LanguageClient, path: Path, text: str) -> List[types.Diagnostic]:
    """Open `path` with `text` and return the diagnostics the server publishes for it."""
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    return await diagnostics_for(client, uri)


async def diagnostics_for(client: LanguageClient, uri: str) -> List[types.Diagnostic]:
    async def wait() -> List[types.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), RESPONSE_TIMEOUT_SECONDS)


async def format_document(client: LanguageClient, path: Path) -> List[types.TextEdit]:
    params = types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        options=types.FormattingOptions(tab_size=4, insert_spaces=True),
    )
    return list(await asyncio.wait_for(client.text_document_formatting_async(params), RESPONSE_TIMEOUT_SECONDS) or [])


async def code_actions(
    client: LanguageClient, path: Path, lines: Tuple[int, int], only: Optional[Sequence[str]] = None
) -> List[types.CodeAction]:
    uri = path.as_uri()
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(
            start=types.Position(line=lines[0], character=0), end=types.Position(line=lines[1], character=0)
        ),
        context=types.CodeActionContext(diagnostics=list(client.diagnostics.get(uri, [])), only=only),
    )
    return list(await asyncio.wait_for(client.text_document_code_action_async(params), RESPONSE_TIMEOUT_SECONDS) or [])


def close_document(client: LanguageClient, path: Path) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()))
    )


def action_edits(action: types.CodeAction, path: Path) -> List[types.TextEdit]:
    return list(action.edit.changes[path.as_uri()])


def summary(diagnostics: Sequence[types.Diagnostic]) -> List[Tuple[Any, ...]]:
    return [(d.code, d.source, d.severity, d.range.start.line, d.message) for d in diagnostics]


async def test_WHEN_formatting_requested_AND_imports_unsorted_THEN_minimal_line_edits_returned(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "formatting", {"pkg/module.py": UNSORTED})
    path = root / "pkg" / "module.py"
    await open_document(client, path, UNSORTED)

    edits = await format_document(client, path)

    assert IMPORT_EDITS == edits
    assert SORTED == apply_edits(UNSORTED, edits)


async def test_WHEN_formatting_requested_AND_document_clean_THEN_no_edits_and_no_diagnostics(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "clean", {"pkg/module.py": SORTED})
    path = root / "pkg" / "module.py"

    found = await open_document(client, path, SORTED)
    edits = await format_document(client, path)

    assert [] == found
    assert [] == edits


async def test_WHEN_document_opened_THEN_one_diagnostic_per_change_as_the_cli_reports_them(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "diagnostics", {"tests/test_module.py": TEST_MODULE})
    path = root / "tests" / "test_module.py"
    completed = run_cli(["check", "--no-cache", "--output-format", "json", "tests/test_module.py"], cwd=root)
    expected_changes = [
        (change["codemod"], "stylefix", types.DiagnosticSeverity.Warning, change["line"] - 1, change["message"])
        for change in json.loads(completed.stdout)["files"][0]["changes"]
    ]

    found = await open_document(client, path, TEST_MODULE)

    assert {"assert-order", "sort-imports"} == {change[0] for change in expected_changes}
    assert expected_changes == summary(found)


async def test_WHEN_code_actions_requested_THEN_quick_fix_per_diagnostic_fix_all_and_organize_imports(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "actions", {"tests/test_module.py": TEST_MODULE})
    path = root / "tests" / "test_module.py"
    found = await open_document(client, path, TEST_MODULE)

    # TEST: the assert's line offers its quick fix and the file-wide actions
    actions = await code_actions(client, path, (6, 6))
    assert ["quickfix", "source.fixAll.stylefix", "source.organizeImports.stylefix"] == [a.kind for a in actions]
    quick_fix, fix_all, organize_imports = actions
    assert ASSERT_EDITS == action_edits(quick_fix, path)
    assert [d for d in found if d.code == "assert-order"] == list(quick_fix.diagnostics)
    assert IMPORT_EDITS + ASSERT_EDITS == action_edits(fix_all, path)
    assert TEST_MODULE_FIXED == apply_edits(TEST_MODULE, action_edits(fix_all, path))
    assert IMPORT_EDITS == action_edits(organize_imports, path)

    # TEST: the import lines offer the sort-imports quick fix
    actions = await code_actions(client, path, (0, 1), only=[types.CodeActionKind.QuickFix])
    assert {"sort-imports"} == {diagnostic.code for action in actions for diagnostic in action.diagnostics}
    assert {repr(IMPORT_EDITS)} == {repr(action_edits(action, path)) for action in actions}

    # TEST: an editor's on-save request for one kind gets only that kind
    actions = await code_actions(client, path, (0, 0), only=["source.organizeImports"])
    assert ["source.organizeImports.stylefix"] == [action.kind for action in actions]
    actions = await code_actions(client, path, (0, 0), only=["source.fixAll"])
    assert ["source.fixAll.stylefix"] == [action.kind for action in actions]


async def test_WHEN_documents_in_two_projects_THEN_each_follows_its_own_configuration(
    client: LanguageClient, workspace: Path
) -> None:
    default = make_project(workspace, "default-config", {"app.py": UNSORTED})
    no_imports = make_project(workspace, "no-sort-imports", {"app.py": UNSORTED})
    write_files(no_imports, {"pyproject.toml": '[tool.stylefix]\nignore = ["sort-imports"]\n'})

    default_found = await open_document(client, default / "app.py", UNSORTED)
    no_imports_found = await open_document(client, no_imports / "app.py", UNSORTED)

    assert ["sort-imports"] == [diagnostic.code for diagnostic in default_found]
    assert [] == no_imports_found
    assert IMPORT_EDITS == await format_document(client, default / "app.py")
    assert [] == await format_document(client, no_imports / "app.py")
    assert [] == await code_actions(client, no_imports / "app.py", (0, 3))


async def test_WHEN_same_text_in_test_and_non_test_file_THEN_only_the_test_file_gets_test_codemods(
    client: LanguageClient, workspace: Path
) -> None:
    text = TEST_MODULE.replace("import sys\nimport os\n", "import os\nimport sys\n")
    root = make_project(workspace, "test-files", {"tests/test_things.py": text, "pkg/things.py": text})

    test_found = await open_document(client, root / "tests" / "test_things.py", text)
    module_found = await open_document(client, root / "pkg" / "things.py", text)

    assert ["assert-order"] == [diagnostic.code for diagnostic in test_found]
    assert [] == module_found
    assert ASSERT_EDITS == await format_document(client, root / "tests" / "test_things.py")


async def test_WHEN_document_unparseable_THEN_one_error_diagnostic_no_edits_and_server_keeps_serving(
    client: LanguageClient, workspace: Path
) -> None:
    broken = "import sys\nimport os\nx = (\n"
    root = make_project(workspace, "unparseable", {"broken.py": broken, "fine.py": UNSORTED})

    found = await open_document(client, root / "broken.py", broken)

    expected_diagnostic = (None, "stylefix", types.DiagnosticSeverity.Error, 2, "cannot parse: '(' was never closed")
    assert [expected_diagnostic] == summary(found)
    assert [] == await format_document(client, root / "broken.py")
    assert [] == await code_actions(client, root / "broken.py", (0, 2))
    # TEST: the next document is served as usual
    assert ["sort-imports"] == [d.code for d in await open_document(client, root / "fine.py", UNSORTED)]
    assert IMPORT_EDITS == await format_document(client, root / "fine.py")


async def test_WHEN_document_changed_or_saved_THEN_diagnostics_follow_the_new_text(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "changes", {"module.py": SORTED})
    path = root / "module.py"
    assert [] == await open_document(client, path, SORTED)
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=UNSORTED)],
        )
    )
    found = await diagnostics_for(client, uri)

    assert ["sort-imports"] == [diagnostic.code for diagnostic in found]
    assert IMPORT_EDITS == await format_document(client, path)
    # TEST: saving publishes them again, without waiting for a pause
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert found == await diagnostics_for(client, uri)
    # TEST: closing the document clears its diagnostics
    client.diagnostics.pop(uri, None)
    close_document(client, path)
    assert [] == await diagnostics_for(client, uri)


async def test_WHEN_document_excluded_by_configuration_THEN_no_diagnostics_and_no_edits(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "excluded", {"vendor/lib.py": UNSORTED})
    write_files(root, {"pyproject.toml": '[tool.stylefix]\nextend-exclude = ["vendor"]\n'})

    found = await open_document(client, root / "vendor" / "lib.py", UNSORTED)

    assert [] == found
    assert [] == await format_document(client, root / "vendor" / "lib.py")


async def test_WHEN_document_has_crlf_and_wide_characters_THEN_edits_keep_them_and_count_utf16_units(
    client: LanguageClient, workspace: Path
) -> None:
    text = "import sys\r\nimport os\r\n\r\nprint(os, sys, '😋')"
    root = make_project(workspace, "crlf", {"module.py": text})

    await open_document(client, root / "module.py", text)
    edits = await format_document(client, root / "module.py")

    assert [edit((0, 0), (0, 0), "import os\r\n"), edit((1, 0), (2, 0), "")] == edits
    assert "import os\r\nimport sys\r\n\r\nprint(os, sys, '😋')" == apply_edits(text, edits)


async def test_WHEN_project_configuration_invalid_THEN_error_diagnostic_naming_it(
    client: LanguageClient, workspace: Path
) -> None:
    root = make_project(workspace, "bad-config", {"module.py": UNSORTED})
    write_files(root, {"pyproject.toml": '[tool.stylefix]\nselect = ["no-such-codemod"]\n'})

    found = await open_document(client, root / "module.py", UNSORTED)

    assert 1 == len(found)
    assert types.DiagnosticSeverity.Error == found[0].severity
    assert "unknown codemod 'no-such-codemod'" in found[0].message
    assert [] == await format_document(client, root / "module.py")


async def test_WHEN_project_configures_a_conflicting_ruff_rule_THEN_warning_shown_once_per_project(
    client: LanguageClient, workspace: Path
) -> None:
    pyproject = '[tool.stylefix]\nselect = ["test-names"]\n\n[tool.ruff.lint]\nselect = ["N802"]\n'
    root = make_project(workspace, "conflicts", {"a.py": SORTED, "b.py": SORTED})
    write_files(root, {"pyproject.toml": pyproject})
    client.messages.clear()

    await open_document(client, root / "a.py", SORTED)
    await open_document(client, root / "b.py", SORTED)

    expected_message = (
        "pyproject.toml:1:1: ruff rule N802 (invalid-function-name) flags the `test_WHEN_..._THEN_...` names that "
        'test-names writes; set in [tool.ruff.lint.per-file-ignores]: "test_*.py" = ["N802"], "*_test.py" = ["N802"]'
    )
    assert [(types.MessageType.Warning, expected_message)] == [(m.type, m.message) for m in client.messages]

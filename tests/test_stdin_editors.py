"""The README's editor configurations, run for real.

Every command line a snippet gives an editor is parsed out of README.md the way that editor reads it (JSON, TOML,
Lua and Emacs Lisp lists), its file-name placeholder is replaced by a real path, and the command is run; the
language-server commands must be the one the LSP end-to-end tests start.
"""
import json
from pathlib import Path
import re
import shlex
import sys
from typing import Dict, List, Tuple

from stylefix.lsp_edits import FIX_ALL_KIND
from tests.helpers import PROJECT_ROOT, SORTED, STYLEFIX, UNSORTED, run_cli, write_files

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SECTION = "\n## Editors and the language server\n"
# How each editor names the file being saved in a command line.
PLACEHOLDERS: Tuple[str, ...] = ("${file}", "$FILENAME", "%{buffer_name}", "filepath", "path/to/file.py")
LUA_CMD = re.compile(r"cmd = \{([^}]*)\}")
LUA_FORMATTER = re.compile(r'command = ("[^"]*"), args = \{([^}]*)\}')
ELISP_LIST = re.compile(r'\(("stylefix"[^()]*)\)')
QUOTED = re.compile(r'"([^"]*)"')


def elisp_words(text: str) -> List[str]:
    """The strings and symbols of an Emacs Lisp list's contents."""
    return [quoted or symbol for quoted, symbol in re.findall(r'"([^"]*)"|([^\s"]+)', text)]


def readme_blocks() -> List[Tuple[str, str]]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)


def commands() -> List[Tuple[str, List[str]]]:
    """(snippet language, argv) for every stylefix command line in the editors section."""
    found: List[Tuple[str, List[str]]] = []
    for language, text in readme_blocks():
        if language == "sh":
            found.extend((language, shlex.split(line.split("<")[0])) for line in text.splitlines() if line.strip())
        elif language == "json":
            data = json.loads(text)
            for command in data.get("emeraldwalk.runonsave", {}).get("commands", []):
                found.append((language, shlex.split(command["cmd"])))
            if "glspc.server.command" in data:
                found.append((language, [data["glspc.server.command"], *data["glspc.server.commandArguments"]]))
        elif language == "toml":
            data = tomllib.loads(text)
            server = data.get("language-server", {}).get("stylefix")
            if server:
                found.append((language, [server["command"], *server["args"]]))
            for entry in data.get("language", []):
                if "formatter" in entry:
                    found.append((language, [entry["formatter"]["command"], *entry["formatter"]["args"]]))
        elif language == "lua":
            found.extend((language, QUOTED.findall(items)) for items in LUA_CMD.findall(text))
            for command, args in LUA_FORMATTER.findall(text):
                found.append((language, QUOTED.findall(f"{command} {args}")))
        elif language == "elisp":
            found.extend((language, elisp_words(items)) for items in ELISP_LIST.findall(text))
    return found


def kind(argv: List[str]) -> str:
    if argv[1:] == ["lsp"]:
        return "lsp"
    return "stdin" if "-" in argv else "in place"


def with_path(argv: List[str], path: Path) -> List[str]:
    return [str(path) if part in PLACEHOLDERS else part for part in argv]


def test_WHEN_readme_editor_snippets_read_THEN_every_editor_has_its_commands() -> None:
    found = commands()

    expected_kinds = [
        ("sh", "stdin"),
        ("json", "in place"),
        ("json", "lsp"),
        ("lua", "lsp"),
        ("lua", "stdin"),
        ("toml", "lsp"),
        ("toml", "stdin"),
        ("elisp", "lsp"),
        ("elisp", "stdin"),
    ]
    kinds = [(language, kind(argv)) for language, argv in found]
    assert expected_kinds == kinds
    assert {"stylefix"} == {argv[0] for _, argv in found}


def test_WHEN_readme_language_server_commands_used_THEN_they_are_the_tested_server() -> None:
    servers = [argv for _, argv in commands() if argv[1:] == ["lsp"]]

    # the LSP end-to-end tests start exactly this: the installed `stylefix` with `lsp`
    assert [["stylefix", "lsp"]] * 4 == servers
    assert "stylefix" == Path(STYLEFIX[0]).name
    assert f'"{FIX_ALL_KIND}"' in "".join(text for language, text in readme_blocks() if language == "json")


def test_WHEN_readme_format_commands_run_THEN_the_saved_file_comes_out_fixed(tmp_path: Path) -> None:
    path = tmp_path / "pkg" / "module.py"
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n", "pkg/module.py": UNSORTED})
    stdin_commands = sorted({tuple(with_path(argv, path)) for _, argv in commands() if "-" in argv})
    in_place = [with_path(argv, path) for _, argv in commands() if "-" not in argv and argv[1:] != ["lsp"]]

    outputs: Dict[Tuple[str, ...], str] = {}
    for argv in stdin_commands:
        completed = run_cli(argv[1:], cwd=tmp_path, stdin=UNSORTED.encode())
        outputs[argv] = completed.stdout.decode()
    (in_place_argv,) = in_place
    completed = run_cli(in_place_argv[1:], cwd=tmp_path)

    # TEST: sh, conform.nvim, Helix and apheleia all give the same command line
    assert 1 == len(stdin_commands), stdin_commands
    assert [SORTED] == list(outputs.values())
    assert 0 == completed.returncode, completed.stderr
    assert SORTED == path.read_text()

"""What `stylefix init` reads about the other tools: where ruff, isort and black are configured, the formatter's
line length, their known first-party names, and the settings of theirs that stop the conflicts (conflicts.py)."""
from pathlib import Path
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from stylefix.conflicts import isort_config, ruff_layers
from stylefix.setup_layout import relative_to_root

FIX_RE = re.compile(r"; set in (?P<section>.+?): (?P<setting>[^;]+)$")
SETTING_RE = re.compile(r'(?:"[^"]*"|[A-Za-z_][\w-]*) = (?:\[[^\]]*\]|"[^"]*"|[^,\s]+)')


def tool_configuration(root: Path, data: Mapping[str, Any]) -> Tuple[Dict[str, str], Optional[Tuple[int, str]]]:
    """Where ruff, isort and black are configured (tool -> where); the formatter's line length, if any, and its
    source."""
    tools: Dict[str, str] = {}
    layers = ruff_layers(root)
    line_length: Optional[Tuple[int, str]] = None
    if layers:
        tools["ruff"] = relative_to_root(layers[-1].path, root)
        for layer in layers:
            if isinstance(layer.table.get("line-length"), int):
                where = relative_to_root(layer.path, root)
                line_length = (layer.table["line-length"], f"ruff's line-length in {where}")
    found = isort_config(root)
    if found is not None:
        tools["isort"] = f"{relative_to_root(found[0], root)} {found[1]}"
    black = data.get("tool", {}).get("black")
    if isinstance(black, dict):
        tools["black"] = "pyproject.toml [tool.black]"
        if isinstance(black.get("line-length"), int):
            line_length = (black["line-length"], "black's line-length in pyproject.toml")
    return tools, line_length


def first_party_from_tools(root: Path, data: Mapping[str, Any]) -> Tuple[Tuple[str, ...], str]:
    found = isort_config(root)
    if found is not None:
        names = found[2].get("known_first_party")
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if isinstance(names, list) and names:
            return tuple(str(name) for name in names if name), f"isort's known_first_party in {found[0].name}"
    for layer in ruff_layers(root):
        lint = layer.table.get("lint", {})
        isort = (lint.get("isort") if isinstance(lint, dict) else None) or layer.table.get("isort") or {}
        names = isort.get("known-first-party") if isinstance(isort, dict) else None
        if isinstance(names, list) and names:
            return tuple(str(name) for name in names), f"ruff's isort known-first-party in {layer.path.name}"
    return (), ""


def settings_that_stop(conflicts: List[str]) -> Dict[str, List[str]]:
    """The other tools' settings named by the conflict warnings, by section; one line per setting (the last
    warning's wins: ruff's `ignore` list names every conflicting code in each warning)."""
    by_section: Dict[str, Dict[str, str]] = {}
    for warning in conflicts:
        match = FIX_RE.search(warning)
        if match is None:
            continue
        for setting in SETTING_RE.findall(match.group("setting")):
            key = setting.split(" = ")[0]
            by_section.setdefault(match.group("section"), {})[key] = setting
    return {section: list(settings.values()) for section, settings in by_section.items()}

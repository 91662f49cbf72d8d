"""What `stylefix init` reads about the project's tests: pytest's own test-name patterns (pytest.ini, tox.ini,
setup.cfg; config.py reads pyproject.toml's), and how many tests are pytest functions or unittest methods."""
import ast
import configparser
from pathlib import Path
from typing import Any, Dict, List, Tuple

from stylefix.config import Config, is_test_class, is_test_function

PYTEST_INI_FILES: Tuple[Tuple[str, str], ...] = (
    ("pytest.ini", "pytest"),
    ("tox.ini", "pytest"),
    ("setup.cfg", "tool:pytest"),
)
PYTEST_KEYS: Tuple[Tuple[str, str], ...] = (
    ("python_files", "test-files"),
    ("python_functions", "test-functions"),
    ("python_classes", "test-classes"),
)


def _is_testcase(node: ast.ClassDef) -> bool:
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name.endswith("TestCase"):
            return True
    return False


def count_tests(tree: ast.Module, config: Config) -> Tuple[int, int, int]:
    """(pytest functions, methods of pytest test classes, unittest.TestCase methods) at the module's top level."""
    functions = class_methods = unittest_methods = 0
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_test_function(statement.name, config):
            functions += 1
        elif isinstance(statement, ast.ClassDef):
            methods = [
                node
                for node in statement.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_test_function(node.name, config)
            ]
            if _is_testcase(statement):
                unittest_methods += len(methods)
            elif is_test_class(statement.name, config):
                class_methods += len(methods)
    return functions, class_methods, unittest_methods


def _pytest_ini_patterns(root: Path) -> Tuple[str, Dict[str, Tuple[str, ...]]]:
    """pytest's python_files/functions/classes from pytest.ini, tox.ini or setup.cfg (config.py reads pyproject)."""
    for name, section in PYTEST_INI_FILES:
        path = root / name
        if not path.is_file():
            continue
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if parser.has_section(section):
            values = {
                key: tuple(parser.get(section, key).split())
                for key, _ in PYTEST_KEYS
                if parser.has_option(section, key)
            }
            return name, values
    return "", {}


def pytest_settings(root: Path, defaults: Config) -> List[Tuple[str, Any, str]]:
    """(key, value, reason) for each of pytest's test-name patterns that differs from the configuration's."""
    ini_name, ini_patterns = _pytest_ini_patterns(root)
    return [
        (key, list(ini_patterns[ini_key]), f"pytest's {ini_key} in {ini_name}")
        for ini_key, key in PYTEST_KEYS
        if ini_key in ini_patterns and ini_patterns[ini_key] != getattr(defaults, key.replace("-", "_"))
    ]

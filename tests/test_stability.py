"""Codemods declared stable by construction (their pre-check modules say why) are not run again by the safety
net's stability check; these properties run every codemod again on the output and find nothing to change."""

from pathlib import Path
import pytest
from typing import List

from hypothesis import given

from stylefix import registry
from stylefix.engine import fix_source, gate_for, run_codemods
from stylefix.results import StylefixError
from tests.helpers import SITE_PACKAGES
from tests.test_fuzz import CONFIG, FUZZ_SETTINGS, PATHS, targeted_module

# Installed sources with tests, asserts, PEP 585/604 annotations and many imports; a fixed sample.
CORPUS_PACKAGES = ("_pytest", "platformdirs", "pygls", "hypothesis/strategies")
# Files per package: enough to meet every codemod's work, few enough to keep the suite quick.
FILES_PER_PACKAGE = 8


def _second_run_changes(source: bytes, path: Path) -> List[str]:
    try:
        result = fix_source(source, path, CONFIG)
    except StylefixError:
        return []
    gates = [gate_for(name) for name in registry.NAMES]
    again = run_codemods(result.source, path, CONFIG, gates)
    return [f"{change.codemod}: line {change.line}: {change.message}" for change in again.changes]


def _corpus() -> List[Path]:
    files: List[Path] = []
    for package in CORPUS_PACKAGES:
        files += sorted((SITE_PACKAGES / package).rglob("*.py"))[:FILES_PER_PACKAGE]
    return files


def test_WHEN_listing_the_codemods_THEN_all_but_sort_imports_are_stable_by_construction() -> None:
    expected = {"test-names": True, "assert-order": True, "typing-generics": True, "sort-imports": False}

    actual = {name: gate_for(name).stable for name in registry.NAMES}

    assert expected == actual


@pytest.mark.parametrize("path", _corpus(), ids=lambda path: str(path.relative_to(SITE_PACKAGES)))
def test_WHEN_fixing_a_real_file_as_a_test_file_THEN_no_codemod_changes_the_output_again(path: Path) -> None:
    source = path.read_bytes()

    assert [] == _second_run_changes(source, PATHS[1])


@FUZZ_SETTINGS
@given(source=targeted_module())
def test_WHEN_fixing_generated_code_THEN_no_codemod_changes_the_output_again(source: str) -> None:
    for path in PATHS:
        assert [] == _second_run_changes(source.encode(), path)

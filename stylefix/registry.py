"""The one list of codemods: names, summaries, defaults, option schemas and where the implementation lives.

This module must stay free of LibCST imports: the CLI, configuration validation and cache hits read it,
and none of them should pay for importing LibCST.
"""
import importlib
import logging
from typing import Dict, Iterable, List, Optional, Tuple

from stylefix.contract import CodemodSpec

logger = logging.getLogger(__name__)


# The codemods in the order they run on a file: sort-imports last, because the others add imports; test-names
# before assert-order, so that it can read the parsed bytes instead of generating the code again.
# Adding a codemod: its folder under codemods/ (docs/architecture.md, "Adding a codemod") and one line here.
PACKAGES: Tuple[str, ...] = (
    "stylefix.codemods.test_names",
    "stylefix.codemods.assert_order",
    "stylefix.codemods.typing_generics",
    "stylefix.codemods.sort_imports",
)


def _spec(package: str) -> CodemodSpec:
    spec: CodemodSpec = importlib.import_module(f"{package}.spec").SPEC
    return spec


CODEMODS: Tuple[CodemodSpec, ...] = tuple(_spec(package) for package in PACKAGES)
SPECS: Dict[str, CodemodSpec] = {spec.name: spec for spec in CODEMODS}
NAMES: Tuple[str, ...] = tuple(spec.name for spec in CODEMODS)


def get_spec(name: str) -> Optional[CodemodSpec]:
    return SPECS.get(name)


def needed(what: str, enabled: Iterable[str]) -> bool:
    """Whether one of the `enabled` codemods needs `what` from the run (contract.MODULE_INDEX, contract.MENTIONS)."""
    wanted = set(enabled)
    return any(what in spec.needs for spec in CODEMODS if spec.name in wanted)


def ordered(names: List[str]) -> Tuple[str, ...]:
    """Names in registry (run) order, duplicates dropped."""
    wanted = set(names)
    return tuple(name for name in NAMES if name in wanted)

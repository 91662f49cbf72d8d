"""sort-imports: its options and its entry in the registry (LibCST-free)."""
from dataclasses import dataclass
from typing import Tuple

from stylefix.contract import MODULE_INDEX, CodemodSpec


@dataclass(frozen=True)
class SortImportsOptions:
    known_first_party: Tuple[str, ...] = ()
    known_third_party: Tuple[str, ...] = ()
    # The guide's author files pytest with the standard library (21 of 22 `import pytest` lines in arkime/aws-aio).
    extra_standard_library: Tuple[str, ...] = ("pytest",)
    split_multiple: bool = False
    force_sort_within_sections: bool = True


SPEC = CodemodSpec(
    name="sort-imports",
    summary=(
        "groups imports `__future__` -> standard library -> third-party -> local, one blank line between groups, "
        "sorted inside each group"
    ),
    default_on=True,
    options=SortImportsOptions,
    package=__name__.rpartition(".")[0],
    implementation="transform:SortImports",
    precheck="precheck",
    docs="docs",
    equivalence="equivalence",
    conflicts="conflicts",
    needs=frozenset({MODULE_INDEX}),
    shared_keys=("known-first-party", "known-third-party"),
    code_action_kind="source.organizeImports",
)

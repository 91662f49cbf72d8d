"""assert-order: its options and its entry in the registry (LibCST-free)."""
from dataclasses import dataclass
from typing import Literal

from stylefix.contract import CodemodSpec


@dataclass(frozen=True)
class AssertOrderOptions:
    scope: Literal["tests", "all"] = "tests"
    unittest: bool = False


SPEC = CodemodSpec(
    name="assert-order",
    summary="puts the expected value first in equality asserts: `assert result == 3` -> `assert 3 == result`",
    default_on=True,
    options=AssertOrderOptions,
    package=__name__.rpartition(".")[0],
    implementation="transform:AssertOrder",
    precheck="precheck",
    docs="docs",
    equivalence="equivalence",
    conflicts="conflicts",
)

"""test-names: its options and its entry in the registry (LibCST-free)."""
from dataclasses import dataclass, field

from stylefix.contract import MENTIONS, CodemodSpec


@dataclass(frozen=True)
class TestNamesOptions:
    unittest: bool = False
    # The shortest name the guide allows, `def test_WHEN_a_THEN_b`, is 22 characters.
    max_length: int = field(default=120, metadata={"minimum": 22})


SPEC = CodemodSpec(
    name="test-names",
    summary="renames tests to `test_WHEN_<action>_AND_<condition>_THEN_<result>`",
    default_on=True,
    options=TestNamesOptions,
    package=__name__.rpartition(".")[0],
    implementation="transform:TestNames",
    precheck="precheck",
    docs="docs",
    equivalence="equivalence",
    conflicts="conflicts",
    needs=frozenset({MENTIONS}),
)

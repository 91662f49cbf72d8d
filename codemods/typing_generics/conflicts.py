"""typing-generics' conflicts: pyupgrade's rules in ruff rewrite in the opposite direction."""
from stylefix.conflicts import RuffRule

RUFF_RULES = (
    RuffRule("UP006", "non-pep585-annotation", "turns the `List[int]` that {} writes into `list[int]`"),
    RuffRule(
        "UP007",
        "non-pep604-annotation-union",
        "turns the `Union[X, Y]` that {} writes into `X | Y`",
        applies=lambda options: bool(options.unions),
    ),
    RuffRule("UP035", "deprecated-import", "flags the `from typing import List` that {} writes"),
    RuffRule(
        "UP045",
        "non-pep604-annotation-optional",
        "turns the `Optional[X]` that {} writes into `X | None`",
        applies=lambda options: bool(options.unions),
    ),
)

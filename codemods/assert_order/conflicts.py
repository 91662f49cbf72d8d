"""assert-order's conflicts: ruff's yoda-conditions rule turns the order it writes back."""
from stylefix.conflicts import RuffRule

RUFF_RULES = (
    RuffRule(
        "SIM300",
        "yoda-conditions",
        "turns the `assert 3 == result` that {} writes into `result == 3`",
        tests_only=lambda options: bool(options.scope == "tests"),
    ),
)

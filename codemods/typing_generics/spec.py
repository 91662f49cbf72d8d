"""typing-generics: its options and its entry in the registry (LibCST-free)."""
from dataclasses import dataclass

from stylefix.contract import CodemodSpec


@dataclass(frozen=True)
class TypingGenericsOptions:
    bare: bool = False
    unions: bool = True


SPEC = CodemodSpec(
    name="typing-generics",
    summary="rewrites PEP 585/604 annotations (`list[int]`, `X | None`) as typing generics (`List[int]`, `Optional[X]`)",
    default_on=True,
    options=TypingGenericsOptions,
    package=__name__.rpartition(".")[0],
    implementation="transform:TypingGenerics",
    precheck="precheck",
    docs="docs",
    equivalence="equivalence",
    conflicts="conflicts",
)

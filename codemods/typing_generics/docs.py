"""The text `stylefix explain typing-generics` prints: the rules (DOC) and the before/after examples (EXAMPLES), which
the test suite runs byte for byte. Free of LibCST."""
from typing import Tuple

from stylefix.codemods.typing_generics.precheck import mapping_table
from stylefix.contract import Example

DOC = f"""\
Rewrites PEP 585 builtin generics, `collections.abc`/`collections`/`contextlib` generics and PEP 604 unions in
typing contexts into `typing` generics, as the style guide prefers (`List`, `Dict`, `Optional`, `Callable`, ...).

Typing contexts: parameter and return annotations; variable and attribute annotations; the value of an explicit
alias (`X: TypeAlias = ...`, `type X = ...`); TypeVar bounds and constraints (also PEP 695 type parameters); the
first argument of `cast(...)`; the second argument of `NewType(...)`; string annotations (rewritten inside the
string, keeping its quotes). Never touched: runtime expressions (`isinstance(x, int | str)`, `list()`,
`dict[str, int]()`, base classes, default values, decorators, `cast`'s second argument, `__all__`), implicit
aliases (`Alias = list[int]`), the contents of `Literal[...]` and the metadata of `Annotated[...]`.

A name is rewritten only when scope analysis shows it is what it looks like: `list` must be the builtin (not a
shadowing class attribute or variable), `Callable` must come from `collections.abc`.

Mapping (read from the `typing` module's own alias table):
{mapping_table()}
    X | None, None | X -> Optional[X]
    X | Y -> Union[X, Y]
    X | Y | None -> Optional[Union[X, Y]]

Options:
    bare = false    also rewrite unsubscripted builtins in typing contexts (`x: list` -> `x: List`).
                    Unsubscripted `collections.abc`/`collections`/`contextlib` names are rewritten whatever
                    `bare` says, when they can be written without a `typing.` qualifier.
    unions = true   rewrite PEP 604 unions.

Imports: new names are added to the first module-level `from typing import ...` (in sorted position when its
names are sorted the isort/ruff way, case-sensitively or case-insensitively, else at the end), or to a new
`from typing import ...` placed after the last standard-library import of the leading import block (else before
its first import, else after the docstring), never adding blank lines. A module that only has `import typing`
(`import typing as t`) gets `t.List`. When a name we would introduce is already bound to something else anywhere
in the module (a class `List`, a `Callable` from collections.abc that stays in use, a star import), the rewrite
uses `typing.List` and adds `import typing`; if `typing` itself is taken, it is left alone with a warning.
`from collections.abc import X` (and collections/contextlib) imports whose every use was rewritten are removed;
`import collections.abc` and the like are removed by LibCST's RemoveImportsVisitor once unused.
`from __future__ import annotations` stays.

Left as it is, with a warning: a subscript whose argument count the typing alias refuses on some supported
Python (`collections.abc.Generator[None]`: typing.Generator takes 3 arguments before Python 3.13), and a union
with comments on both sides of one `|`.

Directives: `# stylefix: skip` (or `skip[typing-generics]`) at the end of a statement leaves it as it is; for a
`def`/`class` it covers the header (decorators to the colon).
"""

EXAMPLES: Tuple[Example, ...] = (
    Example(
        "builtin generics and unions in annotations",
        "def load(path: str, limit: int | None = None) -> dict[str, list[int]]:\n    ...\n",
        "from typing import Dict, List, Optional\n\n\n"
        "def load(path: str, limit: Optional[int] = None) -> Dict[str, List[int]]:\n    ...\n",
    ),
    Example(
        "merged into the existing typing import; runtime code stays",
        "import os\nfrom typing import Any\n\nCACHE: dict[str, Any] = {}\n\n\n"
        "def is_text(value: Any) -> bool:\n    return isinstance(value, str | bytes)\n",
        "import os\nfrom typing import Any, Dict\n\nCACHE: Dict[str, Any] = {}\n\n\n"
        "def is_text(value: Any) -> bool:\n    return isinstance(value, str | bytes)\n",
    ),
    Example(
        "collections.abc import replaced",
        "from collections.abc import Callable, Iterator\n\n\n"
        "def each(items: Iterator[int], action: Callable[[int], None]) -> None:\n    ...\n",
        "from typing import Callable, Iterator\n\n\n"
        "def each(items: Iterator[int], action: Callable[[int], None]) -> None:\n    ...\n",
    ),
    Example(
        "bare builtins with bare = true; `import typing as t` style kept",
        'import typing as t\n\n\ndef names(rows: list) -> "set[str] | None":\n    ...\n',
        'import typing as t\n\n\ndef names(rows: t.List) -> "t.Optional[t.Set[str]]":\n    ...\n',
        options={"bare": True},
    ),
)

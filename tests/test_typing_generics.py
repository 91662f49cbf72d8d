"""typing-generics: table-driven cases, each compared byte for byte and run twice."""

from pathlib import Path
import pytest
from typing import Dict, List, Tuple

from stylefix.codemods.typing_generics.precheck import TYPING_ALIASES
from tests.cases import Case, case_id, run_case
from tests.helpers import apply_codemod, run_cli, write_files

CODEMOD = "typing-generics"

# The list, written out independently of the typing module: qualified class -> (typing name, arguments).
EXPECTED_MAPPING: Dict[str, Tuple[str, str]] = {
    "builtins.list": ("List", "[int]"),
    "builtins.dict": ("Dict", "[str, int]"),
    "builtins.set": ("Set", "[int]"),
    "builtins.frozenset": ("FrozenSet", "[int]"),
    "builtins.tuple": ("Tuple", "[int, ...]"),
    "builtins.type": ("Type", "[int]"),
    "collections.abc.Callable": ("Callable", "[[int], str]"),
    "collections.abc.Iterable": ("Iterable", "[int]"),
    "collections.abc.Iterator": ("Iterator", "[int]"),
    "collections.abc.Generator": ("Generator", "[int, None, None]"),
    "collections.abc.AsyncIterable": ("AsyncIterable", "[int]"),
    "collections.abc.AsyncIterator": ("AsyncIterator", "[int]"),
    "collections.abc.AsyncGenerator": ("AsyncGenerator", "[int, None]"),
    "collections.abc.Awaitable": ("Awaitable", "[int]"),
    "collections.abc.Coroutine": ("Coroutine", "[None, None, int]"),
    "collections.abc.Mapping": ("Mapping", "[str, int]"),
    "collections.abc.MutableMapping": ("MutableMapping", "[str, int]"),
    "collections.abc.Sequence": ("Sequence", "[int]"),
    "collections.abc.MutableSequence": ("MutableSequence", "[int]"),
    "collections.abc.Set": ("AbstractSet", "[int]"),
    "collections.abc.MutableSet": ("MutableSet", "[int]"),
    "collections.abc.Collection": ("Collection", "[int]"),
    "collections.abc.Container": ("Container", "[int]"),
    "collections.abc.Reversible": ("Reversible", "[int]"),
    "collections.abc.KeysView": ("KeysView", "[str]"),
    "collections.abc.ItemsView": ("ItemsView", "[str, int]"),
    "collections.abc.ValuesView": ("ValuesView", "[int]"),
    "collections.abc.MappingView": ("MappingView", "[int]"),
    "collections.deque": ("Deque", "[int]"),
    "collections.defaultdict": ("DefaultDict", "[str, int]"),
    "collections.OrderedDict": ("OrderedDict", "[str, int]"),
    "collections.Counter": ("Counter", "[str]"),
    "collections.ChainMap": ("ChainMap", "[str, int]"),
    "contextlib.AbstractContextManager": ("ContextManager", "[int]"),
    "contextlib.AbstractAsyncContextManager": ("AsyncContextManager", "[int]"),
}


def _mapping_cases() -> List[Case]:
    """For every entry: imported by name and used qualified through its module."""
    cases = []
    for qualified, (name, arguments) in EXPECTED_MAPPING.items():
        module, _, short = qualified.rpartition(".")
        if module == "builtins":
            cases.append(
                Case(
                    f"mapping-{short}",
                    f"def f(value: {short}{arguments}) -> None:\n    pass\n",
                    f"from typing import {name}\n\n\ndef f(value: {name}{arguments}) -> None:\n    pass\n",
                )
            )
            continue
        cases.append(
            Case(
                f"mapping-by-name-{qualified}",
                f"from {module} import {short}\n\n\ndef f(value: {short}{arguments}) -> None:\n    pass\n",
                f"from typing import {name}\n\n\ndef f(value: {name}{arguments}) -> None:\n    pass\n",
            )
        )
        cases.append(
            Case(
                f"mapping-qualified-{qualified}",
                f"import {module}\n\n\ndef f(value: {module}.{short}{arguments}) -> None:\n    pass\n",
                f"from typing import {name}\n\n\ndef f(value: {name}{arguments}) -> None:\n    pass\n",
            )
        )
    return cases


CONTEXT_CASES: Tuple[Case, ...] = (
    Case(
        "parameter-and-return",
        "def f(a: list[int], *args: tuple[int, ...], **kwargs: dict[str, int]) -> set[str]:\n    return set()\n",
        "from typing import Dict, List, Set, Tuple\n\n\n"
        "def f(a: List[int], *args: Tuple[int, ...], **kwargs: Dict[str, int]) -> Set[str]:\n    return set()\n",
    ),
    Case(
        "variable-annotations-module-class-function",
        "x: list[int] = []\n\n\nclass A:\n    y: dict[str, int]\n\n    def m(self) -> None:\n"
        "        self.z: set[int] = set()\n        w: frozenset[int] = frozenset()\n",
        "from typing import Dict, FrozenSet, List, Set\n\nx: List[int] = []\n\n\nclass A:\n    y: Dict[str, int]\n\n"
        "    def m(self) -> None:\n        self.z: Set[int] = set()\n        w: FrozenSet[int] = frozenset()\n",
    ),
    Case(
        "annotations-in-every-kind-of-block",
        "import sys\n\nif sys.version_info < (3, 8):\n    pass\nelif sys.platform == 'win32':\n    a: list[int] = []\n"
        "else:\n    b: set[int] = set()\ntry:\n    pass\nexcept ValueError:\n    c: dict[str, int] = {}\n"
        "finally:\n    d: tuple[int] = (1,)\nmatch sys.argv:\n    case []:\n        e: frozenset[int] = frozenset()\n"
        "while False: f: type[int] = int\n",
        "import sys\nfrom typing import Dict, FrozenSet, List, Set, Tuple, Type\n\nif sys.version_info < (3, 8):\n"
        "    pass\nelif sys.platform == 'win32':\n    a: List[int] = []\n"
        "else:\n    b: Set[int] = set()\ntry:\n    pass\nexcept ValueError:\n    c: Dict[str, int] = {}\n"
        "finally:\n    d: Tuple[int] = (1,)\nmatch sys.argv:\n    case []:\n        e: FrozenSet[int] = frozenset()\n"
        "while False: f: Type[int] = int\n",
    ),
    Case(
        "explicit-type-alias",
        "from typing import TypeAlias\n\nPairs: TypeAlias = list[tuple[int, int]]\n",
        "from typing import List, Tuple, TypeAlias\n\nPairs: TypeAlias = List[Tuple[int, int]]\n",
    ),
    Case(
        "explicit-type-alias-typing-extensions",
        "import typing_extensions\n\nPairs: typing_extensions.TypeAlias = 'list[int]'\n",
        "from typing import List\n\nimport typing_extensions\n\nPairs: typing_extensions.TypeAlias = 'List[int]'\n",
    ),
    Case(
        "pep-695-type-statement-and-type-parameters",
        "type Pairs = list[tuple[int, int]]\n\n\ndef first[T: dict[str, int]](items: list[T]) -> T:\n"
        "    return items[0]\n",
        "from typing import Dict, List, Tuple\n\ntype Pairs = List[Tuple[int, int]]\n\n\n"
        "def first[T: Dict[str, int]](items: List[T]) -> T:\n    return items[0]\n",
    ),
    Case(
        "typevar-bound-and-constraints",
        "from typing import TypeVar\n\nT = TypeVar('T', bound=list[int])\n"
        "U = TypeVar('U', list[int], dict[str, int] | None)\n",
        "from typing import Dict, List, Optional, TypeVar\n\nT = TypeVar('T', bound=List[int])\n"
        "U = TypeVar('U', List[int], Optional[Dict[str, int]])\n",
    ),
    Case(
        "cast-first-argument-only",
        "import typing\n\nvalues = typing.cast(list[int], list[int]())\n",
        "import typing\n\nvalues = typing.cast(typing.List[int], list[int]())\n",
    ),
    Case(
        "cast-nested-in-a-call",
        "from typing import cast\n\nprint(cast(dict[str, int], {}), len(cast('set[int]', set())))\n",
        "from typing import Dict, Set, cast\n\nprint(cast(Dict[str, int], {}), len(cast('Set[int]', set())))\n",
    ),
    Case(
        "newtype-second-argument",
        "from typing import NewType\n\nUserIds = NewType('UserIds', list[int])\n",
        "from typing import List, NewType\n\nUserIds = NewType('UserIds', List[int])\n",
    ),
    Case(
        "argument-count-the-typing-alias-refuses",
        "from collections.abc import Generator\n\n\ndef f() -> Generator[None]:\n    yield\n\n\n"
        "def g() -> Generator[int, None, None]:\n    yield 1\n\n\nx: dict[str] = {}\n",
        "from collections.abc import Generator\nimport typing\n\n\ndef f() -> Generator[None]:\n    yield\n\n\n"
        "def g() -> typing.Generator[int, None, None]:\n    yield 1\n\n\nx: dict[str] = {}\n",
        warnings=(
            "4:12: typing-generics: Generator[None] left as it is: typing.Generator takes 3 arguments",
            "12:4: typing-generics: dict[str] left as it is: typing.Dict takes 2 arguments",
        ),
    ),
    Case(
        "call-named-cast-that-is-not-typing-cast",
        "from mylib import cast\n\nvalues = cast(list[int], [])\n",
        "from mylib import cast\n\nvalues = cast(list[int], [])\n",
    ),
)

UNION_CASES: Tuple[Case, ...] = (
    Case("optional", "x: int | None = None\n", "from typing import Optional\n\nx: Optional[int] = None\n"),
    Case("none-first", "x: None | int = None\n", "from typing import Optional\n\nx: Optional[int] = None\n"),
    Case("union", "x: int | str = 1\n", "from typing import Union\n\nx: Union[int, str] = 1\n"),
    Case(
        "union-with-none-anywhere",
        "x: int | None | str = 1\n",
        "from typing import Optional, Union\n\nx: Optional[Union[int, str]] = 1\n",
    ),
    Case(
        "nested",
        "x: dict[str, list[int | None]] = {}\n",
        "from typing import Dict, List, Optional\n\nx: Dict[str, List[Optional[int]]] = {}\n",
    ),
    Case(
        "parenthesized-member",
        "x: (int | None) | str = 1\n",
        "from typing import Optional, Union\n\nx: Union[Optional[int], str] = 1\n",
    ),
    Case(
        "callable-arguments",
        "from collections.abc import Callable\n\nhandler: Callable[[int | None, str], bool | None]\n",
        "from typing import Callable, Optional\n\nhandler: Callable[[Optional[int], str], Optional[bool]]\n",
    ),
    Case(
        "multi-line-with-comments",
        "x: (\n    int  # the count\n    | str\n    | None  # not yet known\n) = 1\n",
        "from typing import Optional, Union\n\nx: Optional[Union[\n    int,  # the count\n    str  # not yet known\n"
        "]] = 1\n",
    ),
    Case(
        "empty-tuple-and-ellipsis",
        "x: tuple[()] = ()\ny: tuple[int, ...] | None = None\n",
        "from typing import Optional, Tuple\n\nx: Tuple[()] = ()\ny: Optional[Tuple[int, ...]] = None\n",
    ),
    Case(
        "spacing-inside-subscript-kept",
        "x: dict[ str,  int ] = {}\n",
        "from typing import Dict\n\nx: Dict[ str,  int ] = {}\n",
    ),
    Case(
        "unions-option-off",
        "x: list[int | None] = []\n",
        "from typing import List\n\nx: List[int | None] = []\n",
        options={"unions": False},
    ),
    Case(
        "literal-and-annotated-metadata-untouched",
        "from typing import Annotated, Literal\n\n"
        "x: Annotated[list[int], 'list[int] | None', list] = []\ny: Literal['a|b'] | None = None\n",
        "from typing import Annotated, List, Literal, Optional\n\n"
        "x: Annotated[List[int], 'list[int] | None', list] = []\ny: Optional[Literal['a|b']] = None\n",
    ),
)

STRING_CASES: Tuple[Case, ...] = (
    Case(
        "string-annotation-keeps-quotes",
        "def f(a: 'list[int]', b: \"dict[str, int] | None\") -> '''set[int]''':\n    pass\n",
        "from typing import Dict, List, Optional, Set\n\n\n"
        "def f(a: 'List[int]', b: \"Optional[Dict[str, int]]\") -> '''Set[int]''':\n    pass\n",
    ),
    Case(
        "string-inside-subscript",
        "x: list['dict[str, int]'] = []\n",
        "from typing import Dict, List\n\nx: List['Dict[str, int]'] = []\n",
    ),
    Case(
        "string-with-spaces-around",
        "x: ' list[int] ' = []\n",
        "from typing import List\n\nx: ' List[int] ' = []\n",
    ),
    Case(
        "raw-string",
        "x: r'list[int]' = []\n",
        "from typing import List\n\nx: r'List[int]' = []\n",
    ),
    Case(
        "string-with-escapes-left-alone",
        "x: 'list\\x5bint]' = []\n",
        "x: 'list\\x5bint]' = []\n",
    ),
    Case(
        "bytes-and-unparsable-strings-left-alone",
        "x: 'list[int' = []\ny: 'not a type | at all' = 1\n",
        "x: 'list[int' = []\ny: 'not a type | at all' = 1\n",
    ),
    Case(
        "future-annotations-stays",
        "from __future__ import annotations\n\n\ndef f(a: list[int] | None) -> None:\n    pass\n",
        "from __future__ import annotations\n\nfrom typing import List, Optional\n\n\n"
        "def f(a: Optional[List[int]]) -> None:\n    pass\n",
    ),
)

NEVER_TOUCHED_CASES: Tuple[Case, ...] = (
    Case(
        "runtime-expressions",
        "import os\n\n"
        "def check(x: object, y: type = dict) -> bool:\n"
        "    return isinstance(x, int | str) or issubclass(y, list | dict)\n\n\n"
        "values = list[int]()\nmapping = dict[str, int]()\n"
        "class Box(list[int]):\n    pass\n\n\n"
        "@register(list[int], int | None)\ndef g(x=list[int] | None) -> None:\n    pass\n\n\n"
        "__all__ = ['list', 'Box']\nAlias = list[int]\nUnionAlias = int | None\n",
        "import os\n\n"
        "def check(x: object, y: type = dict) -> bool:\n"
        "    return isinstance(x, int | str) or issubclass(y, list | dict)\n\n\n"
        "values = list[int]()\nmapping = dict[str, int]()\n"
        "class Box(list[int]):\n    pass\n\n\n"
        "@register(list[int], int | None)\ndef g(x=list[int] | None) -> None:\n    pass\n\n\n"
        "__all__ = ['list', 'Box']\nAlias = list[int]\nUnionAlias = int | None\n",
    ),
    Case(
        "bare-builtins-by-default",
        "def f(x: dict, y: str = None) -> list:\n    return [x]\n\n\nz: Dict[str, any] = {}\n",
        "def f(x: dict, y: str = None) -> list:\n    return [x]\n\n\nz: Dict[str, any] = {}\n",
    ),
    Case(
        "shadowed-builtin",
        "list = []\nx: list[int] = list\n\n\nclass A:\n    dict = 1\n    y: dict[str, int]\n",
        "list = []\nx: list[int] = list\n\n\nclass A:\n    dict = 1\n    y: dict[str, int]\n",
    ),
    Case(
        "name-that-is-not-from-collections",
        "from mylib import Callable, deque\n\nx: Callable[[int], int]\ny: deque[int]\n",
        "from mylib import Callable, deque\n\nx: Callable[[int], int]\ny: deque[int]\n",
    ),
    Case(
        "typing-generics-already",
        "from typing import Dict, List, Optional\n\nx: Dict[str, List[Optional[int]]] = {}\n",
        "from typing import Dict, List, Optional\n\nx: Dict[str, List[Optional[int]]] = {}\n",
    ),
    Case(
        "skip-directive",
        "x: list[int] = []  # stylefix: skip\n\n\ndef f(a: int | None) -> None:  # stylefix: skip[typing-generics]\n"
        "    b: set[int] = set()\n",
        "from typing import Set\n\nx: list[int] = []  # stylefix: skip\n\n\n"
        "def f(a: int | None) -> None:  # stylefix: skip[typing-generics]\n    b: Set[int] = set()\n",
    ),
)

IMPORT_CASES: Tuple[Case, ...] = (
    Case(
        "sorted-place-among-stdlib-imports",
        "import abc\nimport uuid\n\nimport requests\n\nx: list[int] = []\n",
        "import abc\nfrom typing import List\nimport uuid\n\nimport requests\n\nx: List[int] = []\n",
    ),
    Case(
        "opening-the-stdlib-group-takes-its-blank-lines",
        "from __future__ import annotations\n\nimport uuid\n\nx: list[int] = []\n",
        "from __future__ import annotations\n\nfrom typing import List\nimport uuid\n\nx: List[int] = []\n",
    ),
    Case(
        "after-future-import-one-blank-line-before-third-party",
        "from __future__ import annotations\nimport requests\n\nx: list[int] = []\n",
        "from __future__ import annotations\n\nfrom typing import List\n\nimport requests\n\nx: List[int] = []\n",
    ),
    Case(
        "no-imports-one-blank-line-before-other-code",
        '"""Doc."""\nx: list[int] = []\n',
        '"""Doc."""\nfrom typing import List\n\nx: List[int] = []\n',
    ),
    Case(
        "no-imports-header-comment-stays-first-two-blank-lines-before-a-decorated-def",
        "# helpers\n@cache\ndef split(text: str) -> list[str]:\n    return text.split()\n",
        "# helpers\nfrom typing import List\n\n\n@cache\ndef split(text: str) -> List[str]:\n    return text.split()\n",
    ),
    Case(
        "after-stdlib-imports-no-blank-line-added",
        "import os\nx: list[int] = []\n",
        "import os\nfrom typing import List\nx: List[int] = []\n",
    ),
    Case(
        "after-the-last-stdlib-import-of-the-block",
        '"""Doc."""\nimport os\nimport sys\n\nimport requests\n\nx: list[int] = []\n',
        '"""Doc."""\nimport os\nimport sys\nfrom typing import List\n\nimport requests\n\nx: List[int] = []\n',
    ),
    Case(
        "before-third-party-imports-taking-their-blank-lines",
        '"""Doc."""\n\n# third party\nimport requests\n\nx: list[int] = []\n',
        '"""Doc."""\n\nfrom typing import List\n\n# third party\nimport requests\n\nx: List[int] = []\n',
    ),
    Case(
        "after-the-docstring-when-there-are-no-imports",
        '"""Doc."""\n\n\ndef f() -> list[int]:\n    return []\n',
        '"""Doc."""\nfrom typing import List\n\n\ndef f() -> List[int]:\n    return []\n',
    ),
    Case(
        "merged-sorted-into-existing-typing-import",
        "from typing import Any, Optional\n\nx: dict[str, Any] | None = None\n",
        "from typing import Any, Dict, Optional\n\nx: Optional[Dict[str, Any]] = None\n",
    ),
    Case(
        "merged-isort-order-with-constants-and-functions",
        "from typing import TYPE_CHECKING, Any, cast\n\nx: list[Any] = cast(Any, [])\n",
        "from typing import TYPE_CHECKING, Any, List, cast\n\nx: List[Any] = cast(Any, [])\n",
    ),
    Case(
        "appended-when-existing-names-are-unsorted",
        "from typing import Dict, Any\n\nx: list[Any] = []\n",
        "from typing import Dict, Any, List\n\nx: List[Any] = []\n",
    ),
    Case(
        "merged-into-parenthesized-multi-line-import",
        "from typing import (\n    Any,  # everything\n    Dict,\n)\n\nx: list[Any] = []\ny: tuple[Any] = ()\n",
        "from typing import (\n    Any,  # everything\n    Dict,\n    List,\n    Tuple,\n)\n\nx: List[Any] = []\n"
        "y: Tuple[Any] = ()\n",
    ),
    Case(
        "merged-into-parenthesized-import-without-trailing-comma",
        "from typing import (Any,\n                    Dict)\n\nx: list[Any] = []\n",
        "from typing import (Any,\n                    Dict,\n                    List)\n\nx: List[Any] = []\n",
    ),
    Case(
        "no-duplicate-when-already-imported",
        "from typing import List\n\nx: list[int] = []\ny: List[str] = []\n",
        "from typing import List\n\nx: List[int] = []\ny: List[str] = []\n",
    ),
    Case(
        "import-typing-as-t",
        "import typing as t\n\n\ndef f(a: list[int] | None) -> dict[str, t.Any]:\n    return {}\n",
        "import typing as t\n\n\ndef f(a: t.Optional[t.List[int]]) -> t.Dict[str, t.Any]:\n    return {}\n",
    ),
    Case(
        "import-typing-and-from-typing-prefers-from",
        "import typing\nfrom typing import Any\n\nx: list[Any] = []\n",
        "import typing\nfrom typing import Any, List\n\nx: List[Any] = []\n",
    ),
    Case(
        "collections-abc-import-partly-removed",
        "from collections.abc import Callable, Iterator, Sized\n\n\n"
        "def f(a: Callable[[int], int], b: Sized) -> Iterator[int]:\n    yield len(b)\n",
        "from collections.abc import Sized\nfrom typing import Callable, Iterator\n\n\n"
        "def f(a: Callable[[int], int], b: Sized) -> Iterator[int]:\n    yield len(b)\n",
    ),
    Case(
        "collections-abc-import-in-use-at-runtime-stays",
        "from collections.abc import Iterable\n\n\ndef f(a: Iterable[int]) -> bool:\n"
        "    return isinstance(a, Iterable)\n",
        "from collections.abc import Iterable\nimport typing\n\n\n"
        "def f(a: typing.Iterable[int]) -> bool:\n    return isinstance(a, Iterable)\n",
    ),
    Case(
        "collections-abc-module-import-in-use-at-runtime-stays",
        "import collections.abc\n\n\ndef f(a: collections.abc.Iterable[int]) -> bool:\n"
        "    return isinstance(a, collections.abc.Iterable)\n",
        "import collections.abc\nfrom typing import Iterable\n\n\ndef f(a: Iterable[int]) -> bool:\n"
        "    return isinstance(a, collections.abc.Iterable)\n",
    ),
    Case(
        "imports-that-were-unused-already-stay",
        "import collections\nimport collections.abc\nfrom collections.abc import Sized\n\nx: list[int] = []\n",
        "import collections\nimport collections.abc\nfrom collections.abc import Sized\nfrom typing import List\n\n"
        "x: List[int] = []\n",
    ),
    Case(
        "collections-abc-aliases",
        "import collections.abc as cabc\nfrom collections import abc\nfrom collections.abc import Mapping as Map\n\n"
        "x: cabc.Sequence[int]\ny: abc.Set[int]\nz: Map[str, int]\n",
        "from typing import AbstractSet, Mapping, Sequence\n\nx: Sequence[int]\ny: AbstractSet[int]\n"
        "z: Mapping[str, int]\n",
    ),
    Case(
        "collections-abc-import-under-type-checking",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from collections.abc import Iterator\n"
        "    import os\n\n\n"
        "def f() -> 'Iterator[int]':\n    yield 1\n",
        "from typing import TYPE_CHECKING, Iterator\n\nif TYPE_CHECKING:\n    import os\n\n\n"
        "def f() -> 'Iterator[int]':\n    yield 1\n",
    ),
    Case(
        "collections-abc-import-alone-under-type-checking-stays",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from collections.abc import Iterator\n\n\n"
        "def f() -> 'Iterator[int]':\n    yield 1\n",
        "from typing import TYPE_CHECKING\nimport typing\n\nif TYPE_CHECKING:\n"
        "    from collections.abc import Iterator\n\n\n"
        "def f() -> 'typing.Iterator[int]':\n    yield 1\n",
    ),
    Case(
        "abc-set-and-builtin-set-together",
        "from collections.abc import Set\n\n\ndef f(a: Set[int], b: set[int]) -> None:\n    pass\n",
        "from typing import AbstractSet, Set\n\n\ndef f(a: AbstractSet[int], b: Set[int]) -> None:\n    pass\n",
    ),
    Case(
        "bare-collections-abc-name",
        "from collections.abc import Iterable\n\n\ndef f(a: Iterable) -> None:\n    pass\n",
        "from typing import Iterable\n\n\ndef f(a: Iterable) -> None:\n    pass\n",
    ),
    Case(
        "comment-above-a-removed-import-kept",
        "import os\n\n# abstract types\nfrom collections.abc import Iterable\nx: Iterable[int] = []\n",
        "import os\n\n# abstract types\nfrom typing import Iterable\nx: Iterable[int] = []\n",
    ),
    Case(
        "crlf-newlines",
        "import os\r\n\r\nx: list[int] | None = None\r\n",
        "import os\r\nfrom typing import List, Optional\r\n\r\nx: Optional[List[int]] = None\r\n",
    ),
)

SHADOWING_CASES: Tuple[Case, ...] = (
    Case(
        "module-defines-its-own-list",
        "class List:\n    pass\n\n\nx: list[int] = []\ny: List = List()\n",
        "import typing\n\n\nclass List:\n    pass\n\n\nx: typing.List[int] = []\ny: List = List()\n",
    ),
    Case(
        "module-imports-another-optional",
        "from mylib import Optional\n\nx: int | None = None\n",
        "import typing\n\nfrom mylib import Optional\n\nx: typing.Optional[int] = None\n",
    ),
    Case(
        "local-name-in-a-function",
        "def f() -> None:\n    Dict = {}\n    x: dict[str, int] = Dict\n",
        "import typing\n\n\ndef f() -> None:\n    Dict = {}\n    x: typing.Dict[str, int] = Dict\n",
    ),
    Case(
        "existing-import-typing-used-when-names-are-taken",
        "import typing\nfrom typing import Any\n\nList = [1]\nx: list[Any] = List\n",
        "import typing\nfrom typing import Any\n\nList = [1]\nx: typing.List[Any] = List\n",
    ),
    Case(
        "star-import-may-bind-anything",
        "from mylib import *\n\nx: list[int] = []\n",
        "import typing\n\nfrom mylib import *\n\nx: typing.List[int] = []\n",
    ),
    Case(
        "aliased-typing-import-is-not-reused",
        "from typing import List as L\n\nx: list[int] = L()\n",
        "from typing import List as L, List\n\nx: List[int] = L()\n",
    ),
)

OPTION_CASES: Tuple[Case, ...] = (
    Case(
        "bare-option",
        "def f(x: dict, y: list[set]) -> tuple | None:\n    return None\n",
        "from typing import Dict, List, Optional, Set, Tuple\n\n\n"
        "def f(x: Dict, y: List[Set]) -> Optional[Tuple]:\n    return None\n",
        options={"bare": True},
    ),
    Case(
        "bare-option-leaves-runtime-uses",
        "def f(x: type = type) -> None:\n    return isinstance(x, type)\n",
        "from typing import Type\n\n\ndef f(x: Type = type) -> None:\n    return isinstance(x, type)\n",
        options={"bare": True},
    ),
)

STUB_CASES: Tuple[Case, ...] = (
    Case(
        "pyi-stub",
        "from collections.abc import Iterator\n\nclass Store:\n    items: dict[str, list[int]]\n"
        "    def keys(self) -> Iterator[str]: ...\n"
        "    def get(self, key: str, default: int | None = ...) -> int | None: ...\n",
        "from typing import Dict, Iterator, List, Optional\n\nclass Store:\n    items: Dict[str, List[int]]\n"
        "    def keys(self) -> Iterator[str]: ...\n"
        "    def get(self, key: str, default: Optional[int] = ...) -> Optional[int]: ...\n",
        path="store.pyi",
    ),
)

CASES: Tuple[Case, ...] = (
    tuple(_mapping_cases())
    + CONTEXT_CASES
    + UNION_CASES
    + STRING_CASES
    + NEVER_TOUCHED_CASES
    + IMPORT_CASES
    + SHADOWING_CASES
    + OPTION_CASES
    + STUB_CASES
)


def test_WHEN_mapping_read_from_typing_module_THEN_it_is_the_documented_table() -> None:
    expected = {qualified: name for qualified, (name, _arguments) in EXPECTED_MAPPING.items()}

    assert expected == TYPING_ALIASES


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_WHEN_file_fixed_THEN_output_is_exact_AND_second_run_changes_nothing(case: Case) -> None:
    run_case(case, [CODEMOD])


@pytest.mark.parametrize("case", [case for case in CASES if case.before != case.after], ids=case_id)
def test_WHEN_file_changed_THEN_every_change_is_reported_with_a_line(case: Case) -> None:
    applied = apply_codemod(case.before, CODEMOD, path=case.path, options=case.options)

    assert applied.changes
    assert all(change.line > 0 and change.codemod == CODEMOD for change in applied.changes)


# (source, what typing-generics alone writes): exactly what sort-imports would leave
CLI_PLACEMENT_CASES: Tuple[Tuple[str, str], ...] = (
    (
        "def split(text: str) -> list[str]:\n    return text.split()\n",
        "from typing import List\n\n\ndef split(text: str) -> List[str]:\n    return text.split()\n",
    ),
    (
        "from __future__ import annotations\n\n\ndef split(text: str) -> list[str]:\n    return text.split()\n",
        "from __future__ import annotations\n\nfrom typing import List\n\n\n"
        "def split(text: str) -> List[str]:\n    return text.split()\n",
    ),
)


@pytest.mark.parametrize(("source", "expected"), CLI_PLACEMENT_CASES)
def test_WHEN_only_typing_generics_runs_AND_it_adds_an_import_THEN_placed_as_sort_imports_would(
    tmp_path: Path, source: str, expected: str
) -> None:
    write_files(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "split.py": source})

    fixed = run_cli(["fix", "--no-cache", "--select", CODEMOD, "split.py"], cwd=tmp_path)
    sorted_check = run_cli(["check", "--no-cache", "--select", "sort-imports", "split.py"], cwd=tmp_path)

    assert 0 == fixed.returncode, fixed.stderr
    assert expected == (tmp_path / "split.py").read_text()
    assert (0, b"") == (sorted_check.returncode, sorted_check.stdout)

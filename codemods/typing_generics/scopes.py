"""What typing-generics asks of a scope analysis: the few parts of LibCST's `Scope` it uses, as protocols.

Two analyses answer: LibCST's ScopeProvider (`Mapping[CSTNode, Optional[Scope]]`) and the purpose-built one of
`bindings.py` (`ScopeMap`, whose one scope is `Bindings`). The codemod's decisions run unchanged on either, so
they are written against these protocols, which both satisfy.
"""
from typing import Collection, Iterable, Iterator, Optional, Protocol, Union

import libcst as cst
from libcst.metadata import BaseAssignment, QualifiedName


class AccessView(Protocol):
    """One access of a name: LibCST's `Access`, or the analysis' `FoundAccess`."""

    @property
    def node(self) -> cst.CSTNode: ...

    @property
    def referents(self) -> Collection[BaseAssignment]: ...


class AssignmentTable(Protocol):
    """`scope.assignments`: the bindings of one name, or (iterated) every binding of the scope."""

    def __getitem__(self, name: str, /) -> Collection[BaseAssignment]: ...

    def __iter__(self) -> Iterator[BaseAssignment]: ...


class AccessTable(Protocol):
    """`scope.accesses`: the accesses of one name."""

    def __getitem__(self, name: str, /) -> Collection[AccessView]: ...


class ScopeView(Protocol):
    """One scope: what a name or node refers to, and the bindings and accesses of a name."""

    def __getitem__(self, name: str, /) -> Collection[BaseAssignment]: ...

    @property
    def assignments(self) -> AssignmentTable: ...

    @property
    def accesses(self) -> AccessTable: ...

    def get_qualified_names_for(self, node: Union[str, cst.CSTNode], /) -> Collection[QualifiedName]: ...


class ScopesView(Protocol):
    """node -> the scope it is in (None for a node no scope was recorded for)."""

    def get(self, node: cst.CSTNode, /) -> Optional[ScopeView]: ...

    def __getitem__(self, node: cst.CSTNode, /) -> Optional[ScopeView]: ...

    def values(self) -> Iterable[Optional[ScopeView]]: ...

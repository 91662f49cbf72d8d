"""The part of the safety net a codemod fills in: how its own changes are normalised away (`ast` only).

Each codemod folder's `equivalence.py` defines `RULE = EquivalenceRule(...)`. The safety net (safety.py) parses
input and output with CPython's `ast`, lets every registered codemod's rule rewrite its allowed changes in one
canonical form on both trees, and compares what is left.
"""
import ast
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Mapping, Optional, Sequence, Type

from stylefix.results import Change

# A hook gets a node after its children were normalised; it changes the node in place or returns a replacement.
Hook = Callable[[ast.AST], Optional[ast.AST]]
Hooks = Mapping[Type[ast.AST], Hook]


@dataclass(frozen=True)
class Side:
    """Which tree a rule normalises and what it may know about it."""

    tree: ast.Module
    # The changes the codemods reported (e.g. renames with their (old, new) names).
    changes: Sequence[Change]
    # False for the input, True for the output.
    after: bool
    # True for the statement-by-statement walk that says where two trees differ, after the one-comparison check
    # failed: renamed definitions are then compared through their (old, new) pairs instead of being renamed back.
    detailed: bool


@dataclass(frozen=True)
class EquivalenceRule:
    # Import statements may be reordered inside a run of consecutive imports, merged, split and deduplicated:
    # each run is compared as the multiset of the names it binds.
    import_runs_as_sets: bool = False
    # Modules whose names the codemod may add to the imports, and modules whose imports it may drop.
    added_imports: FrozenSet[str] = frozenset()
    removed_imports: FrozenSet[str] = frozenset()
    # The node hooks for one side; None when the codemod's changes need no rewriting of nodes.
    hooks: Optional[Callable[[Side], Hooks]] = None


def name_of(node: ast.AST) -> Optional[str]:
    """The last name of `x` or `a.b.x`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def merged_hooks(rules: Sequence[EquivalenceRule], side: Side) -> Dict[Type[ast.AST], Sequence[Hook]]:
    hooks: Dict[Type[ast.AST], Sequence[Hook]] = {}
    for rule in rules:
        if rule.hooks is not None:
            for node_type, hook in rule.hooks(side).items():
                hooks[node_type] = (*hooks.get(node_type, ()), hook)
    return hooks

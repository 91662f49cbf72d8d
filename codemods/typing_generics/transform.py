"""Codemod `typing-generics`: PEP 585 builtin generics and PEP 604 unions back to `typing` generics.

Only typing contexts change (annotations, explicit type aliases, TypeVar bounds and constraints, `cast`'s first
and `NewType`'s second argument, string annotations); runtime expressions never do. What a name refers to comes
from LibCST's scope analysis, which is only computed for files that contain something this codemod could rewrite.

This module is the command; its steps are the folder's other modules, in the order it runs them: contexts.py
(finding the typing contexts and imports), candidates.py (a syntactic filter on them), bindings.py with
bindings_walk.py (what names refer to, ScopeProvider's answers for less), rewriting.py (each expression into its
typing spelling), spelling.py (how each typing name is written, which imports go) and imports.py (the edits to
the tree). docs.py holds what `stylefix explain` prints.
"""
import functools
import logging
from typing import Callable, Dict, List, Optional, Sequence, Set

import libcst as cst
from libcst.metadata import ScopeProvider

from stylefix.codemod import StylefixCodemod
from stylefix.codemods.typing_generics import docs
from stylefix.codemods.typing_generics.bindings import Unsure
from stylefix.codemods.typing_generics.bindings_walk import analyse
from stylefix.codemods.typing_generics.candidates import Candidates, candidates_for, expression_may_change
from stylefix.codemods.typing_generics.contexts import Collector, Root, bound_name, collect, from_module
from stylefix.codemods.typing_generics.imports import (
    Applier,
    insertion_point,
    merge_names,
    new_import_lines,
    remove_names,
)
from stylefix.codemods.typing_generics.rewriting import Rewriter, Use, short
from stylefix.codemods.typing_generics.scopes import ScopesView
from stylefix.codemods.typing_generics.spelling import (
    AliasImport,
    Decision,
    ModuleFacts,
    Spelling,
    alias_imports,
    decide,
    module_facts,
    module_import_removals,
    spelled,
)
from stylefix.context import FileContext

logger = logging.getLogger(__name__)


def _describe_alias(module_name: str, obj: Optional[str], asname: Optional[str]) -> str:
    text = f"from {module_name} import {obj}" if obj else f"import {module_name}"
    return f"{text} as {asname}" if asname else text


class TypingGenerics(StylefixCodemod):
    NAME = "typing-generics"
    DOC = docs.DOC
    EXAMPLES = docs.EXAMPLES

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        bare, unions = self.options.bare, self.options.unions
        collector = collect(tree)
        candidates = candidates_for(collector.imports, collector.star_import, bare, unions)
        roots = [root for root in collector.roots if expression_may_change(root.expression, candidates)]
        if not roots:
            return tree
        changes, warnings = len(self.changes), len(self.context.warnings)
        try:
            return self._transform(tree, collector, candidates, roots, analyse(tree))
        except Unsure:
            # A name the purpose-built analysis cannot vouch for: start again with LibCST's scope analysis.
            del self.changes[changes:]
            del self.context.warnings[warnings:]
            wrapper = self.context.wrapper
            assert wrapper is not None  # transform_module sets it for the run
            return self._transform(tree, collector, candidates, roots, wrapper.resolve(ScopeProvider))

    def _transform(
        self,
        tree: cst.Module,
        collector: Collector,
        candidates: Candidates,
        roots: Sequence[Root],
        scopes: ScopesView,
    ) -> cst.Module:
        plan = Rewriter(scopes, candidates, spell=lambda use: cst.Name(use.typing_name))
        confirmed: List[Root] = []
        for root in roots:
            if root.condition is not None and plan.qualified(root.condition[0], None) not in root.condition[1]:
                continue
            if self.is_skipped(root.statement):
                continue
            confirmed.append(root)
            plan.rewrite(root.expression)
        for node, problem in plan.problems:
            self.warn(f"{self.where(node)}: {problem}")
        if not plan.uses:
            return tree
        facts = module_facts(tree, scopes, collector.imports, collector.star_import, self.is_skipped)
        aliases = alias_imports(facts, collector.imports, self.is_skipped)
        decision = decide(facts, plan.uses, aliases, plan.string_residue)
        return self._apply(tree, collector, confirmed, plan, facts, aliases, decision)

    def _apply(
        self,
        tree: cst.Module,
        collector: Collector,
        roots: Sequence[Root],
        plan: Rewriter,
        facts: ModuleFacts,
        aliases: Sequence[AliasImport],
        decision: Decision,
    ) -> cst.Module:
        def spell(use: Use) -> Optional[cst.BaseExpression]:
            spelling = decision.spellings[use.typing_name]
            return spelling.expression() if spelled(use, spelling) and spelling is not None else None

        final = Rewriter(plan.scopes, plan.candidates, spell=spell)
        replacements: Dict[cst.CSTNode, cst.CSTNode] = {}
        needed: Set[cst.CSTNode] = set()
        for root in roots:
            new = final.rewrite(root.expression)
            if new is root.expression:
                continue
            replacements[root.expression] = new
            needed.update(collector.paths[root.statement])
            before, after = short(root.expression), short(new)
            if before != after:
                self.report(root.expression, f"{before} -> {after}")
        taken = sorted(
            {
                (self.line_of(use.node), use.typing_name)
                for use in final.uses
                if decision.spellings[use.typing_name] is None
            }
        )
        for line, name in taken:
            self.warn(f"{line}: left as it is: the names `{name}` and `typing` are both taken in this module")
        if not replacements:
            return tree
        applied = [use for use in final.uses if spelled(use, decision.spellings[use.typing_name])]
        import_edits: Dict[cst.ImportFrom, Callable[[cst.ImportFrom], cst.ImportFrom]] = {}
        removed: Set[cst.CSTNode] = set()
        self._removals(aliases, decision, collector, import_edits, removed, needed)
        spellings = [decision.spellings[use.typing_name] for use in applied]
        new_lines = self._additions(tree, facts, [item for item in spellings if item is not None], import_edits)
        if facts.typing_from_line is not None:
            needed.update(collector.paths[facts.typing_from_line])
        tree = tree.visit(Applier(replacements, import_edits, removed, needed, new_lines))
        module_removals = module_import_removals(facts, applied, collector.imports)
        if module_removals:
            for node, module_name, obj, asname in module_removals:
                self.report(node, f"remove unused `{_describe_alias(module_name, obj, asname)}`")
            scheduled = [(module_name, obj, asname) for _node, module_name, obj, asname in module_removals]
            # LibCST's codemod framework (and its 0.2 s import of libcst.matchers) only for this rare case.
            from libcst.codemod import CodemodContext as LibCSTContext
            from libcst.codemod.visitors import RemoveImportsVisitor

            context = LibCSTContext(filename=self.context.filename)
            tree = RemoveImportsVisitor(context, scheduled).transform_module(tree)
            self.context.warnings.extend(context.warnings)
        return tree

    def _removals(
        self,
        aliases: Sequence[AliasImport],
        decision: Decision,
        collector: Collector,
        import_edits: Dict[cst.ImportFrom, Callable[[cst.ImportFrom], cst.ImportFrom]],
        removed: Set[cst.CSTNode],
        needed: Set[cst.CSTNode],
    ) -> None:
        names_by_node: Dict[cst.ImportFrom, Set[str]] = {}
        for alias in aliases:
            if alias.assignment in decision.removable:
                names_by_node.setdefault(alias.node, set()).add(alias.name)
                needed.update(collector.paths[alias.site.line])
        for node, names in names_by_node.items():
            assert not isinstance(node.names, cst.ImportStar)
            described = [
                short(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                for alias in node.names
                if bound_name(alias) in names
            ]
            self.report(node, f"remove unused `from {from_module(node)} import {', '.join(described)}`")
            if {bound_name(alias) for alias in node.names} <= names:
                removed.add(node)
            else:
                import_edits[node] = functools.partial(remove_names, names=names)

    def _additions(
        self,
        tree: cst.Module,
        facts: ModuleFacts,
        spellings: Sequence[Spelling],
        import_edits: Dict[cst.ImportFrom, Callable[[cst.ImportFrom], cst.ImportFrom]],
    ) -> List[cst.SimpleStatementLine]:
        names = sorted(
            {spelling.name for spelling in spellings if spelling.module is None} - set(facts.typing_bindings)
        )
        typing_module = any(spelling.module not in (None, facts.typing_module) for spelling in spellings)
        typing_from = facts.typing_from
        new_lines = new_import_lines([] if typing_from is not None else names, typing_module)
        if names and typing_from is not None:
            import_edits[typing_from] = functools.partial(merge_names, names=names)
            self.report(typing_from, f"add {', '.join(names)} to `from typing import ...`")
        if new_lines:
            index, take_blank_lines = insertion_point(tree.body)
            anchor = tree.body[index - 1 if index > 0 and not take_blank_lines else index]
            for line in new_lines:
                self.report(anchor, f"add `{short(line)}`")
        return new_lines

"""sort-imports' rule for the safety net: it moves, merges, splits and deduplicates import statements inside a
run of consecutive imports, so each run is compared as the multiset of names it binds (an import that appears
twice may lose its duplicate; nothing may be added, dropped or moved past other code)."""
from stylefix.equivalence import EquivalenceRule

RULE = EquivalenceRule(import_runs_as_sets=True)

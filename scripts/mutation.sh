#!/usr/bin/env bash
# Mutation testing of the rule modules (age, guardian, escort, flags, consent, cash, receipts,
# statistics): mutmut makes small realistic mistakes in them, one at a time, and runs the tests
# that cover each; a mutant that survives is a mistake no test would catch.
#
#   scripts/mutation.sh [MODULE_GLOB...]     e.g. scripts/mutation.sh 'transit_centre/ages.py'
#
# The modules are listed in pyproject.toml ([tool.mutmut] only_mutate); a glob given here narrows
# the run. Needs the test extras and mutmut (pip install -e ".[test,dev]"). Slow: run it before
# changing a rule, not in CI. Results stay in mutants/ (deleted by the next full run).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
export QT_QPA_PLATFORM=offscreen
"$PY" -m mutmut --version >/dev/null 2>&1 || { echo "mutmut is not installed: pip install -e '.[test,dev]'"; exit 2; }
rm -rf mutants
if [ $# -gt 0 ]; then
  "$PY" -m mutmut run "$@" || true
else
  "$PY" -m mutmut run || true
fi
echo
echo "== surviving mutants (each one a change no test noticed):"
"$PY" -m mutmut results --all false 2>/dev/null | grep -E "survived|no tests|suspicious|timeout" || echo "none"

#!/usr/bin/env bash
# Runs the suite; "no tests collected" (pytest exit 5) fails loudly instead of passing.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
fi
exit "$rc"

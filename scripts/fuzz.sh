#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 2s),
# one after another, and stops at the first failure. Each target's name
# and the executions it reached are printed. FUZZPARALLEL sets the
# workers of each run (default: go's, one per CPU); PKGS limits the
# packages (default ./...). A failing input is written to the package's
# testdata/fuzz/, where it stays as a regression seed once the bug is
# fixed. Go before 1.27 can stop a run with "context deadline exceeded"
# and no failing input (go.dev/issue/75804); such a run is tried again.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-2s}
parallel=()
[ -z "${FUZZPARALLEL:-}" ] || parallel=(-parallel "$FUZZPARALLEL")

targets=0
start=$SECONDS
for pkg in $(go list ${PKGS:-./...}); do
  names=$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
  for name in $names; do
    log=$(mktemp)
    for try in 1 2; do
      if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "${parallel[@]}" "$pkg" >"$log" 2>&1; then
        break
      fi
      # Go before 1.27 may stop a run at its -fuzztime with "context
      # deadline exceeded" and no failing input (go.dev/issue/75804): run
      # it once more, and let a second such stop pass with a warning.
      if grep -q 'context deadline exceeded' "$log" && ! grep -qE 'Failing input written|failure while testing seed corpus' "$log"; then
        echo "fuzz: $name: stopped by go's -fuzztime race without a failing input (try $try)" >&2
        continue
      fi
      echo "fuzz: $pkg $name FAILED" >&2
      cat "$log" >&2
      rm -f "$log"
      exit 1
    done
    # The last progress line says how far the run got.
    reached=$(grep -oE 'elapsed: [^,]+, execs: [0-9]+' "$log" | tail -n 1 || true)
    [ -n "$reached" ] || reached=$(grep -oE 'elapsed: .*' "$log" | tail -n 1 || true)
    echo "fuzz: ${pkg#github.com/promotor/promotor/} $name: ${reached:-no progress line}"
    rm -f "$log"
    targets=$((targets + 1))
  done
done
echo "fuzz: $targets targets passed in $((SECONDS - start))s"

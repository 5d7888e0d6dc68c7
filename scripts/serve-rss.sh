#!/usr/bin/env bash
# serve-rss.sh: the peak memory of `promotor serve` while it serves every
# dashboard page 20 times from a database loaded with `promotor
# load-workload`. It signs in as a user of the workspace with a password.
#
#   scripts/serve-rss.sh DATABASE EMAIL PASSWORD [WORKSPACE] [PORT]
#
# Prints the HTTP statuses (all must be 200) and the process's VmHWM (peak
# resident memory) and VmRSS from /proc. Needs a built promotor on the PATH
# or in $PROMOTOR (default ./promotor), and curl.
set -euo pipefail
db=$1 email=$2 password=$3 ws=${4:-workload} port=${5:-8111}
bin=${PROMOTOR:-./promotor}
base=http://127.0.0.1:$port
jar=$(mktemp)
trap 'rm -f "$jar"; kill "$pid" 2>/dev/null || true' EXIT
"$bin" serve --database "$db" --addr "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$base/readyz" && break; sleep 0.2; done
curl -s -c "$jar" -b "$jar" -o /dev/null -H "Origin: $base" \
  --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/login"
pages=(dashboard trend "trend?by=month" breakdown "breakdown?by=account:segment" "breakdown?by=contact:language"
  accounts "accounts?sort=nps&page=3" responses "responses?wave=all&q=slow+support" calculation
  "calculation?weight=revenue" calculation.csv)
for _ in $(seq 20); do
  for p in "${pages[@]}"; do
    curl -s -b "$jar" -o /dev/null -w "%{http_code} " "$base/w/$ws/$p"
  done
done
echo
grep -E 'VmHWM|VmRSS' "/proc/$pid/status"

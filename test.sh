#!/usr/bin/env bash
# The whole test suite: publish the Native AOT binary (its end-to-end tests run against it), then every test.
set -uo pipefail
cd "$(dirname "$0")"
./publish.sh > /dev/null || { echo "publish failed: run ./publish.sh to see why" >&2; exit 1; }
log="$(mktemp)"
dotnet test BabySea.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '(Passed|Failed)! +- +Failed:' "$log" | tail -n 1)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
  echo "$passed passed, $failed failed, $skipped skipped"
fi
exit "$status"

#!/usr/bin/env bash
# The whole test suite: publish the Native AOT binary (its end-to-end tests run against it), then every test.
set -uo pipefail
cd "$(dirname "$0")"

# Real decoders check the emulators' media (djpeg, dwebp, ffprobe); zlib is linked into the native binary; the dashboard's
# browser tests drive Debian's Chromium (never a downloaded browser); the storage conformance run starts a throwaway
# PostgreSQL server from Debian's binaries. On a fresh machine they are installed when this runs as root, otherwise it
# stops at once naming them.
need=()
command -v djpeg >/dev/null || need+=(libjpeg-turbo-progs)
command -v dwebp >/dev/null || need+=(webp)
command -v ffprobe >/dev/null || need+=(ffmpeg)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
[ -x /usr/bin/chromium ] || need+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null; } \
      || { echo "test.sh: could not install ${need[*]} (apt-get failed)" >&2; exit 1; }
  else
    echo "test.sh: missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

./publish.sh > /dev/null || { echo "publish failed: run ./publish.sh to see why" >&2; exit 1; }

# "N passed, N failed, N skipped" from the last summary line of a dotnet test log.
summarize() {
  local summary
  summary=$(grep -E '(Passed|Failed)! +- +Failed:' "$1" | tail -n 1)
  [ -n "$summary" ] || { echo "no test summary"; return; }
  echo "$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary") passed, $(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary") failed, $(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary") skipped"
}

log="$(mktemp)"
dotnet test BabySea.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
lite=$(summarize "$log")

# The storage conformance run: the tests of every part that stores something, again with PostgreSQL as the engine (each
# test app on a fresh database of one server started for the run). Tests of the LiteDB engine itself (trait Engine=LiteDb)
# stay on LiteDB.
pglog="$(mktemp)"
BABYSEA_TEST_ENGINE=postgres dotnet test BabySea.Appliance.Tests --no-build --filter \
  "(FullyQualifiedName~.Tests.Billing.|FullyQualifiedName~.Tests.Generations.|FullyQualifiedName~.Tests.Webhooks.|FullyQualifiedName~.Tests.Analytics.|FullyQualifiedName~.Tests.Accounts.|FullyQualifiedName~.Tests.Api.|FullyQualifiedName~.Tests.Cli.|FullyQualifiedName~.Tests.Storage.)&Engine!=LiteDb" \
  2>&1 | tee "$pglog"
pgstatus=${PIPESTATUS[0]}
pg=$(summarize "$pglog")

echo "LiteDB: $lite"
echo "PostgreSQL: $pg"
# The plain closing line counts both runs together.
total() { grep -oE "[0-9]+ $1" <<<"$2" | cut -d' ' -f1; }
if [[ "$lite" == *passed* && "$pg" == *passed* ]]; then
  echo "$(( $(total passed "$lite") + $(total passed "$pg") )) passed, $(( $(total failed "$lite") + $(total failed "$pg") )) failed, $(( $(total skipped "$lite") + $(total skipped "$pg") )) skipped"
fi
[ "$status" -eq 0 ] && [ "$pgstatus" -eq 0 ]

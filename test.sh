#!/usr/bin/env bash
# The whole test suite: publish the Native AOT binary (its end-to-end tests run against it), then every test.
set -uo pipefail
cd "$(dirname "$0")"

# Real decoders check the emulators' media (djpeg, dwebp, ffprobe); zlib is linked into the native binary; the dashboard's
# browser tests drive Debian's Chromium (never a downloaded browser). On a fresh machine they are installed when this
# runs as root, otherwise it stops at once naming them.
need=()
command -v djpeg >/dev/null || need+=(libjpeg-turbo-progs)
command -v dwebp >/dev/null || need+=(webp)
command -v ffprobe >/dev/null || need+=(ffmpeg)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
[ -x /usr/bin/chromium ] || need+=(chromium)
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

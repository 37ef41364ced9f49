#!/usr/bin/env bash
# Publishes the Native AOT linux-x64 binary into dist/linux-x64 (binary + config/).
# Fails if the publish shows any trim/AOT warning that is not LiteDB's own.
set -euo pipefail
cd "$(dirname "$0")"
rid="${1:-linux-x64}"
out="dist/$rid"
log="$(mktemp)"
rm -rf "$out"
dotnet publish BabySea.Appliance/BabySea.Appliance.csproj -c Release -r "$rid" -o "$out" \
  -p:PublishAot=true -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false 2>&1 | tee "$log"
# LiteDB 5 carries no trimming annotations; its own IL warnings are known and harmless with BsonDocument mapping.
if grep -E 'warning IL[0-9]+' "$log" | grep -v 'LiteDB' | sort -u | grep .; then
  echo "publish.sh: trim/AOT warnings outside LiteDB (above) must be fixed" >&2
  exit 1
fi
rm -f "$out"/*.dbg "$out"/*.staticwebassets.endpoints.json
echo "published $out/babysea-appliance"

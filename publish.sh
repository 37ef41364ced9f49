#!/usr/bin/env bash
# Publishes the Native AOT binary into dist/<rid> (binary + config/); linux-x64 unless told otherwise.
# Fails if the publish shows any trim/AOT warning that is not LiteDB's own.
#
#   ./publish.sh [RID] [--archive] [--version VERSION]
#
# --archive also packs dist/babysea-appliance-<version>-<rid>.tar.gz (one top-level folder of the same name) and
# rewrites dist/SHA256SUMS over every archive in dist/, for `sha256sum -c`. The version is the project's Version
# property unless --version sets it, for the binary and the archive name alike.
set -euo pipefail
cd "$(dirname "$0")"
project=BabySea.Appliance/BabySea.Appliance.csproj
rid=linux-x64
archive=false
version=""
value() { [ -n "${2:-}" ] || { echo "publish.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --archive) archive=true ;;
    --version) value "$1" "${2:-}"; version="$2"; shift ;;
    --rid) value "$1" "${2:-}"; rid="$2"; shift ;;
    -*) echo "publish.sh: unknown option $1 (usage: ./publish.sh [RID] [--archive] [--version VERSION])" >&2; exit 2 ;;
    *) rid="$1" ;;
  esac
  shift
done
if [ -z "$version" ]; then
  version="$(dotnet msbuild "$project" -getProperty:Version)"
fi
out="dist/$rid"
log="$(mktemp)"
rm -rf "$out"
if ! dotnet publish "$project" -c Release -r "$rid" -o "$out" -p:Version="$version" \
  -p:PublishAot=true -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false 2>&1 | tee "$log"; then
  host="$(uname -m)"
  if [ "$rid" = "linux-arm64" ] && [ "$host" != "aarch64" ]; then
    # Same OS, other architecture: ILC compiles, but linking needs an arm64 toolchain this host may not have.
    echo "publish.sh: Native AOT for linux-arm64 did not link on this $host host (errors above). It needs clang as" \
      "the cross linker, arm64 objcopy/strip, and the arm64 C runtime and zlib (Debian/Ubuntu: clang llvm" \
      "binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu zlib1g-dev:arm64). Build on an arm64 host instead," \
      "or install that toolchain." >&2
  fi
  echo "publish.sh: publishing $rid failed" >&2
  exit 1
fi
# LiteDB 5 carries no trimming annotations; its own IL warnings are known and harmless with BsonDocument mapping.
if grep -E 'warning IL[0-9]+' "$log" | grep -v 'LiteDB' | sort -u | grep .; then
  echo "publish.sh: trim/AOT warnings outside LiteDB (above) must be fixed" >&2
  exit 1
fi
rm -f "$out"/*.dbg "$out"/*.staticwebassets.endpoints.json
echo "published $out/babysea-appliance ($version)"

if $archive; then
  name="babysea-appliance-$version-$rid"
  staging="$(mktemp -d)"
  cp -a "$out" "$staging/$name"
  # Owner, order and permissions fixed, so the archive does not depend on who built it or on directory order.
  tar --sort=name --owner=0 --group=0 --numeric-owner --mode=u+rwX,go+rX,go-w \
    -czf "dist/$name.tar.gz" -C "$staging" "$name"
  rm -rf "$staging"
  (cd dist && sha256sum babysea-appliance-*.tar.gz > SHA256SUMS)
  echo "archived dist/$name.tar.gz; checksums in dist/SHA256SUMS"
fi

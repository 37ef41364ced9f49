#!/usr/bin/env bash
# Publishes the Native AOT binary into dist/<rid> (binary + config/) for each runtime named; linux-x64 by default.
# Fails if a publish shows any trim/AOT warning that is not LiteDB's own.
#
#   ./publish.sh [RID...] [--archive] [--version VERSION]
#   ./publish.sh linux-x64 linux-arm64 --archive --version 1.2.0
#
# --archive also packs dist/babysea-appliance-<version>-<rid>.tar.gz (one top-level folder of the same name) for each
# runtime, then rewrites dist/SHA256SUMS over every archive in dist/, for `sha256sum -c`. The version is the
# project's <Version> unless --version sets it, for the binary (--version prints it) and the archive name alike.
# linux-arm64 on an x64 host cross-compiles: it needs clang, lld, the arm64 binutils and the arm64 C runtime and
# zlib (checked first; the README's "Release archives" names the Debian packages).
set -euo pipefail
cd "$(dirname "$0")"
project=BabySea.Appliance/BabySea.Appliance.csproj
usage="usage: ./publish.sh [RID...] [--archive] [--version VERSION]"
rids=()
archive=false
version=""
value() { [ -n "${2:-}" ] || { echo "publish.sh: $1 needs a value ($usage)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --archive) archive=true ;;
    --version) value "$1" "${2:-}"; version="$2"; shift ;;
    --rid) value "$1" "${2:-}"; rids+=("$2"); shift ;;
    -*) echo "publish.sh: unknown option $1 ($usage)" >&2; exit 2 ;;
    *) rids+=("$1") ;;
  esac
  shift
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64)
if [ -n "$version" ]; then
  # It names the archive and goes into the binary, so only a plain version (1.2.3, 1.2.3-rc.1) is taken.
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] \
    || { echo "publish.sh: --version '$version' is not a version like 1.2.3 or 1.2.3-rc.1" >&2; exit 2; }
else
  version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$project")"
fi

# Cross-compiling to arm64 from another architecture links with clang for aarch64; checked before anything is built,
# so a missing piece is one line at once instead of a link error after minutes of compiling.
arm64_missing() {
  local missing=()
  command -v clang >/dev/null || missing+=("clang (clang)")
  command -v ld.lld >/dev/null || missing+=("ld.lld (lld)")
  command -v aarch64-linux-gnu-objcopy >/dev/null || missing+=("aarch64-linux-gnu-objcopy (binutils-aarch64-linux-gnu)")
  [ -e /usr/lib/gcc-cross/aarch64-linux-gnu ] || missing+=("the arm64 gcc runtime (gcc-aarch64-linux-gnu)")
  [ -e /usr/aarch64-linux-gnu/lib/libc.so ] || [ -e /usr/lib/aarch64-linux-gnu/libc.so ] || missing+=("the arm64 C library (libc6-dev-arm64-cross)")
  [ -e /usr/lib/aarch64-linux-gnu/libz.a ] || [ -e /usr/aarch64-linux-gnu/lib/libz.a ] || missing+=("arm64 zlib (zlib1g-dev:arm64)")
  local IFS=,
  echo "${missing[*]}"
}

publish() {
  local rid="$1" out="dist/$1" log extra=()
  if [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    local missing
    missing="$(arm64_missing)"
    if [ -n "$missing" ]; then
      echo "publish.sh: linux-arm64 from this $(uname -m) host needs a cross toolchain; missing: ${missing//,/, } (README, \"Release archives\")" >&2
      exit 1
    fi
    extra=(-p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy)
  fi
  log="$(mktemp)"
  rm -rf "$out"
  if ! dotnet publish "$project" -c Release -r "$rid" -o "$out" -p:Version="$version" "${extra[@]}" \
    -p:PublishAot=true -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false 2>&1 | tee "$log"; then
    echo "publish.sh: publishing $rid failed (errors above)" >&2
    exit 1
  fi
  # LiteDB 5 carries no trimming annotations; its own IL warnings are known and harmless with BsonDocument mapping.
  if grep -E 'warning IL[0-9]+' "$log" | grep -v 'LiteDB' | sort -u | grep .; then
    echo "publish.sh: trim/AOT warnings outside LiteDB (above) must be fixed" >&2
    exit 1
  fi
  rm -f "$log" "$out"/*.dbg "$out"/*.staticwebassets.endpoints.json
  echo "published $out/babysea-appliance ($version)"
}

pack() {
  local rid="$1" name="babysea-appliance-$version-$1" staging
  staging="$(mktemp -d)"
  cp -a "dist/$rid" "$staging/$name"
  # Owner, order and permissions fixed, so the archive does not depend on who built it or on directory order.
  tar --sort=name --owner=0 --group=0 --numeric-owner --mode=u+rwX,go+rX,go-w \
    -czf "dist/$name.tar.gz" -C "$staging" "$name"
  rm -rf "$staging"
  echo "archived dist/$name.tar.gz"
}

for rid in "${rids[@]}"; do
  publish "$rid"
  if $archive; then pack "$rid"; fi
done
if $archive; then
  (cd dist && sha256sum babysea-appliance-*.tar.gz > SHA256SUMS)
  echo "checksums of every archive in dist/SHA256SUMS"
fi

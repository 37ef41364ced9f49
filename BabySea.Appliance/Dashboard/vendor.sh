#!/usr/bin/env bash
# Refreshes the vendored browser libraries in wwwroot/vendor/ from npm at the fixed versions below (only the built
# files the pages load), with their licence files. Change a version here, run this, and commit the result.
set -euo pipefail
cd "$(dirname "$0")"
PREACT=11.2.0
HTM=3.1.1
UPLOT=1.6.32

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "preact@$PREACT" "htm@$HTM" "uplot@$UPLOT" > /dev/null)
for t in "$work"/*.tgz; do mkdir -p "$work/$(basename "$t" .tgz)" && tar -xzf "$t" -C "$work/$(basename "$t" .tgz)"; done
p="$work/preact-$PREACT/package" h="$work/htm-$HTM/package" u="$work/uplot-$UPLOT/package"
out=wwwroot/vendor
rm -rf "$out" && mkdir -p "$out"
# The pages load ES modules without an import map (an inline map would need a CSP exception), so the hooks'
# bare "preact" import is pointed at the file beside it.
cp "$p/dist/preact.mjs" "$out/preact.mjs"
sed -E 's/from ?"preact"/from".\/preact.mjs"/g' "$p/hooks/dist/hooks.mjs" > "$out/hooks.mjs"
cp "$h/dist/htm.module.js" "$out/htm.mjs"
cp "$u/dist/uPlot.esm.js" "$out/uplot.mjs"
cp "$u/dist/uPlot.min.css" "$out/uplot.css"
cp "$p/LICENSE" "$out/LICENSE.preact"
cp "$h/LICENSE" "$out/LICENSE.htm"
cp "$u/LICENSE" "$out/LICENSE.uplot"
grep -q 'preact.mjs' "$out/hooks.mjs" || { echo "vendor.sh: the hooks import of preact was not rewritten" >&2; exit 1; }
printf 'preact %s (MIT)\nhtm %s (Apache-2.0)\nuplot %s (MIT)\n' "$PREACT" "$HTM" "$UPLOT" > "$out/VERSIONS"
echo "vendored: preact $PREACT, htm $HTM, uplot $UPLOT"

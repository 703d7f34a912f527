#!/usr/bin/env bash
# Generates the Node.js, Python and Go SDKs of the native plugin's package schema (plugin/schema.json) into
# sdk/nodejs, sdk/python and sdk/go, with Pulumi's own code generators (tools/sdkgen):
#   npm run sdk                          (= bash scripts/toolchain.sh bash scripts/sdk.sh)
#   bash scripts/sdk.sh -out DIR         (elsewhere; the tests regenerate into a temporary folder)
# Needs Go: tools/sdkgen is built on first use into $TELEPHONY_CONFIG_CACHE/sdkgen-<key> (default
# ~/.cache/telephony-config), keyed by its go.mod, go.sum and sources, so that a change to any of them rebuilds it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${TELEPHONY_CONFIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/telephony-config}
die() { printf 'sdk: error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 ||
  die "Go is not installed; the SDK generator (tools/sdkgen) is a Go program: install Go >= 1.26 (https://go.dev/dl/)"

key=$(cat "$root"/tools/sdkgen/go.mod "$root"/tools/sdkgen/go.sum "$root"/tools/sdkgen/*.go | sha256sum | cut -c1-12)
dir=$cache/sdkgen-$key
if [ ! -x "$dir/sdkgen" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/sdkgen.XXXXXX")
  log=$cache/sdkgen-build.log
  printf 'sdk: building the SDK generator (tools/sdkgen, first run only; log: %s)…\n' "$log" >&2
  # The Pulumi CLI's build flags and (in go.mod) its module versions, so that the packages the two share come from
  # the Go build cache that building the CLI (scripts/toolchain.sh) filled.
  if ! (cd "$root/tools/sdkgen" && CGO_ENABLED=0 GOWORK=off go build -trimpath -tags osusergo,grpcnotrace -o "$tmp/sdkgen" .) >"$log" 2>&1; then
    rm -rf "$tmp"
    tail -n 20 "$log" >&2
    die "building tools/sdkgen failed: the last lines are above, the whole log is $log"
  fi
  # Another run may have built the same key meanwhile: either copy will do.
  mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
fi

cd "$root"
exec "$dir/sdkgen" -schema plugin/schema.json -out sdk "$@"

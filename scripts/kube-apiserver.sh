#!/usr/bin/env bash
# Builds the control plane of the slow Kubernetes test tier (test/e2e/kube-apiserver.test.ts): a real
# kube-apiserver, etcd and a kubectl of the same release, from the Go module proxy, into
# $TELEPHONY_CONFIG_CACHE (default ~/.cache/telephony-config)/kube-apiserver-v<version>-<key>/.
#   npm run setup:kube                       build once (14 CPU-minutes: 23 min on two busy cores), then only checks
#   bash scripts/kube-apiserver.sh --check   print that directory and exit 0 when it is built, else exit 3
#                                            (offline, instant: what the test asks before it runs)
# Needs Go >= 1.26 (the go directive of k8s.io/kubernetes v1.37). Nothing is installed outside the cache.
set -euo pipefail

cache=${TELEPHONY_CONFIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/telephony-config}
[ "${1:-}" = "--check" ] || mkdir -p "$cache" # a check creates nothing
[ -d "$cache" ] && cache=$(cd "$cache" && pwd)
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# k8s.io/kubernetes is not meant to be a dependency: its go.mod requires its staging modules (k8s.io/api,
# k8s.io/apiserver, ...) at v0.0.0 and points them at ./staging. A module that requires it must replace
# each of them by the tag published for the same release, v0.<minor>.<patch>. These are the staging
# modules that kubernetes v1.37.2's go.mod requires; another release may add or drop one.
k8s_version=1.37.2
staging="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
  cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
  kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission
  sample-apiserver streaming"
# etcd is the one kubernetes itself requires (go.etcd.io/etcd/server/v3, whose root package is the etcd
# command), so the three binaries come from one module graph and one download.
packages="k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl go.etcd.io/etcd/server/v3"
staging_tag=v0.${k8s_version#*.} # 1.37.2 -> v0.37.2
minor=${k8s_version#*.} && minor=${minor%%.*}
ldflags="-s -w"
for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $v.gitVersion=v$k8s_version -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
done

gomod() {
  printf 'module telephony-config/kube-apiserver\n\ngo 1.26.0\n\n// as k8s.io/kubernetes sets it\ngodebug default=go1.26\n\n'
  printf 'require k8s.io/kubernetes v%s\n\nreplace (\n' "$k8s_version"
  for m in $staging; do printf '\tk8s.io/%s => k8s.io/%s %s\n' "$m" "$m" "$staging_tag"; done
  printf ')\n'
}
# Keyed by what decides the binaries, so that a change here rebuilds them and a stale build is never used.
key=$( (gomod; echo "$packages"; echo "$ldflags") | sha256sum | cut -c1-12)
dir=$cache/kube-apiserver-v$k8s_version-$key
built() { [ -f "$dir/.built" ] && [ -x "$dir/kube-apiserver" ] && [ -x "$dir/etcd" ] && [ -x "$dir/kubectl" ]; }

if [ "${1:-}" = "--check" ]; then
  built && { echo "$dir"; exit 0; }
  exit 3
fi
[ "$#" -eq 0 ] || die "usage: bash scripts/kube-apiserver.sh [--check]"

what="kube-apiserver, etcd and kubectl v$k8s_version"
if built; then
  printf 'setup: apiserver %s cached\n' "$what" >&2
  exit 0
fi
command -v go >/dev/null 2>&1 || die "Go >= 1.26 is needed to build kube-apiserver (https://go.dev/dl/)"

log=$cache/kube-apiserver-v$k8s_version-build.log
tmp=$(mktemp -d "$cache/kube-apiserver.XXXXXX")
mod=$(mktemp -d)
trap 'rm -rf "$tmp" "$mod"' EXIT
gomod >"$mod/go.mod"
began=$(date +%s)
# -mod=mod: go.sum is written while the modules download (this module is thrown away afterwards).
# nice: the build takes every core for many minutes; whatever else runs here stays responsive.
# -v: one line per package compiled, which the progress line below counts.
(cd "$mod" && CGO_ENABLED=0 exec nice -n 10 \
  go build -mod=mod -v -trimpath -ldflags "$ldflags" -o "$tmp/" $packages) >"$log" 2>&1 &
builder=$!
if [ -t 2 ]; then
  while kill -0 "$builder" 2>/dev/null; do
    printf '\rsetup: apiserver building %s from the Go module proxy (first run only, ten minutes or more), %ds, %d modules fetched, %d packages compiled ' \
      "$what" $(($(date +%s) - began)) "$(grep -c '^go: downloading' "$log" || true)" "$(grep -vc '^go: ' "$log" || true)" >&2
    sleep 1
  done
  printf '\r\033[K' >&2
else
  printf 'setup: apiserver building %s from the Go module proxy (first run only, ten minutes or more; log: %s)...\n' "$what" "$log" >&2
fi
if ! wait "$builder"; then
  tail -n 20 "$log" >&2
  die "the build failed: the last lines are above, the whole log is $log"
fi
mv "$tmp/server" "$tmp/etcd" # go names a binary after its path's last element before a /vN
"$tmp/kube-apiserver" --version >"$tmp/.built"
"$tmp/etcd" --version | sed -n 1p >>"$tmp/.built" # sed reads it all: head could end etcd with SIGPIPE
rm -rf "$dir" && mv "$tmp" "$dir"
took=$(($(date +%s) - began))
printf 'setup: apiserver %s built from the Go module proxy in %dm%02ds (%s)\n' "$what" $((took / 60)) $((took % 60)) "$dir" >&2

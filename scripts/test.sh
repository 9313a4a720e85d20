#!/usr/bin/env bash
# The whole test suite, as CI runs it: type check, lint, unit and integration
# tests (SQLite and PostgreSQL), the crash tests of the delivery pipeline, the
# production start, the end-to-end test in headless Chromium and the suite
# installed into a new Backstage app.
# Installs what it needs on the first run (see scripts/bootstrap.sh).
#
# Environment:
#   TEST_POSTGRES_URL  PostgreSQL server for the database and crash tests
#                      (default postgresql://postgres@127.0.0.1:5432)
#   CHROMIUM_PATH      Chromium for the e2e test (default /usr/bin/chromium)
#   CI=true            a missing PostgreSQL server or Chromium is a failure,
#                      not a skip; Chromium is installed with apt-get if absent
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '\033[1;33m%s\033[0m\n' "$*"; }
die() { printf '\033[1;31m%s\033[0m\n' "$*" >&2; exit 1; }
is_ci() { [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ]; }
started=$SECONDS

step "PostgreSQL"
pg_url="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}"
# TestDatabases must never try Docker (there is none); it uses the
# connection string set here, or SQLite alone.
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if pg_major="$(node scripts/detect-postgres.js "$pg_url" 2>/tmp/detect-postgres.err)"; then
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${pg_major}_CONNECTION_STRING=$pg_url"
  echo "Database tests run on SQLite and PostgreSQL ${pg_major} at ${pg_url}"
elif is_ci; then
  die "No PostgreSQL server at ${pg_url} ($(cat /tmp/detect-postgres.err)). CI needs one: start it, or set TEST_POSTGRES_URL."
else
  note "PostgreSQL SKIPPED: no server at ${pg_url} ($(cat /tmp/detect-postgres.err)). Database tests run on SQLite only; set TEST_POSTGRES_URL to include PostgreSQL."
fi

step "Type check"
yarn tsc

step "Build the packages"
# Every package's dist/ (types from the dist-types the type check wrote), as
# they are packed for a registry; the new-app step below installs them.
yarn backstage-cli repo build

step "Lint"
yarn backstage-cli repo lint
yarn prettier --check .
# Every published package keeps its metadata (repository, publishConfig...).
yarn backstage-cli repo fix --publish --check
# The backends' OpenAPI documents (src/schema/openapi.yaml) are the source
# of truth of their routers: each must be a valid document, and the router
# generated from it (src/schema/openapi/generated) must be up to date.
# (Node's own .ts loading gives the validator no default export; Backstage's
# transform does.)
node scripts/generate-openapi-routers.mjs --check
NODE_OPTIONS="--require @backstage/cli/config/nodeTransform.cjs" \
  yarn backstage-repo-tools repo schema openapi validate

step "API reports"
# Each package's public API is checked in as report.api.md: a change to what
# a package exports shows up in review. After changing an export, run
# `yarn build:api-reports` and commit the reports.
yarn build:api-reports:only --ci

step "Unit and integration tests"
# --ci: no watch mode, no snapshot writes; --verbose names every test, so
# the log shows each database test running on SQLITE_3 and POSTGRES_<major>.
CI=true yarn backstage-cli repo test --ci --verbose

step "Reliability (crash tests)"
# Real pipeline backends SIGKILLed under load, with client retries and
# resent duplicates: one on SQLite, two replicas on one PostgreSQL database.
# Every acknowledged event must reach the raw partitions, and the delivered
# partitions must hold each exactly once. No browser needed.
node --test --test-reporter=spec 'e2e/pipeline-*.test.mjs'

step "Production start (built backend on PostgreSQL)"
# scripts/start-production.sh as the README documents it: builds the backend,
# its plugins and the app, installs the production dependencies into
# dist/production and starts it with NODE_ENV=production on a fresh set of
# PostgreSQL databases; guest sign-in and the local token must be refused.
# About 7 minutes cold on 2 cores (better-sqlite3 compiled again for the
# install), 2 to 3 once dist/production exists.
node --test --test-reporter=spec 'e2e/production*.test.mjs'

step "End-to-end (headless Chromium)"
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ] && is_ci; then
  echo "Installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y -qq chromium >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null; } ||
    die "Could not install chromium with apt-get; install it or set CHROMIUM_PATH."
fi
if [ -x "$chromium_path" ]; then
  CHROMIUM_PATH="$chromium_path" node --test --test-reporter=spec 'e2e/portal*.test.mjs'
  echo "Screenshots: test-results/e2e/"
else
  note "End-to-end SKIPPED: no Chromium at ${chromium_path}. Install it (apt-get install chromium) or set CHROMIUM_PATH."
fi

step "A new Backstage app (create-app, the packed plugins, the READMEs' install steps)"
# scripts/try-in-new-app.sh: builds and packs the plugins, makes an app
# with @backstage/create-app, applies the READMEs' install steps, starts it
# and checks it in Chromium. Cold (empty .cache/try-in-new-app, Yarn's
# cache warm) about 12 minutes on 2 busy cores, most of it the app's
# yarn install; about a minute and a half once the app is cached.
if [ -x "$chromium_path" ]; then
  # Built again, not reused: the production start above rebuilt the
  # packages' dist/ for the backend bundle, without their type declarations.
  CHROMIUM_PATH="$chromium_path" ./scripts/try-in-new-app.sh
else
  note "New app SKIPPED: no Chromium at ${chromium_path}. Install it (apt-get install chromium) or set CHROMIUM_PATH."
fi

step "All tests passed in $((SECONDS - started)) s"

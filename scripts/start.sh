#!/usr/bin/env bash
# Starts the portal on the embedded default (SQLite and local files under
# data/): frontend on http://localhost:3000, backend on http://localhost:7007.
# Installs what it needs on the first run (see scripts/bootstrap.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
mkdir -p data
exec yarn start "$@"

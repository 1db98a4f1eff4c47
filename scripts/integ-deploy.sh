#!/usr/bin/env bash
# The live integration test on your own AWS account: deploys test/integ/ with integ-runner, asserts, destroys.
# Usage: bash scripts/integ-deploy.sh [--region <region>] [integ-runner args]. Exit code 2: it could not start (no AWS
# credentials, credentials AWS rejects, a region without Amazon Connect), and nothing was deployed. See
# scripts/integ-deploy.ts and README "Verify on your own AWS account".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -x "$root/node_modules/.bin/ts-node" ]] || { echo 'integ-deploy: run `npm ci` first' >&2; exit 2; }
exec "$root/node_modules/.bin/ts-node" --transpile-only --project "$root/tsconfig.dev.json" "$root/scripts/integ-deploy.ts" "$@"

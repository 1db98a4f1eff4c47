#!/usr/bin/env bash
# Installs the test-only tools into .cache/venv: moto's DynamoDB server (the handler tests' real
# DynamoDB-protocol endpoint; DynamoDB Local's licence is not open source) and cfn-lint.
# Idempotent: a venv that already has the pinned versions is left as it is.
set -euo pipefail

MOTO_VERSION='5.2.5'
CFN_LINT_VERSION='1.58.0'

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/venv"
stamp="$venv/.installed-moto-${MOTO_VERSION}-cfn-lint-${CFN_LINT_VERSION}"

if [[ -f "$stamp" && -x "$venv/bin/python" ]]; then
  exit 0
fi

command -v python3 >/dev/null || { echo 'setup-test-deps: python3 is required' >&2; exit 1; }

# Debian splits venv/ensurepip into python3-venv; install it only when it is missing.
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
    py_minor="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    apt-get update -qq
    apt-get install -y -qq "python${py_minor}-venv" >/dev/null 2>&1 \
      || apt-get install -y -qq python3-venv >/dev/null
  else
    echo 'setup-test-deps: python3 lacks venv/ensurepip; install python3-venv' >&2
    exit 1
  fi
fi

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "moto[server]==${MOTO_VERSION}" "cfn-lint==${CFN_LINT_VERSION}"
"$venv/bin/python" -c 'import moto.server, cfnlint' # fail loudly if either is unusable
touch "$stamp"

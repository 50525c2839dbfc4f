#!/usr/bin/env bash
# Set up, lint, and run the whole test suite (browser tests run against 127.0.0.1 only).
set -euo pipefail
cd "$(dirname "$0")/.."
# LibreOffice lays out the Word notice as A4 pages (its page count is tested); poppler reads them.
# redis-server is the cluster tests' broker (started by the tests on a free port, then stopped).
EXTRA_APT_PACKAGES="libreoffice-writer poppler-utils redis-server" bash scripts/setup.sh
.venv/bin/ruff check auditor tests specs benchmarks
.venv/bin/ruff format --check auditor tests specs benchmarks
.venv/bin/mypy
bash scripts/check_js.sh  # node parses every page script in auditor/js
set +e
.venv/bin/python -m pytest tests "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$status"

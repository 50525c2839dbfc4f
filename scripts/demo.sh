#!/usr/bin/env bash
# Set up, serve the bundled demo site on 127.0.0.1, audit it, print the summary, write the report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=${1:-runs/demo}
# The demo site has seeded defects on purpose, so findings do not make this script fail.
# It also audits the demo's 政务新媒体 accounts (media.json); the notice covers both halves.
.venv/bin/auditor demo --out "$out" --fail-on none
.venv/bin/auditor report "$out" --format docx,xlsx
echo "打开报告：$out/report.html"

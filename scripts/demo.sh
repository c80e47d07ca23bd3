#!/usr/bin/env bash
# The demo: installs what is needed, builds, and runs the whole pipeline in one
# process on the bundled sample logs and registry. Mails land in demo-out/outbox.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
rm -rf demo-out
build/cli/abuseflow run --config demo/abuseflow.toml --state demo-out/state --outbox demo-out/outbox
echo
echo "Mails: ls demo-out/outbox; one of them: less \"\$(ls demo-out/outbox/*.eml | head -1)\""
echo "History of an address: build/cli/abuseflow history --state demo-out/state ADDRESS"

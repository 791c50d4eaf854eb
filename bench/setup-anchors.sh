#!/usr/bin/env bash
# Create (or refresh, when a requirements file changed) the anchor venvs with pinned versions:
#   bench/.venv-anchors-openfisca  <- bench/anchors/requirements-openfisca.txt
#   bench/.venv-anchors-zen        <- bench/anchors/requirements-zen.txt
# bench/decision.py does the same on its own before a run; this is for setting up ahead of time.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python bench/decision.py --setup-only "$@"

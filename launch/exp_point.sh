#!/usr/bin/env bash
# One point of a grid, on one machine: run the experiment against the shared DVC remote and push
# it back, so whoever launched the grid can `dvc exp pull` it (README, "Bigger machines").
# Run it in a clone whose git remote `origin` and default DVC remote are the shared ones.
#   usage: launch/exp_point.sh NAME -S key=value [-S key=value ...]
# LAUNCH_SKIP_INSTALL=1 uses the dvc already on PATH instead of `make .venv/.installed`.
set -euo pipefail
usage() { echo "usage: $0 NAME -S key=value [-S key=value ...]" >&2; exit 2; }
[ $# -ge 3 ] || usage
name=$1; shift
case $name in -*|"") usage ;; esac
args=("$@")
while [ $# -gt 0 ]; do  # only -S key=value pairs: anything else is a typo, caught before any work
  [ "$1" = -S ] && [ $# -ge 2 ] && [[ $2 == *=* ]] || usage
  shift 2
done
cd "$(dirname "$0")/.."
if [ -z "${LAUNCH_SKIP_INSTALL:-}" ]; then
  make .venv/.installed
  export PATH="$PWD/.venv/bin:$PATH"
fi
# --pull: the stages this point leaves unchanged come from the remote's cache and run cache
dvc exp run --pull --name "$name" "${args[@]}"
dvc exp push origin "$name"   # the experiment's git ref to origin, its outputs to the DVC remote

# Sourced by scripts/demo and scripts/test: a virtual environment with the project installed.
#
#   default                     .venv, exactly the versions (and hashes) of requirements-lock.txt
#   MATURITY_DEPS=newest        .venv-newest, the newest versions pyproject.toml allows
#                               (what the weekly CI job runs, to meet a new release before users do)
# Refresh the lock deliberately with scripts/lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${MATURITY_DEPS:-locked}" = newest ]; then
  VENV=.venv-newest
else
  VENV=.venv
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
if [ "$VENV" = .venv-newest ]; then
  "${PIP[@]}" --upgrade --upgrade-strategy eager -e '.[test,pagefind]'
else
  # Every package pinned with its hashes; then the project itself, built with the pinned setuptools.
  "${PIP[@]}" --require-hashes --no-deps -r requirements-lock.txt
  "${PIP[@]}" --no-deps --no-build-isolation -e .
fi
export PATH="$PWD/$VENV/bin:$PATH"

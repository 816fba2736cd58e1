#!/usr/bin/env bash
# Makes (once) the Python virtual environment holding the reference implementations
# that the conformance tests compare leernet against, and prints its python's path. With a
# requirements file as argument (tools/api-requirements.txt), that file's environment
# instead ($LEERNET_APIENV, else ~/.cache/leernet/apienv).
#
# Where: $LEERNET_PYENV, else ~/.cache/leernet/pyenv. Safe to run from several tests at
# once (flock). Re-installs when tools/conformance-requirements.txt changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then
  # another set of tools (tools/api-requirements.txt: the API's checkers), in an
  # environment of its own so that the references' environment stays as it is
  req=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  env_dir=${LEERNET_APIENV:-$HOME/.cache/leernet/apienv}
else
  req="$here/conformance-requirements.txt"
  env_dir=${LEERNET_PYENV:-$HOME/.cache/leernet/pyenv}
fi
mkdir -p "$(dirname "$env_dir")"
exec 9>"$env_dir.lock"
flock 9
stamp="$env_dir/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$env_dir/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$env_dir" >&2
  "$env_dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
  echo "$want" > "$stamp"
fi
echo "$env_dir/bin/python"

#!/usr/bin/env bash
# Build the wzcore wheel, install it into a fresh virtual environment (the exact pins of requirements.txt as
# constraints) and run the usage page's examples there, from a folder outside the repository, so that only
# the installed package can be imported. Run by `make wheel-test` (CI runs it after `make test`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$root/_build/wheel-test"
rm -rf "$work"
mkdir -p "$work/dist" "$work/run"
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$root"
rm -rf "$root/build"  # setuptools' in-tree build folder
wheel=$(ls "$work"/dist/wzcore-*.whl)
# (zipfile, not `unzip -l | grep -q`: under pipefail grep's early exit can fail the pipeline with SIGPIPE)
"$python" -c "import sys, zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist(); n = sum(p.startswith('wzcore/data/ldpc/') for p in names); print(f'{n} shipped codes in the wheel'); sys.exit(0 if 'wzcore/data/ldpc/peg_n10000_m5600_s0.npz' in names else 'shipped codes missing from the wheel')" "$wheel"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet -c "$root/requirements.txt" "$wheel"
cd "$work/run"
export WZCORE_CACHE="$work/cache"  # the examples need no code that is not shipped
env -u PYTHONPATH "$work/venv/bin/python" -c "import wzcore, sys; assert '$work/venv' in wzcore.__file__, wzcore.__file__"
for example in "$root"/examples/*.py; do
  echo "== $(basename "$example")"
  env -u PYTHONPATH "$work/venv/bin/python" "$example" | tee "$work/run/$(basename "$example" .py).txt"
done
load_s=$(sed -n 's/^code loaded in \([0-9.]*\) s.*/\1/p' "$work/run/sw_dsbs_roundtrip.txt")
"$work/venv/bin/python" -c "import sys; sys.exit(0 if float('$load_s') < 1.0 else 'shipped code took $load_s s to load')"
test ! -e "$WZCORE_CACHE" || { echo "an example built a code that should be shipped"; exit 1; }
echo "wheel test: $(basename "$wheel") installed in a fresh venv; 3 examples passed; n = 10^4 code loaded in $load_s s"

#!/usr/bin/env bash
# Create one virtual environment per dedup anchor under bench/anchors/.venvs/<anchor>, from the
# locked requirements in bench/anchors/requirements/<anchor>.txt (installed with --no-deps: the
# lock is complete, see the comments in each file). The anchors are benchmark references only,
# never Marsad dependencies.
#
#   bash bench/anchors/setup.sh [datatrove] [textdedup] [datasketch]   # default: all three
#
# Idempotent: an environment whose stamp (lock file hash + Python version) matches is left alone;
# any other is rebuilt from scratch. PYTHON picks the interpreter (default python3, needs >= 3.10).
# Every anchor is attempted; the script exits non-zero, naming the failures, if any failed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENVS="$HERE/.venvs"
PYTHON="${PYTHON:-python3}"
ALL=(datatrove textdedup datasketch)

# the import each anchor's runner needs: a venv that cannot do this is broken
declare -A SMOKE=(
  [datatrove]='import spacy; spacy.blank("ar"); from datatrove.pipeline.dedup.minhash import MinhashDedupSignature; from datatrove.utils.typeshelper import Languages; MinhashDedupSignature("/tmp/_unused", language=Languages.arabic__arab).get_shingles("ذهب الولد إلى المدرسة صباح اليوم مبكرا")'
  [textdedup]='import text_dedup.minhash; import datasets'
  [datasketch]='from datasketch import MinHash, MinHashLSH; MinHashLSH(threshold=0.8, num_perm=128)'
)

die() { echo "setup.sh: $*" >&2; exit 2; }

command -v "$PYTHON" >/dev/null || die "no $PYTHON on PATH (set PYTHON=/path/to/python3.11)"
PYVER="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" || die "$PYTHON does not run"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "need Python >= 3.10, $PYTHON is $PYVER"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || die "$PYTHON lacks venv/ensurepip (Debian: apt-get install python3-venv)"

if [ "$#" -eq 0 ]; then set -- "${ALL[@]}"; fi
failed=()
for anchor in "$@"; do
  lock="$HERE/requirements/$anchor.txt"
  venv="$VENVS/$anchor"
  [ -f "$lock" ] || { echo "setup.sh: unknown anchor '$anchor' (known: ${ALL[*]})" >&2; failed+=("$anchor"); continue; }
  stamp="$(sha256sum "$lock" | cut -c1-16) python$PYVER"
  if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$stamp" ] \
      && "$venv/bin/python" -c "${SMOKE[$anchor]}" >/dev/null 2>&1; then
    echo "[$anchor] up to date ($venv)"
    continue
  fi
  echo "[$anchor] creating $venv with Python $PYVER"
  start=$(date +%s)
  rm -rf "$venv"
  mkdir -p "$VENVS"
  if ! "$PYTHON" -m venv "$venv"; then
    echo "[$anchor] FAILED: python -m venv" >&2; failed+=("$anchor"); continue
  fi
  # pip's own configuration (index, local wheel folders) applies; only PyPI names are installed.
  # Its log is kept beside the venvs; on failure it is shown without the local-index noise.
  log="$VENVS/$anchor.pip.log"
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-deps -r "$lock" >"$log" 2>&1; then
    grep -v "^WARNING: Location 'file:" "$log" | tail -n 25 >&2
    echo "[$anchor] FAILED: pip install -r $lock (full log: $log)" >&2; failed+=("$anchor"); continue
  fi
  if ! "$venv/bin/python" -c "${SMOKE[$anchor]}"; then
    echo "[$anchor] FAILED: installed, but the import check failed (traceback above)" >&2; failed+=("$anchor"); continue
  fi
  echo "$stamp" > "$venv/.stamp"
  echo "[$anchor] ready in $(( $(date +%s) - start )) s ($(du -sh "$venv" | cut -f1))"
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "setup.sh: failed: ${failed[*]}" >&2
  exit 1
fi

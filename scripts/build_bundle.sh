#!/usr/bin/env bash
# Build the one-folder desktop bundle (pyinstaller.spec) and smoke-test it headless.
#
#   bash scripts/build_bundle.sh
#
# 1. builds dist/VoiceCraft/ with PyInstaller from the repository's .venv (created by
#    `bash scripts/bootstrap.sh test`, which installs PyInstaller with the dev tools);
# 2. runs the frozen app's --self-test offscreen from an empty temporary folder, with a bare
#    environment (no PYTHONPATH, no virtual environment on PATH, a temporary HOME): it imports
#    everything, checks every bundled data file is found inside the bundle, opens the window and
#    converts a short clip with a tiny random-weight voice;
# 3. prints the build time, the bundle size and the self-test time. Exits non-zero on any failure.
#
# Environment: VOICECRAFT_BUNDLE_PYTHON (interpreter with PyInstaller; default .venv's),
# VOICECRAFT_BUNDLE_DIST (output folder; default dist/), VOICECRAFT_BUNDLE_WORK (PyInstaller's
# work folder; default build/pyinstaller/), VOICECRAFT_BUNDLE_CLEAN=1 (rebuild from scratch),
# VOICECRAFT_BUNDLE_SKIP_BUILD=1 (only smoke-test an existing bundle).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${VOICECRAFT_BUNDLE_DIST:-$ROOT/dist}"
WORK="${VOICECRAFT_BUNDLE_WORK:-$ROOT/build/pyinstaller}"

say() { printf 'build_bundle: %s\n' "$*"; }
die() { printf 'build_bundle: error: %s\n' "$*" >&2; exit 1; }

python="${VOICECRAFT_BUNDLE_PYTHON:-}"
if [ -z "$python" ]; then
    for candidate in "$ROOT/.venv/bin/python" "$ROOT/.venv/Scripts/python.exe"; do
        [ -x "$candidate" ] && python="$candidate" && break
    done
fi
[ -n "$python" ] || die "no .venv; run 'bash scripts/bootstrap.sh test' first (or set VOICECRAFT_BUNDLE_PYTHON)"
"$python" -m PyInstaller --version >/dev/null 2>&1 \
    || die "PyInstaller is not installed in $python; run 'bash scripts/bootstrap.sh test' (it installs requirements-dev.txt)"

case "$(uname -s)" in
    Darwin) app="$DIST/VoiceCraft.app/Contents/MacOS/VoiceCraft"; bundle="$DIST/VoiceCraft.app" ;;
    MINGW*|MSYS*|CYGWIN*) app="$DIST/VoiceCraft/VoiceCraft.exe"; bundle="$DIST/VoiceCraft" ;;
    *) app="$DIST/VoiceCraft/VoiceCraft"; bundle="$DIST/VoiceCraft" ;;
esac

build_s=0
if [ "${VOICECRAFT_BUNDLE_SKIP_BUILD:-}" != 1 ]; then
    clean=()
    [ "${VOICECRAFT_BUNDLE_CLEAN:-}" = 1 ] && clean=(--clean)
    say "PyInstaller $("$python" -m PyInstaller --version) -> $bundle"
    started=$(date +%s)
    (cd "$ROOT" && "$python" -m PyInstaller --noconfirm "${clean[@]}" --distpath "$DIST" --workpath "$WORK" \
        --log-level WARN pyinstaller.spec)
    build_s=$(($(date +%s) - started))
fi
[ -x "$app" ] || die "no executable at $app"

# The smoke test runs where nothing of the checkout or the venv can help it: an empty folder as
# the working directory, and only the variables a desktop session would have.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/voicecraft-bundle-test.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/cwd" "$scratch/home" "$scratch/tmp" "$scratch/runtime"
chmod 700 "$scratch/runtime"
say "self-test: $app --self-test (working directory $scratch/cwd)"
started=$(date +%s)
set +e
(cd "$scratch/cwd" && env -i \
    HOME="$scratch/home" PATH=/usr/bin:/bin TMPDIR="$scratch/tmp" LANG=C.UTF-8 \
    XDG_RUNTIME_DIR="$scratch/runtime" XDG_CONFIG_HOME="$scratch/home/.config" \
    VOICECRAFT_HOME="$scratch/home/voicecraft" QT_QPA_PLATFORM=offscreen \
    "$app" --self-test) >"$scratch/selftest.log" 2>&1
status=$?
set -e
selftest_s=$(($(date +%s) - started))
grep -v -E '^(Loading weights|Writing model shards)|it/s\]$' "$scratch/selftest.log" || true
leftovers="$(ls -A "$scratch/cwd")"

size_mb=$(du -sk "$bundle" | awk '{printf "%.0f", $1 / 1024}')
files=$(find "$bundle" -type f | wc -l | tr -d ' ')
say "bundle: $bundle, ${size_mb} MB in $files files"
say "build time: ${build_s} s$([ "${VOICECRAFT_BUNDLE_SKIP_BUILD:-}" = 1 ] && echo ' (skipped)')"
say "self-test: ${selftest_s} s, exit status $status"

[ "$status" -eq 0 ] || die "the frozen app's self-test failed (exit status $status)"
grep -q '^self-test ok' "$scratch/selftest.log" || die "the frozen app's self-test did not print 'self-test ok'"
grep -q '^conversion: .* ok$' "$scratch/selftest.log" || die "the frozen app's self-test did not convert"
[ -z "$leftovers" ] || die "the frozen app wrote into its working directory: $leftovers"
say "PASSED"

#!/usr/bin/env bash
# Set up VoiceCraft Desktop in <repo>/.venv, then launch the app or run the tests.
#
#   bash scripts/bootstrap.sh app  [app args]      install if needed, start the desktop app
#   bash scripts/bootstrap.sh test [pytest args]   install (with dev tools) if needed, run the tests
#
# Idempotent: a stamp in .venv records the hash of the requirement files, so a second run installs
# nothing unless they changed. On Linux, missing system libraries (scripts/system-packages.txt) are
# reported with the apt-get command that installs them; with VOICECRAFT_INSTALL_SYSTEM_DEPS=1 this
# script runs that command itself (as root, or through sudo). VOICECRAFT_PYTHON picks the interpreter.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
SYSTEM_PACKAGES="$ROOT/scripts/system-packages.txt"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# --- system packages (Linux) -----------------------------------------------------------------------

have_probe() {  # probe like lib:libEGL.so.1, cmd:Xvfb or font:Noto Sans CJK SC
    local kind="${1%%:*}" name="${1#*:}"
    case "$kind" in
        lib) grep -qF "$name " <<<"$LDCONFIG_CACHE" ;;
        cmd) command -v "$name" >/dev/null 2>&1 ;;
        font) fc-list 2>/dev/null | grep -qF "${name//_/ }" ;;
        *) die "bad probe '$1' in $SYSTEM_PACKAGES" ;;
    esac
}

check_system_packages() {  # $1 = tiers that must be present, $2 = tiers that are nice to have
    [ "$(uname -s)" = Linux ] || return 0
    local ldconfig
    ldconfig="$(PATH="$PATH:/sbin:/usr/sbin" command -v ldconfig || true)"
    if [ -z "$ldconfig" ]; then
        say "ldconfig not found: cannot check system libraries, continuing"
        return 0
    fi
    LDCONFIG_CACHE="$("$ldconfig" -p)"
    local required=() optional=() package probe tier
    while read -r package probe tier _; do
        case "$package" in ''|'#'*) continue ;; esac
        have_probe "$probe" && continue
        if [[ " $1 " == *" $tier "* ]]; then required+=("$package")
        elif [[ " $2 " == *" $tier "* ]]; then optional+=("$package")
        fi
    done <"$SYSTEM_PACKAGES"
    local missing=("${required[@]}" "${optional[@]}")
    [ ${#missing[@]} -gt 0 ] || return 0

    if [ "${VOICECRAFT_INSTALL_SYSTEM_DEPS:-}" = 1 ]; then
        command -v apt-get >/dev/null || die "VOICECRAFT_INSTALL_SYSTEM_DEPS=1 needs apt-get; install ${missing[*]} by hand"
        local sudo=()
        if [ "$(id -u)" != 0 ]; then
            command -v sudo >/dev/null || die "installing system packages needs root or sudo"
            sudo=(sudo)
        fi
        say "installing system packages: ${missing[*]}"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
        return 0
    fi

    local command="sudo apt-get install -y --no-install-recommends"
    if [ ${#required[@]} -gt 0 ]; then
        {
            echo "bootstrap: missing system libraries: ${required[*]}"
            [ ${#optional[@]} -eq 0 ] || echo "(optional, for the tests that need them: ${optional[*]})"
            echo "Install them (Debian/Ubuntu; other distributions have packages of the same libraries):"
            echo "    $command ${missing[*]}"
            echo "or rerun with VOICECRAFT_INSTALL_SYSTEM_DEPS=1 to let this script run apt-get."
        } >&2
        exit 1
    fi
    say "note: ${optional[*]} not installed; tests that need them will be skipped. To install:"
    say "    $command ${optional[*]}"
}

# --- Python environment ----------------------------------------------------------------------------

find_python() {
    local candidate
    for candidate in ${VOICECRAFT_PYTHON:-} python3.11 python3 python3.12 python3.13 python; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    die "Python 3.11 or newer not found (set VOICECRAFT_PYTHON to its path)"
}

venv_python() {
    if [ -x "$VENV/bin/python" ]; then echo "$VENV/bin/python"; else echo "$VENV/Scripts/python.exe"; fi
}

ensure_venv() {
    if [ -d "$VENV" ] && "$(venv_python)" -c 'import sys' >/dev/null 2>&1; then
        return 0
    fi
    local python
    python="$(find_python)"
    say "creating $VENV with $python ($("$python" --version 2>&1))"
    rm -rf "$VENV"
    if ! "$python" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "could not create the virtual environment (Debian/Ubuntu: apt-get install python3-venv)"
    fi
}

files_hash() {  # sha256 over the named files (relative to ROOT), by the venv's Python
    (cd "$ROOT" && "$(venv_python)" -c '
import hashlib, sys
digest = hashlib.sha256()
for name in sys.argv[1:]:
    digest.update(name.encode() + b"\0" + open(name, "rb").read() + b"\0")
print(digest.hexdigest())' "$@")
}

pip_install() {
    "$(venv_python)" -m pip install --disable-pip-version-check --progress-bar off "$@"
}

install_runtime() {
    local stamp="$VENV/.voicecraft-runtime.sha256" want
    want="$(files_hash requirements.txt requirements-nodeps.txt pyproject.toml)"
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
    say "installing runtime requirements (the first run takes a few minutes)"
    pip_install -r "$ROOT/requirements.txt"
    pip_install --no-deps -r "$ROOT/requirements-nodeps.txt"
    pip_install --no-deps -e "$ROOT"
    echo "$want" >"$stamp"
}

compile_translations() {  # resources/i18n/*.ts -> .qm (pyside6-lrelease; quick, and idempotent)
    "$(venv_python)" "$ROOT/scripts/i18n.py" release >/dev/null || die "could not compile the translations"
}

install_dev() {
    local stamp="$VENV/.voicecraft-dev.sha256" want
    want="$(files_hash requirements.txt requirements-dev.txt)"
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
    say "installing development tools"
    pip_install -r "$ROOT/requirements-dev.txt" -c "$ROOT/requirements.txt"
    echo "$want" >"$stamp"
}

# --- main ------------------------------------------------------------------------------------------

mode="${1:-}"
[ $# -gt 0 ] && shift
case "$mode" in
    app)
        check_system_packages "core gui" ""
        ensure_venv
        install_runtime
        compile_translations
        exec "$(venv_python)" "$ROOT/main.py" "$@"
        ;;
    test)
        check_system_packages "core" "gui extra"
        ensure_venv
        install_runtime
        install_dev
        compile_translations
        cd "$ROOT"
        QT_QPA_PLATFORM=offscreen exec "$(venv_python)" -m pytest -q "$@"
        ;;
    -h|--help)
        usage
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac

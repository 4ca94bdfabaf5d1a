#!/bin/sh
# build.sh: install the Debian packages emu needs (only those missing; as
# root, or through sudo), then configure and build everything into build/
# (emu, plugins, unit tests and the guest test programs).  Used by ./emu-run
# and ./run-tests; extra arguments go to ninja (e.g. a target name).
# BUILD_DIR=DIR builds into DIR instead of build/.
set -eu
cd "$(dirname "$0")"

PKGS="gcc libc6-dev pkg-config meson ninja-build python3 libglib2.0-dev libcapstone-dev libelf-dev check"
# Packages only the tests need (run-tests sets this): real programs run
# natively and under emu.
PKGS="$PKGS ${EMU_EXTRA_PKGS:-}"

if command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for p in $PKGS; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        if [ "$(id -u)" = 0 ]; then
            SUDO=""
        elif command -v sudo >/dev/null 2>&1; then
            SUDO="sudo"
        else
            echo "build.sh: need root (or sudo) to install:$missing" >&2
            exit 1
        fi
        echo "build.sh: installing:$missing" >&2
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    fi
else
    echo "build.sh: not a Debian system; make sure these are installed: $PKGS" >&2
fi

b=${BUILD_DIR:-build}
if [ ! -f "$b/build.ninja" ]; then
    meson setup "$b"
fi
ninja -C "$b" "$@"

#!/bin/bash
# Runs an end-to-end test script inside the sandbox; skips (77) where it cannot: not root.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP the sandbox needs root"
    exit 77
fi
exec "$(dirname "$(readlink -f "$0")")/sandbox.sh" /usr/bin/python3 "$@"

#!/usr/bin/env bash
# Installs the Debian packages that building Quorum needs, when they are missing.
# FoundationXML links libxml2, whose development files come from libxml2-dev; QuorumTasks links the
# system zlib (zlib1g-dev) to read gzipped task sets. The code sandbox runs every untrusted program under
# bubblewrap (bwrap), and refuses to run without it unless --isolation or --unsafe-no-sandbox says otherwise.
set -euo pipefail

missing=()
for pkg in libxml2-dev zlib1g-dev bubblewrap; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "install-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "install-deps: missing Debian packages: ${missing[*]}" >&2
    echo "install-deps: run 'sudo apt-get install -y ${missing[*]}' and try again" >&2
    exit 1
fi

#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` (an OpenAI-compatible HTTP server) OUTSIDE the repository, for the
# QuorumHTTP tests that talk to a real server. Nothing is installed system-wide.
#
#   scripts/build-llama-server.sh [SOURCE]
#
# SOURCE is a llama.cpp source tree, or the llama-cpp-python sdist (llama_cpp_python-X.tar.gz), whose
# vendor/llama.cpp is used. Without SOURCE, $LLAMA_SRC is used, then /tmp/llamasrc/llama_cpp_python-*.tar.gz,
# and as a last resort the sdist is fetched with `pip download` (PyPI through its ordinary client).
#
# Result: $QUORUM_HOME/llama.cpp/bin/llama-server (QUORUM_HOME defaults to ~/.cache/quorum), plus
# $QUORUM_HOME/llama.cpp/VERSION naming the source. Needs cmake and a C++17 compiler (Debian: cmake, g++).
# JOBS (default 2) sets the parallel compile jobs. The build takes long on 2 cores; run it in the background.
set -euo pipefail

QUORUM_HOME="${QUORUM_HOME:-$HOME/.cache/quorum}"
PREFIX="$QUORUM_HOME/llama.cpp"
JOBS="${JOBS:-2}"
WORK="$PREFIX/work"
SOURCE="${1:-${LLAMA_SRC:-}}"

say() { echo "build-llama-server: $*" >&2; }

if ! command -v cmake >/dev/null; then
    say "cmake is missing: install it (Debian: apt-get install -y cmake) and run again"
    exit 1
fi
if ! command -v c++ >/dev/null; then
    say "no C++ compiler: install g++ (Debian: apt-get install -y g++) and run again"
    exit 1
fi

mkdir -p "$WORK"
if [ -z "$SOURCE" ]; then
    SOURCE="$(ls /tmp/llamasrc/llama_cpp_python-*.tar.gz 2>/dev/null | sort -V | tail -1 || true)"
fi
if [ -z "$SOURCE" ]; then
    say "no source given; fetching the llama-cpp-python sdist with pip"
    python3 -m pip download --no-deps --no-binary :all: -d "$WORK/sdist" \
        "llama-cpp-python==0.3.36" >&2
    SOURCE="$(ls "$WORK"/sdist/llama_cpp_python-*.tar.gz | tail -1)"
fi

if [ -f "$SOURCE" ]; then
    say "unpacking $SOURCE"
    rm -rf "$WORK/src"
    mkdir -p "$WORK/src"
    tar -xzf "$SOURCE" -C "$WORK/src" --strip-components=1
    SRC_DIR="$WORK/src/vendor/llama.cpp"
elif [ -d "$SOURCE/vendor/llama.cpp" ]; then
    SRC_DIR="$SOURCE/vendor/llama.cpp"
elif [ -d "$SOURCE" ]; then
    SRC_DIR="$SOURCE"
else
    say "source '$SOURCE' is neither a file nor a directory"
    exit 1
fi
if [ ! -f "$SRC_DIR/CMakeLists.txt" ] || [ ! -d "$SRC_DIR/tools/server" ]; then
    say "'$SRC_DIR' does not look like llama.cpp (no CMakeLists.txt or tools/server)"
    exit 1
fi

start=$(date +%s)
say "configuring $SRC_DIR"
# CPU only, static, no libcurl (models are local files), no tests or examples beyond the server.
cmake -S "$SRC_DIR" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DGGML_NATIVE=ON >&2
say "compiling llama-server with $JOBS jobs"
cmake --build "$WORK/build" --target llama-server -j "$JOBS" >&2

mkdir -p "$PREFIX/bin"
cp "$WORK/build/bin/llama-server" "$PREFIX/bin/llama-server.tmp"
mv "$PREFIX/bin/llama-server.tmp" "$PREFIX/bin/llama-server"
echo "source: $(basename "$SOURCE")" > "$PREFIX/VERSION"
"$PREFIX/bin/llama-server" --version >> "$PREFIX/VERSION" 2>&1 || true
end=$(date +%s)
say "done in $((end - start)) s (configure + compile): $PREFIX/bin/llama-server"

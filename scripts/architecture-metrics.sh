#!/usr/bin/env bash
# Architecture metrics of a Quorum checkout (issue 16: measured before and after, in docs/results.md).
#
# Usage: scripts/architecture-metrics.sh [CHECKOUT]     (default: the current directory)
#        scripts/architecture-metrics.sh /work/main > metrics.txt
#
# Prints, for the tree in CHECKOUT (read from the working tree, .build* left out):
#   - lines per module: each Sources/<Module> and each Tests/<Target>: Swift files, lines (as wc -l) and
#     code lines (not blank, not only comment); C and C headers (.c, .h) in columns of their own.
#   - `duplicates` pairs: the pair count of `duplicates --repo CHECKOUT --most 200 --seconds 120` (the whole
#     tree: Sources, Tests, Benchmarks, Fuzz, scripts, reports), then the pairs by the top folders of their
#     two sides (e.g. "Sources ~ Tests"). Needs `duplicates` on PATH; says so otherwise.
#   - functions over 80 lines: each `func`, `init`, `deinit`, `subscript` with a body in Sources/ whose body
#     has more than 80 code lines: the lines strictly between its braces that are not blank and not only
#     comment (SwiftLint's function_body_length way). Nested functions count on their own too. Closures,
#     computed properties and accessors are not counted. Each row also gives the span (keyword line to
#     closing-brace line); functions over 80 by span alone are listed unstarred and counted apart.
#     Base d1cf613: 15 by body code lines, 20 by span (the issue's "13" is not reproduced by either).
#   - the import graph: for each Sources/<Module>, the other Sources modules its files import, as
#     "A → B, C" lines and as a Mermaid `graph TD` block.
# Swift is lexed (comments, string literals with interpolations, raw strings) so that braces and
# `import` words inside strings do not count. The work is done by architecture-metrics.py beside this.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/architecture-metrics.py" "${1:-.}"

#!/usr/bin/env bash
# Renders a report.html in headless Chromium (Debian package `chromium`) and writes PNG screenshots of the
# whole page, top to bottom, in tiles (screenshot-01.png, screenshot-02.png, …), each at most ~300 KB.
#   scripts/screenshot-report.sh reports/NAME/report.html [OUT_DIR]   (OUT_DIR defaults to the report's folder)
# Chromium paints only the top of the page when asked to scroll to an anchor headless, so the page is taken
# in one tall window and cut with Pillow (Debian package python3-pil). Needs no network: the report is
# self-contained. Environment: WIDTH (default 1300), TILE (tile height, default 1400), MAX_HEIGHT (16000).
set -euo pipefail
html=${1:?usage: scripts/screenshot-report.sh REPORT.html [OUT_DIR]}
[[ -f "$html" ]] || { echo "error: $html: no such file" >&2; exit 1; }
out=${2:-$(dirname "$html")}
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$browser" ]] || { echo "error: chromium not found (as root: apt-get install -y chromium)" >&2; exit 1; }
python=/usr/bin/python3
"$python" -c 'import PIL' 2>/dev/null || { echo "error: Pillow not found for $python (as root: apt-get install -y python3-pil)" >&2; exit 1; }
width=${WIDTH:-1300}
tile=${TILE:-1400}
max_height=${MAX_HEIGHT:-16000}
url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$browser" --version 2>/dev/null
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size="$width,$max_height" --screenshot="$work/full.png" "$url" >/dev/null 2>&1
[[ -s "$work/full.png" ]] || { echo "error: Chromium wrote no screenshot" >&2; exit 1; }
rm -f "$out"/screenshot-*.png
"$python" - "$work/full.png" "$out" "$tile" <<'PY'
import sys
from PIL import Image, ImageChops
full, out, tile = sys.argv[1], sys.argv[2], int(sys.argv[3])
image = Image.open(full).convert("RGB")
# Trim the white below the page's end.
box = ImageChops.difference(image, Image.new("RGB", image.size, (255, 255, 255))).getbbox()
height = min(image.height, (box[3] + 20) if box else image.height)
if height >= image.height - 1:
    print(f"warning: the page may be taller than the window ({image.height}px); raise MAX_HEIGHT", file=sys.stderr)
index = 0
for top in range(0, height, tile):
    index += 1
    part = image.crop((0, top, image.width, min(top + tile, height)))
    path = f"{out}/screenshot-{index:02d}.png"
    part.save(path, optimize=True)
    import os
    if os.path.getsize(path) > 300_000:
        part.quantize(colors=128).save(path, optimize=True)
    print(f"{path} ({os.path.getsize(path)} bytes, {part.width}x{part.height}, page y {top}–{top + part.height})")
print(f"page height {height}px in {index} tiles")
PY

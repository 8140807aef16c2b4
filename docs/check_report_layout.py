"""Check a report's layout in headless Chromium and take its screenshots, at phone and desktop widths.

    python docs/check_report_layout.py reports/demo/report-2025.html 390 1280 --screenshots docs/report
    python docs/check_report_layout.py reports/demo/report-2025.html --anchor u-D005 --screenshots docs/report-unit

For each width the report is loaded into an <iframe> exactly that wide (headless Chromium will not
make a window narrower than 500 px, so a 390 px window would only crop a 500 px layout); the iframe
holds a copy of the report with a small measuring script that posts, to the page around it, the
document's scrollWidth against the viewport's width and every element that sticks out of the
viewport without being inside a scrolling table container (.scroll). Below 600 px the copy hides
the scrollbar, as phones overlay theirs. With --screenshots PREFIX, PREFIX-phone.png (widths below
600) and PREFIX-desktop.png are written of the same frames. Exits 1 when any width overflows.
Needs `chromium` on PATH; the report itself has no script.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """<script>
window.addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".scroll, .radar-defs, defs")) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "")
        + " right=" + Math.round(box.right));
  }
  parent.postMessage(JSON.stringify({viewport: width, scrollWidth: document.documentElement.scrollWidth,
                                     overflowing: out.slice(0, 20), overflowingCount: out.length}), "*");
});
</script>"""

FRAME = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; padding: 0; overflow: hidden; }} iframe {{ border: 0; display: block; }}
</style></head><body><iframe src="{src}" width="{width}" height="{height}"></iframe><pre id="result"></pre>
<script>window.addEventListener("message", e => {{ document.getElementById("result").textContent = e.data; }});
</script></body></html>"""

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def frame(html: Path, tmp: Path, width: int, height: int, anchor: str = "") -> Path:
    copy = html.read_text(encoding="utf-8")
    if width < 600:
        copy = copy.replace("</style>", "html { scrollbar-width: none; }</style>", 1)
    (tmp / "report.html").write_text(copy.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    page = tmp / f"frame-{width}.html"
    src = "report.html" + (f"#{anchor}" if anchor else "")
    page.write_text(FRAME.format(src=src, width=width, height=height), encoding="utf-8")
    return page


def chromium(page: Path, profile: Path, width: int, height: int, *args: str) -> str:
    return subprocess.run(CHROMIUM + [f"--user-data-dir={profile}", f"--window-size={width},{height}",
                                      "--virtual-time-budget=10000", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=240, check=True).stdout


def measure(html: Path, width: int, height: int, screenshot: Path | None, anchor: str = "") -> dict:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        page = frame(html, tmp, width, height, anchor)
        dom = chromium(page, tmp / "profile", width, height, "--dump-dom")
        if screenshot:
            chromium(page, tmp / "profile", width, height, f"--screenshot={screenshot.resolve()}")
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    if not found or not found.group(1):
        raise SystemExit(f"no measurement at {width}px: did the page load?")
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("widths", type=int, nargs="*", default=[390, 1280])
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--screenshots", metavar="PREFIX", help="write PREFIX-phone.png and PREFIX-desktop.png")
    parser.add_argument("--anchor", default="", help="open the report at this id, e.g. u-D005 (a unit's scorecard)")
    options = parser.parse_args(argv)
    bad = 0
    for width in options.widths:
        shot = Path(f"{options.screenshots}-{'phone' if width < 600 else 'desktop'}.png") if options.screenshots else None
        result = measure(options.html.resolve(), width, options.height, shot, options.anchor)
        ok = result["scrollWidth"] <= result["viewport"] and not result["overflowingCount"]
        bad += not ok
        print(f"{width}px: viewport {result['viewport']}, document scrollWidth {result['scrollWidth']}, "
              f"elements overflowing {result['overflowingCount']} -> {'ok' if ok else 'OVERFLOW'}"
              + (f"; screenshot {shot}" if shot else ""))
        for line in result["overflowing"]:
            print(f"    {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The HTML report printed to an A4 PDF by headless Chromium (Debian's chromium package; CI installs it).

Chromium lays the page out exactly as a browser prints it (the report's print CSS), CJK fonts and SVG
charts included, and needs no Python dependency. Without it, --pdf fails with a message saying how to
get it or how to print from a browser instead.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 600  # seconds; the demo's full report prints in ≈20 s on the reference machine


class PdfUnavailable(RuntimeError):
    """No browser to print with, or it failed: says what to do instead."""


def browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print `html` to `pdf` (written whole, or not at all)."""
    program = browser()
    if program is None:
        raise PdfUnavailable("找不到 Chromium，无法生成 PDF：请安装（Debian/Ubuntu：apt-get install chromium），"
                             f"或用浏览器打开 {html} 后打印为 PDF。")
    partial = pdf.with_name(pdf.name + ".part")
    with tempfile.TemporaryDirectory(prefix="scoring-pdf-") as profile:
        command = [program, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                   "--no-pdf-header-footer", f"--print-to-pdf={partial}", html.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        raise PdfUnavailable(f"Chromium 生成 PDF 失败（退出码 {done.returncode}）：{done.stderr.strip()[-300:]}")
    partial.replace(pdf)
    return pdf

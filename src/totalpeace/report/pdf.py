"""The report as PDF, printed by headless Chromium from the same HTML (so the two never disagree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from totalpeace.errors import InputError

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-pdf-header-footer")


def find_chromium() -> str | None:
    """TOTALPEACE_CHROMIUM, then Debian's /usr/bin/chromium, then chromium or google-chrome on PATH."""
    candidates = [os.environ.get("TOTALPEACE_CHROMIUM"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def require_chromium() -> str:
    """The browser that prints; its absence is a clear input error for --pdf (checked before long work starts)."""
    browser = find_chromium()
    if browser is None:
        raise InputError("--pdf: no Chromium found (install it, e.g. `apt-get install chromium`, or set "
                         "TOTALPEACE_CHROMIUM to its path)")
    return browser


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, timeout: float = 120.0) -> Path:
    """Print `html_path` to `pdf_path` with headless Chromium."""
    browser = require_chromium()
    src, out = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="totalpeace-pdf-") as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", src.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"--pdf: Chromium did not finish printing within {timeout:.0f} s") from None
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise InputError(f"--pdf: Chromium failed to print the report (exit {done.returncode}): "
                         f"{done.stderr.strip()[-300:]}")
    return out

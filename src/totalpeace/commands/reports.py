"""Writing a command's report: report.html, and report.pdf printed from it when asked."""

from __future__ import annotations

from pathlib import Path


def write_reports(folder: Path, page: str, pdf: bool) -> list[Path]:
    """Write `folder`/report.html (and report.pdf with `pdf`) and return what was written."""
    from totalpeace.report.pdf import html_to_pdf

    html_path = folder / "report.html"
    html_path.write_text(page, encoding="utf-8")
    written = [html_path]
    if pdf:
        written.append(html_to_pdf(html_path, folder / "report.pdf"))
    return written

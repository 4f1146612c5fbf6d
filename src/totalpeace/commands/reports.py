"""Writing a command's report: report.html, and report.pdf printed from it when asked."""

from __future__ import annotations

from pathlib import Path


def output_folder(out: str | None, default: Path, pdf: bool = False) -> Path:
    """`--out` (or the command's default folder), created; an empty `--out`, a folder that cannot be written, or
    `--pdf` without a browser to print it, is an input error before any work is done."""
    from totalpeace.errors import InputError
    from totalpeace.report.pdf import require_chromium

    if pdf:
        require_chromium()

    if out is not None and not out.strip():  # "" would silently become the default folder or the working one
        raise InputError("--out: empty; give a folder, or omit --out for the default one")
    folder = Path(out) if out is not None else default
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder}: a file, not a folder; give a folder to write into")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"  # an existing folder may still be read-only
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"--out {folder}: cannot write there ({exc.strerror})") from None
    return folder


REPORTS = ("report.html", "report.pdf")


def remove_reports(folder: Path) -> list[Path]:
    """Remove the reports an earlier command left in `folder` and return those it removed: beside new results, a
    report that is not written again (--no-report, or no --pdf) would describe other runs. One that cannot be removed
    (a read-only folder) is an input error naming it and the problem: it may not stay beside new results."""
    from totalpeace.errors import InputError

    removed = []
    for name in REPORTS:
        path = folder / name
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):  # also a folder not created yet, or a file in its place
            continue
        except OSError as exc:
            raise InputError(f"{path}: cannot remove this earlier report ({exc.strerror}), which would describe other "
                             f"results than the new ones: make {folder} writable, or move the report away") from None
        removed.append(path)
    return removed


def write_reports(folder: Path, page: str, pdf: bool) -> list[Path]:
    """Write `folder`/report.html (and report.pdf with `pdf`) and return what was written. The earlier reports are
    the caller's to remove (remove_reports), at the point where its new results begin: for compare that is before it
    writes its tables, so that an error in between leaves no earlier report beside them."""
    from totalpeace.report.pdf import html_to_pdf

    html_path = folder / "report.html"
    html_path.write_text(page, encoding="utf-8")
    written = [html_path]
    if pdf:
        written.append(html_to_pdf(html_path, folder / "report.pdf"))
    return written

"""Writing a command's report: report.html, and report.pdf printed from it when asked."""

from __future__ import annotations

from pathlib import Path


def output_folder(out: str | None, default: Path, pdf: bool = False, create: bool = True) -> Path:
    """`--out` (or the command's default folder), created; an empty `--out`, a folder that cannot be written, or
    `--pdf` without a browser to print it, is an input error before any work is done.

    `create=False` checks the folder the same way (it is made, written to and removed again) but leaves it as it was:
    a command whose own checks may still refuse its input creates it with `create_folder` when it writes its first
    file, so that a refusal leaves no new empty folder. Only the folders the check made are removed, and only while
    empty: a folder that was there before, and anything in it, stays."""
    from totalpeace.errors import InputError
    from totalpeace.report.pdf import require_chromium

    if pdf:
        require_chromium()

    if out is not None and not out.strip():  # "" would silently become the default folder or the working one
        raise InputError("--out: empty; give a folder, or omit --out for the default one")
    folder = Path(out) if out is not None else default
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder}: a file, not a folder; give a folder to write into")
    missing = _missing_folders(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"  # an existing folder may still be read-only
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        _remove_empty(missing)  # a refused location keeps no folder the check made on the way
        raise InputError(f"--out {folder}: cannot write there ({exc.strerror})") from None
    if not create:
        _remove_empty(missing)
    return folder


def create_folder(folder: Path) -> Path:
    """Create the folder `output_folder(..., create=False)` checked, when the command writes its first file into it
    (a folder that can no longer be written is the same input error)."""
    return output_folder(str(folder), folder)


def _missing_folders(folder: Path) -> list[Path]:
    """The folders `folder.mkdir(parents=True)` would create, deepest first: `folder` and its parents up to the
    first one that exists (any entry there, a dangling link too, or one that cannot be looked at, counts as
    existing)."""
    missing = []
    for level in (folder, *folder.parents):
        try:
            level.lstat()
        except FileNotFoundError:
            missing.append(level)
            continue
        except OSError:
            pass
        break
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove `folders` (deepest first) while each is an empty folder: rmdir refuses one that holds anything."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


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

"""The validation page a run's report links to: written by `totalpeace validate` into the calibration's folder and
copied beside each report. Kept apart from the page's writer (validation/report.py), which draws charts with
matplotlib: a run's report only copies the page, and need not import that."""

from __future__ import annotations

from pathlib import Path

VALIDATION_PAGE = "validation.html"


def copy_validation_page(calibration: str | None, folder: Path) -> str | None:
    """Copy the validation page of a run's calibration (or, for a run without one, of the flagship's) beside the
    run's report, and return the link to it; None when no page ships. The page is written by `totalpeace validate`
    and kept in the calibration's folder."""
    import shutil

    from totalpeace.calibration.paramset import resolve
    from totalpeace.errors import InputError

    refs = [calibration] if calibration else []
    try:
        from totalpeace.scenario import load_scenario
        from totalpeace.scenario.loader import FLAGSHIP

        refs.append(load_scenario(FLAGSHIP).parameters.calibration)
    except InputError:
        pass
    for ref in filter(None, refs):
        try:
            page = resolve(ref).parent / VALIDATION_PAGE
        except InputError:
            continue
        if page.is_file():
            target = Path(folder) / VALIDATION_PAGE
            if page.resolve() != target.resolve():
                shutil.copyfile(page, target)
            return VALIDATION_PAGE
    return None

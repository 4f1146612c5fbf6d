"""Outputs name files without the folders of the machine that wrote them."""

from pathlib import Path

from totalpeace.paths import PACKAGE, shown_path


def test_a_shipped_file_is_named_from_the_package():
    shipped = PACKAGE / "data" / "calibration" / "colombia-patterns" / "posterior.parquet"
    assert shown_path(shipped) == "totalpeace/data/calibration/colombia-patterns/posterior.parquet"
    assert str(PACKAGE.parent) not in shown_path(str(shipped))


def test_a_file_under_the_working_directory_is_named_from_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / "out" / "posterior.parquet") == "out/posterior.parquet"
    assert shown_path("out/spec.toml") == "out/spec.toml"


def test_any_other_file_is_named_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    elsewhere = Path(tmp_path.anchor) / "elsewhere-than-the-package" / "posterior.parquet"
    assert shown_path(elsewhere) == str(elsewhere)

"""What a new user meets first: the README's variant, warnings on lists a variant replaces, sources that point to
something the reader can open, terminal output that fits 100 columns."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import totalpeace
from totalpeace.scenario import load_scenario
from totalpeace.scenario.loader import ScenarioWarning
from totalpeace.scenario.params import PARAMETERS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(totalpeace.__file__).parent
UNSHIPPED = re.compile(r"MECHANISMS|research/|DESIGN\.md|shared/")


def test_no_source_cites_a_file_the_package_does_not_ship():
    """Every source a data row, a scenario or a parameter gives is a public reference or a shipped file (the
    project's research notes are not in the package)."""
    found = [f"{path.relative_to(PACKAGE)}:{n}" for path in PACKAGE.rglob("*")
             if path.suffix in (".csv", ".toml", ".geojson", ".json") and path.is_file()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if UNSHIPPED.search(line)]
    found += [spec.name for spec in PARAMETERS if UNSHIPPED.search(spec.source)]
    assert not found, found


def _readme_variant() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("```toml", text.index("A variant changes only what differs"))
    return text[start + len("```toml"):text.index("```", start + 7)]


def test_the_readme_variant_keeps_what_it_does_not_change(tmp_path):
    path = tmp_path / "variant.toml"
    path.write_text(_readme_variant(), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        variant = load_scenario(path)
    fires = {c.group: c for c in variant.policy.ceasefires}
    base = load_scenario("colombia-2022").policy.ceasefires[0]
    assert set(fires) == {"clan_del_golfo", "eln"} and fires["clan_del_golfo"].months == base.months
    assert variant.policy.decriminalization == 0.5 and variant.policy.concessions  # the rest is the flagship's


def test_a_variant_list_that_drops_an_item_is_warned_about(cli, tmp_path):
    path = tmp_path / "drops.toml"
    path.write_text('extends = "colombia-2022"\nname = "drops"\n\n[[policy.ceasefires]]\ngroup = "eln"\n'
                    'start = "2022-10"\nmonths = 24\n', encoding="utf-8")
    code, _, err = cli("show", str(path), "--json")
    assert code == 0
    assert re.search(r"warning: .*policy\.ceasefires replaces the list of colombia-2022, dropping 1 item \(group "
                     r"clan_del_golfo, start 2022-08\)", " ".join(err.split()))
    added = tmp_path / "adds.toml"  # an item added after the base's own: nothing is lost, nothing to warn about
    added.write_text(_readme_variant(), encoding="utf-8")
    code, _, err = cli("show", str(added), "--json")
    assert code == 0 and "warning" not in err


def _fits(text: str, columns: int = 100) -> None:
    lines = text.splitlines()
    assert lines and max(len(line) for line in lines) <= columns, max(lines, key=len)
    assert "…" not in text  # nothing cut off


def test_terminal_output_reads_at_100_columns(cli, tmp_path):
    code, out, err = cli("run", "colombia-2022", "--runs", "4", "--months", "14", "--out", str(tmp_path / "run"),
                         "--no-report", columns=100)
    assert code == 0, err
    _fits(out)
    assert "Homicide rate (per 100,000 a year)" in out and "Aug–Dec 2022 (5 months)" in out
    assert "ever signed" in out and "Final states add to 100%" in " ".join(out.split())
    code, out, err = cli("compare", "colombia-2022", str(REPO / "examples" / "variant-eln-ceasefire.toml"), "--runs",
                         "4", "--months", "14", "--workers", "1", "--out", str(tmp_path / "cmp"), "--no-report",
                         columns=100)
    assert code == 0, err
    _fits(out)
    assert "median of paired differences" in out and "eln-ceasefire-with-zone minus colombia-2022" in " ".join(
        out.split())


@pytest.mark.parametrize("path", sorted((REPO / "examples").glob("variant-*.toml")), ids=lambda p: p.name)
def test_example_variants_drop_nothing_silently(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        load_scenario(path)

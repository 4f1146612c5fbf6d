"""The policy an ensemble assumed (totalpeace.policy): every lever a negotiation team chooses is recorded, a variant's
change is named in the comparison, and the variant written back as a file reruns the same policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from totalpeace.policy import policy_levers, policy_record, variant_toml
from totalpeace.report.policy_view import policy_difference_rows, policy_rows
from totalpeace.scenario import load_scenario

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


DATE = "Table with ELN: date for a final agreement"
ENDS = "Table with ELN: missing that date ends the talks"


@pytest.mark.parametrize(("variant", "rows"), [
    ("variant-eln-deadline.toml", [[DATE, "—", "Jun 2025"], [ENDS, "—", "yes"]]),
    ("variant-eln-target.toml", [[DATE, "—", "Jun 2025"], [ENDS, "—", "no"]]),
    ("variant-eln-no-extradition-guarantee.toml",
     [["Table with ELN: the state's mandate on extradition (0–1)", "—", "0.00"]]),
])
def test_a_variant_that_changes_a_table_names_the_change(variant: str, rows: list[list[str]]) -> None:
    base = policy_record(load_scenario("colombia-2022"))
    changed = policy_record(load_scenario(str(EXAMPLES / variant)))
    assert policy_difference_rows(base, changed) == rows


def test_the_histories_tables_show_their_deadline_and_ratification() -> None:
    rows = dict(map(tuple, policy_rows(policy_record(load_scenario("colombia-1998")))))
    assert rows["Table with FARC-EP: date for a final agreement"] == "Apr 2002"
    assert rows["Table with FARC-EP: that date announced to the sides"] == "Jan 2002"
    assert rows["Table with FARC-EP: missing that date ends the talks"] == "yes"
    rows = dict(map(tuple, policy_rows(policy_record(load_scenario("colombia-2012")))))
    assert rows["Table with FARC-EP: ratified by"] == "a referendum → Congress"
    # Havana's target of 23 March 2016, set in September 2015: a date that ends nothing
    assert rows["Table with FARC-EP: date for a final agreement"] == "Mar 2016"
    assert rows["Table with FARC-EP: that date announced to the sides"] == "Sep 2015"
    assert rows["Table with FARC-EP: missing that date ends the talks"] == "no"
    assert not any("conditional" in lever for lever in rows)  # a lever left at its default is not listed


def test_the_variant_written_as_a_file_reruns_the_same_policy(tmp_path: Path) -> None:
    base = load_scenario("colombia-2022")
    variant = load_scenario(str(EXAMPLES / "variant-eln-no-extradition-guarantee.toml"),
                            ["policy.tables.emc.deadline_months=18", "policy.tables.emc.deadline_binding=false",
                             "policy.tables.eln.deadline=\"2025-06\"",
                             "policy.tables.eln.deadline_announced=\"2024-06\"",
                             "policy.tables.eln.conditional=true",
                             "policy.tables.clan_del_golfo.ratification=[\"court\", \"public\"]",
                             "security.buy_in=0.5"])
    text = variant_toml("colombia-2022", policy_levers(base), policy_levers(variant), "written")
    assert "\n\n\n" not in text and "[policy.tables.eln.offer]\nextradition = 0.0" in text
    path = tmp_path / "written.toml"
    path.write_text(text, encoding="utf-8")
    assert policy_levers(load_scenario(str(path))) == policy_levers(variant)


def test_a_comparison_names_a_changed_parameter_and_says_when_neither_levers_nor_parameters_differ() -> None:
    """report.policy_view.change_rows, what the terminal, report.html and notebooks print before the numbers."""
    from totalpeace.engine.simulate import simulate
    from totalpeace.report.policy_view import change_rows

    def summary(*sets: str) -> dict:
        return simulate(load_scenario("colombia-2022", list(sets)), runs=1, seed=1, months=1).summary()

    base = summary()
    assert change_rows(base, summary("parameters.salience_state=1.0")) == [["parameter salience_state", "0.6", "1.0"]]
    assert change_rows(base, summary("international.venezuela.guarantor_weight=0.0")) == []  # neither kind

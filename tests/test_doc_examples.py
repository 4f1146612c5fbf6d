"""The worked examples in docs/analysis.md and docs/experiments.md are what the commands print today.

Each block is marked with the commands that produce it; tools/doc_examples.py reruns them (seeded, so the same code
prints the same text) and `python tools/doc_examples.py` rewrites a block that changed.
"""

from __future__ import annotations

from support import load_tool


def _tool():
    return load_tool("doc_examples")


def test_every_doc_has_its_examples_marked():
    tool = _tool()
    found = {doc.name: len(tool.examples(doc)) for doc in tool.DOCS}
    assert found == {"analysis.md": 4, "experiments.md": 2}


def test_worked_examples_match_a_fresh_run():
    tool = _tool()
    stale = tool.stale()
    assert not stale, "stale examples (run `python tools/doc_examples.py`): " + "; ".join(
        f"{example.doc.name}: {' && '.join(example.commands)}" for example, _ in stale)

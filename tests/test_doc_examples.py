"""The worked examples in docs/analysis.md and docs/experiments.md are what the commands print today.

Each block is marked with the commands that produce it; tools/doc_examples.py reruns them (seeded, so the same code
prints the same text) and `python tools/doc_examples.py` rewrites a block that changed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "doc_examples.py"


def _tool():
    spec = importlib.util.spec_from_file_location("doc_examples", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules["doc_examples"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_doc_has_its_examples_marked():
    tool = _tool()
    found = {doc.name: len(tool.examples(doc)) for doc in tool.DOCS}
    assert found == {"analysis.md": 4, "experiments.md": 2}


def test_worked_examples_match_a_fresh_run():
    tool = _tool()
    stale = tool.stale()
    assert not stale, "stale examples (run `python tools/doc_examples.py`): " + "; ".join(
        f"{example.doc.name}: {' && '.join(example.commands)}" for example, _ in stale)

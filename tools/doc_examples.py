"""Regenerate the worked examples in the docs from real output, so they cannot go stale.

A doc marks an example with the commands that produce it:

    <!-- example: totalpeace sweep examples/x.toml --store out/docs/store && totalpeace discover ... -->
    ```console
    $ totalpeace sweep ...
    (what the commands print on stdout)
    ```
    <!-- /example -->

`python tools/doc_examples.py` runs every marked example in a fresh folder (the repository's examples/ linked in,
outputs under out/docs/, 100 columns, progress bars on stderr left out), rewrites the blocks and copies the figures
the docs show to docs/img/; `--check` only
compares and exits 1 naming the stale blocks (tests/test_doc_examples.py runs it). Every command is seeded, so the
same code prints the same text.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "docs" / "analysis.md", REPO / "docs" / "experiments.md"]
MARK = re.compile(r"<!-- example: (?P<commands>.+?) -->\n```console\n(?P<body>.*?)```\n<!-- /example -->", re.S)
COLUMNS = "100"
IMAGES = {"out/docs/sobol/sobol.png": "analysis-sobol.png", "out/docs/morris/morris.png": "analysis-morris.png",
          "out/docs/discover/prim.png": "analysis-prim.png", "out/docs/search/pareto.png": "analysis-pareto.png"}
DURATION = re.compile(r"\b\d+(\.\d+)? s\b")  # wall-clock times: the one thing a rerun may print differently


def comparable(text: str) -> str:
    return DURATION.sub("<t> s", text)


@dataclass
class Example:
    doc: Path
    commands: list[str]
    body: str  # what the doc holds now
    start: int
    end: int


def examples(doc: Path) -> list[Example]:
    text = doc.read_text(encoding="utf-8")
    return [Example(doc, [c.strip() for c in m.group("commands").split("&&")], m.group("body"), m.start("body"),
                    m.end("body")) for m in MARK.finditer(text)]


def _totalpeace(args: list[str]) -> tuple[int, str, str]:
    """Run the command line in this process (no interpreter to start, the compiled engine already loaded)."""
    from totalpeace.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["totalpeace", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def run(commands: list[str], images: bool = False) -> str:
    """The block's text: each command after '$ ', then what it printed on stdout (with `images`, the figures the
    docs show are copied to docs/img/)."""
    saved = {k: os.environ.get(k) for k in ("COLUMNS", "TERM", "NO_COLOR", "TOTALPEACE_STORE")}
    here = os.getcwd()
    out = []
    with tempfile.TemporaryDirectory(prefix="totalpeace-doc-") as folder:
        (Path(folder) / "examples").symlink_to(REPO / "examples")
        os.environ.update({"COLUMNS": COLUMNS, "TERM": "dumb", "NO_COLOR": "1"})
        os.environ.pop("TOTALPEACE_STORE", None)
        os.chdir(folder)
        try:
            for command in commands:
                args = command.split()
                if args[0] != "totalpeace":
                    raise ValueError(f"an example runs totalpeace commands only: {command!r}")
                code, stdout, stderr = _totalpeace(args[1:])
                if code != 0:
                    raise RuntimeError(f"{command!r} failed ({code}): {stderr[-800:]}")
                out.append(f"$ {command}\n{stdout}")
            for produced, name in IMAGES.items():
                if images and (Path(folder) / produced).is_file():
                    shutil.copyfile(Path(folder) / produced, REPO / "docs" / "img" / name)
        finally:
            os.chdir(here)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return "".join(line.rstrip() + "\n" for part in out for line in part.splitlines())


def stale(docs: list[Path] = DOCS) -> list[tuple[Example, str]]:
    """(example, fresh text) for every block whose text differs from a fresh run."""
    found = [example for doc in docs for example in examples(doc)]
    fresh = [run(example.commands) for example in found]
    return [(example, text) for example, text in zip(found, fresh, strict=True)
            if comparable(text) != comparable(example.body)]


def rewrite(doc: Path) -> int:
    """Rewrite every block of `doc` from a fresh run; returns how many changed."""
    text = doc.read_text(encoding="utf-8")
    changed = 0
    for example in reversed(examples(doc)):
        fresh = run(example.commands, images=True)
        if comparable(fresh) != comparable(example.body):
            text = text[:example.start] + fresh + text[example.end:]
            changed += 1
    doc.write_text(text, encoding="utf-8")
    return changed


def main() -> None:
    if "--check" in sys.argv[1:]:
        found = stale()
        for example, _ in found:
            print(f"{example.doc.relative_to(REPO)}: stale example: {' && '.join(example.commands)}")
        sys.exit(1 if found else 0)
    for doc in DOCS:
        print(f"{doc.relative_to(REPO)}: {rewrite(doc)} example(s) rewritten")


if __name__ == "__main__":
    main()

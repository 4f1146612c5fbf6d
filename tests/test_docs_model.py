"""docs/model.md (the ODD description of the model) keeps up with the code.

Checked: every parameter of the registry (src/totalpeace/scenario/params.py) is named in the document and has a row in
its full parameter table; every public function of the modules in src/totalpeace/model/ is named (for the bargaining
module, the functions it exports in `__all__`; its other functions are internal helpers); every mechanism id of
research/MECHANISMS.md that the model implements is named; every constant of the compiled model (model/ and engine/:
its floats and named limits) has one row in the constants table (section 7.14) that states its value.

Default values are deliberately not compared: parameters are still being tuned. The parameter tables are generated
from the registry: `.venv/bin/python tests/test_docs_model.py` prints the full table, and with `--write` regenerates
every table between `<!-- params: ... -->` and `<!-- /params -->` markers in docs/model.md.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import totalpeace.model
from totalpeace.scenario.params import BY_NAME, PARAMETERS, ParamSpec

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"
MECHANISM_IDS = (
    "M1.1",
    "M1.2",
    "M1.3",
    "M2.1",
    "M2.1b",
    "M2.2",
    "M2.3",
    "M3.1",
    "M3.2",
    "M3.3",
    "M4.1",
    "M4.2",
    "M5.1",
    "M5.2",
    "M6.1",
    "M7.1",
    "M7.2",
    "M7.3",
)
ODD_SECTIONS = (
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialisation",
    "Input data",
    "Submodels",
    "Parameters",
)
BLOCK = re.compile(r"<!-- params: (?P<names>[^>]*?) -->\n(?P<body>.*?)<!-- /params -->", re.DOTALL)
CALIBRATED = re.compile(r"<!-- calibrated: (?P<name>[\w-]+) -->\n(?P<body>.*?)<!-- /calibrated -->", re.DOTALL)
FULL = "all"


# ---------------------------------------------------------------------------------------------------------------------
# Table generation (run this file to print or --write the tables)
# ---------------------------------------------------------------------------------------------------------------------
def _num(x: float) -> str:
    return "∞" if x == math.inf else f"{x:g}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _row(p: ParamSpec, full: bool) -> str:
    cells = [f"`{p.name}`", p.description, _num(p.default), f"{_num(p.low)} – {_num(p.high)}", p.unit]
    if full:
        cells.append(p.mechanism)
    cells.append(p.source)
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def parameter_table(names: list[str] | None = None) -> str:
    """Markdown table of the named parameters (all of them, with their mechanism, when `names` is None)."""
    full = names is None
    specs = list(PARAMETERS) if full else [BY_NAME[n] for n in names]
    head = [
        "| parameter | meaning | default | plausible range | unit |" + (" mechanism |" if full else "") + " source |",
        "|---|---|---|---|---|" + ("---|" if full else "") + "---|",
    ]
    return "\n".join(head + [_row(p, full) for p in specs])


def calibrated_table(name: str) -> str:
    """Markdown table of a shipped calibrated set: registry default, posterior median and interval, and the prior the
    calibration drew from (its stored identifiability table; the registry's plausible range may have moved since)."""
    from totalpeace.calibration.output import read_calibration
    from totalpeace.calibration.paramset import read_set, shipped_sets

    path = shipped_sets()[name]
    data = read_set(path)
    stored = read_calibration(path.parent).get("identifiability")
    priors = {} if stored is None else {row.parameter: (row.prior_low, row.prior_high) for row in stored.itertuples()}
    head = ["| parameter | registry default | calibrated (posterior median) | 90% posterior interval | prior |",
            "|---|---|---|---|---|"]
    rows = []
    for key, value in data["parameters"].items():
        spec = BY_NAME[key]
        lo, hi = data["interval90"][key]
        low, high = priors.get(key, (spec.low, spec.high))
        rows.append(f"| `{key}` | {_num(spec.default)} | {value:.4g} | {lo:.4g} – {hi:.4g} | "
                    f"U({_num(low)}, {_num(high)}) |")
    return "\n".join(head + rows)


def _block_names(marker: str) -> list[str] | None:
    marker = marker.strip()
    return None if marker == FULL else [n.strip() for n in marker.split(",") if n.strip()]


def write_tables() -> None:
    """Regenerate every marked parameter table in docs/model.md from the registry."""
    text = _doc()

    def render(match: re.Match[str]) -> str:
        names = match.group("names")
        return f"<!-- params: {names} -->\n{parameter_table(_block_names(names))}\n<!-- /params -->"

    def render_calibrated(match: re.Match[str]) -> str:
        name = match.group("name")
        return f"<!-- calibrated: {name} -->\n{calibrated_table(name)}\n<!-- /calibrated -->"

    DOC.write_text(CALIBRATED.sub(render_calibrated, BLOCK.sub(render, text)), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------------
# What the document must name
# ---------------------------------------------------------------------------------------------------------------------
def _doc() -> str:
    assert DOC.is_file(), f"{DOC} is missing"
    return DOC.read_text(encoding="utf-8")


def _named(text: str, name: str) -> bool:
    """`name` occurs as a whole identifier (not as part of a longer one)."""
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


def model_modules(package: ModuleType = totalpeace.model) -> list[ModuleType]:
    """Every module of src/totalpeace/model (or of another package), those of its subpackages (model/tables)
    included."""
    return [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
        if not m.name.rsplit(".", 1)[1].startswith("_") and not m.ispkg
    ]


def public_functions(module: ModuleType) -> list[str]:
    """Functions defined in `module` (plain or numba-compiled) whose names do not start with an underscore."""
    exported = getattr(module, "__all__", None) if module.__name__.endswith(".bargaining") else None
    out = []
    for name, obj in vars(module).items():
        func = obj if inspect.isfunction(obj) else getattr(obj, "py_func", None)
        if name.startswith("_") or not inspect.isfunction(func) or func.__module__ != module.__name__:
            continue
        if exported is not None and name not in exported:
            continue
        out.append(name)
    return out


def test_the_document_follows_the_odd_protocol() -> None:
    headings = [line for line in _doc().splitlines() if line.startswith("## ")]
    for k, section in enumerate(ODD_SECTIONS, start=1):
        assert any(h.startswith(f"## {k}. {section}") for h in headings), f"missing ODD section '## {k}. {section}'"


def test_every_parameter_is_named() -> None:
    text = _doc()
    missing = [p.name for p in PARAMETERS if not _named(text, p.name)]
    assert not missing, f"docs/model.md does not name these parameters: {', '.join(missing)}"


def test_the_full_parameter_table_has_a_row_for_every_parameter() -> None:
    blocks = [m for m in BLOCK.finditer(_doc()) if m.group("names").strip() == FULL]
    assert blocks, "docs/model.md lost its full parameter table (marker '<!-- params: all -->')"
    rows = {
        line.split("|")[1].strip().strip("`") for line in blocks[0].group("body").splitlines() if line.startswith("| `")
    }
    missing = [p.name for p in PARAMETERS if p.name not in rows]
    assert not missing, (
        "the full parameter table lacks rows for: "
        + ", ".join(missing)
        + " (regenerate with `.venv/bin/python tests/test_docs_model.py --write`)"
    )


def test_the_flagship_calibration_table_is_current() -> None:
    import totalpeace

    name = totalpeace.load_scenario("colombia-2022").parameters.calibration
    blocks = {m.group("name"): m.group("body").strip() for m in CALIBRATED.finditer(_doc())}
    assert name in blocks, f"docs/model.md has no table of the flagship's calibration ('<!-- calibrated: {name} -->')"
    assert blocks[name] == calibrated_table(name), \
        "the calibrated-values table is stale (regenerate with `.venv/bin/python tests/test_docs_model.py --write`)"


def test_mechanism_tables_name_known_parameters() -> None:
    unknown = [n for m in BLOCK.finditer(_doc()) for n in (_block_names(m.group("names")) or []) if n not in BY_NAME]
    assert not unknown, f"parameter tables in docs/model.md name unknown parameters: {', '.join(unknown)}"


def test_every_model_function_is_named() -> None:
    text = _doc()
    modules = model_modules()
    assert {m.__name__.rsplit(".", 1)[1] for m in modules} >= {
        "economy",
        "values",
        "bargaining",
        "commitment",
        "security",
        "contest",
        "strength",
        "violence",
        "spillover",
    }
    missing = [f"{m.__name__}.{f}" for m in modules for f in public_functions(m) if not _named(text, f)]
    assert not missing, f"docs/model.md does not name these model functions: {', '.join(missing)}"


def test_every_mechanism_is_named() -> None:
    text = _doc()
    missing = [m for m in MECHANISM_IDS if re.search(rf"(?<![\w.]){re.escape(m)}(?![0-9A-Za-z])", text) is None]
    assert not missing, f"docs/model.md does not mention these mechanisms: {', '.join(missing)}"


CONSTANTS_HEADING = "### 7.14 Constants fixed in the code"
LIMITS = ("INIT_ITERATIONS", "NEWTON_STEPS", "CONCESSION_WEIGHTS")  # the constants that are not floats, by name
NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e-?\d+)?)(?:/(\d+))?(%)?")


def model_and_engine_constants() -> dict[str, tuple[str, object]]:
    """Module-level constants of the compiled model (model/ and engine/) that a modelling rule reads: every float
    (thresholds, memories, caps, tolerances) and the named limits; name -> (module, value)."""
    import totalpeace.engine

    modules = model_modules() + model_modules(totalpeace.engine)
    found: dict[str, tuple[str, object]] = {}
    for module in modules:
        source = inspect.getsource(module)
        for name, value in vars(module).items():
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or not re.search(rf"^{name}\s*[:=]", source, re.M):
                continue  # not a constant, or one imported from elsewhere
            if isinstance(value, float) or name in LIMITS:
                found[name] = (module.__name__, value)
    return found


def _numbers(row: str) -> list[float]:
    """The numbers a table row states: 0.2, 1e-9, 1/12, 5% (the backticked names are left out)."""
    values = []
    for whole, denominator, percent in NUMBER.findall(re.sub(r"`[A-Z][A-Z0-9_]*`", "", row)):
        value = float(whole) / (float(denominator) if denominator else 1.0)
        values.append(value / 100 if percent else value)
    return values


def test_every_constant_of_the_model_is_in_the_constants_table_with_its_value() -> None:
    text = _doc()
    assert CONSTANTS_HEADING in text, f"docs/model.md lost its section '{CONSTANTS_HEADING}'"
    section = text.split(CONSTANTS_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    constants = model_and_engine_constants()
    assert {"SMOOTHING", "ALIVE", "DDR_COMPLETE", "INIT_ITERATIONS"} <= set(constants)  # the scan finds them
    problems = []
    for name, (module, value) in sorted(constants.items()):
        named = [row for row in rows if f"`{name}`" in row]
        if not named:
            problems.append(f"{name} ({module}) has no row")
            continue
        if len(named) > 1:
            problems.append(f"{name} has {len(named)} rows")
        stated = _numbers(named[0])
        wanted = value if isinstance(value, tuple) else (value,)
        if not all(any(math.isclose(v, n, rel_tol=1e-9) for n in stated) for v in wanted):
            problems.append(f"{name} = {value} ({module}), the row states {stated}")
    assert not problems, "docs/model.md section 7.14 against the code: " + "; ".join(problems)


if __name__ == "__main__":
    import sys

    if "--write" in sys.argv[1:]:
        write_tables()
    else:
        print(parameter_table())

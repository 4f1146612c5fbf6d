"""Fuzzing experiment designs: whatever the sizes in an experiment file (samples, levels, values, factors,
replications, any design), it is rejected at once with one InputError naming the field, or it is accepted with a
size the limits allow, and a design small enough to build has exactly the size announced before building it.

`TOTALPEACE_FUZZ_EXAMPLES` raises the number of examples (`make soak`).
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from totalpeace.errors import InputError
from totalpeace.experiments.design import build_design
from totalpeace.experiments.spec import MAX_POINTS, MAX_RUNS, parse_spec

EXAMPLES = int(os.environ.get("TOTALPEACE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NUMBER_PATHS = ["policy.decriminalization", "security.buy_in", "policy.substitution", "parameters.ddr_rate",
                "international.venezuela.host_tolerance"]
BUILD_AT_MOST = 3000  # points of the designs actually built (a few milliseconds each)

sizes = st.one_of(st.integers(1, 12), st.integers(1, 2_000_000), st.sampled_from([2**k for k in range(22)]))


@st.composite
def factor(draw: st.DrawFn) -> dict:
    if draw(st.booleans()):
        return {"values": draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=draw(st.sampled_from([3, 1500]))))}
    out = {"low": 0.0, "high": 1.0}
    if draw(st.booleans()):
        out["levels"] = draw(st.integers(2, 1000))
    return out


@st.composite
def specs(draw: st.DrawFn) -> dict:
    paths = draw(st.lists(st.sampled_from(NUMBER_PATHS), min_size=1, max_size=len(NUMBER_PATHS), unique=True))
    spec = {"name": "fuzz", "scenario": "colombia-2022",
            "design": draw(st.sampled_from(["full_factorial", "latin_hypercube", "sobol", "morris"])),
            "samples": draw(sizes), "replications": draw(st.one_of(st.integers(1, 20), st.integers(1, 100_000))),
            "levers": {p: draw(factor()) for p in paths}}
    if draw(st.booleans()):
        spec["levels"] = draw(st.sampled_from([2, 4, 10, 1000]))
    return spec


@FUZZ
@given(specs())
def test_a_design_is_rejected_at_once_or_has_the_size_it_announces(data):
    started = time.perf_counter()
    try:
        spec = parse_spec(data)
    except InputError as exc:
        assert time.perf_counter() - started < 2.0, "rejecting took too long"
        field = exc.message.split(":")[0].strip("'")
        assert field, exc.message
        event(f"rejected: {field.split('.')[0]}")
        return
    points, _ = spec.design_points()
    assert points <= MAX_POINTS and points * spec.replications <= MAX_RUNS
    if points <= BUILD_AT_MOST:
        try:
            design = build_design(spec)
        except InputError:
            event("rejected when building: sobol samples or morris levels")
            return  # a sobol sample size that is not a power of two, an odd number of morris levels: named
        assert len(design) == points
        event("accepted and built: size as announced")
    else:
        event("accepted, too large to build here")

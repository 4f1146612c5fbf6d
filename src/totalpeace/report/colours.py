"""One colour per actor, the same on every chart, map, page and run; colour-blind-safe palettes and scales.

The state is always the same blue, never given to a group. A group's colour is chosen from its id (a hash picks its
first choice; a clash within the scenario moves it to the next free colour, in id order), so it does not depend on
which run, lever setting or page draws it. A splinter faction takes a lighter shade of the group it left.
Palettes: Okabe & Ito (2008) and Paul Tol's "muted" scheme, both designed to stay distinct under the common forms of
colour blindness; sequential scales are viridis/cividis-like and diverging ones blue–orange (never red–green).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

STATE = "#0072B2"  # Okabe-Ito blue: the state, everywhere
UNKNOWN = "#BBBBBB"
GROUP_PALETTE = (  # Okabe-Ito without its blue, then Tol muted: 15 colours that stay apart for colour-blind readers
    "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#332288", "#882255", "#117733",
    "#999933", "#44AA99", "#AA4499", "#DDCC77", "#CC6677", "#000000",
)
SPLINTER_SUFFIX = "_dissidents"
# Plotly colour scales (name or [position, colour] pairs): none runs from red to green.
SEQUENTIAL = "Viridis"
CONTROL = [[0.0, "#F7FBFF"], [0.35, "#9ECAE1"], [0.7, "#2171B5"], [1.0, "#08306B"]]  # state control: the state's blue
DIVERGING = [[0.0, "#B35806"], [0.25, "#F1A340"], [0.5, "#F7F7F7"], [0.75, "#998EC3"], [1.0, "#542788"]]  # PuOr
VACUUM = "Purples"
SOURCES = {"structural": "#882255", "parameters": "#E69F00", "stochastic": "#999999"}  # where the spread comes from
PHASES = {  # talks phases: greys and blues while talking, teal for agreements, vermillion when broken, yellow
    # while suspended
    "none": "#E0E0E0", "exploration": "#C6DBEF", "formal_talks": "#9ECAE1", "ceasefire": "#6BAED6",
    "partial_agreements": "#3182BD", "final_agreement": "#009E73", "implementation": "#44AA99",
    "demobilized": "#117733", "broken_down": "#D55E00", "suspended": "#F0E442",
}


def _first_choice(actor: str) -> int:
    return int(hashlib.sha1(actor.encode()).hexdigest(), 16) % len(GROUP_PALETTE)


def lighter(colour: str, amount: float = 0.45) -> str:
    """The colour mixed with white (a splinter's shade of its parent)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


def actor_colours(actors: Iterable[str]) -> dict[str, str]:
    """Colour of every actor id given (groups, splinters, 'state'), stable for the same set of ids."""
    ids = list(dict.fromkeys(actors))
    out: dict[str, str] = {}
    taken: set[int] = set()
    base = sorted(a for a in ids if a != "state" and not a.endswith(SPLINTER_SUFFIX))
    for actor in base:
        choice = _first_choice(actor)
        for step in range(len(GROUP_PALETTE)):
            slot = (choice + step) % len(GROUP_PALETTE)
            if slot not in taken:
                break
        else:  # more groups than colours: reuse, in id order
            slot = choice
        taken.add(slot)
        out[actor] = GROUP_PALETTE[slot]
    for actor in ids:
        if actor == "state":
            out[actor] = STATE
        elif actor.endswith(SPLINTER_SUFFIX):
            parent = actor[: -len(SPLINTER_SUFFIX)]
            out[actor] = lighter(out.get(parent) or GROUP_PALETTE[_first_choice(actor)])
    return {a: out.get(a, UNKNOWN) for a in ids}

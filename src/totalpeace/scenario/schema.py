"""The scenario format: a pydantic v2 schema that rejects unknown keys and out-of-range values.

A scenario is one TOML document (after `extends` has been merged). Collections whose items have identities — groups,
international actors, negotiation tables — are tables keyed by id, so a variant can change one item and `--set` can
reach it (`groups.eln.members=3000`). Cross-references (a ceasefire for a group that does not exist, a date before
`start`) are checked in `references.py`, where the error can name the exact field path.
"""

from __future__ import annotations

import re
import sys
import typing
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, create_model, field_validator, model_validator

from totalpeace.numbers import NumbersNotBooleans
from totalpeace.scenario.dates import YearMonth
from totalpeace.scenario.params import PARAMETERS

GroupType = Literal["insurgent", "criminal", "dissident", "foreign_cartel"]
SpoilerType = Literal["limited", "greedy", "total"]
Revenue = Literal["coca", "gold", "extortion", "routes"]
ConcessionKind = Literal["arrest_orders_suspended", "extradition_suspended", "bombing_suspended", "zone"]
# Negotiation agendas (model/tables/issues.py holds the same names, in the same order, and their meanings).
Issue = Literal["legal_treatment", "extradition", "territory", "illicit_economies", "political_participation",
                "security_guarantees", "reintegration", "ceasefire_terms"]
Track = Literal["political", "socio_legal"]
VetoPlayer = Literal["congress", "court", "public", "security_forces"]
AttackKind = Literal["major_attack", "ceasefire_violation", "attack_on_table"]
ID_PATTERN = r"^[a-z][a-z0-9_]*$"

Share = float  # documented as [0, 1]; bounds are set per field with ge/le


SAFE_NAME = re.compile(r"[^\W_][\w .+-]*")
# Upper bounds that no real case approaches but that keep every quantity far from floating-point overflow.
MAX_MEMBERS = 1e7
MAX_FINANCE = 1e5  # USD m / month
MAX_PERSONNEL = 100_000_000
MAX_MONTHS = 1200  # the longest run (100 years): durations beyond it mean the same as "until the end"
MAX_GENERALS = 100_000
MAX_POINTS = 24  # agenda points of one table: the model's eight issues and points that settle none of them


class Strict(NumbersNotBooleans):
    """Base for every scenario table: unknown keys are errors, never silently ignored, no number is too small to
    compute with, and no number is written as true or false."""

    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _not_subnormal(cls, value: Any) -> Any:
        """A number below the smallest normal double (2.2e-308) but not 0 loses its precision and turns ratios
        into infinities: refused, naming the field, rather than run into NaN."""
        for number in _numbers(value):
            if number != 0.0 and abs(number) < sys.float_info.min:
                raise ValueError(f"{number!r} is too small to compute with (below {sys.float_info.min:.3g}); give 0")
        return value


def _numbers(value: Any) -> list[float]:
    """The floats in a value, in a list or dict of them (the scenario's tables hold no deeper numbers)."""
    if isinstance(value, float):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, float)]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, float)]
    return []


class Territories(Strict):
    """Where the territories come from: a shipped dataset or the user's own CSV (+ GeoJSON boundaries)."""

    source: str | None = Field(None, description='Shipped dataset name, e.g. "colombia-departments".')
    csv: str | None = Field(None, description="Path to a CSV of territory attributes (relative to the scenario file).")
    geojson: str | None = Field(None, description="Optional GeoJSON of boundaries, matched on `id_column`.")
    id_column: str = Field("id", description="Column (and GeoJSON property) holding the territory id.")
    adjacency: str | None = Field(None, description="Optional CSV of adjacent pairs (columns a, b).")
    source_note: str = Field("", description="Where the user's territory data come from.")


class Sanctuary(Strict):
    """Members a group can shelter across a border, as a share at full host tolerance (sigma_max, M4.2)."""

    country: str = Field(..., description="International actor id of the host, e.g. venezuela.")
    share: float = Field(..., ge=0.0, le=1.0, description="sigma_max: share of members in sanctuary at tolerance 1.")
    source: str = Field("", description="Source of the share.")
    income_ratio: float = Field(0.0, ge=0.0, le=10.0, description="Income of a member in sanctuary (the host "
                                "country's mining, smuggling and extortion) relative to a member at home at the start; "
                                "0: members abroad earn nothing there.")
    income_source: str = Field("", description="Source of the income ratio (the income and member shares abroad).")
    recruitment_ratio: float = Field(0.0, ge=0.0, le=10.0, description="Recruits a member in sanctuary enlists "
                                     "among the host's border population, relative to the group's voluntary recruits "
                                     "per armed member, at host tolerance 1; 0: nobody is recruited abroad.")
    recruitment_source: str = Field("", description="Source of the recruitment ratio (the share of the group's "
                                    "fighters recruited in the host country).")

    @model_validator(mode="after")
    def _income_needs_a_source(self) -> Sanctuary:
        if self.income_ratio > 0 and not self.income_source.strip():
            raise ValueError("income_ratio > 0 needs income_source (where the income earned abroad is reported)")
        if self.recruitment_ratio > 0 and not self.recruitment_source.strip():
            raise ValueError("recruitment_ratio > 0 needs recruitment_source (where the recruits from the host "
                             "country are reported)")
        return self


class Group(Strict):
    """An armed or criminal group, an insurgency, a dissident faction or a foreign cartel."""

    name: str
    type: GroupType
    members: float = Field(..., ge=0.0, le=MAX_MEMBERS,
                           description="Members the group counts (fighters and support networks).")
    armed_share: float = Field(1.0, ge=0.0, le=1.0, description="Share of members who are armed (rest: support).")
    members_source: str = Field("", description="Source of the member estimate.")
    members_trend: float = Field(0.0, ge=-0.2, le=0.2,
                                 description="Observed monthly growth of the group's members over the years before "
                                             "the start (log change a month; 0 where unknown): the trajectory its war "
                                             "value starts from, until the model's own smoothed trend takes over.")
    members_trend_source: str = Field("", description="Source of the members' trend (the estimates and years).")
    presence: dict[str, float] = Field(default_factory=dict, description="Territory id -> share of members there.")
    presence_from: str | None = Field(None, description="Group key in the territory dataset's presence table.")
    sanctuary: Sanctuary | None = None
    cohesion: float = Field(0.6, ge=0.0, le=1.0, description="Internal cohesion (low cohesion: splits on signing).")
    spoiler: SpoilerType = Field("limited", description="Stedman type: limited, greedy or total (M1.3).")
    political: bool = Field(False, description="Has political status (can be offered participation, M1.1).")
    revenue: list[Revenue] = Field(default_factory=lambda: ["coca", "gold", "extortion", "routes"])
    finance: float = Field(0.0, ge=0.0, le=MAX_FINANCE,
                           description="Foreign cartels: monthly finance for proxies (USD m / month).")
    allies: list[str] = Field(default_factory=list, description="Group ids it cooperates with (cartel proxies).")
    rivals: list[str] = Field(default_factory=list, description="Group ids it fights.")
    counterinsurgent: bool = Field(False, description="A counterinsurgent (paramilitary) group whose war on its rivals "
                                   "aims at destroying them, not at sharing rents: the members lost in its fighting "
                                   "are killed at `counterinsurgent_lethality` rather than `rival_lethality` (M3.1).")
    willing_to_talk: bool = Field(True, description="Declared willingness to negotiate.")
    type_prior: dict[SpoilerType, float] | None = Field(
        None, description="The state's prior over the group's type (limited, greedy, total; shares adding up to 1). "
                          "Default: `type_prior_mode` on the `spoiler` label, the rest split evenly.")
    parent: str | None = Field(None, description="Group it split from, if any.")
    notes: str = ""


class ExCombatants(Strict):
    """Former combatants of a group that demobilised before the start (M5.2): a pool that dissident groups recruit
    from, whose members are also killed where the state does not hold the ground."""

    group: str = Field("", description="The group they left (for the record; it need not be a scenario group).")
    members: float = Field(..., ge=0.0, le=MAX_MEMBERS, description="Former combatants in the pool at the start.")
    presence: dict[str, float] = Field(default_factory=dict, description="Territory id -> share of them there.")
    vacated: float = Field(0.0, ge=0.0, le=1.0, description="Share of control the group left vacated at the start "
                           "where most of them are; elsewhere in proportion to their share there.")
    source: str = ""


class Purge(Strict):
    """A purge of the security forces' leadership (M3.2 shock)."""

    date: YearMonth
    generals_retired: int = Field(..., ge=0, le=MAX_GENERALS)
    generals_total: int = Field(..., ge=1, le=MAX_GENERALS,
                                description="Generals and admirals before the purge (denominator).")
    source: str = ""


class Security(Strict):
    """The state's security forces."""

    military: int = Field(..., ge=0, le=MAX_PERSONNEL, description="Military personnel.")
    police: int = Field(..., ge=0, le=MAX_PERSONNEL, description="Police personnel.")
    deployable_share: float = Field(0.3, ge=0.0, le=1.0, description="Share available for territorial operations.")
    buy_in: float = Field(..., ge=0.0, le=1.0, description="Security-force buy-in K* (M3.2): the cohesion the "
                          "government's relation with its forces lets them recover toward, a lever from the start on.")
    repression: Literal["conditional", "unconditional"] = Field("unconditional", description="M3.3 repression rule.")
    budget: float | None = Field(None, ge=0.0, le=1e7, description="Security budget, USD m a year: the scale against "
                                 "which certified foreign aid counts (none: aid has no effect on the forces).")
    purge: Purge | None = None
    source: str = ""


class InternationalActor(Strict):
    """A foreign state or organisation: sanctuary host, guarantor, legitimacy supporter, neighbour."""

    name: str
    iso3: str | None = Field(None, description="ISO 3166-1 alpha-3 code, to match territories' border_countries.")
    host_tolerance: float = Field(0.0, ge=0.0, le=1.0, description="Tolerance of armed groups on its soil (M4.2).")
    guarantor_for: list[str] = Field(default_factory=list, description="Group ids whose tables it guarantees.")
    guarantor_weight: float = Field(0.25, ge=0.0, le=1.0, description="Contribution to a table's guarantor index G.")
    legitimacy: float = Field(0.0, ge=0.0, le=1.0, description="Weight of its support for the process (M4.3).")
    neighbour: bool = Field(False, description="A bordering country whose violence is tracked (M7.3).")
    homicide_rate: float | None = Field(None, ge=0.0, le=1000.0,
                                        description="Baseline homicide rate per 100,000 (neighbours).")
    relations: float = Field(1.0, ge=0.0, le=1.0, description="Relations with the government (1 normal, 0 broken): "
                             "a host's tolerance rises as they worsen from the start's (M4.2).")
    verification: float = Field(0.0, ge=0.0, le=1.0, description="Verification capacity it brings to the tables it "
                                "guarantees (a monitoring mission: 1), M4.1.")
    aid: float = Field(0.0, ge=0.0, le=1e6, description="Security aid, USD m a year, conditional on its "
                       "certification of the state's drug cooperation (M4.3).")
    extradition_requests: list[str] = Field(default_factory=list, description="Group ids whose members it wants "
                                            "extradited: suspending their extradition costs certification.")
    source: str = ""


class Talks(Strict):
    """How the state sequences its negotiation tables (M2.1b)."""

    mode: Literal["none", "simultaneous", "phased"] = "simultaneous"
    order: list[str] = Field(default_factory=list, description="Group ids in the order tables open (phased).")


class ActorTerms(Strict):
    """One actor's position (0: nothing conceded .. 1: everything the group asks) and salience on one issue."""

    position: float | None = Field(None, ge=0.0, le=1.0, description="For the state: its opening offer; for the "
                                   "group: the most it asks; for guarantors and the host: their preferred terms.")
    salience: float | None = Field(None, ge=0.0, le=10.0, description="For the state: weight of the issue in what "
                                   "conceding costs it; for the group: multiplier of the issue's value to it (1 as "
                                   "derived); for guarantors and the host: how much they care.")
    source: str = Field("", description="Source of the values, or 'assumption' with the reasoning.")


class IssueTerms(Strict):
    """Per-table overrides of the actors' positions and saliences on one issue."""

    state: ActorTerms | None = None
    group: ActorTerms | None = None
    guarantors: ActorTerms | None = None
    host: ActorTerms | None = None


TARGET_LABEL = "target"  # how a table's deadline label starts when the deadline ends nothing (Table.deadline_label)


def deadline_words(label: str) -> str:
    """A table's deadline label in a sentence: "the state's deadline 2002-04", or a target's label as it is."""
    return label if label.startswith(TARGET_LABEL) else f"the state's deadline {label}"


class Table(Strict):
    """A negotiation table with one group: its track, the state's mandate per issue and its conduct."""

    start: YearMonth
    source: str = ""
    track: Track | None = Field(None, description="political (transitional justice, participation) or socio_legal "
                                "(submission to justice); default: political for groups with political status.")
    offer: dict[Issue, float] = Field(default_factory=dict, description="The state's mandate: the most it will concede "
                                      "on an issue (0-1), below the track's legal ceiling; e.g. extradition = 0.")
    issues: dict[Issue, IssueTerms] = Field(default_factory=dict, description="Actors' positions and saliences per "
                                            "issue, overriding the shipped defaults (data/negotiation).")
    opening_phase: Literal["exploration", "formal_talks"] = Field(
        "exploration", description="The phase the table opens in: formal_talks where the scenario starts at the public "
        "installation of talks whose exploratory phase was already concluded (say so in source); the group is then "
        "never drawn a total spoiler, who accepts nothing and so concludes no exploratory phase.")
    parallel_issues: int | None = Field(None, ge=1, le=8, description="Agenda points this table negotiates at "
                                        "once (one point at a time, or sub-commissions working side by side); "
                                        "default: the parameter parallel_issues. Say how the table worked in source.")
    points: list[list[Issue]] | None = Field(None, max_length=MAX_POINTS, description="The agenda's points in the "
                                             "order the table works them, each naming the issues it settles together "
                                             "(an agreement on a point closes all of them); [] for a point that "
                                             "settles none of the model's issues, which takes its turn and its time "
                                             "(Havana's comprehensive rural reform); issues on the agenda but in no "
                                             "point follow, one point each. Default: one point per issue, in the "
                                             "order of data/negotiation/issues.csv. Say in source what the table "
                                             "agreed.")
    deadline_months: int | None = Field(None, ge=1, le=1200, description="The state ends the table if no final "
                                        "agreement is signed this many months after it opens. As it nears, both "
                                        "sides draft faster in the months they accept the package, as much as the "
                                        "parameter deadline_pressure says (0: not at all).")
    deadline: YearMonth | None = Field(None, description="The state ends the table if no final agreement is signed "
                                       "by this month (YYYY-MM), a date as governments set them (Pastrana's 7 April "
                                       "2002), whenever the table opened; a table that opens after it ends in its "
                                       "first month. It hurries the drafting as deadline_months does; give one of "
                                       "the two.")
    deadline_announced: YearMonth | None = Field(None, description="The month the sides learn the deadline "
                                                 "(YYYY-MM; default: the table's opening): the drafting hurries "
                                                 "only from then (Pastrana set the Caguán's in January 2002).")
    deadline_binding: bool = Field(True, description="false: a target date the sides set themselves, which hurries "
                                   "the drafting as a deadline does but ends nothing when missed (Santos and the "
                                   "FARC's 23 March 2016); the hurry lapses once it has passed.")
    conditional: bool = Field(False, description="Concessions are withdrawn in a month the group attacks or violates "
                              "a ceasefire (conditional offers).")
    ratification: list[VetoPlayer] | None = Field(None, description="Veto players that must ratify the agreement, in "
                                                  "order; default: congress and court (political track), court "
                                                  "(socio-legal).")

    def deadline_when(self) -> str:
        """When the table's date falls, as the scenario set it: "2002-04", "24 months after opening" or ""."""
        if self.deadline is not None:
            return self.deadline
        return f"{self.deadline_months} months after opening" if self.deadline_months else ""

    def deadline_label(self) -> str:
        """The deadline for what users read: `deadline_when`, or "target 2016-03 (missing it ends nothing)" for a
        target, or ""."""
        when = self.deadline_when()
        if not when or self.deadline_binding:
            return when
        return f"{TARGET_LABEL} {when} (missing it ends nothing)"

    @field_validator("offer")
    @classmethod
    def _offer_range(cls, value: dict[str, float]) -> dict[str, float]:
        for issue, share in value.items():
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"offer for {issue} must be between 0 and 1 (got {share})")
        return value

    @field_validator("points")
    @classmethod
    def _points_partition(cls, value: list[list[str]] | None) -> list[list[str]] | None:
        if value is None:
            return value
        seen: set[str] = set()
        for i, point in enumerate(value):
            for issue in point:
                if issue in seen:
                    raise ValueError(f"issue {issue!r} is in more than one point (again in point {i + 1})")
                seen.add(issue)
        return value


class Attack(Strict):
    """A dated attack or ceasefire violation by a group (what the state observes; M1.3, Kydd & Walter)."""

    date: YearMonth
    group: str = Field(..., description="Group id of the attacker.")
    kind: AttackKind = Field("major_attack", description="major_attack, ceasefire_violation, or attack_on_table (an "
                             "attack on a group at another table: the target's trust and the state's belief suffer).")
    target: str | None = Field(None, description="For attack_on_table: group id of the group attacked.")
    count: int = Field(1, ge=1, le=1000, description="Number of such attacks that month.")
    description: str = ""
    source: str = ""


class VetoPlayerTerms(Strict):
    """Overrides of a veto player's defaults (data/negotiation/veto_players.csv)."""

    approval: float | None = Field(None, ge=0.0, le=1.0, description="Chance of approving a package conceding nothing.")
    sensitivity: float | None = Field(None, ge=0.0, le=20.0, description="Fall of its log-odds of approval at a full "
                                      "concession of what it cares about.")
    capability: float | None = Field(None, ge=0.0, le=10.0, description="Its capability in the BDM forecaster.")
    salience: dict[Issue, float] = Field(default_factory=dict, description="How much it cares about each issue.")
    source: str = ""


class Concession(Strict):
    """A unilateral concession (M6.1): it raises participation and moves the threat point against the state."""

    group: str
    kind: ConcessionKind
    start: YearMonth
    months: int | None = Field(None, ge=1, le=MAX_MONTHS, description="Duration; none = until the end of the run.")
    territories: list[str] = Field(default_factory=list, description="For zones: territory ids of the zone "
                                   "(default: the group's main territory).")
    source: str = ""


class Ceasefire(Strict):
    """A ceasefire (unilateral or bilateral), with or without a demilitarised zone (M5.2)."""

    group: str
    start: YearMonth
    months: int = Field(..., ge=1, le=MAX_MONTHS)
    bilateral: bool = Field(True, description="Bilateral (the state also stops operations) or unilateral.")
    zone: bool = Field(False, description="With a demilitarised zone (the Caguán risk).")
    territories: list[str] = Field(default_factory=list, description="Zone territories (default: the group's main).")
    source: str = ""


class Event(Strict):
    """A dated event: a note on the timeline and, optionally, lever changes from that month on."""

    date: YearMonth
    description: str
    set: dict[str, Any] = Field(default_factory=dict, description="Dotted lever paths and their new values.")
    source: str = ""


class Initial(Strict):
    """Where the levers stood when the scenario starts, before its own policy acts: part of the observed start, like
    the groups' members. The initial control, sanctuary and arms are computed with them, so a variant or a sweep that
    changes a lever starts from the same state and the lever acts from the first month on. A value not given is the
    lever's own value in the first month."""

    cohesion: float | None = Field(None, ge=0.0, le=1.0, description="The security forces' cohesion K (M3.2); it then "
                                   "moves toward the buy-in (none: the buy-in).")
    deployable_share: float | None = Field(None, ge=0.0, le=1.0, description="Share of the forces deployed for "
                                           "territorial operations.")
    forces: int | None = Field(None, ge=0, le=2 * MAX_PERSONNEL, description="Military and police personnel (their "
                               "sum; none: `security.military` + `security.police` in the first month).")
    repression: Literal["conditional", "unconditional"] | None = Field(None, description="The repression rule (M3.3).")
    decriminalization: float | None = Field(None, ge=0.0, le=1.0, description="Drug decriminalisation D (M1.2).")
    host_tolerance: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict, description="Tolerance of armed groups on its soil of each international actor named "
        "(M4.2); it then moves toward the actor's scheduled tolerance.")
    source: str = ""


class Policy(Strict):
    """The state's negotiation and drug policy levers."""

    talks: Talks = Field(default_factory=Talks)
    tables: dict[str, Table] = Field(default_factory=dict, description="Group id -> negotiation table.")
    concessions: list[Concession] = Field(default_factory=list)
    ceasefires: list[Ceasefire] = Field(default_factory=list)
    decriminalization: float = Field(0.0, ge=0.0, le=1.0, description="D in M1.2 (0 none, 1 full).")
    substitution: float = Field(0.0, ge=0.0, le=1.0, description="Crop-substitution effort (0-1).")
    substitution_announced: bool = Field(False, description="Substitution announced but not paid (perverse incentive).")
    political_cost_of_war: float = Field(0.5, ge=0.0, le=1.0, description="How costly fighting is for the government "
                                         "(0 none, 1 elected on ending the war): it lowers the state's outside option "
                                         "at every table.")
    attacks: list[Attack] = Field(default_factory=list, description="Dated attacks and violations the state observes.")
    draw_attacks_from: YearMonth | None = Field(
        None, description="First month in which each group at an open table, outside a ceasefire, also commits major "
        "attacks drawn at its own type's monthly rate (spoiling_rate_limited, _greedy, _total: the rates the "
        "state's reading of attacks expects), beside the dated attacks; none: only the dated ones, as in a "
        "historical scenario, whose attacks are history.")
    veto_players: dict[VetoPlayer, VetoPlayerTerms] = Field(default_factory=dict, description="Overrides of the veto "
                                                            "players' defaults.")
    events: list[Event] = Field(default_factory=list)


class ModelOptions(Strict):
    """Structural choices among published model variants."""

    negotiation_engine: Literal["nash", "alternating", "bdm", "compromise"] = Field(
        "nash", description="Bargaining protocol at every table: nash (generalised Nash bargaining over the issue "
                            "package), alternating (alternating offers with a risk of breakdown), bdm (the "
                            "expected-utility forecaster proposes, both sides decide) or compromise (the weighted-mean "
                            "baseline).")
    contest_form: Literal["ratio", "difference"] = Field("ratio", description="Tullock ratio or Hirshleifer CSF.")
    candidates: dict[str, list[str]] = Field(
        default_factory=dict, description="Forms the full uncertainty design averages over, per switch, e.g. "
        'contest_form = ["ratio", "difference"]; a switch not listed admits every form it has.')

    @field_validator("candidates")
    @classmethod
    def _known_forms(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for switch, forms in value.items():
            field = cls.model_fields.get(switch)
            if field is None or switch == "candidates":
                switches = [k for k in cls.model_fields if k != "candidates"]
                raise ValueError(f"{switch!r} is not a model switch (switches: {', '.join(switches)})")
            allowed = typing.get_args(field.annotation)
            unknown = [f for f in forms if f not in allowed]
            if unknown or not forms or len(set(forms)) != len(forms):
                problem = f"unknown form {unknown[0]!r}" if unknown else "empty or repeated forms"
                raise ValueError(f"{switch}: {problem} (its forms: {', '.join(allowed)})")
        return value


def _parameter_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for spec in PARAMETERS:
        low, high = spec.bounds
        kwargs: dict[str, Any] = {"description": f"{spec.description} [{spec.unit}]"}
        kwargs["ge"] = low
        if high != float("inf"):
            kwargs["le"] = high
        fields[spec.name] = (float, Field(spec.default, allow_inf_nan=False, **kwargs))
    fields["calibration"] = (str | None, Field(None, description="Name of a calibrated parameter set."))
    return fields


Parameters = create_model("Parameters", __base__=Strict, **_parameter_fields())


class Scenario(Strict):
    """A complete, resolved scenario."""

    name: str = Field(..., min_length=1, max_length=100,
                      description="Short name of the scenario (letters, digits, spaces, '.', '_', '+' and '-'; "
                                  "names the default output folder).")
    description: str = ""
    extends: str | None = Field(None, description="Built-in scenario name or path this file changes.")
    start: YearMonth
    months: int = Field(..., ge=1, le=MAX_MONTHS, description="Months to simulate by default.")
    territories: Territories
    groups: dict[str, Group] = Field(default_factory=dict)
    security: Security
    international: dict[str, InternationalActor] = Field(default_factory=dict)
    ex_combatants: ExCombatants | None = Field(None, description="Former combatants of a group demobilised before "
                                               "the start, and the ground it left.")
    initial: Initial = Field(default_factory=Initial)
    policy: Policy = Field(default_factory=Policy)
    model: ModelOptions = Field(default_factory=ModelOptions)
    parameters: Parameters = Field(default_factory=Parameters)  # type: ignore[valid-type]

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if not SAFE_NAME.fullmatch(value):
            raise ValueError("a scenario name starts with a letter or digit and has only letters, digits, spaces, "
                             "'.', '_', '+' or '-' (it names the output folder)")
        return value

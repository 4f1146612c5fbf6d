"""The model's parameters, named in one place: default, plausible range, unit, mechanism and source of each.

The registry is the single source for the scenario schema (typed, bounded fields), `totalpeace show`, sensitivity
and calibration priors (the plausible range) and the parameter tables in docs/model.md. Money is in USD millions per
month, time in months. "assumption" marks a default no published estimate supports; its reasoning is in `note`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParamSpec:
    """One model parameter: its default, hard bounds (validity), plausible range (priors) and provenance."""

    name: str
    default: float
    low: float
    high: float
    unit: str
    mechanism: str
    source: str
    description: str
    note: str = ""
    bounds: tuple[float, float] = (0.0, float("inf"))


ASSUMPTION = "assumption"

PARAMETERS: tuple[ParamSpec, ...] = (
    # --- M1.2 rents and drug policy -------------------------------------------------------------------------------
    ParamSpec("coca_rent_per_ha", 0.0004, 0.0001, 0.0012, "USD m / ha / month", "M1.2", ASSUMPTION,
              "Monthly illicit rent per hectare of coca that an armed group controlling the area can take.",
              "Order of the farm-gate value of coca leaf and base per hectare (a few thousand USD a year) that groups "
              "tax or buy; wide range for calibration."),
    ParamSpec("gold_rent_per_ha", 0.002, 0.0005, 0.006, "USD m / ha / month", "M1.2", ASSUMPTION,
              "Monthly rent per hectare of alluvial gold exploitation (EVOA) controlled by a group.",
              "Alluvial mining yields more per hectare than coca; set about five times the coca rent."),
    ParamSpec("extortion_rent_per_100k", 0.05, 0.01, 0.2, "USD m / 100k people / month", "M1.2", ASSUMPTION,
              "Extortion and local illicit markets per 100,000 inhabitants under a group's control.",
              "Gives urban and criminal groups a rent base that does not depend on coca."),
    ParamSpec("route_rent_per_ha", 0.0004, 0.0001, 0.0012, "USD m / ha / month", "M2.3", ASSUMPTION,
              "Transit rent, per hectare of coca shipped, earned by whoever controls an exit node (port or border).",
              "Same order as the production rent: trafficking margins rise along the chain."),
    ParamSpec("appropriable_share", 0.6, 0.3, 0.9, "share", "M1.1/M1.2",
              "assumption: prior U(0.3, 0.9) (model M1.1) [P]",
              "Share chi_0 of local illicit revenue that can be appropriated by force.", bounds=(0.0, 1.0)),
    ParamSpec("decriminalization_effect", 0.7, 0.3, 1.0, "share", "M1.2",
              "model M1.2 chi(D) = chi_0 (1 - theta_D D) [P]; Chimeli & Soares (2017) illegality raises violence",
              "theta_D: fall in the appropriable share of drug rents at full decriminalisation.", bounds=(0.0, 1.0)),
    ParamSpec("substitution_rate", 0.02, 0.0, 0.05, "1 / month", "M1.2", ASSUMPTION,
              "Monthly share of coca area removed per unit of substitution effort.",
              "Voluntary substitution (PNIS) removed tens of thousands of hectares over several years."),
    ParamSpec("substitution_announcement", 0.004, 0.0, 0.02, "1 / month", "M1.2",
              "Mejía, Prem & Vargas (LSE blog, blogs.lse.ac.uk): announced substitution raised planting [R]",
              "Monthly growth of coca area caused by announced (not yet paid) substitution programmes."),
    # --- M1.1 / M1.3 / M2.1b war versus peace -------------------------------------------------------------------------
    ParamSpec("discount_factor", 0.98, 0.95, 0.995, "per month", "M1.1", ASSUMPTION,
              "Monthly discount factor delta of armed groups.",
              "About 22% a year: armed actors have short horizons.", bounds=(0.5, 0.9999)),
    ParamSpec("legal_income_per_member", 0.00025, 0.0001, 0.0006, "USD m / member / month", "M1.1",
              "Colombia's 2022 legal minimum wage, COP 1,000,000 a month (Decreto 1724 de 2021), at ~COP 4,000/USD",
              "L_g: legal income of one demobilised member."),
    ParamSpec("political_value_months", 12.0, 0.0, 48.0, "months of rent", "M1.1", ASSUMPTION,
              "P_g: value of political participation at full deal terms, for groups with political status only.",
              "Zero for groups without political status (criminal groups), as M1.1 says."),
    ParamSpec("wealth_kept_months", 24.0, 0.0, 60.0, "months of rent", "M1.1", ASSUMPTION,
              "W_g: illicit wealth the group may keep or legalise at full deal terms, before confiscation tau.",
              "'Turning fortunes legal' is a large part of what criminal groups seek."),
    ParamSpec("reservation_limited", 0.1, 0.0, 0.5, "share of war value", "M1.3",
              "Stedman (1997) limited spoilers [R]; size [P]",
              "rho for limited spoilers: premium over the war value they require, as a share of it."),
    ParamSpec("reservation_greedy", 0.3, 0.1, 1.0, "share of war value", "M1.3",
              "Stedman (1997) greedy spoilers [R]; size [P]", "rho_0 for greedy spoilers."),
    ParamSpec("greed_concession_effect", 0.2, 0.0, 1.0, "share of war value per concession", "M1.3/M6.1",
              "model M1.3: concessions raise a greedy spoiler's demands [P]",
              "kappa_greed: rise in a greedy group's premium per active unilateral concession."),
    ParamSpec("holdout_premium", 0.05, 0.0, 0.2, "share of war value per open table", "M2.1b",
              "Cunningham (2006) last-signer incentive [R]; size [P]",
              "kappa_hold: premium a group adds for each other table still open."),
    ParamSpec("acceptance_slope", 4.0, 1.0, 10.0, "1", "M1.1", ASSUMPTION,
              "Steepness of the logistic with which the state expects each type to accept a package: the chance rises "
              "with the package's margin over that type's outside option, relative to the group's war value "
              "(the likelihood of the state's Bayesian update, model/tables/beliefs.py).",
              "The state is unsure of the group's war value, so an answer is evidence, not proof, of its type."),
    # --- M2.1 negotiation engine ---------------------------------------------------------------------------------------
    ParamSpec("bdm_status_quo_q", 1.0, 0.5, 1.0, "probability", "M2.1",
              "Q = 1 in both open replications of Scholz et al. (jmckib, dmasad) [R in code]",
              "Q: probability the status quo persists if i does not challenge.", bounds=(0.0, 1.0)),
    ParamSpec("bdm_rounds_per_month", 1.0, 1.0, 4.0, "rounds", "M2.1", ASSUMPTION,
              "BDM bargaining rounds played at each open table per month.", bounds=(1.0, 12.0)),
    ParamSpec("salience_state", 0.6, 0.3, 1.0, "share", "M2.1", ASSUMPTION, "s_S: salience of the deal for the state.", bounds=(0.0, 1.0)),
    ParamSpec("salience_group", 0.8, 0.3, 1.0, "share", "M2.1", ASSUMPTION, "s_g: salience of the deal for the group.", bounds=(0.0, 1.0)),
    ParamSpec("salience_guarantors", 0.5, 0.2, 1.0, "share", "M2.1", ASSUMPTION, "Salience for the guarantor bloc.", bounds=(0.0, 1.0)),
    ParamSpec("salience_host", 0.4, 0.1, 1.0, "share", "M2.1/M4.2", ASSUMPTION, "Salience for the sanctuary host.", bounds=(0.0, 1.0)),
    ParamSpec("talks_phase_months", 4.0, 2.0, 12.0, "months", "M2.1", ASSUMPTION,
              "Mean time, while both sides accept the package on the table, to install formal talks and to agree each "
              "agenda point (with parallel_issues sub-commissions; a point is one issue unless the table's "
              "policy.tables.<id>.points groups several).",
              "Havana took four years over about six phases, faster tables a year or two.", bounds=(1.0, 120.0)),
    ParamSpec("talks_point_stages", 1.0, 1.0, 6.0, "stages", "M2.1", ASSUMPTION,
              "Drafting stages each agenda point passes through (its whole part, at most the point's mean months): "
              "each is completed with probability stages x parallel_issues / talks_phase_months a month both sides "
              "accept, so the mean time of a point stays talks_phase_months / parallel_issues and more stages make "
              "it less dispersed (1: a memoryless pace, a point as likely agreed in its first month as in its "
              "tenth).",
              "Default 1, the memoryless pace of the model before the stages; the plausible range 1-6 gives one to "
              "five stages (a point's time with a coefficient of variation from about 1 to 0.45). The histories of "
              "talks do not identify it (docs/validation.md 10.21), so run plans draw it over that range.",
              bounds=(1.0, 24.0)),
    ParamSpec("deadline_pressure", 0.0, 0.0, 1.0, "elasticity", "M2.1", ASSUMPTION,
              "How much a table's deadline hurries the drafting: in a month both sides accept the package, the pace "
              "of 7.2 is multiplied by (W / M)^deadline_pressure when the W months of work left at the usual pace "
              "exceed the M months left before the deadline (1 otherwise, and on a table without a deadline).",
              "Agreements cluster just before deadlines in bargaining experiments (Roth, Murnighan & Schoumaker "
              "1988, AER 78(4)) and time pressure raises concession rates (Carnevale & Lawler 1986, JCR 30(4)), but "
              "no source measures how much a peace table's drafting speeds up. Default 0, the model before the "
              "deadline's anticipation (a deadline only ends a table); 1: the sides keep, month after month, the "
              "pace that would finish the work left by the deadline (at most a drafting stage a month). Two Colombian "
              "tables had a date: the Caguán's deadline, set in January 2002, which nothing hurried toward, and "
              "Havana's target, set in September 2015 for March 2016, whose on-time signing favours larger values "
              "(met in 28% of runs at 0, 50% at 1); the whole catalogue does not tell them apart, so run plans draw "
              "it from the sample matched to history, flat over 0-1 (docs/validation.md 10.68).",
              bounds=(0.0, 1.0)),
    # --- M1.1 / M1.3 / M2.1 / M4.1 negotiation tables: values, beliefs, trust, conduct (model/tables) -------------------
    ParamSpec("war_wage_multiple", 3.0, 1.0, 6.0, "legal wages per armed member", "M1.1", ASSUMPTION,
              "Upkeep of one armed member at war, in legal monthly wages: pay with a risk premium, arms, logistics.",
              "About USD 750 a month at the 2022 minimum wage; it is what war costs a group before fighting."),
    ParamSpec("leader_capture_rate", 0.01, 0.002, 0.03, "1 / month", "M1.1", ASSUMPTION,
              "Monthly chance that a group's leadership is captured or killed at full repression pressure, outside "
              "sanctuary.",
              "The FARC lost four of its seven secretariat members between March 2008 and November 2011 (Reyes, "
              "Ríos, Jojoy, Cano), about 1% a month each; not in the shipped data."),
    ParamSpec("defeat_hazard", 0.005, 0.0, 0.02, "1 / month", "M1.1", ASSUMPTION,
              "Monthly hazard that a group with no power (p = 0) loses its war economy, scaled by 1 - p (Fearon: "
              "the weaker side expects less from war).", bounds=(0.0, 1.0)),
    ParamSpec("trend_memory_months", 24.0, 6.0, 60.0, "months", "M1.1",
              "assumption: the group reads its trajectory over about two years (the Defence Ministry's figures of the "
              "FARC's decline are yearly, 2008-2012: national_series.csv)",
              "Memory of the smoothed monthly growth of a group's members, the expected trajectory in its war value: "
              "each month weighs 1 / trend_memory_months.",
              "A group that has lost members for years expects to keep losing them (the FARC from about 17,000 at the "
              "end of 2002 to 8,147 in mid-2012); a short memory would read one bad month as a trend.",
              bounds=(1.0, 1200.0)),
    ParamSpec("ordinary_sentence_months", 120.0, 96.0, 216.0, "months", "M1.1",
              "Código Penal (Ley 599 de 2000): rebellion 96-162 months (art. 467), aggravated conspiracy 96-216 "
              "months (art. 340); not read here, 120 lies in both ranges",
              "Prison term a member faces under ordinary justice.", bounds=(1.0, 1200.0)),
    ParamSpec("conviction_share", 0.5, 0.2, 0.8, "share", "M1.1", ASSUMPTION,
              "Share of demobilised rank-and-file members convicted under ordinary justice (leaders always are).",
              bounds=(0.0, 1.0)),
    ParamSpec("extradition_risk", 0.5, 0.1, 0.9, "probability", "M1.1", ASSUMPTION,
              "Chance that a leader of a drug-trafficking group is extradited when no guarantee protects him.",
              "Fourteen AUC leaders were extradited in May 2008 after demobilising (not in the shipped data).",
              bounds=(0.0, 1.0)),
    ParamSpec("leadership_wealth_share", 0.5, 0.2, 0.8, "share", "M1.1", ASSUMPTION,
              "Share of the group's fortune held by its leaders (what prison or extradition takes from them).",
              bounds=(0.0, 1.0)),
    ParamSpec("reintegration_months", 24.0, 12.0, 48.0, "months", "M1.1",
              "Decreto Ley 899 de 2017: basic income for 24 months (Pulzo on the final agreement; El Tiempo 2021) [R]",
              "Months of reintegration stipend at full reintegration terms.", bounds=(0.0, 240.0)),
    ParamSpec("reintegration_wage_share", 0.9, 0.5, 1.0, "share of the legal wage", "M1.1",
              "Decreto Ley 899 de 2017: 90% of the minimum wage (Pulzo; El Tiempo 2021) [R]",
              "Reintegration stipend as a share of the legal wage.", bounds=(0.0, 2.0)),
    ParamSpec("reintegration_grant", 0.0025, 0.001, 0.005, "USD m / member", "M1.1",
              "Decreto Ley 899 de 2017: COP 8 m productive project plus COP 2 m normalisation allowance per person "
              "(Pulzo) [R], at ~COP 4,000/USD",
              "One-off reintegration grants per member at full terms."),
    ParamSpec("ex_combatant_risk", 0.03, 0.005, 0.1, "share", "M4.1",
              "ex-combatants killed after 2016: 64 by June 2018 (Los Angeles Times), 135 in a later FARC-party count "
              "(probably mid-2019), of about 13,000, with guarantees in place; three times as many without them is "
              "an assumption",
              "Share of demobilised members killed after demobilising when there are no security guarantees.",
              bounds=(0.0, 1.0)),
    ParamSpec("ceasefire_value_months", 12.0, 3.0, 36.0, "months", "M5.2", ASSUMPTION,
              "Months of talks a negotiated ceasefire protects the group's members (value of the ceasefire terms)."),
    ParamSpec("concession_shield", 0.5, 0.0, 1.0, "share", "M6.1", ASSUMPTION,
              "Share of the leadership's capture risk (arrest orders suspended) or extradition risk (extradition "
              "suspended) that the concession removes; it covers the negotiators, not every commander.",
              bounds=(0.0, 1.0)),
    ParamSpec("greedy_honour", 0.5, 0.0, 1.0, "probability", "M1.3", ASSUMPTION,
              "Chance, as the state sees it, that a greedy spoiler keeps a signed agreement (limited ones do, total "
              "spoilers never).", bounds=(0.0, 1.0)),
    ParamSpec("state_discount_factor", 0.99, 0.95, 0.999, "per month", "M2.1", ASSUMPTION,
              "Monthly discount factor of the state in alternating offers.",
              "Governments are more patient than armed groups within a four-year term.", bounds=(0.5, 0.9999)),
    ParamSpec("type_prior_mode", 0.6, 0.34, 0.95, "probability", "M1.3", ASSUMPTION,
              "The state's prior probability on a group's scenario spoiler label; the rest is split between the "
              "other two types, and each run draws the group's true type from this prior.", bounds=(0.34, 1.0)),
    ParamSpec("spoiling_rate_limited", 0.01, 0.001, 0.05, "1 / month", "M1.3", ASSUMPTION,
              "Monthly rate of major attacks (and attacks on other tables' groups) the state expects of a limited "
              "spoiler in talks; where the scenario draws attacks (policy.draw_attacks_from), the rate at which a "
              "limited group at an open table, outside a ceasefire, commits them."),
    ParamSpec("spoiling_rate_greedy", 0.05, 0.01, 0.2, "1 / month", "M1.3", ASSUMPTION,
              "The same rate for a greedy spoiler (violence as pressure: ELN attacks rose 349 -> 386 while it "
              "explored talks in 2014, MECHANISMS.md M6.1). The major attacks dated at Colombia's tables give "
              "0.03-0.08 a month: the ELN 2 in the 24 months of its 2017-19 talks (Jan 2018, Jan 2019; "
              "timeline.csv), the FARC 2 in the 46 of Havana (Nov 2014, Apr 2015; history_events.csv) and 1 in the "
              "37 of the Caguán (Feb 2002)."),
    ParamSpec("spoiling_rate_total", 0.2, 0.05, 0.5, "1 / month", "M1.3",
              "Stedman (1997); Kydd & Walter (2002) [R]; size [P]",
              "The same rate for a total spoiler, who attacks to derail the process."),
    ParamSpec("violation_rate_limited", 0.05, 0.01, 0.2, "1 / month", "M1.3", ASSUMPTION,
              "Monthly rate of the scenario's dated ceasefire violations (policy.attacks) the state expects of a "
              "limited spoiler under a ceasefire; the violations it sees of the groups' own conduct are read against "
              "what each type would do (docs/model.md 7.13)."),
    ParamSpec("violation_rate_greedy", 0.2, 0.05, 0.5, "1 / month", "M1.3/M5.1", ASSUMPTION,
              "The same rate for a greedy spoiler, who exploits ceasefires (the Caguán risk)."),
    ParamSpec("violation_rate_total", 0.5, 0.1, 1.0, "1 / month", "M1.3", ASSUMPTION,
              "The same rate for a total spoiler."),
    ParamSpec("misattribution", 0.3, 0.0, 1.0, "share", "M1.3",
              "Kydd & Walter (2002): extremist violence plays on mistrust between negotiators [R]; size [P]",
              "Share of the attacks a group suffers from others that the state counts as the group's own.",
              bounds=(0.0, 1.0)),
    ParamSpec("spoiler_mimicry", 0.25, 0.0, 0.5, "probability", "M1.3",
              "Stedman (1997): spoilers inside a process keep minimum compliance (spoiling by stealth) [R]; size [P]",
              "Chance, as the state sees it, that a total spoiler accepts a package in talks (it never signs).",
              bounds=(0.0, 1.0)),
    ParamSpec("offer_novelty", 0.05, 0.01, 0.2, "share of the war value", "M1.3", ASSUMPTION,
              "The state learns from the group's answer only to an offer whose value to the group differs from the "
              "last one it learned from by more than this share of the group's war value (a refusal repeated says "
              "nothing new)."),
    ParamSpec("belief_suspend", 0.25, 0.1, 0.5, "probability", "M6.2", ASSUMPTION,
              "The state suspends a table after an attack or violation when its belief that the group is a total "
              "spoiler exceeds this; it resumes only below it.", bounds=(0.0, 1.0)),
    ParamSpec("belief_end", 0.5, 0.3, 0.9, "probability", "M6.2", ASSUMPTION,
              "The state ends a table when its belief that the group is a total spoiler exceeds this.",
              bounds=(0.0, 1.0)),
    ParamSpec("belief_ceasefire", 0.6, 0.4, 0.9, "probability", "M5.1", ASSUMPTION,
              "The state agrees a bilateral ceasefire (once its terms are agreed) only while its belief that the "
              "group is a limited spoiler is at least this.", bounds=(0.0, 1.0)),
    ParamSpec("resume_months", 1.0, 1.0, 2.0, "months", "M6.2",
              "The state's suspensions of talks before 2022 that ended in resumption: Santos suspended the Havana "
              "talks on 16 Nov 2014 and resumed them on 10 Dec, the month after (Reuters, 10 Dec 2014; "
              "history_events.csv 2014-11-16 and 2014-12-10) [R]; value: that month; range: to the two months of the "
              "ELN's talks suspended in January 2018 and resumed in March (history_events.csv 2018-03-12, the event "
              "the catalogue's eln-talks-resumed-2018 checks, so not a source for the value) [R-derived]",
              "Months without attacks before the state resumes a suspended table.", bounds=(0.0, 120.0)),
    ParamSpec("resume_political_cost", 0.3, 0.0, 0.6, "political cost of war", "M6.2", ASSUMPTION,
              "A government whose political cost of war is below this ends a suspended table instead of resuming it.",
              bounds=(0.0, 1.0)),
    ParamSpec("max_suspension_months", 12.0, 3.0, 36.0, "months", "M6.2", ASSUMPTION,
              "The state ends a table suspended for longer than this.", bounds=(1.0, 240.0)),
    ParamSpec("trust_base", 0.3, 0.1, 0.6, "probability", "M4.1", ASSUMPTION,
              "A group's trust that the state keeps its commitments at a table without guarantors.",
              bounds=(0.0, 1.0)),
    ParamSpec("guarantor_trust", 0.6, 0.2, 1.0, "share", "M4.1",
              "Walter (1997): negotiations with a third-party enforcer succeeded, without one they usually failed "
              "[R]; size [P]",
              "Share of the remaining distrust that a full guarantor index (G = 1) removes.", bounds=(0.0, 1.0)),
    ParamSpec("reneged_share", 0.5, 0.0, 0.9, "share", "M4.1", ASSUMPTION,
              "Share of a package's value the group keeps if the state reneges (what is delivered early: amnesties "
              "granted, stipends paid, seats held); the group values a package at trust + (1 - trust) x this share.",
              bounds=(0.0, 1.0)),
    ParamSpec("trust_prior_months", 12.0, 3.0, 36.0, "months of evidence", "M4.1", ASSUMPTION,
              "Weight of the initial trust, in months of evidence (how fast implementation changes it).",
              bounds=(0.1, 1000.0)),
    ParamSpec("trust_memory", 0.97, 0.9, 0.995, "per month", "M4.1", ASSUMPTION,
              "Monthly persistence of the evidence behind trust (old promises fade).", bounds=(0.0, 1.0)),
    ParamSpec("broken_promise_months", 6.0, 1.0, 24.0, "months of evidence", "M4.1", ASSUMPTION,
              "Evidence against the state's word added by one blocked part of an agreement."),
    ParamSpec("attack_trust_months", 2.0, 0.0, 12.0, "months of evidence per attack", "M1.3/M4.1",
              "Kydd & Walter (2002): spoilers' attacks aim at the negotiators' mutual trust [R]; size [P]",
              "Evidence against the state's word added when a group at another table attacks the group (the state "
              "could not protect it)."),
    ParamSpec("concession_trust_months", 1.0, 0.0, 2.0, "months of evidence per kind and month", "M4.1",
              "Kydd (2000) 'Trust, reassurance, and cooperation', International Organization 54(2); Kydd (2005) "
              "Trust and Mistrust in International Relations: costly signals build trust [R]; size: assumption, "
              "one month of a concession kept counts like one month of an agreement implemented",
              "Evidence for the state's word added each month a concession (arrest orders or extradition suspended, "
              "bombing suspended, a zone) is kept in force at an open table, per kind, at a full guarantor index "
              "(in proportion to it: the guarantors verify the state's conduct, Walter 1997)."),
    ParamSpec("ex_combatant_trust_effect", 12.0, 1.0, 48.0, "months of evidence per 1% killed", "M4.1", ASSUMPTION,
              "Evidence against the state's word added when 1% of the group's demobilised members are killed."),
    ParamSpec("parallel_issues", 2.0, 1.0, 4.0, "issues", "M2.1", ASSUMPTION,
              "Agenda points negotiated at once (sub-commissions): each month one point is agreed with probability "
              "parallel_issues / talks_phase_months while both sides accept the package; a table's own "
              "policy.tables.<id>.parallel_issues overrides it.",
              "The Havana table worked through sub-commissions from 2014.", bounds=(1.0, 8.0)),
    ParamSpec("veto_block_rate", 0.05, 0.0, 0.2, "1 / month", "M2.1b", ASSUMPTION,
              "Monthly chance that an implementation-stage veto player that disapproves of the agreement blocks part "
              "of it.", bounds=(0.0, 1.0)),
    ParamSpec("renegotiation_cut", 0.2, 0.0, 0.5, "share", "M2.1b", ASSUMPTION,
              "After a veto player rejects an agreement, the state cuts its mandate on the issues that veto player "
              "cares most about by this share (less on the others).", bounds=(0.0, 1.0)),
    ParamSpec("split_terms_effect", 0.5, 0.0, 1.0, "probability", "M7.2",
              "assumption: a faction rejects an agreement worth less to it than war (pi_2 1[signed and V_war > "
              "V_peace], the FARC's dissidents of 2016), graded by the shortfall",
              "Additional split chance when the agreement is worth nothing to the group's richest faction.",
              bounds=(0.0, 1.0)),
    ParamSpec("rent_dispersion", 2.0, 1.0, 5.0, "ratio", "M7.2", ASSUMPTION,
              "Rent per member of a group's richest faction relative to the group's mean (drug-trafficking fronts).",
              bounds=(1.0, 100.0)),
    # --- M4.1 / M5.1 commitment ------------------------------------------------------------------------------------------
    ParamSpec("breakdown_hazard_base", 0.0038, 0.0002, 0.009, "1 / month", "M4.1",
              "Walter (1999): 9 of 17 civil-war negotiations failed [R]; h_0 such that about half of the tables "
              "without guarantors end unsigned within four years of opening, for any reason (the hazard with its "
              "covariates, which raise it above h_0, and the state's decisions after the attacks it draws): the "
              "flagship's insurgent and dissident tables at the registry defaults, all guarantors removed "
              "(tools/hazard_prior.py: 50% at 0.0038, 65% at 0.009; 36% end with no hazard, so the range starts "
              "near zero) [S]", "h_0: baseline monthly hazard."),
    ParamSpec("guarantor_effect", 1.0, 0.2, 2.0, "log hazard", "M4.1",
              "Walter (1997) third-party guarantees; Fortna (2003) [R]; size [P]",
              "beta_G: fall in log breakdown hazard at a full guarantor index G = 1."),
    ParamSpec("disarmament_risk", 1.5, 0.5, 3.0, "log hazard", "M4.1",
              "Walter (1999) demobilisation is the dangerous moment [R]; size [P]",
              "beta_D: rise in log hazard as the group disarms without guarantees."),
    ParamSpec("violence_against_effect", 0.5, 0.0, 2.0, "log hazard", "M4.1",
              "model M4.1 killings of ex-combatants [R news]; size [P]",
              "beta_V: rise in log hazard with violence against the group in talks (state clashes, rivals)."),
    ParamSpec("power_shift_effect", 1.0, 0.0, 3.0, "log hazard", "M5.1",
              "Powell (2006) large rapid power shifts lead to war [R]; inequality [S]; size [P]",
              "beta_P: rise in log hazard when delta*dp/(1-delta) exceeds the two sides' war costs."),
    ParamSpec("surplus_breakdown_effect", 0.5, 0.0, 2.0, "log hazard per unit shortfall", "M1.1/M4.1", ASSUMPTION,
              "beta_U: rise in log breakdown hazard when the deal on the table is worth less to the group than walking "
              "away (war once the concessions in force lapse)."),
    ParamSpec("progress_commitment_effect", 1.0, 0.0, 3.0, "log hazard at the whole agenda agreed", "M4.1",
              "assumption: each agreed point of an agenda is published (Havana's joint communiqués on land, May "
              "2013; political participation, Nov 2013; illicit drugs, May 2014; victims, Dec 2015) and raises the "
              "audience cost of walking away (Fearon 1994) and what either side's investment in the table loses "
              "(entrapment, Brockner and Rubin 1985); the Caguan agreed no point of its 1999 agenda in three years; "
              "size [P]",
              "beta_A: fall in log breakdown hazard of an open table as it agrees its agenda (share agreed)."),
    ParamSpec("war_cost_share", 0.1, 0.02, 0.3, "share of the discounted stakes", "M5.1/M6.1", ASSUMPTION,
              "c_S + c_G: share of the whole discounted value that war destroys (Powell's inequality; the state's cost "
              "in the Nash split of the bargaining audit)."),
    # --- M5.2 / M7.2 DDR and splits ----------------------------------------------------------------------------------------
    ParamSpec("ddr_rate", 0.28, 0.1, 0.5, "1 / month", "M5.2",
              "the FARC laid down its arms within about 9 months of the agreement ratified on 30 Nov 2016 (UN Mission "
              "in Colombia: individual weapons by 27 Jun 2017, the arms caches by Aug 2017) [R]; 0.28 = 1 - 0.05^(1/9): "
              "95% of the members at signing demobilised (the end of DDR) 9 months into implementation, at full "
              "reintegration terms [S]; range: assumption (0.1: 95% in about 30 months; 0.5: in 4 to 5)",
              "Monthly share of a signing group's remaining members that demobilise during implementation.",
              "At 0.1, the default until December 2026, the end of DDR came about 30 months into implementation "
              "(40 at half the reintegration terms), against the 9 months its source gives."),
    ParamSpec("split_base", 0.1, 0.0, 0.4, "probability", "M7.2",
              "model M7.2 P = pi_0 + ... [P]; the FARC split on signing (dissidents) [R]",
              "pi_0: chance that a faction rejects the deal when its group signs.", bounds=(0.0, 1.0)),
    ParamSpec("split_cohesion_effect", 0.6, 0.0, 1.0, "probability", "M7.2", ASSUMPTION,
              "pi_2: additional split chance at zero cohesion (scaled by 1 - cohesion).", bounds=(0.0, 1.0)),
    ParamSpec("split_member_share", 0.15, 0.05, 0.4, "share", "M7.2",
              "about 1,500-2,500 FARC dissidents of ~13,000 demobilised [R: group_sizes.csv; US State Department]",
              "Share of the signing group's members that leave with the dissident faction, at cohesion 0.5.",
              bounds=(0.0, 1.0)),
    # --- M3.2 / M3.3 security forces ----------------------------------------------------------------------------------------
    ParamSpec("cohesion_recovery", 0.03, 0.005, 0.1, "1 / month", "M3.2", ASSUMPTION,
              "kappa_rec: monthly recovery of security-force cohesion toward its buy-in level."),
    ParamSpec("cohesion_purge_effect", 0.4, 0.1, 1.0, "cohesion per share purged", "M3.2", ASSUMPTION,
              "kappa_purge: fall in cohesion per share of general officers retired."),
    ParamSpec("cohesion_concession_level", 0.05, 0.0, 0.2, "per weighted concession", "M3.2", ASSUMPTION,
              "kappa_level: the level cohesion recovers toward is buy-in / (1 + kappa_level C), C the weighted "
              "concessions in force.",
              "Concessions in force keep the forces' buy-in lower for as long as they last, with a saturating effect "
              "(four suspended bombings and two judicial concessions, C = 5, lower the level by a fifth) instead of a "
              "drain that accumulates every month."),
    ParamSpec("cohesion_new_concession", 0.02, 0.0, 0.1, "cohesion per weighted new concession", "M3.2", ASSUMPTION,
              "kappa_new: fall in cohesion in the month a concession is granted, per weighted concession.",
              "The signal the forces react to is the decision (Lloreda and generals resigned the week the Caguán zone "
              "was extended indefinitely, LA Times 27 May 1999); a one-off shock from which cohesion recovers."),
    ParamSpec("cohesion_casualty_effect", 0.2, 0.0, 1.0, "per reference month above the usual", "M3.2",
              ASSUMPTION, "kappa_cas: the level cohesion recovers toward falls as buy-in / (1 + ... + kappa_cas X), X "
              "the security-force casualties above the usual level while concessions restrain the forces.",
              "Casualties under restraint erode buy-in (in April 2015 the killing of 11 soldiers during the FARC "
              "ceasefire ended the suspension of bombing, history_events.csv); a month at twice the usual "
              "casualties lowers the level by a sixth, for as long as it lasts."),
    ParamSpec("casualty_reference", 10.0, 5.0, 20.0, "killed / month", "M3.2",
              "Defence Ministry via La FM (Sep 2021): 82 security-force members killed in Jan-Aug 2021, about 10 a "
              "month [R]", "Security-force members killed in a month of the recent past: the unit of casualty strain.",
              bounds=(0.1, 1e4)),
    ParamSpec("dissent_base", -5.0, -7.0, -3.0, "logit", "M3.2",
              "Open dissent by serving commanders is rare: Defence Minister Lloreda and generals resigned over the "
              "Caguán zone (LA Times, 27 May 1999), the minister clashed with the high command and left (LA Times, "
              "13 Nov 2003); about one episode in a decade at the usual cohesion [R]; size [P]",
              "gamma_0: logit of the monthly chance of an open dissent event at full cohesion.",
              "With gamma_1 = 3, cohesion 0.7 gives 1.7% a month (0.2 a year) and cohesion 0.5 gives 3% (0.36 a year): "
              "the order of the episodes above.", bounds=(-20.0, 5.0)),
    ParamSpec("dissent_cohesion_effect", 3.0, 1.0, 6.0, "logit", "M3.2", ASSUMPTION,
              "gamma_1: logit rise per unit of lost cohesion."),
    ParamSpec("dissent_concession_effect", 0.5, 0.0, 1.5, "logit per weighted new concession", "M3.2", ASSUMPTION,
              "gamma_2: logit rise of the chance of dissent in the month concessions are granted, per weighted "
              "concession.", "An indefinite zone (weight 1) raises the month's chance from 3% to 5%; a package of "
              "four suspended bombings and two judicial concessions (weight 5) to about 28%."),
    ParamSpec("dissent_casualty_effect", 0.5, 0.0, 2.0, "logit per reference month above the usual", "M3.2",
              ASSUMPTION, "gamma_3: logit rise of dissent per month of casualties above the usual level, under "
              "restraint."),
    ParamSpec("dissent_shock", 0.05, 0.0, 0.2, "cohesion", "M3.2", ASSUMPTION,
              "Fall in cohesion caused by one dissent event.", bounds=(0.0, 1.0)),
    ParamSpec("operations_priority", 0.1, 0.0, 0.25, "share", "M3.1/M3.2", ASSUMPTION,
              "omega_P: share of the state's operations against the groups allocated by each group's share of the "
              "armed members, (1 - omega_P) + omega_P n_a N_g / sum_h N_h (mean one over the n_a groups present).",
              "The forces answer the size of a threat: Directive 15 of 2016 classed the Clan del Golfo as an "
              "organised armed group so that military force could be used against it, and Operation Agamenon (from "
              "2015) was the largest against any group, while a uniform pressure let a growing group draw no more "
              "operations than a small one. But the guerrillas were removed at about the same rate per member "
              "whatever their size: in 2013 the armed forces alone (the police's captures, mostly of militia, "
              "aside) removed 250 + 1,150 + 829 = 2,229 FARC members (killed, captured, surrendered) of some 7,200 "
              "(Santos, Nov 2013) to 8,147 (mid-2012) fighters and 49 + 220 + 188 = 457 of the ELN's some 1,500 "
              "(El Espectador, 'Mas de 3.700 guerrilleros fueron capturados', the armed forces' report on 2013): a "
              "FARC-to-ELN ratio of removals per member of 0.84-1.02 for any share of the captures taken as militia, "
              "where the FARC, 70% of the guerrillas' and the Clan del Golfo's fighters in 2012, draws 1.18 times "
              "the ELN's operations per member at omega_P 0.1, 1.51 at 0.25 and 2.2 at 0.5. Range 0-0.25 (a ratio "
              "up to 1.5, leaving room for where each group is), 0.1 in the middle [R-derived; no pattern scores "
              "2013: docs/validation.md 10.71]. An assumption, drawn with the others in the matched sample.",
              bounds=(0.0, 1.0)),
    ParamSpec("conditional_effort_bonus", 0.2, 0.0, 0.5, "share", "M3.2/M3.3", ASSUMPTION,
              "epsilon_cond: extra effective effort when repression is conditional on violence."),
    ParamSpec("deployment_threat_weight", 0.5, 0.0, 2.0, "at saturation", "M3.2", ASSUMPTION,
              "omega_T: extra deployment weight where armed groups are dense, (1 + omega_T T / (1 + T)), T the "
              "armed-group density relative to the national density.",
              "Forces follow the threat (the 2019 'zonas futuro' and earlier consolidation plans concentrated forces "
              "where groups were densest); a quarter more at the national density and at most half more keeps "
              "population the main driver; saturating, so that the rule does not change with the territories' size "
              "(department and municipal flagships)."),
    ParamSpec("deployment_vacuum_weight", 1.5, 0.0, 6.0, "per vacated share at cohesion 1", "M3.2",
              "Plan Victoria (2017): about 16,000 members of the forces sent to the regions the FARC left (El Tiempo, "
              "2017; InSight Crime: about 15,000) [R]; size: about a quarter more than the 61,000 the rule deploys "
              "in the FARC's former departments at colombia-2012's start, reached at a vacated record of 0.3 and "
              "cohesion 0.7 (1 + 1.5 x 0.7 x 0.3 = 1.3) [R-derived]",
              "omega_V: extra deployment weight per unit of vacated control, scaled by cohesion."),
    ParamSpec("deployment_attack_weight", 1.0, 0.0, 3.0, "at saturation", "M3.2", ASSUMPTION,
              "omega_A: extra deployment weight where the forces were attacked (saturating in members killed).",
              "Reinforcement after attacks doubles the weight at most; a territory with one member killed recently "
              "gets half of that."),
    ParamSpec("reaction_to_attacks", 0.5, 0.0, 2.0, "at saturation", "M3.2/M3.3", ASSUMPTION,
              "omega_R: rise in operations against a group after its attacks on the forces (saturating).",
              "The state steps up operations against the attacker (April 2015: bombing of the FARC resumed after "
              "the Cauca attack, history_events.csv) by up to half."),
    ParamSpec("verified_restraint", 0.5, 0.0, 1.0, "share at full verification", "M3.2/M4.1", ASSUMPTION,
              "psi_V: fall in operations against a group keeping a unilateral ceasefire that is seen to be kept.",
              "The state reciprocates a ceasefire it can see kept (the FARC's 2015 unilateral ceasefire was followed "
              "by the suspension of bombing); half when every front keeps it and it is fully seen."),
    ParamSpec("violation_detection", 0.5, 0.0, 1.0, "share", "M3.2/M4.1/M5.1", ASSUMPTION,
              "delta: chance that the forces see a ceasefire's violations (and its compliance) without verifiers.",
              "An attack on the forces is seen by the forces: the FARC's attack in Cauca (Apr 2015) brought the "
              "bombing back within days and the ceasefire of Jul 2015 was monitored by the forces, CERAC and "
              "civil society without guarantors (history_events.csv 2015-04, 2015-07); recruitment and expansion "
              "by a front that keeps its guns quiet are not seen: one half, an assumption."),
    ParamSpec("repression_base", 0.3, 0.1, 0.6, "share", "M3.3", "Lessing (2015) reduced form [R]; size [P]",
              "rho_0: baseline repression pressure on every group.", bounds=(0.0, 1.0)),
    ParamSpec("repression_conditionality", 0.6, 0.0, 1.0, "share", "M3.3",
              "Lessing (2015, 2017) conditional repression [R]; size [P]",
              "rho_1 under a conditional rule (0 under an unconditional rule).", bounds=(0.0, 1.0)),
    ParamSpec("corruption_gain", 0.5, 0.1, 1.0, "share of rent", "M3.3", ASSUMPTION,
              "beta_cor: extra rent that violence extracts from corruptible enforcers."),
    ParamSpec("violence_cost", 0.2, 0.0, 1.0, "share of rent", "M3.3", ASSUMPTION,
              "c_v: direct cost to a group of using violence."),
    # --- M2.2 / M2.3 territorial contest ---------------------------------------------------------------------------------------
    ParamSpec("contest_decisiveness", 1.0, 0.5, 2.0, "exponent", "M2.2",
              "Tullock ratio form p = e^m / sum e^m [S]; m = 1 is the standard lottery", "m: CSF decisiveness."),
    ParamSpec("contest_difference_k", 2.0, 0.5, 5.0, "dimensionless (effort / mean effort)", "M2.2",
              "Hirshleifer (1989) difference form [R abstract]", "k of the logistic difference-form CSF."),
    ParamSpec("control_turnover", 0.1, 0.05, 0.3, "1 / month", "M2.2", "assumption: prior U(0.05, 0.3) (model M2.2) [P]",
              "nu: monthly speed at which control shares move toward contest outcomes.", bounds=(0.0, 1.0)),
    ParamSpec("neighbour_reach", 0.3, 0.1, 0.8, "share of effort at 150 km width", "M2.2", ASSUMPTION,
              "r_0: share of a member's effort spent in the neighbouring territories when its own territory is 150 km "
              "wide (about the median department); r_i = min(0.9, r_0 150 / width_i), split among the neighbours "
              "by the group's own members there (equally where it has none), so each member's effort sums to one.",
              "A member patrols a fixed radius: the narrower its territory, the more of that radius lies next door "
              "(the same members reach as far at municipal scale as at department scale).", bounds=(0.0, 1.0)),
    ParamSpec("state_effort_ratio", 0.5, 0.1, 1.0, "member-equivalents / person", "M2.2/M3.2", ASSUMPTION,
              "Contest effort of one effective (deployed, cohesive) member of the security forces, relative to one "
              "armed-group member.", "Local groups know the ground; the state's edge is numbers."),
    ParamSpec("arms_effort_effect", 1.0, 0.0, 2.0, "share", "M2.3/M5.2",
              "assumption: prior U(0, 2) of the cartel-finance effect psi_F (model M2.2) [P]",
              "psi_A: extra contest effort of a group whose arms and resources are far above a year of its operations "
              "(effort x (1 + psi_A a / (1 + a)), a = resources / (12 x operations cost x armed members)).",
              "Arms, ammunition and logistics multiply what fighters can do; foreign cartels arm their proxies "
              "through this stock (M2.3)."),
    ParamSpec("effort_noise", 0.2, 0.05, 0.5, "log sd", "M2.2", ASSUMPTION,
              "Monthly log-normal noise on contest efforts (luck, local events).", bounds=(0.0, 2.0)),
    # --- M3.1 / M5.2 / M4.2 strength ---------------------------------------------------------------------------------------------
    ParamSpec("state_attrition", 0.0003, 0.0001, 0.0015, "1 / month per member-equivalent per 1000 km2", "M3.1",
              "Deitchman (1962) area-fire form [S]; size [P], to calibrate on combat deaths (CERAC via Colombia Reports: monthly conflict deaths after the 2015 FARC ceasefire)",
              "a_S: monthly loss rate of group members per unit of state effort density."),
    ParamSpec("bombing_share_of_attrition", 0.3, 0.1, 0.6, "share", "M3.1/M6.1", ASSUMPTION,
              "Share of the state's attrition on a group that suspended aerial bombing removes."),
    ParamSpec("state_losses_per_member", 0.00103, 0.0004, 0.004, "1 / month", "M3.1",
              "Defence Ministry via La FM (Sep 2021): 82 security-force members killed in Jan-Aug 2021 [R]; size: set "
              "so that colombia-2017 loses about 10 a month in 2021 (tools/outcome_scales.py) [R-derived]",
              "b_g: monthly security-force members killed per group member where the state operates, at full "
              "violence posture."),
    ParamSpec("intergroup_attrition", 0.01, 0.002, 0.05, "1 / month at equal densities", "M3.1", ASSUMPTION,
              "a_h: area-fire attrition between rival irregular groups sharing a territory."),
    ParamSpec("rival_lethality", 0.0578, 0.02, 0.0956, "share", "M3.1/M7.2",
              "UCDP GED: no non-state conflict coded in Colombia in 2007-2018 (under 25 deaths a pair a year) [R]; "
              "top of the range: the largest value keeping colombia-2012 under that threshold in 2015-2016 "
              "(tools/outcome_scales.py) [R-derived]; size within it [P]",
              "lambda_R: share of the members a group loses to its rivals who are killed, where neither side is a "
              "counterinsurgent group; the rest are driven out, flee or change sides (lost to the group, not deaths).",
              "Most of the contest between groups over rents is coercion (threats, expulsions, co-optation of members "
              "and networks), not battle: UCDP codes no non-state pair in Colombia after the AUC's demobilisation, "
              "so each pair of groups killed fewer than 25 of each other's members a year, while the attrition rule "
              "costs the groups a few hundred members a year to their rivals. UCDP's coding bounds the share without "
              "measuring it: the registry's range runs from a fiftieth (an assumption) to the threshold's value "
              "(0.097 at the registry's defaults), and the default is its middle. The members lost are unchanged: "
              "only how many of them die. A counterinsurgent group's wars kill `counterinsurgent_lethality`.",
              bounds=(0.0, 1.0)),
    ParamSpec("counterinsurgent_lethality", 0.220, 0.180, 0.284, "share", "M3.1/M7.2",
              "UCDP GED 19.1: 385 non-state deaths a year in 1999-2002, all in the AUC's wars on the FARC and the ELN "
              "(best; low 324, high 513) [R]; set so that colombia-1998 gives them at the registry's defaults "
              "(tools/outcome_scales.py) [R-derived]; range: UCDP's low and high estimates",
              "lambda_W: share of the members lost in a counterinsurgent group's wars (either side of the pair) who "
              "are killed.",
              "The paramilitaries' war on the guerrillas aimed at destroying them and their supporters, not at "
              "sharing rents: it is the only non-state conflict UCDP ever coded in Colombia (1997-2006, 64 to 581 "
              "deaths a year), while every other pair of groups stayed under 25 a year. One lethality for both kinds "
              "of war gave 258 of the 385 a year in 1999-2002 and 91 against at most 50 in 2013-2014 "
              "(docs/validation.md 10.24). Set from the same figure the pattern `non-state-deaths-1999-2002` scores, "
              "which is therefore a calibration check, not a test.",
              bounds=(0.0, 1.0)),
    ParamSpec("members_per_clash", 1.95, 1.0, 4.0, "deaths per clash", "M7.2",
              "Mean of a discrete power law with exponent 2.5 (Johnson et al.; Bohorquez et al. 2009) [R-derived]",
              "Mean deaths per clash, used to turn attrition into clash counts.", bounds=(0.1, 100.0)),
    ParamSpec("collateral_share", 0.3, 0.05, 1.0, "civilians per combatant killed", "M3.1",
              "Kress & Szechtman (2009) collateral damage [R]; size [P]",
              "xi: civilians killed per group member the state kills where its intelligence is nil (scaled by "
              "1 - S_i, the state's presence standing in for intelligence quality iota)."),
    ParamSpec("killed_share", 0.126, 0.03, 0.35, "share of removals", "M3.1",
              "Defence Ministry results for 2014 (El Espectador, Jan 2015): FARC 250 killed, 2,329 captured, 1,175 "
              "demobilised; ELN 46, 537, 170. Of the 2,866 captured, a share phi = 0.75 are taken to be support "
              "networks (docs/validation.md 10.9), so the armed members removed are 296 killed + 717 captured + 1,345 "
              "demobilised and 296 / 2,358 were killed [R-derived]; range 0.096 - 0.18 for phi 0.5 - 1",
              "Share of the insurgents' and dissidents' armed members the state removes who are killed, when they "
              "fight back (the rest are captured or surrender).",
              "phi: the police made about half of the captures (the armed forces alone counted 1,370 guerrillas "
              "captured in 2013, El Espectador, against 2,866 by all forces in 2014), mostly of urban and rural "
              "militia, and half of the armed forces' own captures are taken to be militia too (assumption): phi = "
              "0.5 + 0.5 x 0.5. The "
              "share is a doctrine of its time: 43% in Aug 2002 - Aug 2003 by the same reading (Army via Estadão: "
              "1,659 killed, 3,039 captured, 678 surrendered), which colombia-1998 sets; the Defence Minister said "
              "in 2010 'we prefer a demobilised to a captured, and a capture to a death' (Notimérica, Sep 2010).",
              bounds=(0.0, 1.0)),
    ParamSpec("killed_share_criminal", 0.059, 0.03, 0.25, "share of removals", "M3.1",
              "Armed forces, Aug 2010 - Aug 2011 (EFE via Fox News Latino): criminal bands 19 killed, 488 captured, 58 "
              "surrendered; with half of the armed forces' captures taken to be support networks (as for "
              "killed_share), 19 of 321 armed members removed were killed [R-derived]; range: none (0.034) to all "
              "(0.25) of the captures support networks",
              "Share of the armed members of criminal groups the state removes who are killed (policing "
              "operations).", bounds=(0.0, 1.0)),
    ParamSpec("killed_share_no_resistance", 0.01, 0.0, 0.05, "share of removals", "M3.1", ASSUMPTION,
              "Share killed among the members the state removes from a group that does not fight back (posture 0).",
              "Arrests of members of a group keeping a ceasefire are rarely lethal; about a third of the criminal "
              "groups' share in the armed forces' raw count (3.4%).", bounds=(0.0, 1.0)),
    ParamSpec("surrender_share", 0.32, 0.15, 0.6, "share of non-lethal removals", "M3.1",
              "Defence Ministry 2014 (El Espectador): 1,345 guerrillas demobilised against 2,866 captured [R]",
              "Share of the armed members removed alive who surrender (individual demobilisation) rather than being "
              "captured.",
              "18% in 2002-03 (Army via Estadão), 58% for the FARC in 2010-11 (EFE), 30% for the ELN in 2019-20 "
              "(El Nuevo Siglo: 510 against 1,174). Counted over the armed members only, with the captured support "
              "networks of killed_share's reading set apart, the 2014 share would be 1,345 / 2,062 = 0.65 for the "
              "guerrillas and 58 / 302 = 0.19 for the criminal bands of 2010-11: the default keeps the raw count, "
              "which only splits the captures from the surrenders.", bounds=(0.0, 1.0)),
    ParamSpec("support_capture_ratio", 0.44, 0.23, 0.83, "ratio of monthly rates", "M3.1",
              "Defence Ministry 2014 (El Espectador) with the FARC's size c. 2015 (MinDefensa via PeaceInsider: "
              "6,700-8,000 combatants, 11,000-18,000 militia; national_series.csv): with phi = 0.75 of the 2,329 "
              "captured support networks (killed_share), 1,747 of some 14,500 militia were captured (12% a year) "
              "while 2,007 of some 7,350 combatants were killed, captured or demobilised (27%): 0.12 / 0.27 "
              "[R-derived]; range 0.23 - 0.83 for phi 0.5 - 1",
              "rho_s: the share of a group's support networks the state captures in a month, relative to the share "
              "of its armed members there that the operations remove.",
              "Operations that find fighters also arrest the militia, informants and logisticians around them, at a "
              "lower rate: they do not fight and are fewer in the open."),
    ParamSpec("recruitment_rate", 0.0008, 0.0003, 0.003, "recruits / month / sqrt(member x young person held)",
              "M5.2", ASSUMPTION,
              "zeta: monthly recruits per square root of (the group's effective members in a territory x the young "
              "people it controls there) at the reference propensity (pay equal to the legal wage, state presence "
              "one half, nothing vacated).",
              "Recruitment needs both recruiters (the group's networks) and a labour pool it controls (Isaza & Campos "
              "2005: illegal numbers limited by the susceptible population); the product's square root has constant "
              "returns, so it is the same whether a department is cut into municipalities or not. Order set so that "
              "groups at their 2017-2022 sizes replace their losses and grow by about 1-2% a month where they are "
              "rich and face little state."),
    ParamSpec("recruitment_rent_effect", 0.5, 0.1, 1.0, "elasticity", "M5.2",
              "model M5.2 beta_w (Dube & Vargas 2013 opportunity cost) [R]; prior eta_w in [0.1, 0.5] (model M1.2) "
              "[P]", "beta_w: elasticity of recruitment (and, with the opposite sign, of desertion) to the pay a "
              "group offers relative to the legal wage (constant, unless recruitment_pay_saturation saturates it).",
              "A constant elasticity keeps rich groups recruiting more at any pay level, where a logistic saturates "
              "at the observed rents."),
    ParamSpec("recruitment_pay_saturation", 0.0, 0.0, 1.0, "1 / pay relative to the legal wage", "M5.2",
              ASSUMPTION,
              "s: recruitment answers to P^beta_w with P = pay (1 + s) / (1 + s pay), pay relative to the legal wage: "
              "0 a constant elasticity, s > 0 an appeal that saturates at 1 + 1/s times the legal wage's.",
              "Dube & Vargas (2013) measure the response at the incomes of the 1990s and 2000s; whether it holds when "
              "coca triples a group's rents (2013-2017) is not measured. The default keeps the constant elasticity; "
              "the range lets the patterns of the groups' growth after 2017 decide (docs/validation.md 10.51-10.52)."),
    ParamSpec("recruitment_state_effect", 1.0, 0.0, 3.0, "log recruitment per unit of presence", "M5.2",
              "Prem et al. (2022) state capacity attenuates [R]; size [P]",
              "beta_S: recruitment is exp(beta_S (1/2 - S_i)) times easier where the state is absent."),
    ParamSpec("recruitment_vacuum_effect", 1.0, 0.0, 3.0, "share per vacated share", "M5.2/M2.2", ASSUMPTION,
              "beta_V: recruitment rises by (1 + beta_V V_i) with the control vacated in the territory (V_i).",
              "Ground a group left behind leaves idle fighters and a social base to enlist (the dissidents in the "
              "FARC's former areas after 2017; Prem et al. 2022)."),
    ParamSpec("forced_recruitment_rate", 0.1, 0.0, 0.3, "share of the reference recruitment", "M5.2", ASSUMPTION,
              "phi_m: forced recruitment of minors, a separate flow phi_m zeta sqrt(E Y c) 2 (1 - S_i) that does not "
              "respond to pay (coercion, highest where the state is absent).",
              "CNMH records only a few located cases a year since 2017 (8 in 2017, 10 in 2020: a lower bound); the "
              "flow is flagged separately so that its size can be judged on its own."),
    ParamSpec("network_rate", 0.005, 0.001, 0.01, "members / 1000 people held / month", "M5.2",
              "The EMC's and the Clan del Golfo's support networks at the flagship's start (1,053 and 2,010 beside "
              "their armed members: Army May 2020, Police Feb 2021 splits) are 0.5 and 0.7 per 1,000 people they "
              "hold; that stock is steady when the enlisted replace the deserters (default desertion 0.006) and the "
              "captured (support_capture_ratio x the armed members' removal rate at the flagship's start, registry "
              "defaults: 0.44 x 0.0029 and 0.44 x 0.0073 a month): 0.5 x 0.0073 = 0.0037 and 0.7 x 0.0092 = 0.0064, "
              "about 0.005 [R-derived]",
              "nu_s: support-network members (militia, informants, logistics) a group enlists each month per 1,000 "
              "people under its control.",
              "Networks are built where a group rules, not bought with pay."),
    ParamSpec("support_effort_weight", 0.25, 0.0, 1.0, "member-equivalents", "M2.2/M5.2", ASSUMPTION,
              "omega_s: contest effort of a support-network member relative to an armed member.",
              "Networks inform, supply and police, but do not fight.", bounds=(0.0, 1.0)),
    ParamSpec("youth_share", 0.25, 0.2, 0.3, "share", "M5.2", ASSUMPTION,
              "Share of the population aged 15-29 (Colombia's population pyramid, about a quarter).",
              bounds=(0.0, 1.0)),
    ParamSpec("desertion_rate", 0.006, 0.002, 0.02, "1 / month", "M5.2", "assumption: prior U(0.002, 0.02) (model M5.2) [P]",
              "d_0: monthly desertion at pay equal to the legal wage; d = d_0 (pay / legal wage)^-beta_w (at most "
              "0.2), so desertion rises when pay falls short."),
    ParamSpec("wage_share", 0.1, 0.05, 0.3, "share of income", "M1.2/M5.2", ASSUMPTION,
              "pi_w: share of a group's income (rents and cartel transfers) paid to its members: pay = pi_w income / "
              "members.", "Groups paid about one to two legal minimum wages while their rents per member were 15-30 "
              "times the wage (flagship, 2022).", bounds=(0.0, 1.0)),
    ParamSpec("arms_share", 0.2, 0.05, 0.5, "share of income", "M5.2", ASSUMPTION,
              "s_A: share of a group's rents put into its stock of arms and resources (cartel transfers go into it "
              "whole).", bounds=(0.0, 1.0)),
    ParamSpec("arms_depreciation", 0.05, 0.02, 0.15, "1 / month", "M5.2", ASSUMPTION,
              "delta_A: monthly loss of the stock of arms and resources (wear, seizures, spending).",
              "Weapons and supplies last about two years.", bounds=(0.0, 1.0)),
    ParamSpec("operations_cost", 0.0005, 0.00025, 0.0015, "USD m / armed member / month", "M5.2", ASSUMPTION,
              "c_op: what a month of operations costs per armed member (ammunition, logistics), paid from the "
              "stock of arms and resources; a ceasefire or a zone saves it (the Caguán).",
              "About two legal minimum wages a month per fighter."),
    ParamSpec("movement_rate", 0.02, 0.0, 0.1, "1 / month", "M5.2", ASSUMPTION,
              "Share of a group's members that move each month toward valuable, contested adjacent territory."),
    ParamSpec("sanctuary_adjustment", 0.1, 0.02, 0.5, "1 / month", "M4.2", ASSUMPTION,
              "Monthly speed at which the sanctuary share moves toward sigma_max * host tolerance.",
              bounds=(0.0, 1.0)),
    ParamSpec("sanctuary_power_effect", 0.5, 0.0, 1.0, "share", "M4.2", "Salehyan (2007) [R]; size [P]",
              "How much sanctuary members count in the group's bargaining power p (shielded from the state)."),
    # --- M5.2 / M4.1 ex-combatants ------------------------------------------------------------------------------------
    ParamSpec("recidivism_rate", 0.0597, 0.0332, 0.138, "1 / month", "M5.2",
              "Defence Ministry to Congress, Dec 2018: 1,749 ex-guerrillas of the FARC counted among the dissidents "
              "(InSight Crime, 20 Dec 2018; national_series.csv), against about 375 in mid-2017 [R]; size: set so "
              "that colombia-2017's dissidents take 1,374 former combatants from Sep 2017 to Dec 2018 "
              "(tools/outcome_scales.py) [R-derived]; range: the same for 825 (the 1,200 counted in Mar 2018, "
              "grown no further) and 2,625 (the 2,500-3,000 dissidents of an Oct 2018 intelligence report, all of "
              "them former FARC)",
              "rho_x: monthly share of the ex-combatants of a territory that a dissident group holding all of it "
              "recruits at pay equal to the legal wage (times its control there and (pay / wage)^beta_w)."),
    ParamSpec("ex_combatant_killing_rate", 0.00067, 0.0003, 0.0015, "1 / month per non-state share", "M4.1",
              "Indepaz: 48 ex-combatants killed in 2021 (colombia_2017.csv) among about 12,000 in reintegration, "
              "half of their ground outside state control: 48 / 12 / 12,000 / 0.5 [R-derived]",
              "kappa_x: monthly share of the ex-combatants of a territory killed, times the share of its control the "
              "state does not hold."),
    ParamSpec("reintegration_rate", 0.0083, 0.0, 0.03, "1 / month", "M5.2", ASSUMPTION,
              "Monthly share of the ex-combatant pool that leaves it for good (reintegrated, moved away).",
              "About ten years on average.", bounds=(0.0, 1.0)),
    # --- M7.2 splits beyond signing -------------------------------------------------------------------------------
    ParamSpec("split_decapitation_effect", 0.02, 0.0, 0.1, "probability / month", "M7.2",
              "Calderón et al. (2015): leadership removals fragment trafficking organisations [R]; size [P]",
              "pi_1: monthly chance of a split at an annual loss rate to the state of one (12 x the monthly share "
              "lost, capped at 1): leadership losses under pressure."),
    ParamSpec("split_rivalry_rate", 0.002, 0.0, 0.01, "probability / month", "M7.2", ASSUMPTION,
              "pi_r: monthly chance of a split from internal rivalry at cohesion 0 (times 1 - cohesion).",
              "A federated group (cohesion 0.5) splits about once a century from rivalry alone."),
    ParamSpec("split_implementation_effect", 0.05, 0.0, 0.2, "probability / month", "M7.2",
              "model M7.2 pi_2 [signed and V_war > V_peace] (FARC dissidents during implementation) [P]",
              "pi_i: monthly chance of a split while an agreement in implementation is worth less than war."),
    # --- M3.3 / M1.3 / M4.1 the groups' choices ----------------------------------------------------------------------
    ParamSpec("choice_noise", 0.1, 0.03, 0.3, "share of rent", "M3.3/M1.3",
              "McKelvey & Palfrey (1995) quantal response [S]; size [P]",
              "tau: noise of the groups' logit choices, in the unit of their payoffs (shares of rent): a payoff edge "
              "of tau makes the better choice e / (1 + e) = 73% likely.",
              "Factions differ and information is imperfect: no choice flips on a knife edge.", bounds=(1e-4, 10.0)),
    ParamSpec("rivalry_violence_gain", 0.2, 0.0, 0.5, "share of rent", "M3.3/M7.2", ASSUMPTION,
              "beta_riv: what a high violence posture is worth against rivals, at full exposure to them."),
    ParamSpec("talks_restraint", 0.1, 0.0, 0.3, "share of rent", "M1.3/M4.1", ASSUMPTION,
              "beta_tab: what a group with a deal at stake (an open table, a signed text, an agreement in "
              "implementation) risks by keeping a high violence posture."),
    ParamSpec("exploit_gain", 0.2, 0.05, 0.5, "share of rent", "M5.1/M5.2",
              "Caguán: the FARC expanded and recruited during the 1998-2002 zone (model M5.2) [R]; size [P]",
              "chi_x: what exploiting a ceasefire (expanding, recruiting, attacking rivals) is worth, more with "
              "rivals nearby; against it, verification times the repression and the table at stake."),
    ParamSpec("ceasefire_effort_reduction", 0.25, 0.1, 0.9, "share", "M2.2/M5.2", ASSUMPTION,
              "kappa_cf: share of its contest effort a group complying with a ceasefire stands down (its offensive "
              "operations); its garrisons, networks and recruitment go on.",
              "Ceasefires suspend attacks and incursions, not a group's rule where it is (the FARC kept and widened "
              "its hold in the Caguán zone, 1998-2002); at 0.25 a bilateral ceasefire with a zone leaves a group "
              "stronger, as the Caguán did, while a full stand-down (0.9) would cede most contested ground.",
              bounds=(0.0, 1.0)),
    ParamSpec("spoiling_gain", 0.3, 0.0, 1.0, "share of rent", "M1.3",
              "Stedman (1997); Kydd & Walter (2002) spoiler violence [R]; size [P]",
              "chi_s: what attacking a rival at another table (or in a ceasefire) is worth to a group fully exposed "
              "to it; doubled for greedy and total spoilers."),
    ParamSpec("willingness_prior", 2.0, 0.5, 4.0, "logit", "M1.1", ASSUMPTION,
              "L_0: the logit of a group's willingness to talk from its declared stance (+L_0 willing, -L_0 not).",
              "A declaration is strong evidence but not a commitment: 88% at the default."),
    ParamSpec("willingness_value_effect", 1.0, 0.0, 3.0, "logit per relative surplus", "M1.1", ASSUMPTION,
              "beta_W: rise of the willingness logit per unit of the expected relative surplus of a deal."),
    # --- M2.3 routes -----------------------------------------------------------------------------------------------
    ParamSpec("route_update_months", 6.0, 1.0, 24.0, "months", "M2.3", ASSUMPTION,
              "How often traffickers re-optimise their routes to the least-cost exit as control changes.",
              "Dell (2015): traffic is diverted within months of a crackdown.", bounds=(1.0, 1200.0)),
    ParamSpec("route_state_aversion", 2.0, 0.0, 5.0, "cost per state-control share", "M2.3",
              "Dell (2015) detours around crackdowns [R]; size [P]",
              "a_S: a route edge costs (1 + a_S x mean state control of its ends) times its length."),
    # --- M7.1 / M7.2 / M7.3 violence -----------------------------------------------------------------------------------
    ParamSpec("homicide_contested_effect", 0.5, 0.1, 1.5, "log rate", "M7.2", "Prem et al. (2022); Osorio (2015) [R]; "
              "size [P]", "beta_c: log homicide rate rise from fully contested territory (1 - margin)."),
    ParamSpec("homicide_groups_effect", 0.3, 0.0, 1.0, "log rate per log(1+n)", "M7.2",
              "Atuesta & Pérez-Dávila (2018) fragmentation [R]; size [P]", "beta_n: effect of the number of groups."),
    ParamSpec("homicide_fragmentation_effect", 0.311, 0.1, 0.6, "log rate", "M7.2",
              "Calderón et al. (2015): +36.5% DTO violence within 6 months of a leader removal, ln(1.365) [R-derived]",
              "beta_f: effect of a recent split in the territory."),
    ParamSpec("fragmentation_memory", 0.9, 0.7, 0.97, "per month", "M7.2", "six-month window of Calderón et al. [P]",
              "Monthly decay of the fragmentation memory.", bounds=(0.0, 1.0)),
    ParamSpec("homicide_rent_effect", 0.1, 0.0, 0.6, "log rate per log rent", "M1.2/M7.2",
              "eta_R prior [0.1, 0.6] (Angrist & Kugler 2008; Idrobo et al. 2014) [R/P]",
              "beta_R: rapacity effect of appropriable rents on homicide."),
    ParamSpec("homicide_state_effect", 0.5, 0.0, 1.5, "log rate", "M7.2", "Prem et al. (2022) state capacity [R]; "
              "size [P]", "beta_S: fall of the log homicide rate with state control."),
    ParamSpec("ordinary_state_effect", 0.67, 0.0, 1.5, "log rate per state-control share", "M7.2",
              "Chalfin & McCrary (2018): elasticity of murders to police numbers about -0.67 [R]; the state's control "
              "share standing for policing [P]",
              "beta_O: fall of the log ordinary-crime homicide rate of a territory per unit rise of the state's "
              "control share from its start level (0: ordinary crime held at the start).",
              "At full control the semi-elasticity equals the elasticity, so a fall of the state's share from 1 to "
              "0.9 raises ordinary crime by about 7%, as a tenth fewer police would in US cities; the range runs "
              "from no effect to twice that.", bounds=(0.0, 10.0)),
    ParamSpec("crime_drift_sd", 0.026, 0.013, 0.035, "log / month", "M7.2",
              "Police national homicides 2003-2021 (national_series.csv): standard deviation of the yearly log changes "
              "0.0737 [R]; the monthly step of a random walk whose yearly totals change that much, "
              "0.0737 / sqrt((2 x 12^2 + 1) / 36) (tools/crime_drift.py) [R-derived]; range: half the estimate (if "
              "half of that variation came from the conflict the model represents) to the estimate plus two "
              "standard errors",
              "sigma_C: monthly step of the national drift of ordinary crime, a random walk in log units shared by "
              "every territory of a run (0: ordinary crime follows only the state's control).",
              "Homicides outside the conflict rise and fall nationally for reasons the model does not represent; the "
              "territories' own counting noise is independent and nearly cancels in a national total.",
              bounds=(0.0, 1.0)),
    ParamSpec("regional_crime_drift_sd", 0.028, 0.014, 0.034, "log / month", "M7.2",
              "Police homicides by department 2008-2021 (the shipped municipal panel): the variance of a department's "
              "log change relative to the nation's, less its Poisson part and net of the pull toward the nation's "
              "rate (crime_reversion), grows by 0.0093 a year of lag (0.0105, 0.022, 0.032, 0.038 at one to four "
              "years; 14 departments with 300 homicides a year or more) [R]; a random walk's monthly step "
              "sqrt(0.0093 / 12) (tools/crime_drift.py) [R-derived]; range: half of it to the same estimate over "
              "2003-2021 (0.034), when the paramilitaries' demobilisation moved violence between regions",
              "sigma_R: monthly step of each territory's own drift of ordinary crime, in log units, independent "
              "across territories (0: territories move only with the nation and the pull).",
              "A department's homicides drift away from the nation's the longer the lag, for local reasons the model "
              "does not represent (a city's gang pact, local policing); measured on departments: a municipality drifts "
              "more, and the municipal scenarios set 0.041, the same estimate over the municipalities "
              "(tools/crime_drift.py).", bounds=(0.0, 1.0)),
    ParamSpec("crime_reversion", 0.037, 0.023, 0.043, "share of the log gap a year", "M7.2",
              "Police homicides by department 2008-2021 (the shipped municipal panel): the yearly change of a "
              "department's log count relative to the nation's falls by 0.037 per unit of its log rate above the "
              "nation's (weighted by its count; 0.037 over 2003-2012 as well, before any scored year) [R]; "
              "tools/crime_drift.py [R-derived]; range: the slope on the gap two years back, free of the counted "
              "year's noise (0.023), to the estimate over 2003-2021 (0.043)",
              "kappa: share of its log gap to the nation's rate of ordinary crime that a territory's own drift "
              "closes in a year (0: the drift is a random walk).",
              "Carried forward, a year's count carries its department's peak or trough and its counting noise into "
              "every later year; pulled toward the nation's rate, the departments' counts one and two years ahead "
              "are closer to the Police's (mean absolute error 38.2 and 58.2 against 39.3 and 61.4 for the last "
              "count, origins 2012-2019, tools/crime_drift.py); the municipal scenarios set 0.044, the same estimate "
              "over the municipalities with 100 homicides a year or more.", bounds=(0.0, 1.0)),
    ParamSpec("crime_drift_start_months", 4.51, 1.51, 11.51, "monthly steps", "M7.2",
              "the random walk of the two drifts: the variance of the start month's level around the mean of the "
              "year whose homicide counts set the baselines, in steps (violence.drift_start_months) [R-derived]; "
              "default: a start in the January after the counted year (the backtest's origins); range: a start in "
              "the counted year's September (colombia-2017, 1.51) to the August after it (colombia-2022, 11.51)",
              "v_0: variance of both drifts of ordinary crime in the first month, in monthly steps (0: the first "
              "month at the counted year's level).",
              "The baselines are a year's counts, not the level of the start month: the walk that moves ordinary "
              "crime after the start has moved it before, so the start's level is uncertain by sqrt(v_0) steps. "
              "Each scenario sets the value of its start (tools/crime_drift.py prints them).", bounds=(0.0, 120.0)),
    ParamSpec("armed_violence_share", 0.1, 0.1, 0.6, "share", "M3.3/M7.2",
              "Medicina Legal (Forensis): 9-15% of homicides filed under socio-political violence in 2007-2014, a "
              "lower bound [R]; value: the share at which the calibration's posterior best reproduces the three "
              "homicide patterns, the lowest of its range (tools/armed_share.py) [R-derived]",
              "w_v: share of the homicides observed at the start that armed groups commit (the rest is ordinary "
              "crime); it sets the national rate per effective armed member.",
              "Medicina Legal's share is a lower bound, since criminal groups' killings are filed as score-settling. "
              "The calibration's distance leaves the share flat (docs/validation.md 10.39), so it is measured on the "
              "homicide patterns and held out of the calibration: from 0.1 to 0.6 the share of runs reproducing them "
              "falls from 0.25 to 0.10, since at the upper shares homicides rise four times as fast as the Police "
              "counted while the groups regrew in 2017-2021 (docs/validation.md 10.40).", bounds=(0.0, 1.0)),
    ParamSpec("armed_homicide_elasticity", 1.0, 0.5, 1.0, "elasticity", "M7.2", ASSUMPTION,
              "eta: elasticity of the armed groups' homicides in a territory to their effective armed members there "
              "(1: each member kills at the same rate however many there are).",
              "1 reproduces the national check of docs/model.md 7.10 (members -73% and Police homicides -44% in "
              "2002-2012, close to the armed share); below 1, members added where a group is already large add "
              "fewer killings (guarding, drug work, territory already held). Not above 1: no source shows killing "
              "per member rising with a group's local size.", bounds=(0.1, 2.0)),
    ParamSpec("insurgent_homicide_weight", 0.5, 0.2, 1.0, "relative to a criminal group", "M7.2", ASSUMPTION,
              "Homicides per armed member of an insurgency or dissident faction, relative to a criminal group's.",
              "Insurgents kill in combat and selectively; criminal organisations' disputes, extortion and debt "
              "collection account for most homicides attributed to armed groups; half, with a wide range.",
              bounds=(0.0, 1.0)),
    ParamSpec("homicide_dispersion", 20.0, 5.0, 100.0, "NegBin size", "M7.2", ASSUMPTION,
              "kappa: negative-binomial size of monthly homicide counts (larger = closer to Poisson).",
              bounds=(0.1, 1e6)),
    ParamSpec("selective_violence_rate", 1.0, 0.2, 3.0, "per 100k / month at margin 0.5", "M7.1",
              "Kalyvas (2006) selective violence peaks under dominant-but-contested control [R]; size [P]",
              "alpha_sel: selective killings by armed groups per 100,000 people and month at m = 0.5 "
              "(4m(1-m) = 1), where armed groups hold all the control."),
    ParamSpec("vacuum_violence_rate", 7.5, 2.0, 23.0, "per 100k rural / month per vacated share", "M2.2",
              "Prem et al. (2022) social-leader killings in vacated FARC areas [R]; size [P]: 2 per 100,000 people "
              "re-expressed per 100,000 rural people (x3.8, the factor by which the rural exposure moved "
              "leader_competition_rate set from the data)",
              "lambda_0: killings of social leaders per 100,000 rural people and month per unit of vacated control, "
              "outside the state's reach."),
    ParamSpec("leader_vacuum_memory", 36.0, 6.0, 60.0, "months", "M2.2",
              "Prem, Rivera, Romero & Vargas (2022) 'Selective civilian targeting: the unintended consequences of "
              "partial peace', Quarterly Journal of Political Science: the killings of community leaders in former "
              "FARC strongholds rose after the permanent ceasefire of December 2014 and stayed high to the end of "
              "their data (2017), while other groups consolidated control there [R]; three years: assumption",
              "tau_V: months over which the killings of social leaders follow ground vacated by a group standing "
              "down (the record behind lambda_0 forgets a share 1 / tau_V a month); a vacated share leads to the same "
              "killings in all whatever tau_V, spread over its months (tau_V = 5 is the vacated record of the "
              "contest)."),
    ParamSpec("leader_competition_rate", 0.825, 0.15, 2.3, "per 100k rural / month at full competition", "M2.2/M7.1",
              "Indepaz: 132 social leaders killed in 2016 (colombiapeace.org) [R]; size: set so that colombia-2012 "
              "kills that many in 2016 (tools/outcome_scales.py) [R-derived]",
              "lambda_Q: killings of social leaders per 100,000 rural people and month where armed groups compete (Q = 1), "
              "outside the state's reach."),
    ParamSpec("massacre_rate", 0.0275, 0.001, 0.03, "massacres per armed-group homicide at full competition",
              "M7.1/M7.2", "CNMH memory observatory: 17, 5, 6 and 4 massacres in 2013-2016, 8 a year [R]; size: set "
              "so that colombia-2012 has that many (tools/outcome_scales.py) [R-derived]",
              "Massacres (4+ victims) per homicide committed by armed groups where they compete for a territory "
              "(Q = 1)."),
    ParamSpec("displacement_per_killing", 159.9, 15.0, 200.0, "persons per conflict killing", "M7.2",
              "Victims' Registry (RUV): 252,494 persons displaced a year in 2013-2016 [R]; size: set so that "
              "colombia-2012 displaces that many (tools/outcome_scales.py) [R-derived]",
              "Persons forcibly displaced per conflict killing (armed groups' homicides, social leaders, civilians "
              "killed in operations, deaths in clashes)."),
    ParamSpec("confinement_rate", 13.8, 4.0, 50.0, "persons a month per armed member at full competition", "M7.2",
              "OCHA: 15,548 and 25,047 persons confined in Chocó in 2018 and 2019 [R]; size: set so that colombia-2017 "
              "confines that many in Chocó (tools/outcome_scales.py) [R-derived]",
              "Persons confined by armed groups in a month per armed member present where armed groups compete "
              "(Q = 1), in an all-rural territory (times the rural share of its people)."),
    ParamSpec("spillover_flow_effect", 0.5, 0.0, 1.0, "elasticity", "M7.3", "Castillo, Mejía & Restrepo [R]; "
              "size [P]", "theta_1: elasticity of neighbour violence to cocaine flow through its border."),
    ParamSpec("spillover_vacuum_effect", 1.0, 0.0, 3.0, "log index per vacated share", "M7.3",
              "Ecuador after the FARC deal (model M7.3) [R]; size [P]",
              "theta_2: neighbour violence rise with vacated control in bordering territories."),
    ParamSpec("spillover_fragmentation_effect", 0.3, 0.0, 1.0, "log index", "M7.3", ASSUMPTION,
              "theta_3: neighbour violence rise with fragmentation in bordering territories."),
    ParamSpec("spillover_relocation_effect", 0.5, 0.0, 2.0, "log index per 1,000 members", "M7.3",
              "FARC members who rejected the deal relocated to Ecuador, whose violence rose (model M7.3, Ecuadorian "
              "security crisis) [R]; size [P]",
              "theta_4: neighbour violence rise per 1,000 members of Colombian groups relocated there."),
    ParamSpec("spillover_route_feedback", 0.2, 0.0, 1.0, "elasticity", "M7.3/M2.3", ASSUMPTION,
              "theta_R: elasticity of the route rent at an exit to the violence index of the neighbour it borders.",
              "Disorder across the border means weaker interdiction and more buyers; a fifth of a proportional "
              "response, so that a doubling of a neighbour's violence raises the routes' rent by 15%."),
    ParamSpec("relocation_rate", 0.02, 0.0, 0.1, "1 / month at full push and tolerance", "M7.3/M4.2", ASSUMPTION,
              "r_out: monthly share of a group's members in the territories bordering a neighbour that cross into it, "
              "when the group is pressed hardest at home and the neighbour tolerates groups fully.",
              "Of the order of the sanctuary adjustment (0.1) for a country that is not the group's declared host: "
              "crossing is a response to pressure, not a standing base."),
    ParamSpec("return_rate", 0.05, 0.0, 0.3, "1 / month", "M7.3", ASSUMPTION,
              "r_back: monthly share of the members relocated abroad who return when the pressure at home lifts.",
              "About a year and a half on average abroad once the pressure is gone."),
    # --- M4.1 / M4.2 / M4.3 international actors ------------------------------------------------------------------------
    ParamSpec("tolerance_relations_effect", 0.3, 0.0, 1.0, "tolerance per unit of relations", "M4.2",
              "Venezuela deported ELN and FARC members to Colombia after relations were restored in August 2010 "
              "(americaeconomia.com, Jan 2011; VOA) and the ELN expanded there after they broke down (AFP, Jan 2019: "
              "'practically no relations since mid-2017') [R]; size [P]",
              "eta_rel: rise in a host's tolerance of armed groups when its relations with Bogotá go from normal (1) "
              "to broken (0)."),
    ParamSpec("tolerance_talks_effect", 0.1, -0.3, 0.3, "tolerance", "M4.2/M2.1", ASSUMPTION,
              "eta_talks: change in a host's tolerance while a group it shelters is at a table it guarantees.",
              "A guarantor host shelters its guest's commanders and negotiators as part of the guarantee (the ELN's "
              "negotiators in Havana 2018-19; Salehyan: sanctuary as leverage); small, and either sign within the "
              "range.", bounds=(-1.0, 1.0)),
    ParamSpec("tolerance_adjustment", 0.1, 0.02, 0.5, "1 / month", "M4.2", ASSUMPTION,
              "Monthly speed at which a host's tolerance moves toward its target.",
              "Hosts change course over months (the 2010 rapprochement produced handovers within four months).",
              bounds=(0.0, 1.0)),
    ParamSpec("verification_deployment_months", 3.0, 1.0, 12.0, "months", "M4.1", ASSUMPTION,
              "tau: months a verification mission takes to deploy (1 - 1/e of its capacity).",
              "The UN mission authorised in January 2016 (resolution 2261) was monitoring the bilateral ceasefire by "
              "its start in August 2016; a few months to reach most of its capacity.", bounds=(0.1, 1200.0)),
    ParamSpec("legitimacy_spoiler_effect", 0.5, 0.0, 2.0, "per reference month of killings", "M4.3", ASSUMPTION,
              "lambda_sp: fall of the legitimacy index with security-force members killed by groups at a table.",
              "Spoiler violence costs the process its backers' cover (model M4.3); a month of killings at the "
              "reference level lowers it by a third."),
    ParamSpec("certification_coca_effect", 0.5, 0.0, 2.0, "per relative rise in coca", "M4.3", ASSUMPTION,
              "beta_coca: fall in the donor's certification per relative rise of coca over the start.",
              "The United States decertified Colombia in 1996-97 over drug cooperation; a doubling of coca costs half "
              "of the certification."),
    ParamSpec("certification_drug_policy_effect", 0.5, 0.0, 1.0, "at full decriminalisation", "M4.3", ASSUMPTION,
              "beta_D: fall in the donor's certification at full decriminalisation."),
    ParamSpec("certification_extradition_effect", 0.5, 0.0, 1.0, "at every requested group suspended", "M4.3",
              ASSUMPTION, "beta_ext: fall in the donor's certification when extradition is suspended for every group "
              "whose members it wants extradited."),
    ParamSpec("certification_adjustment", 0.083, 0.02, 0.5, "1 / month", "M4.3", ASSUMPTION,
              "Monthly speed at which certification moves toward its target (annual reviews, smoothed).",
              bounds=(0.0, 1.0)),
    ParamSpec("cartel_entry_elasticity", 1.0, 0.0, 2.0, "elasticity", "M2.3", ASSUMPTION,
              "eta_E: elasticity of a foreign cartel's engagement to the exits its proxies hold, relative to the "
              "start.", "A cartel finances in proportion to what its proxies can move (Defensoría / InSight Crime: "
              "financiers and emissaries follow the routes)."),
    ParamSpec("cartel_entry_speed", 0.1, 0.0, 0.5, "1 / month", "M2.3", ASSUMPTION,
              "Monthly speed at which a cartel's engagement moves toward its target.", bounds=(0.0, 1.0)),
)

BY_NAME: dict[str, ParamSpec] = {p.name: p for p in PARAMETERS}

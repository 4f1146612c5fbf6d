// Draws totalpeace's Plotly figures (report.html, the dashboard): one function per job, no inline handlers.
// A figure is {data, layout, frames?}; maps name their GeoJSON "__geo__" so that a page holds it once.
"use strict";

(function (root) {
  const TP = root.TP || {};
  // Maps draw only the scenario's own GeoJSON: an empty world outline stops plotly.js from fetching its base map
  // from the network (it would otherwise ask a CDN for topojson even with every base layer hidden).
  const EMPTY_WORLD = { type: "Topology", objects: {}, arcs: [] };
  root.PlotlyGeoAssets = root.PlotlyGeoAssets || { topojson: {} };
  for (const name of ["world_110m", "world_50m"]) {
    if (!root.PlotlyGeoAssets.topojson[name]) root.PlotlyGeoAssets.topojson[name] = EMPTY_WORLD;
  }

  function config(name) {
    return {
      displaylogo: false, responsive: true,
      toImageButtonOptions: { format: "png", filename: name, scale: 2 },
      modeBarButtonsToAdd: [{
        name: "Download as SVG", icon: root.Plotly.Icons.disk,
        click: (gd) => root.Plotly.downloadImage(gd, { format: "svg", filename: name }),
      }],
    };
  }

  // Draw `fig` into `el` (a map's "__geo__" replaced by `geo`); resolves when drawn.
  TP.draw = function (el, fig, geo) {
    const data = fig.data.map((trace) => (trace.geojson === "__geo__" ? { ...trace, geojson: geo } : trace));
    el.dataset.drawn = "";
    const P = root.Plotly;
    // react() does not replace the frames of a figure already drawn: drop the old ones, add the new (time slider)
    return P.react(el, { data, layout: fig.layout, config: config(el.id) })
      .then(() => {
        const old = (el._transitionData && el._transitionData._frames) || [];
        return old.length ? P.deleteFrames(el, old.map((_, k) => k)) : null;
      })
      .then(() => (fig.frames && fig.frames.length ? P.addFrames(el, fig.frames) : null))
      .then(() => { el.dataset.drawn = "yes"; return el; });
  };

  // A territory's own series (state control, homicides, control vacated), drawn into `el`.
  TP.drawTerritory = function (el, territories, id) {
    const k = territories.ids.indexOf(id);
    if (k < 0) return Promise.resolve(el);
    const x = territories.months;
    const s = territories.series;
    const panel = (y, name, axis, fmt, colour) => ({
      type: "scatter", mode: "lines", x, y: y[k], name, xaxis: `x${axis}`, yaxis: `y${axis}`,
      line: { color: colour, width: 2 }, hovertemplate: `${name}: %{y:${fmt}}<extra></extra>` });
    const data = [
      panel(s.state_control, "state control", "", ".0%", territories.state_colour),
      panel(s.homicides, "homicides a month", "2", ",.1f", "#D55E00"),
      panel(s.vacated, "control vacated", "3", ".3f", "#542788"),
    ];
    const axis = (domain, title, fmt) => ({ domain, title: { text: title, font: { size: 11 } }, tickformat: fmt,
      gridcolor: "#eee", rangemode: "tozero" });
    const layout = {
      title: { text: `${territories.names[k]}: its own series (means over runs)`, font: { size: 14 }, x: 0.02 },
      height: 420, margin: { l: 60, r: 16, t: 44, b: 36 }, showlegend: false, hovermode: "x unified",
      font: { family: "system-ui, sans-serif", size: 12 },
      grid: { rows: 3, columns: 1, pattern: "independent" },
      xaxis: { anchor: "y", matches: "x3", showticklabels: false },
      xaxis2: { anchor: "y2", matches: "x3", showticklabels: false }, xaxis3: { anchor: "y3" },
      yaxis: axis([0.7, 1], "state control", ".0%"), yaxis2: axis([0.36, 0.64], "homicides / month", ""),
      yaxis3: axis([0, 0.3], "vacated", ""),
    };
    el.dataset.territory = id;
    return root.Plotly.react(el, { data, layout, config: config(`territory-${id}`) }).then(() => el);
  };

  // Clicking a territory on any of `maps` shows its series in `target`.
  TP.linkTerritories = function (maps, target, territories) {
    for (const map of maps) {
      map.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (point && point.location !== undefined) {
          TP.drawTerritory(target, territories, point.location);
          target.scrollIntoView({ behavior: "smooth", block: "nearest" });
        }
      });
    }
  };

  // report.html: draw every [data-figure] from its JSON block, then link the maps to the territory panel.
  TP.renderPage = function (doc) {
    const read = (id) => JSON.parse(doc.getElementById(id).textContent);
    const geo = doc.getElementById("tp-geo") ? read("tp-geo") : null;
    const drawn = [...doc.querySelectorAll("[data-figure]")].map((el) => TP.draw(el, read(el.dataset.figure), geo));
    return Promise.all(drawn).then((els) => {
      const panel = doc.getElementById("territory-series");
      if (panel && doc.getElementById("tp-territories")) {
        const territories = read("tp-territories");
        TP.linkTerritories(els.filter((el) => el.dataset.map === "yes"), panel, territories);
        TP.drawTerritory(panel, territories, panel.dataset.territory || territories.ids[0]);
      }
      doc.body.dataset.rendered = "yes";
    });
  };

  root.TP = TP;
})(window);

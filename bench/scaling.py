#!/usr/bin/env python3
"""The scaling view of several benchmark runs: for each corpus size, the
latest run's results.json under bench/results/ (written by scripts/bench.sh),
joined into one Markdown table and one SVG plot (load time and every query's
in-process median, ours and Kùzu's, against the number of documents, on
log-log axes).

  scaling.py [--results bench/results] [--md scaling.md] [--svg scaling.svg]

Only runs whose answers matched (no "problems") are used. The plot is plain
SVG written here, so the benchmark needs no plotting library.
"""
import argparse
import glob
import json
import math
import os
import sys

QUERY_ORDER = ["Q1a", "Q1b", "Q2a", "Q2b", "Q3a", "Q3b", "Q4a", "Q4b", "Q5a", "Q5b",
               "Q6a", "Q6b", "Q7", "Q8a", "Q8b", "Q9a", "Q9b"]


def latest_runs(results_dir):
    """{docs: results} with the newest complete, correct run per size."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(results_dir, "*-*", "results.json"))):
        name = os.path.basename(os.path.dirname(path))
        try:
            docs = int(name.rsplit("-", 1)[1])
            data = json.load(open(path))
        except (ValueError, json.JSONDecodeError):
            continue
        if data.get("problems") or not data.get("queries"):
            continue
        data["run"] = name
        runs[docs] = data  # sorted by time stamp: the last one wins
    return dict(sorted(runs.items()))


def fmt(x, digits=3):
    return "-" if x is None else f"{x:.{digits}f}"


def markdown(runs):
    sizes = list(runs)
    out = ["| query | " + " | ".join(f"ours {d:,}" for d in sizes) + " | " +
           " | ".join(f"Kùzu {d:,}" for d in sizes) + " | " +
           " | ".join(f"ours/Kùzu {d:,}" for d in sizes) + " |",
           "|---|" + "---:|" * (3 * len(sizes))]
    for q in QUERY_ORDER:
        cells = {d: next((r for r in runs[d]["queries"] if r["query"] == q), {}) for d in sizes}
        if not any(cells.values()):
            continue
        row = [fmt(cells[d].get("ours_ms")) for d in sizes] + [fmt(cells[d].get("kuzu_ms")) for d in sizes] + \
              [fmt(cells[d].get("ours_over_kuzu"), 2) for d in sizes]
        out.append(f"| {q} | " + " | ".join(row) + " |")
    load = [runs[d].get("load", {}).get("load_s") for d in sizes]
    kload = [runs[d].get("kuzu", {}).get("load_s") for d in sizes]
    ratio = [(a / b if a and b else None) for a, b in zip(load, kload)]
    out.append("| load (s) | " + " | ".join(fmt(x, 2) for x in load) + " | " +
               " | ".join(fmt(x, 2) for x in kload) + " | " + " | ".join(fmt(x, 2) for x in ratio) + " |")
    out.append("")
    out.append("Runs: " + ", ".join(f"{d:,} documents: `bench/results/{runs[d]['run']}`" for d in sizes))
    return "\n".join(out) + "\n"


def svg(runs):
    """Three panels against documents: load seconds, then the query medians
    (ms) of the popular-entity and global queries, then the rare-entity ones."""
    sizes = list(runs)
    width, height, pad_l, pad_r, pad_t, pad_b = 1280, 460, 70, 130, 40, 50
    panel_w = (width - pad_l - pad_r - 120) / 3
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">',
             '<rect width="100%" height="100%" fill="white"/>']
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d"]

    def panel(x0, title, series, unit):
        vals = [v for _, _, pts in series for _, v in pts if v and v > 0]
        if not vals:
            return
        lo, hi = math.floor(math.log10(min(vals))), math.ceil(math.log10(max(vals)))
        hi = max(hi, lo + 1)
        xs = [math.log10(d) for d in sizes]
        xlo, xhi = min(xs) - 0.1, max(xs) + 0.1
        h = height - pad_t - pad_b
        px = lambda d: x0 + (math.log10(d) - xlo) / (xhi - xlo) * panel_w
        py = lambda v: pad_t + h - (math.log10(v) - lo) / (hi - lo) * h
        parts.append(f'<text x="{x0 + panel_w / 2}" y="{pad_t - 15}" text-anchor="middle" font-size="13">{title}</text>')
        parts.append(f'<rect x="{x0}" y="{pad_t}" width="{panel_w}" height="{h}" fill="none" stroke="#999"/>')
        for e in range(lo, hi + 1):
            y = py(10 ** e)
            parts.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + panel_w}" y2="{y}" stroke="#eee"/>')
            parts.append(f'<text x="{x0 - 5}" y="{y + 4}" text-anchor="end">{10 ** e:g}</text>')
        for d in sizes:
            parts.append(f'<text x="{px(d)}" y="{pad_t + h + 15}" text-anchor="middle">{d:,}</text>')
        parts.append(f'<text x="{x0 + panel_w / 2}" y="{height - 12}" text-anchor="middle">documents</text>')
        parts.append(f'<text x="{x0 - 50}" y="{pad_t + h / 2}" transform="rotate(-90 {x0 - 50} {pad_t + h / 2})" '
                     f'text-anchor="middle">{unit}</text>')
        for name, (color, dash), pts in series:
            pts = [(d, v) for d, v in pts if v and v > 0]
            if not pts:
                continue
            path = " ".join(f"{'M' if i == 0 else 'L'}{px(d):.1f},{py(v):.1f}" for i, (d, v) in enumerate(pts))
            parts.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="1.6"'
                         + (' stroke-dasharray="5,3"' if dash else '') + f'><title>{name}</title></path>')
            for d, v in pts:
                parts.append(f'<circle cx="{px(d):.1f}" cy="{py(v):.1f}" r="2.5" fill="{color}"/>')

    def query_ms(q, key):
        return [(d, next((r.get(key) for r in runs[d]["queries"] if r["query"] == q), None)) for d in sizes]

    queries = [q for q in QUERY_ORDER if any(r["query"] == q for d in sizes for r in runs[d]["queries"])]
    color_of = {q: palette[i % len(palette)] for i, q in enumerate(queries)}
    load_series = [("ours", ("#1f77b4", False), [(d, runs[d].get("load", {}).get("load_s")) for d in sizes]),
                   ("Kùzu COPY", ("#1f77b4", True), [(d, runs[d].get("kuzu", {}).get("load_s")) for d in sizes])]
    panel(pad_l, "load (seconds)", load_series, "seconds")
    # Popular-entity variants and the global Q7 in one panel, rare ones in another.
    groups = [("popular entity / global: median ms", [q for q in queries if not q.endswith("b")]),
              ("rare entity: median ms", [q for q in queries if q.endswith("b")])]
    for k, (title, qs) in enumerate(groups):
        series = []
        for q in qs:
            series.append((f"{q} ours", (color_of[q], False), query_ms(q, "ours_ms")))
            series.append((f"{q} Kùzu", (color_of[q], True), query_ms(q, "kuzu_ms")))
        panel(pad_l + (k + 1) * (panel_w + 60), title, series, "milliseconds")
    lx = pad_l + 3 * (panel_w + 60) - 45
    parts.append(f'<text x="{lx}" y="{pad_t}">solid: trendgraph</text>')
    parts.append(f'<text x="{lx}" y="{pad_t + 14}">dashed: Kùzu</text>')
    for i, q in enumerate(queries):
        y = pad_t + 34 + i * 14
        parts.append(f'<line x1="{lx}" y1="{y - 4}" x2="{lx + 18}" y2="{y - 4}" stroke="{color_of[q]}" '
                     f'stroke-width="2"/><text x="{lx + 24}" y="{y}">{q}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--results", default=os.path.join(here, "results"))
    ap.add_argument("--md")
    ap.add_argument("--svg")
    a = ap.parse_args()
    runs = latest_runs(a.results)
    if not runs:
        print(f"scaling: no complete runs under {a.results}", file=sys.stderr)
        return 1
    md = markdown(runs)
    print(md, end="")
    if a.md:
        open(a.md, "w").write(md)
    if a.svg:
        open(a.svg, "w").write(svg(runs))
        print(f"plot: {a.svg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

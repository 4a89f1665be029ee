"""A matplotlib figure as plain data: every artist a test can compare exactly with a reviewed golden JSON.

Kind, data, colour, line width and style, marker, size, text with its position, font size and alignment,
axis labels, limits, ticks and legend entries. Floats are rounded to 6 places so the description does not
depend on the last bit of a computation. No pixels: matplotlib versions render differently, the artists are
what our code chooses.
"""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np


def _num(value):
    value = float(value)
    return None if np.isnan(value) else round(value, 6)


def _points(values):
    return [[_num(v) for v in point] for point in np.asarray(values, dtype=float).reshape(-1, 2)]


def _label(artist):
    label = artist.get_label()
    return None if label.startswith("_child") else label  # matplotlib's own name for an unlabelled artist


def _colour(value):
    return mcolors.to_hex(value, keep_alpha=True)


def _colours(values):
    return [_colour(c) for c in np.atleast_2d(values)] if len(values) else []


def _text(text):
    out = {"text": text.get_text(), "fontsize": _num(text.get_fontsize()), "colour": _colour(text.get_color()),
           "ha": text.get_ha(), "va": text.get_va(), "weight": str(text.get_fontweight())}
    if hasattr(text, "xyann"):  # an annotation: the point it names, its offset and coordinate systems
        out |= {"xy": [_num(v) for v in text.xy], "xytext": [_num(v) for v in text.xyann],
                "xycoords": str(text.xycoords), "textcoords": str(text.anncoords),
                # whether matplotlib draws it: an annotation clipped to the axes is not drawn when its point
                # lies outside them (the plots put labels and counts beside the axes on purpose)
                "drawn": bool(text._check_xy(text.figure.canvas.get_renderer()))}
    else:
        out["position"] = [_num(v) for v in text.get_position()]
    if text.get_url():
        out["url"] = text.get_url()
    return out


def _line(line):
    return {"x": [_num(v) for v in line.get_xdata()], "y": [_num(v) for v in line.get_ydata()],
            "colour": _colour(line.get_color()), "linewidth": _num(line.get_linewidth()),
            "linestyle": line.get_linestyle(), "marker": str(line.get_marker()),
            "markersize": _num(line.get_markersize()), "label": _label(line),
            "zorder": _num(line.get_zorder())}


def _collection(collection):
    return {"type": type(collection).__name__, "offsets": _points(collection.get_offsets()),
            "sizes": [_num(s) for s in getattr(collection, "get_sizes", list)()],
            "facecolours": _colours(collection.get_facecolor()), "edgecolours": _colours(collection.get_edgecolor()),
            "paths": [_points(p.vertices) for p in collection.get_paths()] if type(collection).__name__ in
            ("PolyCollection", "FillBetweenPolyCollection", "LineCollection") else len(collection.get_paths()),
            "linewidths": [_num(w) for w in collection.get_linewidths()], "label": _label(collection),
            "zorder": _num(collection.get_zorder())}


def _patch(patch):
    out = {"type": type(patch).__name__, "facecolour": _colour(patch.get_facecolor()),
           "zorder": _num(patch.get_zorder())}
    if type(patch).__name__ == "Rectangle":
        out |= {"xy": [_num(v) for v in patch.get_xy()], "width": _num(patch.get_width()),
                "height": _num(patch.get_height())}
    else:
        out["vertices"] = _points(patch.get_xy())
    return out


def _ticks(axis):
    return [[_num(v), label.get_text()] for v, label in zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=True)]


def _legend(axes):
    legend = axes.get_legend()
    if legend is None:
        return None
    return {"texts": [t.get_text() for t in legend.get_texts()], "fontsize": _num(legend.get_texts()[0].get_fontsize())
            if legend.get_texts() else None, "loc": legend._loc,
            "handles": [{"marker": str(h.get_marker()), "colour": _colour(h.get_color()),
                         "linestyle": h.get_linestyle()} if hasattr(h, "get_marker") else type(h).__name__
                        for h in legend.legend_handles]}


def describe_axes(axes) -> dict:
    return {
        "title": axes.get_title(), "title_fontsize": _num(axes.title.get_fontsize()),
        "xlabel": axes.get_xlabel(), "ylabel": axes.get_ylabel(),
        "xlim": [_num(v) for v in axes.get_xlim()], "ylim": [_num(v) for v in axes.get_ylim()],
        "yticks": _ticks(axes.yaxis), "ytick_fontsize": _num(axes.yaxis.get_ticklabels()[0].get_fontsize())
        if axes.yaxis.get_ticklabels() else None,
        "lines": [_line(line) for line in axes.lines],
        "collections": [_collection(c) for c in axes.collections],
        "patches": [_patch(p) for p in axes.patches],
        "texts": [_text(t) for t in axes.texts],
        "legend": _legend(axes),
    }


def describe(figure) -> dict:
    """The figure's size, margins and each of its axes."""
    params = figure.subplotpars
    return {"size": [_num(v) for v in figure.get_size_inches()],
            "margins": {"left": _num(params.left), "right": _num(params.right)},
            "axes": [describe_axes(a) for a in figure.axes]}

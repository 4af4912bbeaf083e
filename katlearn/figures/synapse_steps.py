"""A glutamatergic synapse, step by step: release → AMPA depolarisation → Mg²⁺ leaves → Ca²⁺ in →
ketamine enters the open NMDA channel → ketamine trapped.

A schematic drawn with Plotly shapes, markers and annotations on fixed 0–10 axes (not to scale).
:data:`STEPS` holds each step's title and caption; the caption is also the figure's text description,
so a screen reader hears what a sighted learner sees. :func:`synapse_figure` is pure.
"""

from __future__ import annotations

from dataclasses import dataclass


from katlearn.figures.base import FONT_SIZE_PX, LIGHT_TEMPLATE, PALETTE, Described, Figure

__all__ = ["Step", "STEPS", "synapse_figure", "n_steps", "Canvas"]


@dataclass(frozen=True)
class Step:
    """One state of the synapse; ``refs`` are reference keys for what the caption states."""

    key: str
    title: str
    caption: str
    refs: tuple[str, ...] = ()


STEPS: tuple[Step, ...] = (
    Step("rest", "At rest",
         "Glutamate waits in small packets (vesicles) inside the sending neuron. On the receiving neuron a "
         "magnesium ion (Mg²⁺) sits in the pore of the NMDA receptor, so even if glutamate arrived, almost no "
         "current could pass through it.", ("jahr1990",)),
    Step("release", "Glutamate is released",
         "A nerve impulse reaches the terminal. A vesicle fuses with the membrane and releases glutamate into the "
         "synaptic cleft. Glutamate binds both the AMPA and the NMDA receptor; the NMDA receptor also needs its "
         "co-agonist, glycine or D-serine, bound.", ("reactome_nmda",)),
    Step("ampa", "AMPA receptors depolarise the membrane",
         "The AMPA receptor opens at once and lets sodium ions (Na⁺) in. The inside of the receiving neuron "
         "becomes less negative: it is depolarised. The NMDA receptor has glutamate bound but is still plugged "
         "by Mg²⁺.", ()),
    Step("mg_leaves", "Mg²⁺ leaves the NMDA pore",
         "Depolarisation pushes the positively charged Mg²⁺ out of the pore. The NMDA receptor passes current "
         "only when two things coincide — glutamate is bound and the membrane is depolarised — so it works as a "
         "coincidence detector.", ("jahr1990",)),
    Step("calcium", "Calcium flows in",
         "Through the unplugged NMDA channel, calcium ions (Ca²⁺) flow into the cell along with Na⁺. Inside the "
         "cell, calcium is a signal that switches on processes which strengthen synapses.", ("reactome_nmda",)),
    Step("ketamine_enters", "Ketamine enters the open channel",
         "Ketamine reaches its binding site (the PCP site) deep in the pore only while the channel is open. Once "
         "bound, it stops the current: calcium no longer gets in. This is open-channel block.",
         ("kotermanski2009", "orser1997")),
    Step("trapped", "Ketamine is trapped",
         "Glutamate unbinds and the channel closes with ketamine still inside. Trapped, ketamine can leave only "
         "when the channel opens again, so the block outlasts brief activity. This is trapping block.",
         ("kotermanski2009",)),
)


def n_steps() -> int:
    return len(STEPS)


class Canvas:
    """Collects shapes, annotations and traces of a schematic and builds the figure once.

    Shapes and annotations go straight into the layout's lists (same keyword arguments as
    ``go.Figure.add_shape`` / ``add_annotation``); traces are plain dicts.
    """

    def __init__(self) -> None:
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []
        self.traces: list = []

    def add_shape(self, **kwargs) -> None:
        self.shapes.append(kwargs)

    def add_annotation(self, **kwargs) -> None:
        self.annotations.append(kwargs)

    def add_trace(self, trace) -> None:
        self.traces.append(trace)

    def figure(self, **layout) -> Figure:
        return Figure(data=self.traces, layout={**layout, "shapes": self.shapes, "annotations": self.annotations})



# Colours: structures in light fills, actors in the Okabe–Ito palette.
_PRE_FILL = "#dcebf7"
_CELL_REST = "#fbf6ec"
_CELL_DEPOL = "#fde2c8"
_MEMBRANE = "#e8d3a9"
_AMPA = PALETTE["sky"]
_NMDA = PALETTE["blue"]
_GLU = PALETTE["orange"]
_MG = PALETTE["green"]
_CA = PALETTE["vermillion"]
_NA = PALETTE["grey"]
_KET = PALETTE["purple"]
_SMALL = FONT_SIZE_PX - 3

# Layout of the drawing (data units on 0–10 axes).
_AMPA_X, _NMDA_X = 3.0, 7.0
_MEM_LO, _MEM_HI = 4.1, 4.9
_PORE_Y = 4.5


def _receptor(fig: Canvas, x: float, color: str, open_: bool) -> None:
    """Two subunits either side of a pore; an open channel has a wider gap."""
    half_gap = 0.2 if open_ else 0.06
    width = 0.42
    for sign in (-1, 1):
        inner = x + sign * half_gap
        outer = x + sign * (half_gap + width)
        fig.add_shape(type="rect", x0=min(inner, outer), x1=max(inner, outer), y0=_MEM_LO - 0.35, y1=_MEM_HI + 0.55,
                      fillcolor=color, opacity=0.9, line={"color": "#1f2a44", "width": 1}, layer="below")


def _arrow(fig: Canvas, x0: float, y0: float, x1: float, y1: float, color: str, text: str = "",
           width: float = 3) -> None:
    fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                       arrowhead=2, arrowsize=1.2, arrowwidth=width, arrowcolor=color, text=text,
                       font={"size": _SMALL, "color": color}, standoff=2)


def _label(fig: Canvas, x: float, y: float, text: str, size: int = _SMALL, color: str = "#222222",
           anchor: str = "center") -> None:
    fig.add_annotation(x=x, y=y, text=text, showarrow=False, font={"size": size, "color": color}, xanchor=anchor)


def _dots(fig: Canvas, xs: list[float], ys: list[float], color: str, name: str, size: int = 10,
          symbol: str = "circle", text: list[str] | None = None, opacity: float = 1.0) -> None:
    fig.add_trace({"type": "scatter", "x": xs, "y": ys, "mode": "markers+text" if text else "markers", "name": name,
                   "marker": {"color": color, "size": size, "symbol": symbol, "opacity": opacity,
                              "line": {"color": "white", "width": 1}},
                   "text": text, "textfont": {"size": 12, "color": "white"}, "textposition": "middle center",
                   "hoverinfo": "name", "showlegend": False})


def synapse_figure(step: int) -> Described:
    """The synapse at ``step`` (0-based index into :data:`STEPS`); the caption is the description."""
    if not 0 <= step < len(STEPS):
        raise ValueError(f"step must be within 0-{len(STEPS) - 1} (got {step!r})")
    s = STEPS[step]
    k = s.key
    released = step >= 1
    depolarised = k in ("ampa", "mg_leaves", "calcium", "ketamine_enters")
    nmda_open = k in ("mg_leaves", "calcium", "ketamine_enters")
    ampa_open = k in ("ampa", "mg_leaves", "calcium", "ketamine_enters")

    fig = Canvas()
    # Cells and membrane.
    fig.add_shape(type="path", path="M 0.6,10 L 0.6,7.3 Q 0.6,6.6 1.3,6.6 L 8.7,6.6 Q 9.4,6.6 9.4,7.3 L 9.4,10 Z",
                  fillcolor=_PRE_FILL, line={"color": _NMDA, "width": 2}, layer="below")
    fig.add_shape(type="rect", x0=0.2, x1=9.8, y0=0.0, y1=_MEM_LO, line={"width": 0},
                  fillcolor=_CELL_DEPOL if depolarised else _CELL_REST, layer="below")
    fig.add_shape(type="rect", x0=0.2, x1=9.8, y0=_MEM_LO, y1=_MEM_HI, fillcolor=_MEMBRANE,
                  line={"color": "#b08d57", "width": 1}, layer="below")
    _label(fig, 5.0, 9.55, "<b>Sending neuron</b> (presynaptic terminal)")
    _label(fig, 0.3, 5.55, "<i>synaptic<br>cleft</i>", size=_SMALL - 1, color="#555555", anchor="left")
    _label(fig, 0.9, 7.05, f'<span style="color:{_GLU}">●</span> glutamate', anchor="left")
    _label(fig, 5.0, 0.45, "<b>Receiving neuron</b> (postsynaptic)")
    state = "depolarised (inside less negative)" if depolarised else "at rest (inside negative)"
    _label(fig, 5.0, 1.35, f"Membrane: {state}", color="#7a3b00" if depolarised else "#333333")

    # Vesicles with glutamate.
    vesicles = [(2.4, 8.2), (5.0, 8.5), (7.6, 8.2)]
    if released:
        vesicles[1] = (5.0, 7.05)  # fused with the membrane
    for i, (vx, vy) in enumerate(vesicles):
        fig.add_shape(type="circle", x0=vx - 0.5, x1=vx + 0.5, y0=vy - 0.42, y1=vy + 0.42,
                      line={"color": _GLU, "width": 2, "dash": "dot" if (released and i == 1) else "solid"},
                      fillcolor="white", layer="below")
    gx, gy = [], []
    for i, (vx, vy) in enumerate(vesicles):
        if released and i == 1:
            continue
        gx += [vx - 0.2, vx + 0.2, vx]
        gy += [vy - 0.1, vy - 0.1, vy + 0.17]
    if released:
        if k == "release":
            gx += [4.7, 5.3, 4.1, 5.9]
            gy += [6.25, 6.15, 5.7, 5.7]
        if k != "trapped":
            gx += [_AMPA_X - 0.2, _AMPA_X + 0.2, _NMDA_X - 0.2, _NMDA_X + 0.2]
            gy += [5.65, 5.65, 5.65, 5.65]
    _dots(fig, gx, gy, _GLU, "glutamate", size=11)
    if k == "trapped":  # glutamate drifting away, unbound
        _dots(fig, [4.4, 5.6, 6.2, 3.9], [6.2, 6.35, 5.95, 5.95], _GLU, "glutamate (unbound)", size=11, opacity=0.45)
    if k == "release":
        _arrow(fig, 5.0, 6.75, 3.4, 5.85, _GLU, width=2)
        _arrow(fig, 5.0, 6.75, 6.6, 5.85, _GLU, width=2)

    # Receptors.
    _receptor(fig, _AMPA_X, _AMPA, ampa_open)
    _receptor(fig, _NMDA_X, _NMDA, nmda_open or k == "ketamine_enters")
    _label(fig, _AMPA_X - 0.75, 3.45, "<b>AMPA</b><br>receptor", anchor="right")
    _label(fig, _NMDA_X + 0.75, 3.45, "<b>NMDA</b><br>receptor", anchor="left")

    # Ions and ketamine.
    if ampa_open:
        _dots(fig, [_AMPA_X - 0.85, _AMPA_X + 0.85], [6.05, 6.15], _NA, "sodium ions", size=30, text=["Na⁺", "Na⁺"])
        _arrow(fig, _AMPA_X, 6.2, _AMPA_X, 2.75, _NA, width=3)
        _label(fig, _AMPA_X, 2.35, "Na⁺ flows in", color="#444444")
    if k in ("rest", "release", "ampa"):
        _dots(fig, [_NMDA_X], [_PORE_Y], _MG, "magnesium ion in the pore", size=32, text=["Mg²⁺"])
    else:
        _dots(fig, [8.6], [6.0], _MG, "magnesium ion, pushed out", size=32, text=["Mg²⁺"])
        if k == "mg_leaves":
            _arrow(fig, _NMDA_X + 0.1, _PORE_Y + 0.3, 8.3, 5.9, _MG, width=2)
    if k == "calcium":
        _dots(fig, [_NMDA_X - 0.85, _NMDA_X + 0.75], [6.05, 6.25], _CA, "calcium ions", size=30, text=["Ca²⁺", "Ca²⁺"])
        _arrow(fig, _NMDA_X, 6.2, _NMDA_X, 2.75, _CA, width=4)
        _label(fig, _NMDA_X, 2.35, "Ca²⁺ flows in", color=_CA)
    if k in ("ketamine_enters", "trapped"):
        _dots(fig, [_NMDA_X], [_PORE_Y], _KET, "ketamine in the pore", size=30, symbol="diamond", text=["K"])
        if k == "ketamine_enters":
            _dots(fig, [_NMDA_X - 0.85], [6.1], _CA, "calcium ions, kept out", size=30, text=["Ca²⁺"], opacity=0.6)
            _arrow(fig, 8.7, 7.0, _NMDA_X + 0.25, _PORE_Y + 0.35, _KET, width=2)
            _label(fig, 8.75, 7.25, "ketamine", color=_KET)
            _label(fig, _NMDA_X, 2.35, "no Ca²⁺ gets in", color=_KET)
        else:
            _label(fig, _NMDA_X, 2.35, "ketamine trapped<br>in the closed channel", color=_KET)
    title = f"Step {step + 1} of {len(STEPS)}: {s.title}"
    figure = fig.figure(
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": FONT_SIZE_PX + 2}},
        xaxis={"range": [0, 10], "visible": False, "fixedrange": True},
        yaxis={"range": [0, 10], "visible": False, "fixedrange": True},
        font={"size": FONT_SIZE_PX, "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
        template=LIGHT_TEMPLATE,
        plot_bgcolor="white",
        margin={"l": 4, "r": 4, "t": 50, "b": 4},
        height=460,
        showlegend=False,
        hovermode="closest",
    )
    return Described(figure, f"{title}. {s.caption}")

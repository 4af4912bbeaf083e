""""Getting unstuck": attractor pictures of rigid thought patterns and a window of plasticity.

A metaphor-level teaching model, **not** a claim about how the brain stores thoughts or about what
ketamine does to networks. It borrows two standard pictures from computational neuroscience:

1. A small Hopfield network (±1 units, symmetric Hebbian weights). Stored patterns stand for habitual
   patterns of thought; one "rut" pattern is stored with extra strength, so the network falls into it
   from most starting points. A temperature parameter (stochastic Glauber updates) stands for a
   temporary rise in plasticity: at low temperature the state stays in the rut, at high temperature it
   can leave. While plasticity is high a new pattern can be learned (Hebbian), and when the temperature
   comes back down the new pattern is a stable attractor of its own. (Note: a Hopfield network also
   stores each pattern's mirror image −ξ; overlaps are reported with sign.)
2. A 1-D energy landscape with a deep well (the rut) and a shallow one (an alternative), whose barrier
   flattens as plasticity rises and whose alternative well deepens as it is learned.

It is offered as an intuition pump alongside the cited, hypothesis-level biology (spine formation in
:mod:`katlearn.science.synaptogenesis`). Every run is deterministic given its ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import math

import numpy as np

from katlearn.science import params as P

__all__ = ["HopfieldNet", "Run", "Demo", "Landscape", "make_network", "overlap", "energy", "run", "learn", "noisy",
           "unsticking_demo", "energy_landscape", "barrier_height", "DEFAULTS"]

DEFAULTS = {
    "n_neurons": P.Assumption(64, "units", "small enough to run fast, large enough for clean recall"),
    "n_patterns": P.Assumption(3, "patterns", "a few habits; far below the network's capacity"),
    "rut_strength": P.Assumption(3.0, "x", "the rut is stored three times as strongly as other patterns"),
    "low_temperature": P.Assumption(0.5, "a.u.", "well below the rut's melting point (~rut_strength)"),
    "high_temperature": P.Assumption(4.0, "a.u.", "above the rut's melting point, so the state can leave"),
    "learning_rate": P.Assumption(2.5, "x", "strong enough for the new pattern to hold against the rut's pull"),
}


@dataclass(frozen=True)
class HopfieldNet:
    """Weights, the stored patterns (row 0 is the rut) and a not-yet-learned ``new_pattern``."""

    weights: np.ndarray = field(repr=False)
    patterns: np.ndarray = field(repr=False)
    new_pattern: np.ndarray = field(repr=False)
    rut_strength: float

    @property
    def n_neurons(self) -> int:
        return int(self.weights.shape[0])

    @property
    def rut(self) -> np.ndarray:
        return self.patterns[0]


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def make_network(n_neurons: int = int(DEFAULTS["n_neurons"].value), n_patterns: int = int(DEFAULTS["n_patterns"].value),
                 rut_strength: float = DEFAULTS["rut_strength"].value, seed: int = 0) -> HopfieldNet:
    """Random ±1 patterns stored by the Hebb rule; pattern 0 (the rut) with weight ``rut_strength``."""
    if int(n_neurons) < 8 or int(n_patterns) < 1:
        raise ValueError("n_neurons must be >= 8 and n_patterns >= 1")
    if not rut_strength > 0:
        raise ValueError(f"rut_strength must be > 0 (got {rut_strength!r})")
    rng = np.random.default_rng(seed)
    pats = rng.choice(np.array([-1.0, 1.0]), size=(int(n_patterns) + 1, int(n_neurons)))
    strengths = np.ones(int(n_patterns))
    strengths[0] = rut_strength
    stored = pats[:-1]
    w = (stored.T * strengths) @ stored / n_neurons
    np.fill_diagonal(w, 0.0)
    return HopfieldNet(weights=_frozen(w), patterns=_frozen(stored), new_pattern=_frozen(pats[-1].copy()),
                       rut_strength=float(rut_strength))


def overlap(state: np.ndarray, pattern: np.ndarray) -> float:
    """Overlap m = (1/N) Σ s_i ξ_i: +1 in the pattern, −1 in its mirror image, ~0 unrelated."""
    return float(np.dot(state, pattern) / state.size)


def energy(net: HopfieldNet, state: np.ndarray) -> float:
    """Hopfield energy E = −½ sᵀ W s (lower = deeper in a well)."""
    return float(-0.5 * state @ net.weights @ state)


def noisy(pattern: np.ndarray, flip_fraction: float, seed: int = 0) -> np.ndarray:
    """A copy of ``pattern`` with a random ``flip_fraction`` of its units flipped."""
    if not 0.0 <= flip_fraction <= 1.0:
        raise ValueError(f"flip_fraction must be within 0-1 (got {flip_fraction!r})")
    rng = np.random.default_rng(seed)
    s = np.array(pattern, dtype=float)
    idx = rng.choice(s.size, size=int(round(flip_fraction * s.size)), replace=False)
    s[idx] *= -1.0
    return s


@dataclass(frozen=True)
class Run:
    """Trajectory of :func:`run`: overlaps after each sweep (row 0 = start)."""

    overlaps: np.ndarray = field(repr=False)  # (n_sweeps + 1, n_stored) with the stored patterns
    overlap_new: np.ndarray = field(repr=False)  # (n_sweeps + 1,) with the new pattern
    energy: np.ndarray = field(repr=False)
    final_state: np.ndarray = field(repr=False)
    temperature: float

    def left_rut(self, threshold: float = 0.5) -> bool:
        """True once the state's |overlap| with the rut has dropped below ``threshold``."""
        return bool(np.any(np.abs(self.overlaps[:, 0]) < threshold))

    def first_exit_sweep(self, threshold: float = 0.5) -> int | None:
        hits = np.nonzero(np.abs(self.overlaps[:, 0]) < threshold)[0]
        return int(hits[0]) if hits.size else None


def run(net: HopfieldNet, state: np.ndarray, temperature: float, n_sweeps: int = 50, seed: int = 0) -> Run:
    """Asynchronous Glauber dynamics: each sweep updates every unit once, in random order.

    Unit i becomes +1 with probability 1/(1 + exp(−2 h_i / T)), h = W s. T = 0 is the deterministic
    rule s_i = sign(h_i) (ties keep the current value).
    """
    s = np.array(state, dtype=float)
    if s.shape != (net.n_neurons,) or not np.all(np.isin(s, (-1.0, 1.0))):
        raise ValueError(f"state must be a ±1 vector of length {net.n_neurons}")
    if not temperature >= 0 or not np.isfinite(temperature):
        raise ValueError(f"temperature must be finite and >= 0 (got {temperature!r})")
    if int(n_sweeps) < 0:
        raise ValueError("n_sweeps must be >= 0")
    rng = np.random.default_rng(seed)
    w = net.weights
    n = net.n_neurons
    ov = np.empty((int(n_sweeps) + 1, net.patterns.shape[0]))
    ov_new = np.empty(int(n_sweeps) + 1)
    en = np.empty(int(n_sweeps) + 1)

    def record(k: int) -> None:
        ov[k] = net.patterns @ s / n
        ov_new[k] = overlap(s, net.new_pattern)
        en[k] = energy(net, s)

    record(0)
    for sweep in range(1, int(n_sweeps) + 1):
        order = rng.permutation(n)
        u = rng.random(n)
        for j, i in enumerate(order):
            h = float(w[i] @ s)
            if temperature == 0.0:
                if h != 0.0:
                    s[i] = 1.0 if h > 0 else -1.0
            else:
                x = min(max(-2.0 * h / temperature, -700.0), 700.0)
                s[i] = 1.0 if u[j] < 1.0 / (1.0 + math.exp(x)) else -1.0
        record(sweep)
    return Run(overlaps=_frozen(ov), overlap_new=_frozen(ov_new), energy=_frozen(en), final_state=_frozen(s),
               temperature=float(temperature))


def learn(net: HopfieldNet, pattern: np.ndarray | None = None, rate: float = 1.0, forgetting: float = 0.0) -> HopfieldNet:
    """Hebbian learning of ``pattern`` (default: the net's ``new_pattern``), optionally weakening old weights.

    W ← (1 − forgetting)·W + rate·ξ ξᵀ / N (zero diagonal). The learned pattern is appended to ``patterns``.
    """
    xi = np.array(net.new_pattern if pattern is None else pattern, dtype=float)
    if xi.shape != (net.n_neurons,) or not np.all(np.isin(xi, (-1.0, 1.0))):
        raise ValueError(f"pattern must be a ±1 vector of length {net.n_neurons}")
    if not rate >= 0 or not 0.0 <= forgetting <= 1.0:
        raise ValueError("rate must be >= 0 and forgetting within 0-1")
    w = (1.0 - forgetting) * net.weights + rate * np.outer(xi, xi) / net.n_neurons
    np.fill_diagonal(w, 0.0)
    pats = np.vstack([net.patterns, xi])
    return HopfieldNet(weights=_frozen(w), patterns=_frozen(pats), new_pattern=net.new_pattern,
                       rut_strength=net.rut_strength)


@dataclass(frozen=True)
class Demo:
    """Three phases concatenated sweep by sweep: rigid (low T), plastic window (high T, then Hebbian
    learning of the new pattern), consolidation (low T, starting from a partial cue of the new pattern)."""

    sweep: np.ndarray = field(repr=False)
    temperature: np.ndarray = field(repr=False)
    overlap_rut: np.ndarray = field(repr=False)
    overlap_new: np.ndarray = field(repr=False)
    phase_starts: tuple[int, int, int]
    phase_names: tuple[str, str, str] = ("rigid", "plastic window", "after learning")


def unsticking_demo(seed: int = 0, sweeps_per_phase: int = 20, cue_flip_fraction: float = 0.2) -> Demo:
    """The whole story in one deterministic run, for a figure with three shaded phases."""
    net = make_network(seed=seed)
    t_lo, t_hi = DEFAULTS["low_temperature"].value, DEFAULTS["high_temperature"].value
    r1 = run(net, net.rut, t_lo, sweeps_per_phase, seed=seed)
    r2 = run(net, r1.final_state, t_hi, sweeps_per_phase, seed=seed + 1)
    learned = learn(net, rate=DEFAULTS["learning_rate"].value)
    cue = noisy(net.new_pattern, cue_flip_fraction, seed=seed + 2)
    r3 = run(learned, cue, t_lo, sweeps_per_phase, seed=seed + 3)
    rut = np.concatenate([r1.overlaps[:, 0], r2.overlaps[1:, 0], r3.overlaps[:, 0]])
    new = np.concatenate([r1.overlap_new, r2.overlap_new[1:], r3.overlap_new])
    temp = np.concatenate([np.full(sweeps_per_phase + 1, t_lo), np.full(sweeps_per_phase, t_hi),
                           np.full(sweeps_per_phase + 1, t_lo)])
    starts = (0, sweeps_per_phase + 1, 2 * sweeps_per_phase + 1)
    return Demo(sweep=_frozen(np.arange(rut.size)), temperature=_frozen(temp), overlap_rut=_frozen(rut),
                overlap_new=_frozen(new), phase_starts=starts)


# ---------------------------------------------------------------------------------------------
# 1-D landscape
# ---------------------------------------------------------------------------------------------
LANDSCAPE = {
    "barrier": P.Assumption(1.0, "a.u.", "height of the double-well term when plasticity is 0"),
    "floor": P.Assumption(0.05, "a.u.", "residual barrier scale at full plasticity (never perfectly flat)"),
    "tilt": P.Assumption(0.3, "a.u.", "how much deeper the rut is than the alternative before learning"),
}


@dataclass(frozen=True)
class Landscape:
    """Energy over a 1-D 'state' axis: the rut well sits near x = −1, the alternative near x = +1."""

    x: np.ndarray = field(repr=False)
    energy: np.ndarray = field(repr=False)
    plasticity: float
    learning: float
    rut_x: float
    alternative_x: float | None
    barrier_from_rut: float  # energy to climb from the rut minimum to the top between the wells (0 if merged)


def _potential(x: np.ndarray, plasticity: float, learning: float) -> np.ndarray:
    b = LANDSCAPE["barrier"].value * (1.0 - plasticity) + LANDSCAPE["floor"].value
    tilt = LANDSCAPE["tilt"].value * (1.0 - 2.0 * learning)  # learning flips which well is deeper
    return b * (x**2 - 1.0) ** 2 + tilt * x / 2.0


def energy_landscape(plasticity: float = 0.0, learning: float = 0.0, n_points: int = 401,
                     x_max: float = 1.8) -> Landscape:
    """Energy curve for a figure. ``plasticity`` (0..1) lowers the barrier; ``learning`` (0..1) deepens
    the alternative well until, at 1, it is as much deeper than the rut as the rut was at 0."""
    for name, v in (("plasticity", plasticity), ("learning", learning)):
        if not 0.0 <= float(v) <= 1.0:
            raise ValueError(f"{name} must be within 0-1 (got {v!r})")
    x = np.linspace(-x_max, x_max, int(n_points))
    e = _potential(x, float(plasticity), float(learning))
    interior = np.arange(1, x.size - 1)
    minima = interior[(e[interior] < e[interior - 1]) & (e[interior] <= e[interior + 1])]
    left = minima[x[minima] < 0]
    right = minima[x[minima] > 0]
    rut_i = int(left[np.argmin(e[left])]) if left.size else int(minima[np.argmin(e[minima])])
    alt_i = int(right[np.argmin(e[right])]) if right.size else None
    if alt_i is not None and alt_i > rut_i:
        top = float(np.max(e[rut_i:alt_i + 1]))
        barrier = top - float(e[rut_i])
    else:
        barrier = 0.0
    x.setflags(write=False)
    e.setflags(write=False)
    return Landscape(x=x, energy=e, plasticity=float(plasticity), learning=float(learning), rut_x=float(x[rut_i]),
                     alternative_x=None if alt_i is None else float(x[alt_i]), barrier_from_rut=barrier)


def barrier_height(plasticity: float, learning: float = 0.0) -> float:
    """Height of the barrier that keeps the state in the rut (0 once the wells merge)."""
    return energy_landscape(plasticity, learning, n_points=2001).barrier_from_rut

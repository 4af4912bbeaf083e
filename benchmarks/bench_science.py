"""Time the science models; prints JSON to stdout. Not part of the test suite.

    python benchmarks/bench_science.py [--number N]

Reports seconds per call (best of 5 repeats) for a 500-point ``pharmacokinetics.simulate`` on every route and model,
and for one update of each mechanism model as a widget would call it.
"""

from __future__ import annotations

import argparse
import json
import platform
import timeit

import numpy as np

from katlearn.science import clinical, disinhibition, landscape, nmda_block, pharmacokinetics, synaptogenesis


def best(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--number", type=int, default=50, help="calls per repeat (default 50)")
    n = ap.parse_args().number

    out: dict[str, object] = {"python": platform.python_version(), "numpy": np.__version__, "unit": "s/call"}
    pk_times = {}
    for model in pharmacokinetics.MODELS:
        for route in pharmacokinetics.ROUTES:
            kw = {"infusion_min": 40.0} if route == "iv_infusion" else {}
            pk_times[f"{model}/{route}"] = best(lambda: pharmacokinetics.simulate(route, 0.5, 70, model=model, **kw), n)
    out["pharmacokinetics.simulate_500pt"] = pk_times

    curve = pharmacokinetics.simulate("iv_infusion", 0.5, infusion_min=40)
    v = np.linspace(-100, 60, 161)
    mech = {
        "nmda_block.nmda_current_161pt": lambda: nmda_block.nmda_current(v, ketamine_uM=1.0),
        "nmda_block.use_dependent_block_50pulses": lambda: nmda_block.use_dependent_block(50, 1.0),
        "disinhibition.sweep_200pt": lambda: disinhibition.sweep(10.0, 200),
        "disinhibition.response_to_plasma_500pt": lambda: disinhibition.response_to_plasma(curve.t_min, curve.conc_ng_ml),
        "disinhibition.transient_401pt": lambda: disinhibition.integrate_transient(1.0),  # a level not stored
        "disinhibition.transient_401pt_stored": lambda: disinhibition.transient(1.0),
        "synaptogenesis.after_infusion_2000pt": lambda: synaptogenesis.after_infusion(),
        "landscape.run_64units_20sweeps": lambda: landscape.run(landscape.make_network(), landscape.make_network().rut,
                                                                4.0, 20),
        "landscape.energy_landscape_401pt": lambda: landscape.energy_landscape(0.5, 0.3),
        "clinical.response_trajectories_1001pt": lambda: clinical.response_trajectories(),
    }
    out["mechanism_update"] = {name: best(fn, max(1, n // 5)) for name, fn in mech.items()}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

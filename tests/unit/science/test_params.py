"""katlearn.science.params: every number has a unit and a source, or says it is an assumption."""

from __future__ import annotations

import dataclasses

from katlearn.science import clinical, disinhibition, landscape, nmda_block, params, synaptogenesis


def _walk(obj):
    stack = [obj]
    while stack:
        v = stack.pop()
        yield v
        if isinstance(v, dict) or (hasattr(v, "values") and callable(v.values) and not isinstance(v, str)):
            try:
                stack.extend(v.values())
            except TypeError:
                pass
        elif isinstance(v, (tuple, list)):
            stack.extend(v)
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            stack.extend(getattr(v, f.name) for f in dataclasses.fields(v))


def test_params_have_units_and_refs():
    for name in dir(params):
        if not name.isupper():
            continue
        for v in _walk(getattr(params, name)):
            if isinstance(v, (params.Param, params.Range)):
                assert v.unit and v.ref, name
            if isinstance(v, params.Range):
                assert v.low <= v.high, name


def test_assumptions_say_why():
    holders = [disinhibition.DEFAULT, synaptogenesis.DEFAULT, landscape.DEFAULTS, landscape.LANDSCAPE, clinical.SHAPE,
               nmda_block.DEFAULT_P_OPEN, nmda_block.DEFAULT_OPEN_TIME_X_KOFF, params.F_IV, params.NMDA_REVERSAL]
    n = 0
    for h in holders:
        for v in _walk(h):
            if isinstance(v, params.Assumption):
                assert v.why.strip(), v
                n += 1
    assert n >= 20


def test_references_used_per_model():
    used = params.REFERENCES_USED
    assert {"pk", "receptor", "circuit", "plasticity", "attractor", "clinical"} <= set(used)
    assert {"clements1981", "domino1984", "rolan2014", "yanagihara2003"} <= used["pk"]
    assert {"jahr1990", "ebert1997", "orser1997"} <= used["receptor"]
    assert {"moda_sava2019", "phoumthipphavong2016"} <= used["plasticity"]
    assert {"murrough2013", "kishimoto2016", "han2016"} <= used["clinical"]
    assert used["attractor"] == frozenset()  # a metaphor: no literature numbers
    assert params.all_refs() >= frozenset().union(*used.values())


def test_refs_in_walks_containers():
    assert params.refs_in([params.KI_ESKETAMINE, {"x": (params.MG_BLOCK_K0,)}]) == {"ebert1997", "jahr1990"}


def test_receptor_model_uses_one_binding_assay():
    """The occupancy comparison draws only Ebert 1997 values (racemic derived from them); racemic Ki values from
    other assays (Shimoyama 1999, Salat 2015) stay in params for the prose but are not used by the model."""
    used = params.REFERENCES_USED["receptor"]
    assert "ebert1997" in used and not {"shimoyama1999", "salat2015"} & used
    assert {lig.ref for lig in nmda_block.LIGANDS.values()} == {"ebert1997"}


def test_changing_facts_cite_their_current_sources():
    assert params.URINARY_SYMPTOMS_USERS.ref == "winstock2012"
    assert params.SSRI_ONSET_WEEKS.ref == "taylor2006" and params.STAR_D_LATE_RESPONSE.ref == "trivedi2006"
    assert params.KAP_LOZENGE_DOSE.ref == "ketamine_training_center" and params.SUBLINGUAL_STUDY_DOSE.value == 25.0
    assert any("respiratory depression" in f.text for f in params.SPRAVATO_LABEL_FACTS)
    assert all("Schedule III" in f.text for f in (params.SPRAVATO_LABEL_FACTS[1], params.KETAMINE_LABEL_FACTS[0]))

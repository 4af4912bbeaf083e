"""The published models, routes, dosing contexts and plasma ranges that
:mod:`katlearn.science.pharmacokinetics` simulates: data, each number from :mod:`katlearn.science.params`
with its reference key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from katlearn.science import params as P

__all__ = ["MODELS", "PLASMA_RANGES", "PROTOCOLS", "ROUTES", "PKModel", "Protocol", "Route"]


# ---------------------------------------------------------------------------------------------
# Models and routes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PKModel:
    """A published compartment model; rate constants in 1/min, central volume in L/kg."""

    name: str
    label: str
    compartments: int
    params: Mapping[str, P.Param]
    ref: str

    @property
    def v1_l_per_kg(self) -> float:
        return self.params["v1_l_per_kg"].value

    def rate(self, key: str) -> float:
        p = self.params.get(key)
        return 0.0 if p is None else p.value


@dataclass(frozen=True)
class Route:
    """A route of administration: bioavailability ``F`` and the published time to peak."""

    name: str
    label: str
    F: P.Param | P.Assumption
    tmax: P.Param | P.Range | None
    extravascular: bool

    @property
    def tmax_target_min(self) -> float | None:
        """The Tmax the absorption rate is fitted to: the published value or the range midpoint."""
        if self.tmax is None or not self.extravascular:
            return None
        return self.tmax.mid if isinstance(self.tmax, P.Range) else self.tmax.value


MODELS: Mapping[str, PKModel] = MappingProxyType({
    "clements1981": PKModel("clements1981", "Clements & Nimmo 1981 (2-compartment)", 2, P.CLEMENTS1981,
                            "clements1981"),
    "domino1984": PKModel("domino1984", "Domino et al. 1984 (3-compartment)", 3, P.DOMINO1984, "domino1984"),
})

ROUTES: Mapping[str, Route] = MappingProxyType({
    "iv_bolus": Route("iv_bolus", "IV bolus", P.F_IV, P.TMAX_IV, False),
    "iv_infusion": Route("iv_infusion", "IV infusion", P.F_IV, None, False),
    "im": Route("im", "Intramuscular", P.F_IM, P.TMAX_IM, True),
    "intranasal": Route("intranasal", "Intranasal", P.F_INTRANASAL, P.TMAX_INTRANASAL, True),
    "sublingual": Route("sublingual", "Sublingual", P.F_SUBLINGUAL, P.TMAX_SUBLINGUAL_MEDIAN, True),
    "oral": Route("oral", "Oral", P.F_ORAL, P.TMAX_ORAL, True),
})


@dataclass(frozen=True)
class Protocol:
    """A published dosing context, for scenario pickers. Education only, not dosing advice."""

    name: str
    route: str
    dose: P.Param | P.Range
    infusion_min: float | None = None


PROTOCOLS: Mapping[str, Protocol] = MappingProxyType({
    "antidepressant_iv": Protocol("0.5 mg/kg IV over 40 min (research protocol)", "iv_infusion",
                                  P.ANTIDEPRESSANT_DOSE, P.ANTIDEPRESSANT_INFUSION.value),
    "anaesthetic_iv": Protocol("Anaesthetic induction, IV", "iv_bolus", P.ANAESTHETIC_IV_DOSE),
    "anaesthetic_im": Protocol("Anaesthetic induction, IM", "im", P.ANAESTHETIC_IM_DOSE),
    "kap_im": Protocol("KAP, IM (one training trial; max 60 mg)", "im", P.KAP_IM_DOSE),
    "kap_lozenge": Protocol("KAP, sublingual lozenge (one training centre), total mg", "sublingual",
                            P.KAP_LOZENGE_DOSE),
})

PLASMA_RANGES: Mapping[str, P.Range] = MappingProxyType({
    "analgesic": P.ANALGESIC_PLASMA,
    "dissociative": P.DISSOCIATIVE_PLASMA,
    "anaesthetic": P.ANAESTHETIC_PLASMA,
})

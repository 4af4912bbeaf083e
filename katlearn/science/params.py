"""Every literature number the science models use, each next to its reference key.

Keys point into ``assets/references.yaml``. Two kinds of number live here:

* :class:`Param` / :class:`Range` — a value read in a cited source (its ``ref`` is a reference key).
* :class:`Assumption` — a modelling choice with no literature value behind it, stated as such
  with the reason it was chosen. Teaching models need a few; they are never dressed up as data.

No other module in :mod:`katlearn.science` holds a literature number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Param:
    """A single published value with its unit and reference key."""

    value: float
    unit: str
    ref: str
    note: str = ""

    def __float__(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Range:
    """A published range (low–high) with its unit and reference key."""

    low: float
    high: float
    unit: str
    ref: str
    note: str = ""

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    @property
    def mid(self) -> float:
        return 0.5 * (self.low + self.high)


@dataclass(frozen=True)
class Assumption:
    """A modelling choice that is not a literature value; ``why`` says what it is tuned to."""

    value: float
    unit: str
    why: str

    def __float__(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Fact:
    """A non-numeric (or mixed) statement from a source, for figures, captions and quizzes."""

    text: str
    ref: str


# ---------------------------------------------------------------------------------------------
# Chemistry
# ---------------------------------------------------------------------------------------------
MW_BASE = Param(237.73, "g/mol", ref="ketalar_label", note="ketamine free base")
MW_HCL = Param(274.19, "g/mol", ref="ketalar_label", note="ketamine hydrochloride; 10 mg base = 11.53 mg HCl")

# ---------------------------------------------------------------------------------------------
# Pharmacokinetics: compartment models (racemic ketamine, per kg body weight)
# ---------------------------------------------------------------------------------------------
_OPENTIVA = "secondary: parameters as transcribed in the open-source opentiva project"

CLEMENTS1981 = MappingProxyType({
    "v1_l_per_kg": Param(1.7522, "L/kg", ref="clements1981", note=_OPENTIVA),
    "k10_per_min": Param(0.0109, "1/min", ref="clements1981", note=_OPENTIVA),
    "k12_per_min": Param(0.0186, "1/min", ref="clements1981", note=_OPENTIVA),
    "k21_per_min": Param(0.0137, "1/min", ref="clements1981", note=_OPENTIVA),
})

DOMINO1984 = MappingProxyType({
    "v1_l_per_kg": Param(0.063, "L/kg", ref="domino1984", note=_OPENTIVA),
    "k10_per_min": Param(0.4381, "1/min", ref="domino1984", note=_OPENTIVA),
    "k12_per_min": Param(0.5921, "1/min", ref="domino1984", note=_OPENTIVA),
    "k13_per_min": Param(0.5900, "1/min", ref="domino1984", note=_OPENTIVA),
    "k21_per_min": Param(0.2470, "1/min", ref="domino1984", note=_OPENTIVA),
    "k31_per_min": Param(0.0146, "1/min", ref="domino1984", note=_OPENTIVA),
})

# Whole-body numbers used to check the compartment models.
CLEARANCE_70KG = Param(79.0, "L/h per 70 kg", ref="kamp2020", note="meta-analysis weighted mean; 95% CI 69-90")
CLEARANCE_70KG_CI = Range(69.0, 90.0, "L/h per 70 kg", ref="kamp2020")
VOLUME_70KG = Param(252.0, "L per 70 kg", ref="kamp2020", note="meta-analysis weighted mean; 95% CI 200-304")
BETA_HALF_LIFE_LABEL = Range(120.0, 180.0, "min", ref="ketalar_label",
                             note="secondary: label copy quotes ~2.5 h; Yanagihara 2003 ~120 min")
BETA_HALF_LIFE_YANAGIHARA = Param(120.0, "min", ref="yanagihara2003", note="approximately; IV 20 mg, n=3")
ALPHA_HALF_LIFE_LABEL = Range(10.0, 15.0, "min", ref="ketalar_label", note="secondary: label copy")

# ---------------------------------------------------------------------------------------------
# Pharmacokinetics: routes (bioavailability F and time to peak)
# ---------------------------------------------------------------------------------------------
F_IV = Assumption(1.0, "fraction", why="bioavailability of an intravenous dose is 1 by definition")
F_IM = Param(0.93, "fraction", ref="clements1982", note="secondary: value as quoted in reviews")
F_INTRANASAL = Param(0.45, "fraction", ref="yanagihara2003", note="adults, approximately")
F_INTRANASAL_CHILDREN = Param(0.50, "fraction", ref="malinovsky1996", note="children 2-9 y")
F_SUBLINGUAL = Param(0.29, "fraction", ref="rolan2014", note="median; 90% CI 27-31%")
F_ORAL = Param(0.20, "fraction", ref="yanagihara2003", note="approximately; Clements 1982 gives 17%")
F_ORAL_CLEMENTS = Param(0.17, "fraction", ref="clements1982", note="secondary")
F_RECTAL = Param(0.30, "fraction", ref="yanagihara2003", note="approximately; 25% in children (Malinovsky 1996)")
F_ESKETAMINE_NASAL = Param(0.48, "fraction", ref="spravato_label", note="secondary: label copy; esketamine")

TMAX_IV = Param(2.0, "min", ref="pharmacotherapy2022", note="10 mg IV, first sample; the model's bolus peaks at t=0")
TMAX_INTRANASAL = Range(14.0, 23.0, "min", ref="pharmacotherapy2022", note="geometric means for 10, 30, 50 mg")
TMAX_IM = Range(20.0, 30.0, "min", ref="hirlinger1984", note="as listed in science-facts.md")
TMAX_SUBLINGUAL = Range(15.0, 60.0, "min", ref="rolan2014", note="median 0.75 h, min-max 0.25-1.0 h")
TMAX_SUBLINGUAL_MEDIAN = Param(45.0, "min", ref="rolan2014", note="median 0.75 h")
TMAX_ORAL = Param(60.0, "min", ref="chong2009", note="approximately 1 h")

# ---------------------------------------------------------------------------------------------
# Doses and plasma levels (education only — never individual dosing advice)
# ---------------------------------------------------------------------------------------------
ANTIDEPRESSANT_DOSE = Param(0.5, "mg/kg", ref="zarate2006", note="IV over 40 min; also Berman 2000, Murrough 2013")
ANTIDEPRESSANT_INFUSION = Param(40.0, "min", ref="murrough2013", note="also Berman 2000, Zarate 2006")
ANTIDEPRESSANT_DOSE_BERMAN = Param(0.5, "mg/kg", ref="berman2000", note="first controlled trial")
ANTIDEPRESSANT_END_OF_INFUSION = Param(
    185.0, "ng/mL", ref="zanos2018",
    note="Table 1, quoting Zarate et al. 2006 (0.5 mg/kg over 40 min; 0.78 uM)")
ANAESTHETIC_IV_DOSE = Range(1.0, 4.5, "mg/kg", ref="ketalar_label", note="IV induction")
ANAESTHETIC_IM_DOSE = Range(6.5, 13.0, "mg/kg", ref="ketalar_label", note="IM induction")
ANALGESIC_PLASMA = Range(70.0, 160.0, "ng/mL", ref="zanos2018", note="Table 1; 0.29-0.67 uM")
DISSOCIATIVE_PLASMA = Range(100.0, 250.0, "ng/mL", ref="krystal1994", note="as tabulated by Zanos 2018")
PSYCHEDELIC_LINEAR_PLASMA = Range(50.0, 200.0, "ng/mL", ref="bowdle1998",
                                  note="effects rise linearly with steady-state plasma level")
ANAESTHETIC_PLASMA = Range(1200.0, 2400.0, "ng/mL", ref="zanos2018", note="Table 1; 5-10 uM")
ANAESTHETIC_MAINTENANCE_PLASMA_UM = Param(9.3, "uM", ref="idvall1979", note="steady level during anaesthesia")
RECOVERY_PLASMA_UM = Param(2.7, "uM", ref="idvall1979", note="level at recovery from anaesthesia")
ESKETAMINE_NASAL_DOSES = (Param(56.0, "mg", ref="spravato_label"), Param(84.0, "mg", ref="spravato_label"))
ESKETAMINE_MONITORING = Param(2.0, "h", ref="spravato_label", note="at least 2 h observation after each dose (REMS)")
ESKETAMINE_APPROVAL = Fact("FDA approval of esketamine nasal spray (Spravato): 5 March 2019, for "
                          "treatment-resistant depression with an oral antidepressant", ref="spravato_label")
ESKETAMINE_APPROVAL_MDSI = Fact("FDA approval of Spravato, with an oral antidepressant, for depressive symptoms in "
                               "adults with major depressive disorder with acute suicidal ideation or behaviour: "
                               "3 August 2020", ref="canady2020")
ESKETAMINE_APPROVAL_MONOTHERAPY = Fact("FDA approval of Spravato as monotherapy (without an oral antidepressant) "
                                      "for treatment-resistant depression: 21 January 2025", ref="canady2025")
SPRAVATO_LABEL_FACTS = (
    Fact("Boxed warning: sedation, dissociation, respiratory depression, abuse and misuse, and suicidal thoughts "
         "and behaviours; monitoring for at least 2 h after each dose, in a certified setting (REMS)",
         ref="spravato_label"),
    Fact("Esketamine is a Schedule III controlled substance (CIII) under the US Controlled Substances Act",
         ref="spravato_label"),
    Fact("CNS depressants (e.g. benzodiazepines, opioids, alcohol) may increase sedation; psychostimulants and "
         "monoamine oxidase inhibitors (MAOIs) may increase blood pressure", ref="spravato_label"),
    Fact("Because of nausea and vomiting, patients avoid food for at least 2 h and liquids for at least 30 min "
         "before a dose", ref="spravato_label"),
)
KETAMINE_LABEL_FACTS = (
    Fact("Ketamine hydrochloride injection is a Schedule III controlled substance (CIII)",
         ref="ketamine_injection_label"),
    Fact("Physical dependence has been reported with prolonged use; withdrawal symptoms after stopping frequent "
         "(more than weekly) use", ref="ketamine_injection_label"),
)
KAP_LOZENGE_DOSE = Range(100.0, 400.0, "mg", ref="ketamine_training_center",
                         note="one training centre's own description of its practice (supervised at-home "
                              "sessions, 2020): 50 and 100 mg rapid-dissolving tablets, 'general dosage range' "
                              "100-400 mg; not a trial")
SUBLINGUAL_STUDY_DOSE = Param(25.0, "mg", ref="rolan2014",
                              note="the single sublingual dose (wafer) behind F and Tmax; 8 healthy male volunteers")
KAP_IM_DOSE = Range(0.5, 0.75, "mg/kg", ref="nct05468047", note="maximum 60 mg; one training trial")

# ---------------------------------------------------------------------------------------------
# Receptor pharmacology
# ---------------------------------------------------------------------------------------------
KI_ESKETAMINE = Param(0.3, "uM", ref="ebert1997", note="[3H]MK-801 binding, rat")
KI_ARKETAMINE = Param(1.4, "uM", ref="ebert1997", note="[3H]MK-801 binding, rat")
KI_S_NORKETAMINE = Param(1.7, "uM", ref="ebert1997", note="[3H]MK-801 binding, rat")
KI_R_NORKETAMINE = Param(13.0, "uM", ref="ebert1997", note="[3H]MK-801 binding, rat")
# Racemic ketamine in *other* assays: quoted in prose only, never drawn next to the Ebert 1997 enantiomers
# (the model derives the racemic value from those; see katlearn.science.nmda_block.racemic_ki_uM).
KI_KETAMINE_SHIMOYAMA = Param(0.3, "uM", ref="shimoyama1999", note="racemic; another assay than Ebert 1997")
KI_KETAMINE_SALAT = Param(0.119, "uM", ref="salat2015", note="racemic; another assay than Ebert 1997")
ORSER_OPEN_PROB_1UM = Param(0.24, "fraction of control", ref="orser1997",
                            note="1 uM ketamine, cell-attached patches, hippocampal neurons")
ORSER_OPEN_PROB_01UM = Param(0.53, "fraction of control", ref="orser1997", note="0.1 uM ketamine")
MG_BLOCK_K0 = Param(3.57, "mM", ref="jahr1990", note="B(V) = 1/(1 + [Mg]/3.57 mM * exp(-0.062 V))")
MG_BLOCK_SLOPE = Param(0.062, "1/mV", ref="jahr1990")
MG_EXTRACELLULAR = Param(1.0, "mM", ref="magnesres2009", note="physiological ~0.9-1.3 mM")
MG_EXTRACELLULAR_RANGE = Range(0.9, 1.3, "mM", ref="magnesres2009")
NMDA_REVERSAL = Assumption(0.0, "mV", why="NMDA channels pass Na+, K+ and Ca2+ about equally; a round 0 mV "
                                          "reversal is the usual textbook convention, not a fitted value")

RECEPTOR_FACTS = (
    Fact("Ketamine's main block is at the PCP site inside the pore, reached through the open channel; "
         "drug inside a channel that closes stays trapped in nearly all, not all, of the blocked receptors",
         ref="kotermanski2009"),
    Fact("A second route: ketamine applied outside the patch lowered how often channels opened, suggesting it "
         "can reach a site by crossing the membrane, without an open channel", ref="orser1997"),
    Fact("1 uM ketamine cut the channel open probability to 24% of control, by lowering both opening "
         "frequency and mean open time", ref="orser1997"),
    Fact("The NMDA receptor is a heterotetramer of two GluN1 and two GluN2 subunits; glutamate binds GluN2, "
         "the co-agonist glycine or D-serine binds GluN1; the channel is highly Ca2+-permeable",
         ref="reactome_nmda"),
    Fact("Extracellular Mg2+ blocks the pore at negative voltages; the block is relieved by depolarisation",
         ref="jahr1990"),
    Fact("(S)-ketamine binds the NMDA receptor about 5 times more tightly than (R)-ketamine", ref="ebert1997"),
    Fact("(2R,6R)-hydroxynorketamine had antidepressant-like effects without direct NMDA block in mice "
         "(contested by later work)", ref="zanos2016"),
)

# ---------------------------------------------------------------------------------------------
# Mechanism findings (hypotheses — taught as such)
# ---------------------------------------------------------------------------------------------
MECHANISM_FACTS = (
    Fact("NMDA receptor block with MK-801 (not ketamine) decreased firing of putative GABA interneurons first "
         "and then, with a delay, increased firing of most pyramidal neurons in rat prefrontal cortex "
         "(disinhibition)", ref="homayoun2007"),
    Fact("Subanaesthetic ketamine (10-30 mg/kg) increased glutamate outflow in rat prefrontal cortex; "
         "50 mg/kg had no effect and an anaesthetic 200 mg/kg decreased it", ref="moghaddam1997"),
    Fact("Pre-treatment with the AMPA receptor antagonist NBQX blocked ketamine's antidepressant-like effects",
         ref="maeng2008"),
    Fact("NMDA block at rest deactivates eEF2 kinase, so less eEF2 is phosphorylated and BDNF translation is "
         "de-suppressed", ref="autry2011"),
    Fact("Ketamine rapidly activated mTOR signalling and increased synaptic proteins and new spine synapses "
         "in rat prefrontal cortex; blocking mTOR (rapamycin) blocked these effects", ref="li2010"),
    Fact("Spine formation rates were altered 12-24 h after ketamine, not at 3-6 h; new spines were needed to "
         "sustain, not to induce, the behavioural effect", ref="moda_sava2019"),
    Fact("Dendritic spine density in mouse medial frontal cortex stayed higher for up to 2 weeks after one "
         "dose, driven by more spine formation", ref="phoumthipphavong2016"),
)

SPINE_NOT_ALTERED_H = Range(3.0, 6.0, "h", ref="moda_sava2019", note="formation rate not yet altered")
SPINE_ALTERED_H = Range(12.0, 24.0, "h", ref="moda_sava2019", note="formation rate altered")
SPINE_RAISED_UNTIL_D = Param(14.0, "d", ref="phoumthipphavong2016", note="density raised up to 2 weeks")

# ---------------------------------------------------------------------------------------------
# Clinical
# ---------------------------------------------------------------------------------------------
MURROUGH_N = Param(73.0, "patients", ref="murrough2013", note="2:1 ketamine:midazolam")
MURROUGH_RESP_24H_KET = Param(63.8, "%", ref="murrough2013")
MURROUGH_RESP_24H_MID = Param(28.0, "%", ref="murrough2013")
MURROUGH_RESP_D7_KET = Param(45.7, "%", ref="murrough2013")
MURROUGH_RESP_D7_MID = Param(18.2, "%", ref="murrough2013")
HAN_STUDIES = Param(9.0, "trials", ref="han2016")
HAN_N = Param(368.0, "patients", ref="han2016")
HAN_RESP = MappingProxyType({1.0: Param(52.2, "%", ref="han2016"), 3.0: Param(47.9, "%", ref="han2016"),
                             7.0: Param(39.8, "%", ref="han2016")})
HAN_REMIT = MappingProxyType({1.0: Param(20.6, "%", ref="han2016"), 3.0: Param(23.8, "%", ref="han2016"),
                              7.0: Param(26.2, "%", ref="han2016")})
BERMAN_N = Param(7.0, "patients completing", ref="berman2000")
BERMAN_HDRS_CHANGE_KET = Param(-14.0, "HDRS points (SD 10)", ref="berman2000", note="within 72 h")
BERMAN_HDRS_CHANGE_PLACEBO = Param(0.0, "HDRS points (SD 12)", ref="berman2000", note="within 72 h")
ZARATE_ONSET = Param(2.0, "h", ref="zarate2006", note="improvement within ~2 h of infusion")
ZARATE_DURATION = Param(7.0, "d", ref="zarate2006", note="effect still significant at 1 week")
KISHIMOTO_ONSET = Param(40.0, "min", ref="kishimoto2016", note="superior to placebo from 40 min")
KISHIMOTO_PEAK = Param(1.0, "d", ref="kishimoto2016", note="Hedges g -1.00 at day 1")
KISHIMOTO_LOSS = Range(10.0, 12.0, "d", ref="kishimoto2016", note="no longer superior to placebo")
SSRI_ONSET_WEEKS = Range(1.0, 6.0, "weeks", ref="taylor2006",
                         note="meta-analysis of 28 placebo-controlled trials (n=5872): SSRIs ahead of placebo by the "
                              "end of week 1, improvement still growing, at a decreasing rate, through week 6")
STAR_D_LATE_RESPONSE = Fact("In the STAR*D citalopram step, a substantial share of those who responded or remitted "
                            "did so at or after 8 weeks", ref="trivedi2006")
STAR_D_REMISSION = (Param(36.8, "%", ref="rush2006", note="step 1"), Param(30.6, "%", ref="rush2006", note="step 2"),
                    Param(13.7, "%", ref="rush2006", note="step 3"), Param(13.0, "%", ref="rush2006", note="step 4"))
STAR_D_CUMULATIVE = Param(67.0, "%", ref="rush2006", note="cumulative remission over up to four steps")
DORE_N = Param(235.0, "patients", ref="dore2019", note="3 practices; observational")
DORE_BDI_CHANGE = Param(-11.2, "BDI points", ref="dore2019", note="mean change")
DORE_HAMA_CHANGE = Param(-5.5, "HAM-A points", ref="dore2019", note="mean change")

BP_RISE_RACEMIC = Range(15.0, 30.0, "% of pre-anaesthetic", ref="idvall1979", note="transient; BP, HR, cardiac output")
HR_RISE_ESKETAMINE = Param(43.5, "%", ref="langsjo2005", note="maximal, S-ketamine")
MAP_RISE_ESKETAMINE = Param(27.0, "%", ref="langsjo2005", note="maximal, S-ketamine")
CADSS_ITEMS_1998 = (Param(19.0, "subjective items", ref="bremner1998", note="original CADSS"),
                    Param(8.0, "observer items", ref="bremner1998", note="original CADSS"))
CADSS_ITEMS = Param(23.0, "items", ref="bremner2024",
                    note="the version used in ketamine and esketamine studies (23-item CADSS)")
URINARY_SYMPTOMS_USERS = Param(26.6, "%", ref="winstock2012",
                               note="of 1,285 respondents who had used ketamine in the past year (340 people); online survey "
                                    "promoted by a dance-music magazine (self-selected, not a random sample)")
URINARY_SYMPTOMS_N = Param(340.0, "respondents", ref="winstock2012")
RECENT_USERS_N = Param(1285.0, "respondents", ref="winstock2012", note="ketamine use in the past year")
RECENT_USERS_DEPENDENT = Param(17.0, "%", ref="winstock2012", note="of recent users, met dependence criteria")

SAFETY_FACTS = (
    Fact("Ulcerative cystitis was described in heavy daily ketamine users", ref="shahani2007"),
    Fact("Ketalar is contraindicated where a significant rise in blood pressure would be a serious hazard",
         ref="ketalar_label"),
    Fact("Spravato contraindications: aneurysmal vascular disease, arteriovenous malformation, intracerebral "
         "haemorrhage, hypersensitivity; psychosis and pregnancy are warnings", ref="spravato_label"),
    Fact("KAP has no standard protocol: clinics describe ~2-3 preparation sessions, 3-6 dosing sessions of "
         "2.5-3 h, and at least 1-2 integration sessions", ref="psychiatric_times_kap"),
)


# ---------------------------------------------------------------------------------------------
# Which reference keys each model uses
# ---------------------------------------------------------------------------------------------
def refs_in(obj: Any) -> set[str]:
    """All reference keys found in ``obj`` (a Param/Range/Fact, or containers of them)."""
    found: set[str] = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, (Param, Range, Fact)):
            found.add(item.ref)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            stack.extend(item)
    return found


def _module_refs(*names: str) -> frozenset[str]:
    g = globals()
    return frozenset(refs_in([g[n] for n in names]))


REFERENCES_USED: Mapping[str, frozenset[str]] = MappingProxyType({
    "pk": _module_refs(
        "MW_BASE", "MW_HCL", "CLEMENTS1981", "DOMINO1984", "CLEARANCE_70KG", "CLEARANCE_70KG_CI", "VOLUME_70KG",
        "BETA_HALF_LIFE_LABEL", "BETA_HALF_LIFE_YANAGIHARA", "ALPHA_HALF_LIFE_LABEL", "F_IM", "F_INTRANASAL",
        "F_INTRANASAL_CHILDREN", "F_SUBLINGUAL", "F_ORAL", "F_ORAL_CLEMENTS", "F_RECTAL", "F_ESKETAMINE_NASAL",
        "TMAX_IV", "TMAX_INTRANASAL", "TMAX_IM", "TMAX_SUBLINGUAL", "TMAX_SUBLINGUAL_MEDIAN", "TMAX_ORAL",
        "ANTIDEPRESSANT_DOSE", "ANTIDEPRESSANT_INFUSION", "ANTIDEPRESSANT_DOSE_BERMAN",
        "ANTIDEPRESSANT_END_OF_INFUSION", "ANAESTHETIC_IV_DOSE", "ANAESTHETIC_IM_DOSE", "ANALGESIC_PLASMA",
        "DISSOCIATIVE_PLASMA", "PSYCHEDELIC_LINEAR_PLASMA", "ANAESTHETIC_PLASMA",
        "ANAESTHETIC_MAINTENANCE_PLASMA_UM", "RECOVERY_PLASMA_UM", "ESKETAMINE_NASAL_DOSES",
        "ESKETAMINE_MONITORING", "ESKETAMINE_APPROVAL", "KAP_LOZENGE_DOSE", "SUBLINGUAL_STUDY_DOSE", "KAP_IM_DOSE"),
    "receptor": _module_refs(
        "KI_ESKETAMINE", "KI_ARKETAMINE", "KI_S_NORKETAMINE", "KI_R_NORKETAMINE",
        "ORSER_OPEN_PROB_1UM", "ORSER_OPEN_PROB_01UM", "MG_BLOCK_K0", "MG_BLOCK_SLOPE", "MG_EXTRACELLULAR",
        "MG_EXTRACELLULAR_RANGE", "RECEPTOR_FACTS"),
    "circuit": _module_refs("KI_ESKETAMINE", "KI_ARKETAMINE", "MW_BASE", "MECHANISM_FACTS"),
    "plasticity": _module_refs("MECHANISM_FACTS", "SPINE_NOT_ALTERED_H", "SPINE_ALTERED_H",
                               "SPINE_RAISED_UNTIL_D"),
    "attractor": frozenset(),
    "clinical": _module_refs(
        "MURROUGH_N", "MURROUGH_RESP_24H_KET", "MURROUGH_RESP_24H_MID", "MURROUGH_RESP_D7_KET",
        "MURROUGH_RESP_D7_MID", "HAN_STUDIES", "HAN_N", "HAN_RESP", "HAN_REMIT", "BERMAN_N",
        "BERMAN_HDRS_CHANGE_KET", "BERMAN_HDRS_CHANGE_PLACEBO", "ZARATE_ONSET", "ZARATE_DURATION",
        "KISHIMOTO_ONSET", "KISHIMOTO_PEAK", "KISHIMOTO_LOSS", "SSRI_ONSET_WEEKS", "STAR_D_REMISSION",
        "STAR_D_CUMULATIVE", "STAR_D_LATE_RESPONSE", "DORE_N", "DORE_BDI_CHANGE", "DORE_HAMA_CHANGE", "BP_RISE_RACEMIC",
        "HR_RISE_ESKETAMINE", "MAP_RISE_ESKETAMINE", "CADSS_ITEMS_1998", "CADSS_ITEMS", "URINARY_SYMPTOMS_USERS",
        "URINARY_SYMPTOMS_N", "RECENT_USERS_N", "RECENT_USERS_DEPENDENT", "SAFETY_FACTS", "SPRAVATO_LABEL_FACTS",
        "KETAMINE_LABEL_FACTS", "ESKETAMINE_APPROVAL_MDSI", "ESKETAMINE_APPROVAL_MONOTHERAPY"),
})


def all_refs() -> frozenset[str]:
    """Every reference key cited by any parameter or fact in this module."""
    g = globals()
    return frozenset(refs_in([v for k, v in g.items() if k.isupper() and k != "REFERENCES_USED"]))

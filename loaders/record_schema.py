"""The curation format as data: which fields each record part has and what they become in RDF.

One table drives three things: the loader's triples, the loader's early errors (unknown field,
wrong kind of value, missing required field) and the field reference in evidence/README.md. Adding a
field is one line here plus, if it needs a new property, one entry in ontology/emkg.ttl.

Field kinds:
  text, int, decimal, bool  -> a literal of that datatype
  term                      -> a CURIE expanded to an IRI (an ontology term, unit, grading system ...)
  ref                       -> the local id of another part of the same record (fact, product, patient)
  publication               -> the id of another curated publication (a record file), as its IRI
  quantity                  -> a node with emkg:value / emkg:unit (and optional low / high, qualifier,
                               approximate)
  object                    -> a nested node with its own fields
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    predicate: str  # CURIE of the property
    kind: str
    many: bool = False
    required: bool = False
    node_class: str | None = None  # rdf:type of the node minted for quantity/object fields
    fields: tuple[Field, ...] = ()  # sub-fields of an object field
    adds_type: bool = False  # term fields whose value is also asserted as rdf:type of the subject
    doc: str = ""


@dataclass(frozen=True)
class Part:
    """A kind of record part (a fact type, a product, a cohort ...)."""

    name: str
    node_class: str
    fields: tuple[Field, ...]
    doc: str = ""
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})


QUANTITY_FIELDS = (
    Field("value", "emkg:value", "decimal", doc="the number as reported"),
    Field("low", "emkg:lowValue", "decimal", doc="lower end of a reported range"),
    Field("high", "emkg:highValue", "decimal", doc="upper end of a reported range"),
    Field("unit", "emkg:unit", "term", required=True, doc="unit individual, e.g. emkg:CellsPerKilogram"),
    Field("qualifier", "emkg:qualifier", "term",
          doc="emkg:LessThan, emkg:AtMost, emkg:GreaterThan, emkg:AtLeast (value is the bound), emkg:NotDetected, "
              "emkg:BelowDetectionLimit, emkg:Negligible"),
    Field("approximate", "emkg:approximate", "bool", doc="true for 'about', '~'"),
)
# Explicit missing values: any term field, required ones included, may hold one of these instead of a value.
MISSING_VALUES = ("emkg:NotReported", "emkg:Unknown")


# Ages over 89 can identify a patient: a record writes `age_years: 90+`, kept as this flag instead of a number.
AGE_90_PLUS = "90+"
AGE_90_PLUS_PREDICATE = "emkg:ageNinetyOrOver"


def quantity(name: str, predicate: str, doc: str, many: bool = False, extra: tuple[Field, ...] = ()) -> Field:
    return Field(name, predicate, "quantity", many=many, node_class="emkg:Quantity",
                 fields=QUANTITY_FIELDS + extra, doc=doc)


# When a fact happened, counted from any anchor: another fact of the patient or a named event.
TIMING = Field(
    "timing", "emkg:hasTiming", "object", many=True, node_class="emkg:Timing",
    doc="time from an anchor other than the infusion ('14 days after MRD negativity'); one of from / from_event",
    fields=(
        Field("from", "emkg:timingAnchor", "ref", doc="the fact of this patient the time is counted from"),
        Field("from_event", "emkg:anchorEvent", "term",
              doc="an anchor that is not a curated fact: emkg:InitialDiagnosisEvent, emkg:PresentationEvent, "
                  "emkg:TransplantEvent, emkg:RemissionEvent, emkg:MrdNegativityEvent, emkg:CarTInfusionEvent, "
                  "emkg:StudyEnrolmentEvent"),
        quantity("after", "emkg:timeFromAnchor",
                 "time from the anchor to this fact, unit emkg:Day / emkg:Week / emkg:Month / emkg:Year"),
        Field("before", "emkg:beforeAnchor", "bool", doc="true: the fact is that long before the anchor"),
        Field("approximate", "emkg:approximate", "bool", doc="true for 'about', '~'"),
    ),
)
DURATION = quantity("duration", "emkg:duration",
                    "how long the state lasted ('CR for 40 days'); for a follow-up, the follow-up time",
                    extra=(Field("ongoing", "emkg:ongoing", "bool", doc="true: still lasting at the last report"),))

# Where a finding was seen, on which side and by what kind of evidence.
SITE_DETAILS = Field(
    "site_details", "emkg:hasSiteInvolvement", "object", many=True, node_class="emkg:SiteInvolvement",
    doc="sites with laterality and evidence; an involved site also counts as one of 'sites'",
    fields=(
        Field("site", "emkg:hasSite", "term", required=True, doc="UBERON site"),
        Field("laterality", "emkg:laterality", "term", doc="emkg:Left, emkg:Right, emkg:Bilateral"),
        Field("shown_by", "emkg:shownBy", "term",
              doc="emkg:Imaging, emkg:Biopsy, emkg:CSFCytology, emkg:FlowCytometry, emkg:PhysicalExamination "
                  "or an NCIT method"),
        Field("involved", "emkg:involved", "bool", doc="false: the site was examined and found not involved"),
    ),
)
CNS_STATUS = Field("cns_status", "emkg:cnsStatus", "term", doc="emkg:CNS1, emkg:CNS2, emkg:CNS3")


# Fields every fact has: identity, evidence and place on the timeline.
COMMON_FACT_FIELDS = (
    Field("id", "", "text", required=True, doc="local id, unique in the record; becomes part of the IRI"),
    Field("type", "", "text", required=True, doc="the kind of fact (see the table of fact types)"),
    Field("quote", "", "text", many=True, required=True,
          doc="verbatim sentence fragment(s) from the source supporting the fact (<= ~40 words each)"),
    Field("evidence_code", "", "term", doc="ECO code; defaults to the record's"),
    Field("present", "emkg:present", "bool",
          doc="false records an explicit negative ('no CRES was detected'); default true"),
    Field("day", "emkg:dayOffset", "int", doc="day relative to the anchor infusion (day 0)"),
    Field("day_min", "emkg:dayOffsetMin", "int", doc="earliest day when only a window is reported"),
    Field("day_max", "emkg:dayOffsetMax", "int", doc="latest day when only a window is reported"),
    Field("relative_to", "emkg:relativeToInfusion", "ref",
          doc="the car-t-infusion fact that is day 0 (required when the patient has several)"),
    Field("order", "emkg:sequenceNumber", "int", doc="position in the patient's history when no day is known"),
    Field("year", "emkg:year", "int", doc="calendar year, the finest date kept in structured fields"),
    Field("month", "emkg:month", "int", doc="month of the year (1-12), next to 'year'"),
    TIMING,
    DURATION,
    Field("derived", "emkg:derivationNote", "text",
          doc="how a value was derived by the curator (e.g. day offset computed from calendar dates)"),
    Field("note", "rdfs:comment", "text", doc="curator's note"),
    Field("conflicts_with", "emkg:conflictsWith", "ref", many=True,
          doc="another fact of this record that the source contradicts this one with"),
)

AGENT = Field(
    "agents", "emkg:hasAgentAdministration", "object", many=True, node_class="emkg:AgentAdministration",
    doc="the drugs of a regimen, each with its own dose and days",
    fields=(
        Field("drug", "emkg:agent", "term", required=True, doc="drug term, e.g. NCIT:C1094 (fludarabine)"),
        quantity("dose", "emkg:hasDose",
                 "dose per administration, e.g. {value: 30, unit: emkg:MilligramPerSquareMetre}"),
        Field("route", "emkg:route", "term", doc="route, e.g. NCIT:C38267 (intrathecal)"),
        Field("days", "emkg:onDay", "int", many=True, doc="days relative to the anchor infusion"),
        Field("number_of_days", "emkg:numberOfDays", "int", doc="how many days when the days are not given"),
        Field("schedule", "emkg:schedule", "text", doc="schedule in the source's words"),
    ),
)

FACT_TYPES: dict[str, Part] = {p.name: p for p in (
    Part("demographics", "emkg:Demographics", (
        Field("sex", "emkg:sex", "term", doc="emkg:Male or emkg:Female"),
        Field("age_years", "emkg:ageYears", "decimal",
              doc=f"age at the event the source gives it for; any age over 89 is written {AGE_90_PLUS} (privacy)"),
        Field("age_context", "emkg:ageContext", "term", doc="e.g. emkg:AgeAtDiagnosis, emkg:AgeAtCarT"),
        Field("age_group", "emkg:ageGroup", "term",
              doc="emkg:Adult, emkg:Pediatric, emkg:AdolescentYoungAdult, when no age is given"),
        Field("age_low", "emkg:ageLow", "decimal", doc="lower end, in years, of an age given only as a range"),
        Field("age_high", "emkg:ageHigh", "decimal", doc="upper end, in years, of an age given only as a range"),
    ), "sex and age"),
    Part("diagnosis", "emkg:Diagnosis", (
        Field("disease", "emkg:disease", "term", many=True, required=True, doc="MONDO / NCIT disease term(s)"),
        Field("sites", "emkg:hasSite", "term", many=True, doc="sites involved at diagnosis (UBERON)"),
        SITE_DETAILS,
        CNS_STATUS,
        Field("method", "emkg:assessedBy", "term", many=True, doc="how it was diagnosed"),
        Field("finding", "emkg:finding", "text", doc="the finding in the curator's words"),
    ), "initial diagnosis"),
    Part("genetic-finding", "emkg:GeneticFinding", (
        Field("genes", "emkg:involvesGene", "term", many=True, doc="HGNC genes involved"),
        Field("finding", "emkg:finding", "text", required=True, doc="karyotype / fusion / mutation as reported"),
        Field("alteration_type", "emkg:alterationType", "term",
              doc="emkg:GeneFusion, emkg:SequenceVariant, emkg:Karyotype, emkg:CopyNumberAlteration"),
        Field("alteration", "emkg:reportedAlteration", "text",
              doc="the alteration as reported: 'BCR::ABL1', 'JAK2 R683G', '46,XY'"),
        Field("alteration_class", "emkg:alteration", "term",
              doc="a recurrent alteration term, e.g. emkg:PhLikeSignature"),
        Field("method", "emkg:assessedBy", "term", many=True),
    ), "cytogenetic or molecular finding"),
    Part("medical-history", "emkg:MedicalHistory", (
        Field("condition", "emkg:historyCondition", "term", required=True,
              doc="MONDO / NCIT condition (hepatitis B ...)"),
        Field("finding", "emkg:finding", "text", doc="the history as reported"),
    ), "a condition in the patient's medical history ('present: false' for one the source rules out)"),
    Part("relapse", "emkg:Relapse", (
        Field("sites", "emkg:hasSite", "term", many=True, required=True,
              doc="UBERON sites of relapse (may be given by site_details instead)"),
        SITE_DETAILS,
        Field("relapse_kind", "emkg:relapseKind", "term",
              doc="emkg:IsolatedExtramedullary, emkg:CombinedMarrowExtramedullary or emkg:IsolatedMarrow, as "
                  "the source states it"),
        CNS_STATUS,
        Field("marrow_involved", "emkg:boneMarrowInvolved", "bool",
              doc="whether the bone marrow is involved (alone or with EM sites); relapse_kind says which kind"),
        Field("relapse_number", "emkg:relapseNumber", "int", doc="1 for first relapse ..."),
        Field("after", "emkg:occursAfter", "ref", many=True, doc="the therapy facts (HSCT, infusion) it follows"),
        quantity("interval", "emkg:intervalSincePrior", "time since the 'after' fact"),
        Field("antigens", "emkg:hasAntigenStatus", "object", many=True, node_class="emkg:AntigenStatus",
              fields=(
                  Field("antigen", "emkg:antigen", "term", required=True, doc="PR term, e.g. PR:000001002 (CD19)"),
                  Field("status", "emkg:antigenExpression", "term", required=True, doc="emkg:Positive / emkg:Negative"),
                  Field("percent", "emkg:percentOfCells", "decimal"),
              ), doc="antigen expression of the relapsed blasts"),
        Field("method", "emkg:detectedBy", "term", many=True, doc="how it was shown (biopsy, flow, PET/CT ...)"),
        Field("finding", "emkg:finding", "text"),
    ), "a relapse, with its sites"),
    Part("therapy", "emkg:Therapy", (
        Field("category", "rdf:type", "term", required=True, adds_type=True,
              doc="emkg:Chemotherapy, emkg:LymphodepletingChemotherapy, emkg:Radiotherapy ..."),
        Field("regimen", "emkg:regimen", "term", doc="named regimen term, e.g. emkg:VDLPRegimen"),
        Field("regimen_name", "emkg:regimenName", "text", doc="regimen as the source names it"),
        AGENT,
        Field("intent", "emkg:intent", "term", doc="emkg:Induction, emkg:Consolidation, emkg:Bridging ..."),
        Field("cycles", "emkg:numberOfCycles", "int"),
        Field("number_of_days", "emkg:numberOfDays", "int"),
        Field("sites", "emkg:hasSite", "term", many=True, doc="target site (radiotherapy, surgery)"),
        Field("treats", "emkg:treats", "ref", many=True, doc="the facts (toxicity, relapse) it treats"),
        Field("finding", "emkg:finding", "text"),
    ), "chemotherapy, lymphodepletion, radiotherapy, antibody, steroid, tocilizumab, surgery ..."),
    Part("car-t-infusion", "emkg:CarTInfusion", (
        Field("product", "emkg:usesProduct", "ref", required=True, doc="a product id of this record"),
        quantity("dose", "emkg:hasDose", "total dose, e.g. {value: 5.0e6, unit: emkg:CellsPerKilogram}"),
        Field("fractions", "emkg:hasDoseFraction", "object", many=True, node_class="emkg:DoseFraction",
              fields=(
                  Field("day", "emkg:dayOffset", "int", required=True),
                  Field("percent", "emkg:percentOfDose", "decimal"),
                  quantity("dose", "emkg:hasDose", "dose of this fraction"),
              ), doc="split dosing"),
        Field("infusion_number", "emkg:infusionNumber", "int", doc="1 for the first CAR-T, 2 for a re-infusion"),
        Field("cell_state", "emkg:cellState", "term", doc="emkg:Fresh / emkg:Cryopreserved"),
        Field("transduction_efficiency", "emkg:transductionEfficiencyPercent", "decimal"),
    ), "a CAR-T infusion: day 0 of its own timeline"),
    Part("hsct", "emkg:HSCT", (
        Field("category", "rdf:type", "term", many=True, adds_type=True,
              doc="NCIT:C46089 (allogeneic), NCIT:C138187 (haploidentical) ..."),
        Field("donor", "emkg:donorType", "term", doc="emkg:MatchedUnrelatedDonor, emkg:HaploidenticalDonor ..."),
        Field("conditioning", "emkg:conditioning", "ref"),
        Field("gvhd_prophylaxis", "emkg:gvhdProphylaxis", "ref", many=True),
        Field("donor_relationship", "emkg:donorRelationship", "term",
              doc="emkg:SiblingDonor, emkg:ParentDonor, emkg:ChildDonor, emkg:UnrelatedDonor, emkg:OtherRelativeDonor"),
        Field("hla_match", "emkg:hlaMatch", "text", doc="as reported: '10/10', 'haploidentical'"),
        Field("conditioning_intensity", "emkg:conditioningIntensity", "term",
              doc="emkg:MyeloablativeConditioning, emkg:ReducedIntensityConditioning"),
        quantity("chimerism", "emkg:chimerism", "donor chimerism, unit emkg:Percent"),
        Field("finding", "emkg:finding", "text"),
    ), "haematopoietic stem-cell transplantation"),
    Part("toxicity", "emkg:AdverseEvent", (
        Field("condition", "emkg:condition", "term", required=True, doc="MONDO / NCIT condition"),
        Field("reported_term", "emkg:reportedTerm", "text", doc="the source's own name (CRES, ICANS ...)"),
        Field("grade", "emkg:grade", "int"),
        Field("grade_max", "emkg:gradeMax", "int", doc="upper end when a range 'grade 1-2' is given"),
        Field("grading_system", "emkg:gradingSystem", "term", doc="emkg:ASTCT2019, emkg:CTCAE, emkg:Lee2014 ..."),
        Field("resolved", "emkg:resolved", "bool"),
        Field("finding", "emkg:finding", "text"),
    ), "adverse event, with grade and grading system"),
    Part("response", "emkg:ResponseAssessment", (
        Field("outcome", "emkg:outcome", "term", required=True, doc="emkg:CompleteRemission, emkg:NoResponse ..."),
        Field("mrd_negative", "emkg:mrdNegative", "bool"),
        Field("mrd_method", "emkg:mrdMethod", "term", doc="emkg:FlowCytometry, emkg:QuantitativePCR, "
              "emkg:NextGenerationSequencing ..."),
        Field("mrd_specimen", "emkg:mrdSpecimen", "term",
              doc="UBERON:0002371 (bone marrow), UBERON:0000178 (blood) ..."),
        Field("mrd_threshold", "emkg:mrdThresholdPercent", "decimal", doc="the MRD negativity threshold, in percent"),
        Field("method", "emkg:assessedBy", "term", many=True),
        Field("sites", "emkg:hasSite", "term", many=True, doc="where the response was assessed"),
        SITE_DETAILS,
        Field("assesses", "emkg:assessesTherapy", "ref", doc="the therapy assessed (an infusion, usually)"),
        Field("finding", "emkg:finding", "text"),
    ), "response to a therapy"),
    Part("measurement", "emkg:Measurement", (
        Field("analyte", "emkg:analyte", "term", required=True, doc="emkg:CarTCells, PR:000001393 (IL-6) ..."),
        Field("value", "emkg:value", "decimal"),
        Field("low", "emkg:lowValue", "decimal"),
        Field("high", "emkg:highValue", "decimal"),
        Field("unit", "emkg:unit", "term"),
        Field("qualifier", "emkg:qualifier", "term",
              doc="emkg:NotDetected, emkg:BelowDetectionLimit, emkg:Negligible, emkg:LessThan, emkg:AtMost, "
                  "emkg:GreaterThan, emkg:AtLeast (value then is the bound)"),
        Field("approximate", "emkg:approximate", "bool"),
        Field("ratio_to", "emkg:ratioTo", "ref",
              doc="another measurement this one is a ratio to ('10 times PB'); value = the ratio, unit emkg:Ratio"),
        Field("specimen", "emkg:specimen", "term",
              doc="UBERON bone marrow / CSF / blood, or emkg:BiopsySpecimen"),
        Field("statistic", "emkg:statistic", "term", doc="emkg:Peak, emkg:Trend ..."),
        Field("compartment", "emkg:compartment", "term", doc="UBERON:0000178 (blood), UBERON:0001359 (CSF) ..."),
        Field("method", "emkg:assessedBy", "term", many=True),
        Field("finding", "emkg:finding", "text"),
    ), "laboratory value or CAR-T kinetics"),
    Part("assessment", "emkg:Assessment", (
        Field("method", "emkg:assessedBy", "term", many=True, required=True, doc="biopsy, imaging, flow cytometry ..."),
        Field("sites", "emkg:hasSite", "term", many=True),
        SITE_DETAILS,
        CNS_STATUS,
        Field("result", "emkg:result", "term", doc="emkg:Positive / emkg:Negative"),
        Field("finding", "emkg:finding", "text", required=True),
    ), "biopsy, imaging or other examination with its finding"),
    Part("follow-up", "emkg:FollowUp", (
        Field("status", "emkg:status", "term", many=True, required=True,
              doc="emkg:Alive, emkg:Dead, emkg:ContinuousCompleteRemission ..."),
        Field("since", "emkg:durationSince", "ref", doc="the fact the duration is counted from"),
        Field("finding", "emkg:finding", "text"),
    ), "last known status"),
    Part("observation", "emkg:ClinicalObservation", (
        Field("finding", "emkg:finding", "text", required=True),
        Field("sites", "emkg:hasSite", "term", many=True),
        SITE_DETAILS,
        Field("method", "emkg:assessedBy", "term", many=True),
    ), "any other reported clinical fact"),
)}

UNNAMED_PRODUCT = "unnamed product"

PRODUCT = Part("product", "emkg:CarTProduct", (
    Field("id", "", "text", required=True),
    Field("quote", "", "text", many=True, required=True),
    Field("name", "rdfs:label", "text",
          doc=f"product name as the source gives it; omit it when the text gives none (label '{UNNAMED_PRODUCT}')"),
    Field("product_class", "rdf:type", "term", many=True, adds_type=True,
          doc="registered product class, e.g. emkg:Tisagenlecleucel"),
    Field("targets", "emkg:targetsAntigen", "term", many=True, required=True, doc="PR antigen terms"),
    Field("scfv", "emkg:scfvDescription", "text"),
    Field("costimulatory_domains", "emkg:hasCostimulatoryDomain", "term", many=True,
          doc="emkg:FourOneBBDomain, emkg:CD28Domain"),
    Field("activation_domain", "emkg:hasActivationDomain", "term", doc="emkg:CD3ZetaDomain"),
    Field("modifications", "emkg:hasGeneticModification", "term", many=True, doc="emkg:IL6ShRNA ..."),
    Field("vector", "emkg:vector", "term", doc="emkg:LentiviralVector, emkg:GammaRetroviralVector"),
    Field("cell_source", "emkg:cellSource", "term", doc="emkg:Autologous, emkg:DonorDerived"),
    Field("manufacturer", "emkg:manufacturer", "text"),
    Field("manufacturing", "emkg:manufacturingDescription", "text", doc="culture, expansion, reagents"),
    Field("evidence_code", "", "term"),
), "a CAR-T product with its construct")

FINDING = Part("finding", "emkg:CohortFinding", (
    Field("id", "", "text", required=True),
    Field("quote", "", "text", many=True, required=True),
    Field("measure", "emkg:measure", "term", required=True, doc="what is counted or summarised"),
    Field("statistic", "emkg:statistic", "term", required=True,
          doc="emkg:Count, emkg:Median, emkg:Mean, emkg:Range, emkg:Percentage, emkg:KaplanMeierEstimate, "
              "emkg:CumulativeIncidence, emkg:OverallResponseRate, emkg:HazardRatio, emkg:OddsRatio, emkg:Reported"),
    Field("numerator", "emkg:numerator", "int"),
    Field("denominator", "emkg:denominator", "int"),
    Field("value", "emkg:value", "decimal"),
    Field("value_qualifier", "emkg:qualifier", "term",
          doc="open bound: emkg:LessThan ('<1'), emkg:AtLeast ('>=3') ..."),
    Field("low", "emkg:lowValue", "decimal"),
    Field("high", "emkg:highValue", "decimal"),
    Field("unit", "emkg:unit", "term"),
    Field("iqr_low", "emkg:iqrLow", "decimal", doc="lower quartile (with a median)"),
    Field("iqr_high", "emkg:iqrHigh", "decimal", doc="upper quartile (with a median)"),
    Field("ci_low", "emkg:ciLow", "decimal", doc="lower confidence limit"),
    Field("ci_high", "emkg:ciHigh", "decimal", doc="upper confidence limit"),
    Field("ci_level", "emkg:ciLevel", "decimal", doc="confidence level in percent, e.g. 95"),
    Field("standard_error", "emkg:standardError", "decimal"),
    Field("p_value", "emkg:pValue", "decimal"),
    Field("p_qualifier", "emkg:pValueQualifier", "term", doc="emkg:LessThan for 'p < 0.05' ..."),
    Field("compared_with", "emkg:comparedWith", "ref", doc="the finding a p-value compares this one with"),
    quantity("time_point", "emkg:timePoint", "time point of an estimate (EFS at 24 months)"),
    Field("sites", "emkg:hasSite", "term", many=True, doc="the subgroup's site, where it is one"),
    Field("subgroup", "emkg:subgroup", "text", doc="which members the finding is about, when not all"),
    Field("subgroup_definition", "emkg:subgroupDefinition", "term", many=True,
          doc="the subgroup as term(s): emkg:IsolatedExtramedullary, a site ..."),
    Field("subgroup_of", "emkg:subgroupOf", "ref", doc="the finding whose members this subgroup is part of"),
    Field("members", "emkg:findingMember", "ref", many=True, doc="the patients of this record it is about"),
    Field("same_patients_as", "emkg:samePatientsAs", "ref", many=True,
          doc="other findings about the same patients"),
    Field("grade", "emkg:grade", "int"),
    Field("grade_qualifier", "emkg:gradeQualifier", "term", doc="emkg:AtLeast for 'grade >= 2' (with grade)"),
    Field("grade_max", "emkg:gradeMax", "int"),
    Field("grading_system", "emkg:gradingSystem", "term"),
    Field("finding", "emkg:finding", "text"),
    Field("note", "rdfs:comment", "text"),
    Field("evidence_code", "", "term"),
    Field("conflicts_with", "emkg:conflictsWith", "ref", many=True),
), "an aggregate over a cohort, with numerator and denominator")

COHORT = Part("cohort", "emkg:Cohort", (
    Field("id", "", "text", required=True),
    Field("quote", "", "text", many=True, required=True),
    Field("label", "rdfs:label", "text", required=True),
    Field("size", "emkg:cohortSize", "int", required=True),
    Field("members", "emkg:hasMember", "ref", many=True, doc="patient ids, where individuals are curated"),
    Field("findings", "", "object", many=True, doc="cohort-level findings (see FINDING)"),
    Field("evidence_code", "", "term"),
), "a group of patients reported together")

PUBLICATION = Part("publication", "emkg:Publication", (
    Field("id", "", "text", required=True, doc="slug, the same as the file name"),
    Field("quote", "", "text", many=True, required=True),
    Field("title", "dcterms:title", "text"),
    Field("authors", "emkg:author", "text", many=True, doc="author names as printed"),
    Field("year", "emkg:publicationYear", "int", doc="year of publication"),
    Field("label", "rdfs:label", "text", required=True, doc="short human label"),
    Field("design", "emkg:studyDesign", "term", required=True,
          doc="emkg:CaseReport, emkg:CaseSeries, emkg:CohortStudy, emkg:ClinicalTrial"),
    Field("publication_type", "emkg:publicationType", "term", doc="emkg:JournalArticle, emkg:ConferenceAbstract"),
    Field("registrations", "emkg:trialRegistration", "text", many=True, doc="NCT... or ChiCTR... numbers"),
    Field("doi", "emkg:doi", "text"),
    Field("pmid", "emkg:pmid", "text"),
    Field("source_text", "emkg:sourceTextFile", "text",
          doc="file name of the text in a source-text folder (seeds, devset, sources/)"),
    Field("centres", "emkg:centre", "text", many=True),
    Field("enrollment", "emkg:enrollmentPeriod", "text"),
    Field("enrollment_start", "emkg:enrollmentStart", "yearmonth", doc="'YYYY' or 'YYYY-MM'"),
    Field("enrollment_end", "emkg:enrollmentEnd", "yearmonth", doc="'YYYY' or 'YYYY-MM'"),
    Field("source_kind", "emkg:sourceKind", "term",
          doc="emkg:PrimaryReport (default) or emkg:SecondaryReport (e.g. a news report of a study)"),
    Field("reports_on", "emkg:reportsOn", "text", doc="citation, DOI or registration of the primary study"),
    Field("possible_overlap_with", "emkg:possibleOverlapWith", "publication", many=True,
          doc="ids of curated publications that may share patients (same centre or group); say why in 'note'"),
    Field("note", "rdfs:comment", "text", doc="curator's note"),
    Field("evidence_code", "", "term"),
), "the source publication")

PATIENT = Part("patient", "emkg:Patient", (
    Field("id", "", "text", required=True, doc="local id, e.g. P1 or the source's own (S001)"),
    Field("label", "rdfs:label", "text", required=True),
    Field("source_label", "emkg:sourceLabel", "text", doc="the source's own name for the patient"),
    Field("facts", "", "object", many=True, required=True),
), "one patient, with a list of facts")

TOP_LEVEL = ("schema", "publication", "evidence_code", "products", "cohorts", "patients", "curation_notes")

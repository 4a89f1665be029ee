"""Synthetic case records for scale benchmarks, in the real record format (evidence/README.md).

    python benchmarks/generate.py N --records DIR [--sources DIR] [--seed S]

Writes N synthetic patients, 50 to a synthetic publication: one case record YAML per publication in
--records and, in --sources (default: DIR/../sources), the synthetic source text its quotes are taken
from, so `emkg build --evidence-dir DIR --seeds SOURCES` checks every quote exactly as for a curated
record. Each patient has the facts a curated case has (demographics, diagnosis, induction regimen, an
optional allogeneic HSCT, a relapse with UBERON sites and marrow involvement, lymphodepletion with
agents and doses, a CAR-T infusion of one of the publication's products, CRS and ICANS with grades and
grading systems or explicit negatives, CAR-T expansion, response, follow-up; some relapse after CAR-T
and get a second infusion) and each publication a cohort with findings. Every id, label and text says
"synthetic": nothing here is real data, and the numbers are made up. Same N and seed -> the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

PATIENTS_PER_PUBLICATION = 50

# (CURIE, words for the source text, weight): sites with rough weights from the literature.
SITES = [("UBERON:0002371", "bone marrow", 30), ("UBERON:0001359", "cerebrospinal fluid", 10),
         ("UBERON:0002360", "meninges", 5), ("UBERON:0000955", "brain", 4),
         ("UBERON:0001017", "central nervous system", 3), ("UBERON:0002240", "spinal cord", 1),
         ("UBERON:0000473", "testis", 8), ("UBERON:0002097", "skin", 6), ("UBERON:0000403", "scalp", 1),
         ("UBERON:0002072", "hypodermis", 2), ("UBERON:0000970", "eye", 3), ("UBERON:0000029", "lymph node", 4),
         ("UBERON:0003728", "mediastinum", 2), ("UBERON:0001044", "saliva-secreting gland", 1),
         ("UBERON:0000945", "stomach", 1)]
# (id, name, targets, costimulatory domains, modifications, cell source, product class)
PRODUCTS = [
    ("cart19", "synthetic CD19 CAR-T (4-1BB)", ["PR:000001002"], ["emkg:FourOneBBDomain"], [], "emkg:Autologous", None),
    ("cart19-22", "synthetic CD19/CD22 CAR-T", ["PR:000001002", "PR:000001288"], ["emkg:FourOneBBDomain"], [],
     "emkg:Autologous", None),
    ("brexu-cel", "synthetic brexucabtagene autoleucel", ["PR:000001002"], ["emkg:CD28Domain"], [], "emkg:Autologous",
     "emkg:BrexucabtageneAutoleucel"),
    ("sscar-t-19", "synthetic ssCAR-T-19", ["PR:000001002"], ["emkg:FourOneBBDomain"], ["emkg:IL6ShRNA"],
     "emkg:Autologous", None),
]
REGIMENS = [("emkg:VDLPRegimen", "VDLP"), ("emkg:HyperCVADRegimen", "hyper-CVAD"),
            ("emkg:CALGB10403Regimen", "CALGB 10403")]
DISEASES = [("MONDO:0020511", "B-ALL")]
OUTCOMES = [("emkg:CompleteRemission", "complete remission", 6), ("emkg:MRDNegativeCompleteRemission",
            "MRD-negative complete remission", 4), ("emkg:PartialRemission", "partial remission", 1),
            ("emkg:NoResponse", "no response", 1)]
GRADING = [("emkg:ASTCT2019", "ASTCT 2019"), ("emkg:CTCAE", "CTCAE"), ("emkg:GradingSystemNotReported", "ungraded")]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _weighted(rng: random.Random, items):
    return rng.choices(items, weights=[item[-1] for item in items])[0]


class Publication:
    """One synthetic publication: its record lines and its source text sentences."""

    def __init__(self, number: int):
        self.slug = f"synthetic-{number:05d}"
        self.lines: list[str] = []
        self.sentences: list[str] = []

    def quote(self, sentence: str) -> str:
        self.sentences.append(sentence)
        return _q(sentence)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)


def publication(number: int, patients: int, rng: random.Random) -> Publication:
    pub = Publication(number)
    slug = pub.slug
    pub.add("schema: emkg-record/1",
            "# SYNTHETIC benchmark record written by benchmarks/generate.py: not real data.",
            "publication:", f"  id: {slug}",
            f"  label: {_q(f'SYNTHETIC cohort {slug} (benchmark data, not a real publication)')}",
            "  design: emkg:CohortStudy", "  publication_type: emkg:JournalArticle",
            f"  source_text: {slug}.txt", f"  centres: [{_q(f'Synthetic Centre {number % 97}')}]",
            f"  quote: {pub.quote(f'This synthetic study {slug} reports {patients} made-up patients.')}",
            "products:")
    for pid, name, targets, domains, mods, source, cls in PRODUCTS:
        pub.add(f"  - id: {pid}", f"    name: {_q(name)}", f"    targets: [{', '.join(targets)}]",
                f"    costimulatory_domains: [{', '.join(domains)}]", "    activation_domain: emkg:CD3ZetaDomain",
                "    vector: emkg:LentiviralVector", f"    cell_source: {source}")
        if mods:
            pub.add(f"    modifications: [{', '.join(mods)}]")
        if cls:
            pub.add(f"    product_class: [{cls}]")
        pub.add(f"    quote: {pub.quote(f'In {slug} the product {name} was used.')}")
    pub.add("patients:")
    counts = {"crs": 0, "cr": 0, "ages": []}
    ids = [f"P{i + 1:02d}" for i in range(patients)]
    for pid in ids:
        patient(pub, pid, rng, counts)
    cohort(pub, ids, counts)
    return pub


def patient(pub: Publication, pid: str, rng: random.Random, counts: dict) -> None:
    who = f"{pid} of {pub.slug}"
    age = rng.randint(2, 70)
    counts["ages"].append(age)
    sex = rng.choice(["emkg:Male", "emkg:Female"])
    pub.add(f"  - id: {pid}", f"    label: {_q(f'SYNTHETIC patient {who} (not real data)')}", "    facts:")

    def fact(fid: str, ftype: str, sentence: str, *fields: str) -> None:
        pub.add(f"      - id: {pid}-{fid}", f"        type: {ftype}", *(f"        {f}" for f in fields),
                f"        quote: {pub.quote(f'Synthetic patient {who}: {sentence}.')}")

    fact("demographics", "demographics", f"a {age}-year-old {sex.split(':')[1].lower()}", f"sex: {sex}",
         f"age_years: {age}", "age_context: emkg:AgeAtPresentation")
    disease, disease_words = rng.choice(DISEASES)
    fact("diagnosis", "diagnosis", f"{disease_words} was diagnosed by marrow aspiration", "order: 1",
         f"disease: [{disease}]", "sites: [UBERON:0002371]", "method: [emkg:BoneMarrowAspiration]")
    regimen, regimen_words = rng.choice(REGIMENS)
    fact("induction", "therapy", f"induction with {regimen_words}", "order: 2", "category: emkg:Chemotherapy",
         "intent: emkg:Induction", f"regimen: {regimen}", f"regimen_name: {_q(regimen_words)}")
    after = []
    if rng.random() < 0.4:
        donor = rng.choice(["emkg:MatchedUnrelatedDonor", "emkg:HaploidenticalDonor"])
        fact("hsct", "hsct", "allogeneic transplantation in first remission", "order: 3",
             "category: [NCIT:C46089]", f"donor: {donor}")
        after = [f"{pid}-hsct"]
    sites = sorted({_weighted(rng, SITES)[:2] for _ in range(rng.randint(1, 3))})
    marrow = any(curie == "UBERON:0002371" for curie, _ in sites)
    fields = ["order: 4", "relapse_number: 1", f"sites: [{', '.join(c for c, _ in sites)}]",
              f"marrow_involved: {'true' if marrow else 'false'}", "method: [emkg:Biopsy]"]
    if after:
        fields.append(f"after: [{', '.join(after)}]")
    fact("relapse", "relapse", "relapse in the " + " and ".join(w for _, w in sites), *fields)
    infusion = f"{pid}-infusion"
    flu, cy = rng.choice([25, 30]), rng.choice([250, 300, 500])
    pub.add(f"      - id: {pid}-lymphodepletion", "        type: therapy", f"        relative_to: {infusion}",
            "        day_min: -5", "        day_max: -3", "        category: emkg:LymphodepletingChemotherapy",
            "        intent: emkg:Lymphodepletion", "        number_of_days: 3", "        agents:",
            "          - drug: NCIT:C1094",
            f"            dose: {{value: {flu}, unit: emkg:MilligramPerSquareMetrePerDay}}",
            "          - drug: NCIT:C405",
            f"            dose: {{value: {cy}, unit: emkg:MilligramPerSquareMetrePerDay}}",
            f"        quote: {pub.quote(f'Synthetic patient {who}: fludarabine {flu} and cyclophosphamide {cy}.')}")
    product = rng.choice(PRODUCTS)[0]
    dose = rng.choice(["1.0e+6", "2.0e+6", "5.0e+6", "1.0e+7"])
    fact("infusion", "car-t-infusion", f"infused with {product} at {dose} cells per kg", f"product: {product}",
         "infusion_number: 1", f"dose: {{value: {dose}, unit: emkg:CellsPerKilogram}}")
    grading, grading_words = rng.choice(GRADING)
    if rng.random() < 0.8:
        grade = rng.choices([1, 2, 3, 4], weights=[5, 3, 2, 1])[0]
        counts["crs"] += 1
        fact("crs", "toxicity", f"CRS grade {grade} ({grading_words})", f"relative_to: {infusion}",
             f"day: {rng.randint(1, 10)}", "condition: MONDO:0600008", "reported_term: CRS", f"grade: {grade}",
             f"grading_system: {grading}")
    else:
        fact("crs", "toxicity", "no CRS was seen", "present: false", "condition: MONDO:0600008",
             "reported_term: CRS")
    if rng.random() < 0.3:
        grade = rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]
        fact("icans", "toxicity", f"ICANS grade {grade}", f"relative_to: {infusion}", f"day: {rng.randint(3, 14)}",
             "condition: emkg:ICANS", "reported_term: ICANS", f"grade: {grade}", "grading_system: emkg:ASTCT2019")
    else:
        fact("icans", "toxicity", "no ICANS was seen", "present: false", "condition: emkg:ICANS",
             "reported_term: ICANS")
    peak = round(rng.uniform(1, 60), 1)
    fact("expansion", "measurement", f"CAR-T cells peaked at {peak} percent", f"relative_to: {infusion}",
         f"day: {rng.randint(7, 14)}", "analyte: emkg:CarTCells", f"value: {peak}", "unit: emkg:Percent",
         "statistic: emkg:Peak", "compartment: UBERON:0000178", "method: [emkg:FlowCytometry]")
    outcome, outcome_words, _ = _weighted(rng, OUTCOMES)
    counts["cr"] += outcome.endswith("CompleteRemission")
    fact("response", "response", f"{outcome_words} on day 28", f"relative_to: {infusion}", "day: 28",
         f"outcome: {outcome}", f"assesses: {infusion}", "method: [emkg:BoneMarrowAspiration]")
    status = "emkg:Alive"
    if rng.random() < 0.2:
        day = rng.randint(60, 400)
        site = _weighted(rng, SITES)
        fact("relapse-2", "relapse", f"relapse in the {site[1]} on day {day}", f"relative_to: {infusion}",
             f"day: {day}", "relapse_number: 2", f"sites: [{site[0]}]",
             f"marrow_involved: {'true' if site[0] == 'UBERON:0002371' else 'false'}", f"after: [{infusion}]")
        status = "emkg:RelapsedAtFollowUp"
        if rng.random() < 0.5:
            fact("infusion-2", "car-t-infusion", "a second CAR-T infusion", "order: 10", "product: cart19-22",
                 "infusion_number: 2", f"dose: {{value: {dose}, unit: emkg:CellsPerKilogram}}")
    months = rng.randint(3, 36)
    fact("follow-up", "follow-up", f"status after {months} months", f"status: [{status}]",
         f"duration: {{value: {months}, unit: emkg:Month}}", f"since: {infusion}")


def cohort(pub: Publication, ids: list[str], counts: dict) -> None:
    n = len(ids)
    ages = sorted(counts["ages"])
    median = ages[n // 2]
    pub.add("cohorts:", "  - id: cohort", f"    label: {_q(f'SYNTHETIC cohort of {pub.slug}')}", f"    size: {n}",
            f"    members: [{', '.join(ids)}]",
            f"    quote: {pub.quote(f'All {n} synthetic patients of {pub.slug} form one cohort.')}", "    findings:")
    findings = [("f-crs", "MONDO:0600008", counts["crs"], f"{counts['crs']} of {n} had CRS"),
                ("f-cr", "emkg:CompleteRemission", counts["cr"], f"{counts['cr']} of {n} reached complete remission")]
    for fid, measure, numerator, sentence in findings:
        pub.add(f"      - id: {fid}", f"        measure: {measure}", "        statistic: emkg:Count",
                f"        numerator: {numerator}", f"        denominator: {n}",
                f"        quote: {pub.quote(f'In {pub.slug}, {sentence}.')}")
    pub.add("      - id: f-age", "        measure: emkg:PatientAge", "        statistic: emkg:Median",
            f"        value: {median}", f"        low: {ages[0]}", f"        high: {ages[-1]}",
            "        unit: emkg:Year",
            f"        quote: {pub.quote(f'In {pub.slug}, the median age was {median} years.')}")


def generate(n: int, records: Path, sources: Path, seed: int = 0) -> list[Path]:
    """Write the records and source texts for `n` patients; return the record files."""
    rng = random.Random(seed)
    records.mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range((n + PATIENTS_PER_PUBLICATION - 1) // PATIENTS_PER_PUBLICATION):
        patients = min(PATIENTS_PER_PUBLICATION, n - number * PATIENTS_PER_PUBLICATION)
        pub = publication(number, patients, rng)
        path = records / f"{pub.slug}.yaml"
        path.write_text("\n".join(pub.lines) + "\n", encoding="utf-8")
        header = f"SYNTHETIC SOURCE TEXT for {pub.slug}, written by benchmarks/generate.py. Not real data.\n"
        (sources / f"{pub.slug}.txt").write_text(header + "\n".join(pub.sentences) + "\n", encoding="utf-8")
        written.append(path)
    return written


def ntriples(n: int, seed: int = 0) -> bytes:
    """The triples the loader makes of `n` generated patients (no checks): for benchmarks of later steps."""
    import tempfile

    from loaders.yaml_record import read_record

    with tempfile.TemporaryDirectory() as scratch:
        files = generate(n, Path(scratch) / "records", Path(scratch) / "sources", seed)
        return b"".join(read_record(path).graph.serialize(format="nt", encoding="utf-8") for path in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of synthetic patients")
    parser.add_argument("--records", type=Path, required=True, help="folder for the case records")
    parser.add_argument("--sources", type=Path, default=None,
                        help="folder for the source texts (default: DIR/../sources)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    files = generate(args.n, args.records, args.sources or args.records.parent / "sources", args.seed)
    print(f"wrote {args.n} synthetic patients in {len(files)} record(s) to {args.records}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

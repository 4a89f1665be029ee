"""Synthetic patients shaped like the curated ones, as N-Triples, for scale benchmarks.

    python benchmarks/generate.py N [--seed S] [-o FILE]

Each patient gets the facts a curated case report has (demographics, diagnosis, prior therapy, an
optional transplant, relapse(s) with UBERON sites and marrow involvement, lymphodepletion, one or two
CAR-T infusions of a product of its publication, CRS / ICANS with grade and grading system, response,
CAR-T expansion, follow-up), each fact with an evidence quote, and the IRIs the loader would mint
(emkg:case/<publication>/<patient>/<fact>). Patients are grouped 50 to a synthetic publication with its
own products. Same N and seed -> the same bytes. The numbers are made up; only the shape is real.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator

E = "https://w3id.org/emkg/"
OBO = "http://purl.obolibrary.org/obo/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
PATIENTS_PER_PUBLICATION = 50

# Relapse sites with rough weights from the literature (marrow, CNS and testis most common).
SITES = [("UBERON_0002371", 30), ("UBERON_0001359", 10), ("UBERON_0002360", 5), ("UBERON_0000955", 4),
         ("UBERON_0001017", 3), ("UBERON_0002240", 1), ("UBERON_0000473", 8), ("UBERON_0002097", 6),
         ("UBERON_0000403", 1), ("UBERON_0002072", 2), ("UBERON_0000970", 3), ("UBERON_0000029", 4),
         ("UBERON_0003728", 2), ("UBERON_0001044", 1), ("UBERON_0000945", 1)]
# (slug, label, targets, costimulatory domains, modifications, cell source, extra class)
PRODUCTS = [
    ("cart19", "CD19 CAR-T (4-1BB)", ["PR_000001002"], ["FourOneBBDomain"], [], "Autologous", None),
    ("cart19-22", "CD19/CD22 CAR-T", ["PR_000001002", "PR_000001288"], ["FourOneBBDomain"], [], "Autologous", None),
    ("brexu-cel", "brexucabtagene autoleucel", ["PR_000001002"], ["CD28Domain"], [], "Autologous",
     "BrexucabtageneAutoleucel"),
    ("sscar-t-19", "ssCAR-T-19", ["PR_000001002"], ["FourOneBBDomain"], ["IL6ShRNA"], "Autologous", None),
    ("donor-cart19", "donor-derived CD19 CAR-T", ["PR_000001002"], ["FourOneBBDomain"], [], "DonorDerived", None),
]


def iri(path: str) -> str:
    return f"<{E}{path}>"


def obo(term: str) -> str:
    return f"<{OBO}{term}>"


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def boolean(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^<{XSD}boolean>'


def text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(n: int, seed: int = 0) -> Iterator[str]:
    """N-Triples lines for ``n`` synthetic patients."""
    rng = random.Random(seed)
    sites, weights = zip(*SITES, strict=True)
    for number in range(n):
        pub_slug = f"synthetic-{number // PATIENTS_PER_PUBLICATION:05d}"
        pub = iri(f"publication/{pub_slug}")
        if number % PATIENTS_PER_PUBLICATION == 0:
            yield from _publication(pub, pub_slug)
        yield from _patient(rng, pub, pub_slug, f"P{number % PATIENTS_PER_PUBLICATION + 1:02d}", sites, weights)


def _publication(pub: str, slug: str) -> Iterator[str]:
    yield f"{pub} {RDF_TYPE} {iri('Publication')} ."
    yield f"{pub} {LABEL} {text('Synthetic cohort ' + slug)} ."
    yield f"{pub} {iri('studyDesign')} {iri('CohortStudy')} ."
    for slug_p, label, targets, domains, mods, source, extra in PRODUCTS:
        product = iri(f"publication/{slug}/product/{slug_p}")
        yield f"{product} {RDF_TYPE} {iri('CarTProduct')} ."
        if extra:
            yield f"{product} {RDF_TYPE} {iri(extra)} ."
        yield f"{product} {LABEL} {text(label)} ."
        yield from (f"{product} {iri('targetsAntigen')} {obo(t)} ." for t in targets)
        yield from (f"{product} {iri('hasCostimulatoryDomain')} {iri(d)} ." for d in domains)
        yield from (f"{product} {iri('hasGeneticModification')} {iri(m)} ." for m in mods)
        yield f"{product} {iri('hasActivationDomain')} {iri('CD3ZetaDomain')} ."
        yield f"{product} {iri('cellSource')} {iri(source)} ."
        yield f"{product} {iri('vector')} {iri('LentiviralVector')} ."


def _patient(rng: random.Random, pub: str, pub_slug: str, pid: str, sites, weights) -> Iterator[str]:
    base = f"case/{pub_slug}/{pid}"
    patient = iri(base)
    yield f"{patient} {RDF_TYPE} {iri('Patient')} ."
    yield f"{patient} {LABEL} {text(f'Synthetic patient {pid} of {pub_slug}')} ."
    yield f"{patient} {iri('reportedIn')} {pub} ."
    order = 0

    def fact(name: str, cls: str, *extra_types: str) -> Iterator[str]:
        nonlocal order
        order += 1
        node = iri(f"{base}/{name}")
        quote = iri(f"{base}/{name}/quote-1")
        yield f"{node} {RDF_TYPE} {iri(cls)} ."
        yield from (f"{node} {RDF_TYPE} {t} ." for t in extra_types)
        yield f"{node} {iri('aboutPatient')} {patient} ."
        yield f"{node} {iri('sequenceNumber')} {integer(order)} ."
        yield f"{node} {iri('hasEvidence')} {quote} ."
        yield f"{quote} {RDF_TYPE} {iri('EvidenceQuote')} ."
        yield f"{quote} {RDF_TYPE} <http://www.w3.org/ns/oa#TextQuoteSelector> ."
        yield f"{quote} <http://www.w3.org/ns/oa#exact> {text(f'synthetic quote for {name} of {pid}')} ."
        yield f"{quote} <http://www.w3.org/ns/prov#wasQuotedFrom> {pub} ."
        yield f"{quote} {iri('evidenceCode')} {obo('ECO_0007121')} ."

    node = lambda name: iri(f"{base}/{name}")  # noqa: E731

    yield from fact("demographics", "Demographics")
    yield f"{node('demographics')} {iri('sex')} {iri(rng.choice(['Male', 'Female']))} ."
    yield f'{node("demographics")} {iri("ageYears")} "{rng.randint(2, 70)}.0"^^<{XSD}decimal> .'
    yield from fact("diagnosis", "Diagnosis")
    yield f"{node('diagnosis')} {iri('disease')} {obo(rng.choice(['MONDO_0020511', 'MONDO_0000872']))} ."
    yield f"{node('diagnosis')} {iri('hasSite')} {obo('UBERON_0002371')} ."
    yield from fact("induction", "Chemotherapy", iri("Therapy"))
    yield f"{node('induction')} {iri('intent')} {iri('Induction')} ."
    yield f"{node('induction')} {iri('regimen')} {iri(rng.choice(['VDLPRegimen', 'HyperCVADRegimen']))} ."
    prior = []
    if rng.random() < 0.4:
        yield from fact("hsct", "HSCT", obo("NCIT_C46089"))
        yield f"{node('hsct')} {iri('donorType')} {iri(rng.choice(['MatchedUnrelatedDonor', 'HaploidenticalDonor']))} ."
        prior.append(node("hsct"))
    yield from _relapse(rng, fact, node, "relapse", 1, prior, sites, weights)
    products = [p[0] for p in PRODUCTS]
    infusions = 2 if rng.random() < 0.25 else 1
    for k in range(1, infusions + 1):
        name = "infusion" if k == 1 else f"infusion-{k}"
        yield from fact("lymphodepletion" if k == 1 else f"lymphodepletion-{k}", "LymphodepletingChemotherapy",
                        iri("Therapy"))
        yield from fact(name, "CarTInfusion", iri("Therapy"))
        product = iri(f"publication/{pub_slug}/product/{rng.choice(products)}")
        yield f"{node(name)} {iri('usesProduct')} {product} ."
        yield f"{node(name)} {iri('infusionNumber')} {integer(k)} ."
        yield f"{node(name)} {iri('dayOffset')} {integer(0)} ."
        for tox, condition in (("crs", obo("MONDO_0600008")), ("icans", iri("ICANS"))):
            tname = f"{tox}-{k}"
            yield from fact(tname, "AdverseEvent")
            yield f"{node(tname)} {iri('condition')} {condition} ."
            yield f"{node(tname)} {iri('relativeToInfusion')} {node(name)} ."
            if rng.random() < 0.2:
                yield f"{node(tname)} {iri('present')} {boolean(False)} ."
            else:
                yield f"{node(tname)} {iri('grade')} {integer(rng.choice([1, 1, 1, 2, 2, 3, 4]))} ."
                yield f"{node(tname)} {iri('gradingSystem')} {iri('ASTCT2019')} ."
        yield from fact(f"response-{k}", "ResponseAssessment")
        outcome = rng.choice(["CompleteRemission", "MRDNegativeCompleteRemission", "NoResponse"])
        yield f"{node(f'response-{k}')} {iri('outcome')} {iri(outcome)} ."
        yield f"{node(f'response-{k}')} {iri('assessesTherapy')} {node(name)} ."
        yield from fact(f"expansion-{k}", "Measurement")
        yield f"{node(f'expansion-{k}')} {iri('analyte')} {iri('CarTCells')} ."
        yield f'{node(f"expansion-{k}")} {iri("value")} "{rng.randint(1000, 400000)}.0"^^<{XSD}decimal> .'
        yield f"{node(f'expansion-{k}')} {iri('unit')} {iri('CopiesPerMicrogramDNA')} ."
        if k < infusions or rng.random() < 0.15:
            yield from _relapse(rng, fact, node, f"relapse-after-infusion-{k}", 1 + k, prior + [node(name)],
                                sites, weights)
    yield from fact("follow-up", "FollowUp")
    yield f"{node('follow-up')} {iri('status')} {iri(rng.choice(['Alive', 'Dead', 'ContinuousCompleteRemission']))} ."


def _relapse(rng, fact, node, name, number, after, sites, weights) -> Iterator[str]:
    yield from fact(name, "Relapse")
    chosen = set(rng.choices(sites, weights, k=rng.choice([1, 1, 2, 3])))
    yield from (f"{node(name)} {iri('hasSite')} {obo(s)} ." for s in sorted(chosen))
    if rng.random() < 0.85:
        yield f"{node(name)} {iri('boneMarrowInvolved')} {boolean('UBERON_0002371' in chosen)} ."
    yield f"{node(name)} {iri('relapseNumber')} {integer(number)} ."
    yield from (f"{node(name)} {iri('occursAfter')} {prior} ." for prior in after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of synthetic patients")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-o", "--output", help="N-Triples file to write (default: standard output)")
    args = parser.parse_args(argv)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for line in generate(args.n, args.seed):
            out.write(line + "\n")
    finally:
        if args.output:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

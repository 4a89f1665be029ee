"""The `emkg` command line: thin commands over the library.

Heavy imports (rdflib, pyshacl, owlready2) happen inside the commands that need them, so that
`emkg --help` and `emkg query` start fast. Exit codes: 0 ok, 1 validation or QC failure, 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from emkg import __version__, paths


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _open_store(build_dir: Path | None):
    """The built store, read-only; a missing build is a usage error (exit 2)."""
    from emkg import store

    try:
        return store.open_read_only(paths.store_dir(build_dir))
    except store.StoreMissing as exc:
        _fail(f"error: {exc}", 2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="emkg")
def main() -> None:
    """emkg: the Extramedullary relapse Knowledge Graph (CAR-T for extramedullary relapse of B-ALL)."""


@main.command()
@click.option("--build-dir", type=click.Path(path_type=Path), default=None,
              help="where to write the store and release files (default: build/)")
@click.option("--seeds", type=click.Path(path_type=Path), default=None,
              help="folder of source texts to check quotes against (default: ../shared/seeds or $EMKG_SEEDS)")
@click.option("--no-quote-check", is_flag=True, help="skip checking quotes against the source texts")
@click.option("--evidence-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="folder of case records (default: evidence/)")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="records checked in parallel (default: cores)")
def build(build_dir: Path | None, seeds: Path | None, no_quote_check: bool, evidence_dir: Path | None,
          jobs: int | None) -> None:
    """Build the graph from ontology/ and evidence/, validate it, write build/store and build/release."""
    from emkg.build import BuildFailed
    from emkg.build import build as run_build

    try:
        report = run_build(build_dir, evidence_dir=evidence_dir, seeds_dir=seeds, check_quotes=not no_quote_check,
                           jobs=jobs)
    except BuildFailed as exc:
        lines = "\n".join(f"  {p}" for p in exc.problems)
        _fail(f"build failed: {exc}\n{lines}", 1)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    quotes = "quotes checked against sources" if report.quotes_checked else "quotes NOT checked"
    click.echo(f"built {report.triples} triples from {report.records} record(s) in {report.seconds:.1f} s "
               f"({len(report.checked)} checked, {len(report.cached)} from the cache); "
               f"{quotes}; store: {paths.store_dir(report.build_dir)}; "
               f"report: {report.build_dir / 'build-report.json'}")


@main.command()
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="a query parameter (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]), default="table")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to query")
@click.option("--endpoint", metavar="URL", default=None,
              help="run on this SPARQL 1.1 endpoint (http/https) instead of the built store")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="with --endpoint: give up after this many seconds (default 30)")
@click.option("--default-graph", metavar="IRI", default=None,
              help="with --endpoint: query this named graph as the default graph")
@click.option("--http-method", type=click.Choice(["POST", "GET"]), default=None,
              help="with --endpoint: how to send the query (default POST)")
def query(name: str, params: tuple[str, ...], fmt: str, build_dir: Path | None, endpoint: str | None,
          timeout: float | None, default_graph: str | None, http_method: str | None) -> None:
    """Run the stored query NAME (see `emkg queries`) on the built graph or on a SPARQL endpoint."""
    from emkg import catalogue, output, store

    remote_only = {"--timeout": timeout, "--default-graph": default_graph, "--http-method": http_method}
    if endpoint is None and any(v is not None for v in remote_only.values()):
        _fail(f"error: {', '.join(k for k, v in remote_only.items() if v is not None)} needs --endpoint", 2)
    if endpoint is not None and build_dir is not None:
        _fail("error: --endpoint and --build-dir exclude each other", 2)

    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _fail(f"--param takes NAME=VALUE, got {item!r}", 2)
        given[key.strip()] = value
    try:
        stored = catalogue.get(name)
        bindings = stored.bindings(given)
    except catalogue.CatalogueError as exc:
        _fail(f"error: {exc}", 2)
    if endpoint is None:
        columns, rows = store.select(_open_store(build_dir), stored.text, bindings)
    else:
        from emkg import remote  # SPARQLWrapper is imported only on this path

        try:
            columns, rows = remote.select(endpoint, stored.text, bindings, timeout=timeout or remote.DEFAULT_TIMEOUT,
                                          default_graph=default_graph, method=http_method or "POST")
        except remote.RemoteError as exc:
            _fail(f"error: {exc}", 2)
    click.echo(output.render(columns, rows, fmt), nl=False)


@main.command("queries")
@click.option("--markdown", is_flag=True, help="write queries/README.md (catalogue docs with example output)")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to take examples from")
def list_queries(markdown: bool, build_dir: Path | None) -> None:
    """List the stored queries with their summaries and parameters."""
    from emkg import catalogue

    if markdown:
        from emkg import querydocs

        db = _open_store(build_dir)
        target = paths.QUERIES_DIR / "README.md"
        target.write_text(querydocs.render(db), encoding="utf-8")
        click.echo(f"wrote {target}")
        return
    for stored in catalogue.catalogue().values():
        params = " ".join(f"[{p.name}:{p.type}]" for p in stored.params)
        click.echo(f"{stored.name}  {params}".rstrip())
        click.echo(f"    {stored.summary}")


@main.command("qc")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to check")
def qc_cmd(build_dir: Path | None) -> None:
    """Run the QC rules in queries/qc/ on the built graph; print offending rows per rule.

    Exit 0: every rule returned no rows; 1: some rule found violations; 2: no build.
    """
    from emkg import output, qc

    db = _open_store(build_dir)
    results = qc.run_all(db)
    for result in results:
        verdict = "ok" if not result.rows else f"{len(result.rows)} violation(s)"
        click.echo(f"{result.rule}: {verdict}")
        if result.rows:
            click.echo(f"  {result.summary}")
            click.echo(output.render(result.columns, result.rows, "table"))
    failed = [r.rule for r in results if r.rows]
    click.echo(f"{len(results)} rule(s), {len(failed)} with violations")
    sys.exit(1 if failed else 0)


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              help="text: grouped by case; json: stable keys; turtle: the SHACL report graph")
def validate_cmd(files: tuple[Path, ...], fmt: str) -> None:
    """Validate case files (YAML record, CSV template, Phenopacket JSON, Turtle / N-Triples / JSON-LD).

    Exit 0: all valid; 1: a case is invalid (each problem names case, field and line); 2: unusable input.
    """
    from emkg import report
    from emkg.validate import validate_file

    outcomes = [validate_file(path) for path in files]
    render = {"text": report.text, "json": report.as_json, "turtle": report.turtle}[fmt]
    click.echo(render(outcomes), nl=False)
    if fmt == "turtle":
        for outcome in (o for o in outcomes if o.code == 2):
            click.echo("\n".join(outcome.problems), err=True)
    sys.exit(max(o.code for o in outcomes))


@main.command("template")
@click.argument("kind", type=click.Choice(["csv"]))
@click.option("--doc", is_flag=True, help="print the column reference instead of the template")
def template_cmd(kind: str, doc: bool) -> None:
    """Print the CSV template (header and a commented example row), or with --doc its column reference."""
    from loaders import csv_template

    click.echo(csv_template.reference() if doc else csv_template.template(), nl=False)


@main.command("submit")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--evidence-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="where curated records live (default: evidence/)")
@click.option("--seeds", type=click.Path(path_type=Path), default=None,
              help="folder of source texts (default: ../shared/seeds or $EMKG_SEEDS)")
def submit_cmd(file: Path, evidence_dir: Path | None, seeds: Path | None) -> None:
    """Validate FILE and, if valid and not a likely duplicate, add it to evidence/ as a case record.

    Exit 0: written; 1: invalid or a likely duplicate (nothing written); 2: unusable input.
    """
    from emkg import report
    from emkg.submit import submit

    result = submit(file, evidence_dir or paths.EVIDENCE_DIR, seeds or paths.seeds_dir())
    if result.outcome.code or result.outcome.details:
        click.echo(report.text([result.outcome]), nl=False)
    for message in result.messages:
        click.echo(message, err=result.code != 0)
    sys.exit(result.code)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]), default="table")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to describe")
def stats(fmt: str, build_dir: Path | None) -> None:
    """Coverage report: per publication patients, facts, findings and quotes; per relapse site patients."""
    from emkg import output, store
    from emkg.stats import SECTIONS

    db = _open_store(build_dir)
    for title, sparql in SECTIONS:
        columns, rows = store.select(db, sparql)
        if fmt == "table":
            click.echo(f"{title}\n")
        click.echo(output.render(columns, rows, fmt))


@main.command("record-format")
def record_format() -> None:
    """Print the field reference of the case record format (evidence/README.md)."""
    from loaders.record_docs import markdown

    click.echo(markdown(), nl=False)


@main.command()
@click.option("--terms", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
              help="folder of verified .obo slices (default: ../shared/ontology-terms)")
def imports(terms: Path | None) -> None:
    """Regenerate ontology/imports/ from the verified term slices."""
    from emkg.imports import write_modules

    terms = terms or paths.PROJECT_ROOT.parent / "shared" / "ontology-terms"
    if not terms.is_dir():
        _fail(f"error: no term folder at {terms}; pass --terms", 2)
    for written in write_modules(terms, paths.IMPORTS_DIR):
        click.echo(f"wrote {written.relative_to(paths.PROJECT_ROOT)}")


@main.command("mappings")
@click.option("--table", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="the verified term table (default: ../shared/ontology-terms.tsv)")
@click.option("--check", "check_only", is_flag=True,
              help="only check that the committed files are current (exit 1 if not)")
def mappings_cmd(table: Path | None, check_only: bool) -> None:
    """Regenerate ontology/mappings/emkg.sssom.{tsv,yml} from the mapping triples in ontology/emkg.ttl."""
    from emkg import mappings
    from emkg.graph import ontology_graph

    table = table or paths.PROJECT_ROOT.parent / "shared" / "ontology-terms.tsv"
    if not table.is_file():
        _fail(f"error: no verified term table at {table}; pass --table", 2)
    ontology, verified = ontology_graph(), mappings.read_verified(table)
    try:
        if check_only:
            stale = mappings.stale_files(ontology, verified, paths.MAPPINGS_DIR)
            if stale:
                _fail(f"out of date: {', '.join(stale)}; run `emkg mappings`", 1)
            click.echo("mappings are current")
            return
        written = mappings.write(ontology, verified, paths.MAPPINGS_DIR)
    except mappings.MappingError as exc:
        _fail(f"error: {exc}", 1)
    for path in written:
        click.echo(f"wrote {path}")


@main.command("reason")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to reason over")
@click.option("--no-explain", is_flag=True, help="on inconsistency, do not search for the individuals involved")
def reason_cmd(build_dir: Path | None, no_explain: bool) -> None:
    """Run HermiT on the built graph; compare its inferred types with the fast path the build used.

    Prints, per defined class, how many individuals HermiT and the fast rule path put in it.
    Exit 0: consistent and both agree; 1: inconsistent, or the two disagree; 2: no build.
    """
    import time

    from rdflib import Graph

    from emkg import reason
    from emkg.graph import ontology_graph
    from emkg.namespaces import compact

    release = paths.release_dir(build_dir) / "emkg.nt"
    if not release.is_file():
        _fail(f"error: no built graph at {release}; run `emkg build` first", 2)
    built = reason.without_inferred(Graph().parse(release, format="nt"))
    ontology = ontology_graph()
    data = built - ontology
    started = time.perf_counter()
    try:
        hermit = reason.hermit_inferred_types(data, ontology, explain=not no_explain)
    except reason.ReasoningError as exc:
        _fail(f"error: {exc}", 1)
    seconds = time.perf_counter() - started
    fast = reason.fast_inferred_types(data, ontology)
    width = max(len(compact(str(c))) for c in reason.defined_classes(ontology))
    click.echo(f"{'defined class':<{width}}  HermiT  fast path  agree")
    for cls in reason.defined_classes(ontology):
        h = {s for s, c in hermit if c == cls}
        f = {s for s, c in fast if c == cls}
        click.echo(f"{compact(str(cls)):<{width}}  {len(h):>6}  {len(f):>9}  {'yes' if h == f else 'NO'}")
    click.echo(f"HermiT: consistent, {len(hermit)} inferred type(s) in {seconds:.1f} s; "
               f"fast path: {len(fast)}")
    if hermit != fast:
        for subject, cls in sorted(hermit ^ fast):
            who = "HermiT only" if (subject, cls) in hermit else "fast path only"
            click.echo(f"  {who}: {compact(str(subject))} a {compact(str(cls))}", err=True)
        _fail("the fast path and HermiT disagree", 1)


if __name__ == "__main__":  # `python -m emkg.cli` (benchmarks, tests) runs the command line too
    main()

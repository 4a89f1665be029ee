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
    # a message quotes user input (a 5,000-digit --param): keep each line short enough to read
    lines = [line if len(line) <= 300 else f"{line[:180]} [... {len(line) - 260:,} characters ...] {line[-80:]}"
             for line in message.split("\n")]
    _echo("\n".join(lines), err=True)
    sys.exit(code)


def _echo(text: str, err: bool = False, nl: bool = True, unicode_escapes: bool = False) -> None:
    """Print text that may carry user data (file names, values, server messages): control characters
    and escape sequences are shown escaped, never sent raw to the terminal (emkg.output)."""
    from emkg.output import escape_controls

    click.echo(escape_controls(text, keep_lines=True, unicode_escapes=unicode_escapes), err=err, nl=nl)


def _open_store(build_dir: Path | None):
    """The built store, read-only; a missing build is a usage error (exit 2)."""
    from emkg import store

    try:
        return store.open_read_only(paths.store_dir(build_dir))
    except store.StoreMissing as exc:
        _fail(f"error: {exc}", 2)
    except (RuntimeError, OSError) as exc:  # RocksDB: "Corruption: ...", a lock, a folder that is not a store
        _damaged_store(build_dir, exc)


def _damaged_store(build_dir: Path | None, exc: Exception) -> None:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    _fail(f"error: the built store at {paths.store_dir(build_dir)} cannot be read ({reason}); run `emkg build` "
          "again", 2)


def _seconds(ctx, param, value):
    """--timeout: a finite number of seconds above 0 (inf, nan, 0 and -1 are usage errors)."""
    import math

    from loaders.limits import MAX_TIMEOUT_SECONDS

    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIMEOUT_SECONDS:
        _fail(f"error: --timeout must be a finite number of seconds above 0 and at most {MAX_TIMEOUT_SECONDS}, "
              f"got {value!r}", 2)
    return seconds


def _param_value(key: str, value: str) -> str:
    """Refuse what no parameter can hold before it is bound: control characters and bytes that are not UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # argv bytes that are not UTF-8 arrive as lone surrogates
        _fail(f"error: --param {key}: the value is not valid UTF-8 text", 2)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
        _fail(f"error: --param {key}: the value contains a control character ({value!r})", 2)
    return value


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
        _fail(f"build failed: {exc}\n{lines}", 1)  # escaped: the problems quote record values
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
@click.option("--timeout", callback=_seconds, default=None, metavar="SECONDS",
              help="with --endpoint: give up after this many seconds (default 30)")
@click.option("--default-graph", metavar="IRI", default=None,
              help="with --endpoint: query this named graph as the default graph")
@click.option("--http-method", type=click.Choice(["POST", "GET"]), default=None,
              help="with --endpoint: how to send the query (default POST)")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="rows per page (list queries default to their page size; 0: all rows)")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="N", help="skip the first N rows")
def query(name: str, params: tuple[str, ...], fmt: str, build_dir: Path | None, endpoint: str | None,
          timeout: float | None, default_graph: str | None, http_method: str | None, limit: int | None,
          offset: int) -> None:
    """Run the stored query NAME (see `emkg queries`) on the built graph or on a SPARQL endpoint.

    A list query answers one page of rows (its page size, see `emkg queries`); --limit/--offset choose
    another page, on the store and on an endpoint alike. Aggregate queries answer all their rows.
    """
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
        given[_param_value(key, key.strip())] = _param_value(key, value)
    try:
        stored = catalogue.get(name)
        bindings = stored.bindings(given)
        text = stored.paged_text(limit, offset, limit_keys=endpoint is None)
    except catalogue.CatalogueError as exc:
        _fail(f"error: {exc}", 2)
    except ValueError as exc:  # pyoxigraph refuses the term: UBERON:a[b], UBERON:%zz, a second '#'
        shown = ", ".join(f"{k}={v!r}" for k, v in given.items())
        _fail(f"error: --param {shown}: not a valid value ({' '.join(str(exc).split())[:200]})", 2)
    if endpoint is None:
        db = _open_store(build_dir)
        run_select = lambda text, values=None: store.select(db, text, values)  # noqa: E731
        errors: tuple[type[Exception], ...] = (RuntimeError, OSError)
    else:
        from emkg import remote  # the HTTP client is imported only on this path

        run_select = lambda text, values=None: remote.select(  # noqa: E731
            endpoint, text, values, timeout=timeout or remote.DEFAULT_TIMEOUT, default_graph=default_graph,
            method=http_method or "POST")
        errors = (remote.RemoteError,)
    try:
        columns, rows = run_select(text, bindings)
        labels = None if fmt == "json" else _labels(run_select, rows)
    except errors as exc:
        if endpoint is None:
            _damaged_store(build_dir, exc)
        _fail(f"error: {exc}", 2)
    click.echo(output.render(columns, rows, fmt, labels), nl=False)


def _labels(run_select, rows) -> dict[str, str]:
    """rdfs:label of every IRI shown, asked of the same store or endpoint in batches (one query per 500)."""
    from emkg import output

    iris, labels = sorted(output.shown_iris(rows)), {}
    for start in range(0, len(iris), 500):
        _, found = run_select(output.label_query(iris[start:start + 500]))
        labels.update({iri.value: text.value for iri, text in found if iri is not None and text is not None})
    return labels


@main.command("queries")
@click.option("--markdown", is_flag=True, help="write queries/README.md (catalogue docs with example output)")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to take examples from")
@click.option("--sparql-examples", "examples_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="write the catalogue as SIB sparql-examples Turtle, one DIR/<name>.ttl per query")
def list_queries(markdown: bool, build_dir: Path | None, examples_dir: Path | None) -> None:
    """List the stored queries with their summaries and parameters."""
    from emkg import catalogue

    if examples_dir is not None:
        from emkg import sparql_examples

        written = sparql_examples.write(examples_dir)
        click.echo(f"wrote {len(written)} SPARQL example(s) to {examples_dir}")
        return

    if markdown:
        from emkg import querydocs

        db = _open_store(build_dir)
        target = paths.QUERIES_DIR / "README.md"
        target.write_text(querydocs.render(db), encoding="utf-8")
        click.echo(f"wrote {target}")
        return
    for stored in catalogue.catalogue().values():
        params = " ".join(f"[{p.name}:{p.type}]" for p in stored.params)
        page = f"(pages of {stored.page_size})" if stored.page_size else "(aggregate)"
        click.echo(f"{stored.name}  {page}  {params}".rstrip())
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
@click.option("--source-text", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="the publication's text: quotes are checked against it (nothing is stored)")
@click.option("--evidence-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="curated records to check duplicates against (default: evidence/)")
def validate_cmd(files: tuple[Path, ...], fmt: str, source_text: Path | None, evidence_dir: Path | None) -> None:
    """Validate case files (YAML record, CSV template, Phenopacket JSON, Turtle / N-Triples / JSON-LD).

    Runs every check `emkg submit` and `emkg build` run: structure, terms, SHACL, QC rules, quotes against
    the source text, duplicates. Exit 0: all valid; 1: a case is invalid (each problem names case, field
    and line); 2: unusable input.
    """
    from emkg import progress, report
    from emkg.validate import Context, validate_file

    given = {}
    if source_text is not None:
        try:
            given = {"": source_text.read_text(encoding="utf-8")}
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"error: --source-text: {exc}", 2)
    context = Context(evidence_dir=evidence_dir, source_texts=given)
    outcomes = [validate_file(path, context) for path in progress.track(files, "validating")]
    render = {"text": report.text, "json": report.as_json, "turtle": report.turtle}[fmt]
    # the report quotes submitted values: escape control characters (\\uXXXX keeps JSON and Turtle valid)
    _echo(render(outcomes), nl=False, unicode_escapes=fmt != "text")
    if fmt == "turtle":
        for outcome in (o for o in outcomes if o.code == 2):
            _echo("\n".join(outcome.problems), err=True)
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
@click.option("--source-text", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="the publication's text: checked against, and copied into sources/ (git-ignored)")
@click.option("--replace", is_flag=True, help="replace the existing record of this publication (shows the difference)")
def submit_cmd(file: Path, evidence_dir: Path | None, seeds: Path | None, source_text: Path | None,
               replace: bool) -> None:
    """Validate FILE and, if valid and not a likely duplicate, add it to evidence/ as a case record.

    Exit 0: written; 1: invalid or a likely duplicate (nothing written); 2: unusable input.
    """
    from emkg import report
    from emkg.submit import UsageError, submit

    try:
        result = submit(file, evidence_dir or paths.EVIDENCE_DIR, seeds, source_text=source_text, replace=replace)
    except UsageError as exc:
        _fail(f"error: {exc}", 2)
    if result.outcome.code or result.outcome.details:
        _echo(report.text([result.outcome]), nl=False)
    for message in result.messages:
        _echo(message, err=result.code != 0)
    sys.exit(result.code)


@main.command("withdraw")
@click.argument("record_id")
@click.option("--evidence-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="where curated records live (default: evidence/)")
def withdraw_cmd(record_id: str, evidence_dir: Path | None) -> None:
    """Remove the curated record RECORD_ID (its publication id) from evidence/. Exit 2: no such record."""
    from emkg.submit import UsageError, withdraw

    try:
        click.echo(withdraw(record_id, evidence_dir or paths.EVIDENCE_DIR))
    except UsageError as exc:
        _fail(f"error: {exc}", 2)


@main.command("terms")
@click.argument("field")
@click.argument("text", required=False)
def terms_cmd(field: str, text: str | None) -> None:
    """List the allowed values of a record FIELD with labels and synonyms (`emkg terms site testis`).

    Exit 0: printed (also when nothing matches TEXT); 2: no such field.
    """
    from emkg import terms
    from emkg.graph import ontology_graph

    try:
        found = terms.allowed(field, ontology_graph(), text)
    except terms.UnknownField as exc:
        _fail(f"error: {exc}", 2)
    click.echo(terms.render(found), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]), default="table")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to describe")
def stats(fmt: str, build_dir: Path | None) -> None:
    """Coverage report: per publication patients, facts, findings and quotes; per relapse site patients."""
    from emkg import catalogue, output, store
    from emkg.stats import SECTIONS

    db = _open_store(build_dir)
    for title, name in SECTIONS:
        stored = catalogue.get(name)
        columns, rows = store.select(db, stored.text, stored.bindings({}))
        if fmt == "table":
            click.echo(f"{title}\n")
        click.echo(output.render(columns, rows, fmt))


@main.command("record-format")
def record_format() -> None:
    """Print the field reference of the case record format (evidence/README.md)."""
    from loaders.record_docs import markdown

    click.echo(markdown(), nl=False)


def _regenerate_options(source: str, is_dir: bool, default_help: str, always_added: str, what: str):
    """The options every regenerating command shares: its input (`--terms` folder or `--table` file, with
    the shared default and the project's own file always added) and `--check`."""
    def decorate(command):
        command = click.option("--check", "check_only", is_flag=True,
                               help=f"only check that the committed {what} are current (exit 1 if not)")(command)
        kind = click.Path(path_type=Path, exists=True, file_okay=not is_dir, dir_okay=is_dir)
        return click.option(f"--{source}", type=kind, default=None,
                            help=f"{default_help}; the project's {always_added} is always added")(command)
    return decorate


def _regenerate(source: Path, option: str, missing: str, what: str, command: str, error: type, check_only: bool,
                stale, write) -> None:
    """Run a regenerating command on `source`: it must exist (else exit 2, naming `missing`), `--check`
    lists the stale files (exit 1), otherwise write them; `error` (the input is wrong) is a one-line exit 1."""
    if not source.exists():
        _fail(f"error: no {missing} at {source}; pass {option}", 2)
    try:
        if check_only:
            out_of_date = stale(source)
            if out_of_date:
                _fail(f"out of date: {', '.join(out_of_date)}; run `emkg {command}`", 1)
            click.echo(f"{what} are current")
            return
        written = write(source)
    except error as exc:
        _fail(f"error: {exc}", 1)
    for path in written:
        shown = path.relative_to(paths.PROJECT_ROOT) if path.is_relative_to(paths.PROJECT_ROOT) else path
        click.echo(f"wrote {shown}")


@main.command()
@_regenerate_options("terms", True, "folder of verified .obo slices (default: ../shared/ontology-terms)",
                     "ontology/verified-terms/", "modules")
def imports(terms: Path | None, check_only: bool) -> None:
    """Regenerate ontology/imports/ from the verified term slices (shared + ontology/verified-terms/), and
    its site groups from emkg.ttl."""
    from emkg.imports import stale_modules, write_modules

    def dirs(terms: Path) -> list[Path]:
        return [terms, paths.VERIFIED_TERMS_DIR]

    # ValueError: a term in two slices of one name (exit 1, before anything is written)
    _regenerate(terms or paths.SHARED_TERMS_DIR, "--terms", "term folder", "import modules", "imports", ValueError,
                check_only, lambda t: stale_modules(dirs(t), paths.IMPORTS_DIR, paths.ONTOLOGY_DIR / "emkg.ttl"),
                lambda t: write_modules(dirs(t), paths.IMPORTS_DIR, paths.ONTOLOGY_DIR / "emkg.ttl"))


@main.command("mappings")
@_regenerate_options("table", False, "the verified term table (default: ../shared/ontology-terms.tsv)",
                     "ontology/verified-terms.tsv", "files")
def mappings_cmd(table: Path | None, check_only: bool) -> None:
    """Regenerate the SSSOM set (metadata embedded) from emkg.ttl, and the prefix map and JSON-LD context files."""
    from emkg import mappings
    from emkg.graph import ontology_graph
    from emkg.verified_terms import VerifiedTermsError, read_verified

    def inputs(table: Path):
        return ontology_graph(), read_verified(table, paths.VERIFIED_TERMS_TABLE)

    _regenerate(table or paths.SHARED_TERMS_TABLE, "--table", "verified term table", "mappings", "mappings",
                (VerifiedTermsError, mappings.MappingError), check_only,
                lambda t: mappings.stale_files(*inputs(t), paths.MAPPINGS_DIR),
                lambda t: mappings.write(*inputs(t), paths.MAPPINGS_DIR))


# = tuple(emkg.export.EXPORTERS), kept here so `emkg --help` does not import the exporters (a test checks
# they agree). "phenopacket" (emkg.phenopacket_export, branch submit) is added to both at merge.
EXPORT_FORMATS = ("jsonld", "ttl", "nt", "rdfxml", "csv", "sssom", "phenopacket")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="what to write")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="file to write (default: standard output); for csv and phenopacket, a folder (required)")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to export")
def export_cmd(fmt: str, out: Path | None, build_dir: Path | None) -> None:
    """Write the built graph as JSON-LD, Turtle, N-Triples, RDF/XML, tidy CSV tables, SSSOM or Phenopackets."""
    from emkg import export

    store = _open_store(build_dir)
    try:
        export.export(store, fmt, out)
    except export.ExportError as exc:
        _fail(f"error: {exc}", 2)
    except OSError as exc:
        _fail(f"error: cannot write {out}: {exc.strerror or exc}", 2)
    if out is not None:
        click.echo(f"wrote {out}", err=True)


@main.command("docs")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="folder for index.html, values.html and queries.html (default: build/docs)")
def docs_cmd(out: Path | None) -> None:
    """Write HTML documentation of the ontology (pyLODE: terms, definitions, mappings), its value sets and the
    stored queries."""
    from emkg import docs
    from emkg.pylode_patch import PatchError

    out = out or paths.BUILD_DIR / "docs"
    try:
        page = docs.write(out)
    except OSError as exc:
        _fail(f"error: cannot write {out}: {exc.strerror or exc}", 2)
    except PatchError as exc:
        _fail(f"error: {exc}", 1)
    click.echo(f"wrote {page} (with values.html and queries.html)")


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

    from emkg import progress, reason
    from emkg.graph import ontology_graph
    from emkg.namespaces import compact

    release = paths.release_dir(build_dir) / "emkg.nt"
    if not release.is_file():
        _fail(f"error: no built graph at {release}; run `emkg build` first", 2)
    with progress.steps(["reading the release", "HermiT", "fast path"], "reason") as step:
        step("reading the release")
        built = reason.without_inferred(Graph().parse(release, format="nt"))
        ontology = ontology_graph()
        data = built - ontology
        step("HermiT")
        started = time.perf_counter()
        try:
            hermit = reason.hermit_inferred_types(data, ontology, explain=not no_explain)
        except reason.JavaMissing as exc:  # the set-up, not the graph: a usage error
            _fail(f"error: {exc}", 2)
        except reason.ReasoningError as exc:
            _fail(f"error: {exc}", 1)
        seconds = time.perf_counter() - started
        step("fast path")
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


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (loopback by default)")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="a query running longer is stopped (its worker process is killed)")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="refuse results with more rows (or triples) than this")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="query worker processes (queries running at once)")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to serve")
@click.option("--verbose", is_flag=True, help="log each request to stderr")
def serve_cmd(host: str, port: int, timeout: float, max_rows: int, workers: int, build_dir: Path | None,
              verbose: bool) -> None:
    """Serve the built graph read-only: SPARQL 1.1 Protocol at /sparql, the query page at /."""
    from emkg import serve

    store_dir = paths.store_dir(build_dir)
    _open_store(build_dir)  # a missing build is a usage error before any worker starts
    try:
        server = serve.make_server(store_dir, host, port, timeout, max_rows, workers, verbose)
    except OSError as exc:
        _fail(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", 2)
    if not serve.is_loopback(host):
        click.echo(f"warning: listening on {host}, reachable from other machines", err=True)
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"serving {store_dir} at http://{bound_host}:{bound_port}/ (SPARQL: /sparql; timeout {timeout:g} s, "
               f"at most {max_rows} rows); Ctrl-C stops", err=True)
    serve.run(server)


def _term_option(value: str | None, option: str, publication: bool = False) -> str | None:
    """A CURIE (or, for publications, a record's id) as an IRI; a bad value is a usage error."""
    from emkg.namespaces import CurieError, expand

    if value is None:
        return None
    if publication and ":" not in value:
        value = f"emkg:publication/{value}"
    try:
        return expand(value)
    except CurieError as exc:
        _fail(f"error: {option}: {exc}", 2)


@main.command("plot")
@click.argument("kind", type=click.Choice(["swimmer", "km", "response-by-site"]))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="FILE.png or FILE.svg (default: KIND.png in the current folder)")
@click.option("--site", default=None, metavar="CURIE", help="only patients with a relapse at this site (or within it)")
@click.option("--product", default=None, metavar="CURIE", help="only patients given this CAR-T product")
@click.option("--publication", default=None, metavar="ID", help="only this publication (record id or CURIE)")
@click.option("--outcome", type=click.Choice(["emkg:CompleteRemission", "emkg:MRDNegativeCompleteRemission"]),
              default="emkg:CompleteRemission", show_default=True, help="response-by-site: the response counted")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to draw from")
def plot_cmd(kind: str, out: Path | None, site: str | None, product: str | None, publication: str | None,
             outcome: str, build_dir: Path | None) -> None:
    """Draw a swimmer plot, a Kaplan-Meier curve or response by relapse site from the built graph."""
    out = out or Path(f"{kind}.png")
    if out.suffix.lower() not in (".png", ".svg"):
        _fail(f"error: --out must end in .png or .svg, got {out.name!r}", 2)
    filters = {"site": _term_option(site, "--site"), "product": _term_option(product, "--product"),
               "publication": _term_option(publication, "--publication", publication=True)}
    if kind == "response-by-site" and any(filters.values()):
        _fail("error: response-by-site takes no --site/--product/--publication (it shows every site)", 2)
    db = _open_store(build_dir)
    from emkg import plot

    if kind == "swimmer":
        drawn = plot.swimmer(db, **filters)
        summary = f"{len(drawn.data)} lane(s)"
    elif kind == "km":
        drawn = plot.km(db, **filters)
        summary = (f"{len(drawn.data.records)} patient(s) with follow-up, "
                   f"{len(drawn.data.estimates)} reported estimate(s)")
    else:
        drawn = plot.response_by_site(db, outcome)
        summary = f"{len(drawn.data)} row(s)"
    plot.save(drawn, out)
    click.echo(f"wrote {out} ({summary})")


@main.command("meta")
@click.argument("outcome", type=click.Choice(["complete-remission", "severe-crs", "severe-icans"]))
@click.option("--site", default=None, metavar="CURIE",
              help="only patients with a relapse at this site, and cohort findings at it")
@click.option("--product", default=None, metavar="CURIE", help="only patients (or cohort members) given this product")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="write a forest plot: FILE.png, or FILE.svg (rows link to the evidence)")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build to read")
def meta_cmd(outcome: str, site: str | None, product: str | None, out: Path | None, build_dir: Path | None) -> None:
    """Pool per-study proportions of OUTCOME (Freeman-Tukey, DerSimonian-Laird) with a forest plot.

    A study is a publication: its whole-cohort count finding, or else its individually curated patients,
    never both. Studies that may share patients are flagged and only the larger is pooled.
    """
    if out is not None and out.suffix.lower() not in (".png", ".svg"):
        _fail(f"error: --out must end in .png or .svg, got {out.name!r}", 2)
    site_iri, product_iri = _term_option(site, "--site"), _term_option(product, "--product")
    db = _open_store(build_dir)
    from emkg import meta, meta_data

    studies = meta_data.gather(db, meta_data.OUTCOMES[outcome], site_iri, product_iri)
    pooled = meta.pool(studies.included)
    click.echo(meta.report(studies, pooled), nl=False)
    if out is not None:
        from emkg import meta_plot

        figure, _ = meta_plot.forest(studies, pooled)
        figure.savefig(out, dpi=120, bbox_inches="tight")
        click.echo(f"wrote {out}")


@main.command("publish")
@click.option("--endpoint", required=True, metavar="URL", help="the server's SPARQL endpoint (for checks)")
@click.option("--graph", default="https://w3id.org/emkg/release", show_default=True, metavar="IRI",
              help="the named graph clients query; versions go to IRI/version/<sha256 prefix>")
@click.option("--isql", "sql_address", default="127.0.0.1:1111", show_default=True, metavar="HOST:PORT",
              help="Virtuoso's SQL port (bulk loader and the switch run through isql)")
@click.option("--user", default="dba", show_default=True)
@click.option("--isql-command", default=None, help="Virtuoso's isql program (default: isql-vt on PATH)")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, help="the build whose release to load")
def publish_cmd(endpoint: str, graph: str, sql_address: str, user: str, isql_command: str | None,
                build_dir: Path | None) -> None:
    """Load the release into Virtuoso as a versioned named graph and switch GRAPH to it atomically.

    The password is read from $EMKG_PUBLISH_PASSWORD. Exit 1 if loading or switching fails (the published
    graph is then unchanged), 2 on usage errors.
    """
    import os

    from emkg import progress, publish

    password = os.environ.get("EMKG_PUBLISH_PASSWORD")
    if not password:
        _fail("error: set EMKG_PUBLISH_PASSWORD to the Virtuoso user's password", 2)
    release = paths.release_dir(build_dir) / "emkg.nt"
    if not release.is_file():
        _fail(f"error: no release at {release}; run `emkg build` first", 2)
    names = ["checking the server", "loading", "switching", "dropping the previous version"]
    try:
        with progress.steps(names, "publish") as step:
            target = publish.Virtuoso(endpoint, sql_address, user, password, isql_command)
            step("checking the server")
            done = publish.publish(release, target, graph, progress=lambda message: step(message.split(" ")[0]))
    except publish.PublishError as exc:
        _fail(f"error: {exc}", 1)
    click.echo(f"published {done.triples} triples as <{done.version_graph}>; <{done.graph}> now serves it"
               + (f" (replaced <{done.previous}>)" if done.previous and done.previous != done.version_graph else ""))


if __name__ == "__main__":  # `python -m emkg.cli` (benchmarks, tests) runs the command line too
    main()

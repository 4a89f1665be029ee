"""The stored-query catalogue: queries/<name>.rq files with a grlc header and typed parameters.

The header is grlc's decorator format: lines starting with '#+', which together are one YAML mapping
(https://github.com/CLARIAH/grlc): `summary`, `description` (the research question), `tags` (a list),
`endpoint`, `pagination` (page size of a list query; aggregate queries have none), `defaults` and
`enumerate` (lists of one-key mappings, as grlc reads them), plus two keys grlc passes through:
`parameter_descriptions` (name -> text) and `columns` (the result columns, a list).

Parameters are the query's variables named as grlc declares them: `?__name` (optional) or `?_name`
(required), with a type suffix `_iri` or `_integer` (none: a plain string), e.g. `?__site_iri`. They are
bound as typed RDF terms in a VALUES block (emkg.store.bind_values), never pasted into the query text, so a
value cannot change the query's structure. IRI parameters take an absolute http(s) IRI or a CURIE with a
known prefix (`UBERON:0001017`); defaults and allowed values are written as full IRIs, as grlc needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from emkg import paths
from emkg.namespaces import CurieError, expand

PARAM_TYPES = ("iri", "integer", "string")
# grlc's variable pattern (gquery.get_parameters) restricted to the types emkg binds
_PARAM_VARIABLE = re.compile(r"\?(?P<required>_{1,2})(?P<name>[a-zA-Z0-9]+)(?:_(?P<type>iri|integer))?(?![A-Za-z0-9_])")
_IRI = re.compile(r"^(https?://|urn:)[^\s<>\"{}|\\^`]+$", re.IGNORECASE)
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
HEADER_KEYS = {"summary", "description", "tags", "endpoint", "pagination", "defaults", "enumerate",
               "parameter_descriptions", "columns", "method"}


class CatalogueError(ValueError):
    """A query name or parameter value the user gave is not acceptable (a usage error)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    allowed: tuple[str, ...] = ()
    doc: str = ""
    variable: str = ""  # the query variable without '?', e.g. "__site_iri"; the name when empty
    required: bool = False

    @property
    def var(self) -> str:
        return self.variable or self.name

    def bind(self, raw: str) -> ox.NamedNode | ox.Literal:
        """Turn a user-supplied string into a typed RDF term, or raise CatalogueError."""
        if self.type == "iri":
            term = ox.NamedNode(self._iri(raw))
            if self.allowed and term.value not in {self._iri(a) for a in self.allowed}:
                raise CatalogueError(f"--param {self.name}: {raw!r} is not one of {', '.join(self.allowed)}")
            return term
        if self.allowed and raw not in self.allowed:
            raise CatalogueError(f"--param {self.name}: {raw!r} is not one of {', '.join(self.allowed)}")
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", raw):
                raise CatalogueError(f"--param {self.name}: {raw!r} is not a whole number")
            return ox.Literal(raw, datatype=_XSD_INTEGER)
        return ox.Literal(raw)

    def _iri(self, raw: str) -> str:
        if raw.startswith("<") and raw.endswith(">"):
            raw = raw[1:-1]
        try:  # a CURIE with a project prefix is accepted where an IRI is expected
            return expand(raw)
        except CurieError:
            pass
        if not _IRI.match(raw):
            raise CatalogueError(f"--param {self.name}: {raw!r} is neither an absolute http(s) IRI nor a "
                                 "CURIE with a known prefix")
        return raw


# A list query may choose the keys of its page first: a sub-SELECT of the keys its rows are ordered by
# first (e.g. the patients), whose ORDER BY line ends with the comment `# page keys`. Given a page, that
# ORDER BY gets `LIMIT offset + size`, so the details are joined to those keys only instead of to every
# key before the whole answer is sorted. The rows are the same as without it when the outer ORDER BY starts
# with the same keys in the same order and every key the sub-SELECT can give has at least one row: then
# the first offset + size rows belong to the first offset + size keys. The keys are sorted as computed
# strings, CONCAT(STR(?iri), " "): " " sorts before any character an IRI may hold, so the order is the
# IRIs' own, and Oxigraph compares computed strings in memory but stored IRIs by reading each from disk
# (1,000 patients sorted in 3 ms instead of 23 ms). Oxigraph sorts a whole answer before it takes a
# LIMIT; the sort of the page's keys alone is the cheap part. A key sub-SELECT that depends on a
# parameter names the parameter's variable in a comment between SELECT and WHERE, so that the embedded
# store binds it inside (emkg.store.embedded_query looks for it there); it does not project it, because
# Virtuoso 7.2 joins a projected unbound variable as NULL. Queries sent to remote endpoints get no key limits
# (`limit_keys`), so there the sub-SELECT's keys may be more than needed, never fewer. Several key
# sub-SELECTs (the same keys, e.g. one inside a grouped sub-SELECT) are all limited alike.
PAGE_KEYS = re.compile(r"^([ \t]*ORDER BY\b[^\n#]*?)[ \t]*(# page keys\b[^\n]*)$", re.MULTILINE)


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    question: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    page_size: int | None = None  # grlc `pagination`: list queries only
    extra: dict = field(default_factory=dict)

    def bindings(self, given: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """The VALUES bindings (query variable -> RDF term) for the given parameter values and defaults."""
        known = {p.name: p for p in self.params}
        for name in given:
            if name not in known:
                allowed = ", ".join(known) or "none"
                raise CatalogueError(f"query {self.name!r} has no parameter {name!r} (parameters: {allowed})")
        out = {}
        for param in self.params:
            raw = given.get(param.name, param.default)
            if raw is not None:
                out[param.var] = param.bind(raw)
        return out

    def paged_text(self, limit: int | None = None, offset: int = 0, limit_keys: bool = True) -> str:
        """The query text with LIMIT/OFFSET: `limit` rows (default: the page size; 0: all) from `offset`.

        `limit_keys=False` leaves the page-key sub-SELECT (PAGE_KEYS) whole: for remote endpoints, where the
        parameters' VALUES stand only at the top of the query (emkg.store.bind_values), so a key sub-SELECT
        would not see them (on the embedded store they are put inside it too: emkg.store.embedded_query).

        An aggregate query (no page size) is returned whole unless a limit is given. The clause is added at
        the end, as grlc's own pagination does; every stored query ends with a total ORDER BY, so pages
        are stable.
        """
        if limit is not None and limit < 0 or offset < 0:
            raise CatalogueError("--limit and --offset take whole numbers >= 0")
        size = self.page_size if limit is None else (limit or None)
        clause = (f"LIMIT {size}" if size else "") + (f" OFFSET {offset}" if offset else "")
        if not clause:
            return self.text
        text = self.text
        if size and limit_keys:
            # the page's keys first: `offset + size` of them are enough (see PAGE_KEYS)
            text = PAGE_KEYS.sub(lambda m: f"{m.group(1)} LIMIT {offset + size}  {m.group(2)}", text)
        return text.rstrip() + "\n" + clause.strip() + "\n"


def header(text: str) -> dict:
    """The grlc YAML header of a query text (grlc's rule: every line starting with '#+', the '#+' removed)."""
    lines = [line[2:] for line in text.split("\n") if line.startswith("#+")]
    data = yaml.safe_load("\n".join(lines)) if lines else {}
    return data if isinstance(data, dict) else {}


def body_lines(text: str) -> list[str]:
    """The query's SPARQL lines, comments left out (where parameter variables are looked for)."""
    return [line for line in text.split("\n") if not line.lstrip().startswith("#")]


def parse(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    try:
        meta = header(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: the '#+' header is not valid YAML: {exc}") from None
    unknown = set(meta) - HEADER_KEYS
    if unknown:
        raise ValueError(f"{path.name}: unknown header key(s) {', '.join(sorted(unknown))}")
    defaults = _one_key_mappings(meta.get("defaults"), path, "defaults")
    allowed = _one_key_mappings(meta.get("enumerate"), path, "enumerate")
    docs = meta.get("parameter_descriptions") or {}
    params: dict[str, Param] = {}
    for match in _PARAM_VARIABLE.finditer("\n".join(body_lines(text))):
        name = match["name"]
        param = Param(name, match["type"] or "string", _text(defaults.get(name)),
                      tuple(_text(v) for v in allowed.get(name) or ()), str(docs.get(name, "")).strip(),
                      match[0][1:], len(match["required"]) == 1)
        if params.setdefault(name, param) != param:
            raise ValueError(f"{path.name}: parameter {name!r} is written with two different types")
    for key, table in (("defaults", defaults), ("enumerate", allowed), ("parameter_descriptions", docs)):
        stray = set(table) - set(params)
        if stray:
            raise ValueError(f"{path.name}: '{key}' names {', '.join(sorted(stray))}, not a parameter of the query")
    page = meta.get("pagination")
    if page is not None and (not isinstance(page, int) or page < 1):
        raise ValueError(f"{path.name}: 'pagination' must be a whole number >= 1")
    return StoredQuery(
        name=path.stem, path=path, text=text, summary=str(meta.get("summary", "")).strip(),
        question=str(meta.get("description", "")).strip(), tags=tuple(map(str, meta.get("tags") or ())),
        params=tuple(params.values()), columns=tuple(map(str, meta.get("columns") or ())), page_size=page,
        extra={k: v for k, v in meta.items() if k in ("endpoint", "method")},
    )


def _one_key_mappings(value, path: Path, key: str) -> dict:
    """grlc's `defaults` / `enumerate`: a list of one-key mappings ({name: value})."""
    out: dict = {}
    for item in value or []:
        if not isinstance(item, dict) or len(item) != 1:
            raise ValueError(f"{path.name}: '{key}' must be a list of one-key mappings (- name: value)")
        out.update(item)
    return out


def _text(value) -> str | None:
    return None if value is None else str(value)


def catalogue(queries_dir: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query by name (the QC queries in queries/qc/ are separate)."""
    return {q.name: q for q in map(parse, sorted((queries_dir or paths.QUERIES_DIR).glob("*.rq")))}


def get(name: str, queries_dir: Path | None = None) -> StoredQuery:
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", name):
        raise CatalogueError(f"{name!r} is not a query name (kebab-case, see `emkg queries`)")
    path = (queries_dir or paths.QUERIES_DIR) / f"{name}.rq"
    if not path.is_file():
        names = ", ".join(catalogue(queries_dir)) or "none"
        raise CatalogueError(f"no stored query {name!r}; available: {names}")
    return parse(path)

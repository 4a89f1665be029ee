"""The stored-query catalogue: queries/<name>.rq files with a parsed header and typed parameters.

Header lines start with '#+ ' (grlc / SIB sparql-examples habit):
    #+ summary: one line
    #+ question: the research question in plain English
    #+ tags: comma, separated
    #+ param: NAME TYPE [default=VALUE] [allowed=A|B|C] -- description
    #+ columns: comma, separated, result, columns
TYPE is one of iri, curie, integer, decimal, string. A parameter ?NAME is bound by substitution
(typed RDF term), never pasted into the query text, so a value cannot change the query's structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from emkg import paths
from emkg.namespaces import CurieError, expand

PARAM_TYPES = ("iri", "curie", "integer", "decimal", "string")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?P<opts>(?:\s+\w+=\S+)*)\s*(?:--\s*(?P<doc>.*))?$")
_IRI = re.compile(r"^(https?://|urn:)[^\s<>\"{}|\\^`]+$", re.IGNORECASE)


class CatalogueError(ValueError):
    """A query name or parameter value the user gave is not acceptable (a usage error)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    allowed: tuple[str, ...] = ()
    doc: str = ""

    def bind(self, raw: str) -> ox.NamedNode | ox.Literal:
        """Turn a user-supplied string into a typed RDF term, or raise CatalogueError."""
        if self.allowed and raw not in self.allowed:
            raise CatalogueError(f"--param {self.name}: {raw!r} is not one of {', '.join(self.allowed)}")
        if self.type == "curie":
            try:
                return ox.NamedNode(expand(raw))
            except CurieError as exc:
                raise CatalogueError(f"--param {self.name}: {exc}") from None
        if self.type == "iri":
            if raw.startswith("<") and raw.endswith(">"):
                raw = raw[1:-1]
            try:  # a CURIE with a project prefix is accepted where an IRI is expected
                return ox.NamedNode(expand(raw))
            except CurieError:
                pass
            if not _IRI.match(raw):
                raise CatalogueError(f"--param {self.name}: {raw!r} is neither an absolute http(s) IRI nor a "
                                     "CURIE with a known prefix")
            return ox.NamedNode(raw)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", raw):
                raise CatalogueError(f"--param {self.name}: {raw!r} is not a whole number")
            return ox.Literal(raw, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        if self.type == "decimal":
            if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
                raise CatalogueError(f"--param {self.name}: {raw!r} is not a decimal number")
            return ox.Literal(raw, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
        return ox.Literal(raw)


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
    extra: dict[str, str] = field(default_factory=dict)

    def bindings(self, given: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        known = {p.name: p for p in self.params}
        for name in given:
            if name not in known:
                allowed = ", ".join(known) or "none"
                raise CatalogueError(f"query {self.name!r} has no parameter {name!r} (parameters: {allowed})")
        out = {}
        for param in self.params:
            raw = given.get(param.name, param.default)
            if raw is not None:
                out[param.name] = param.bind(raw)
        return out


def parse(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#+ "):
            continue
        key, _, value = line[3:].partition(":")
        key, value = key.strip(), value.strip()
        if key == "param":
            params.append(_parse_param(value, path))
        else:
            meta[key] = value
    split = lambda v: tuple(x.strip() for x in v.split(",") if x.strip())  # noqa: E731
    return StoredQuery(
        name=path.stem, path=path, text=text, summary=meta.pop("summary", ""),
        question=meta.pop("question", ""), tags=split(meta.pop("tags", "")), params=tuple(params),
        columns=split(meta.pop("columns", "")), extra=meta,
    )


def _parse_param(spec: str, path: Path) -> Param:
    match = _PARAM.match(spec)
    if not match or match["type"] not in PARAM_TYPES:
        raise ValueError(f"{path.name}: bad '#+ param:' line {spec!r}; expected NAME TYPE [default=V] "
                         f"[allowed=A|B] -- description, TYPE one of {', '.join(PARAM_TYPES)}")
    options = dict(opt.split("=", 1) for opt in (match["opts"] or "").split())
    allowed = tuple(options["allowed"].split("|")) if "allowed" in options else ()
    return Param(match["name"], match["type"], options.get("default"), allowed, (match["doc"] or "").strip())


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

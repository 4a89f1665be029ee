"""Mutation testing of the rules that are not Python: SHACL shapes, stored queries and the CSV /
Phenopacket mappings.

Each mutant is one small, realistic change (a numeric bound moved by one, a sh:minCount dropped to 0, a
sh:class or sh:in entry removed, a comparison flipped, a FILTER dropped, a datatype cast dropped, a
COUNT(DISTINCT) loosened, a privacy pattern removed, a mapped unit / response / `excluded` changed). It is
applied to a scratch copy of the checkout (never to the working tree), the tests of its area run there
(a fast subset, `-x`), and the mutant counts as killed when they fail. The script writes the score and
every surviving mutant to tests/mutation/RESULTS.md, with the date, machine and load average measured
during the run. Survivors that are equivalent (no test can tell them apart from the original) are listed
with the reason in tests/mutation/accepted.json; the script reports them separately, it never hides them.

    .venv/bin/python tests/mutation/mutate_rules.py                 # everything (about 25 min, idle machine)
    .venv/bin/python tests/mutation/mutate_rules.py --kind shapes   # one area: shapes, queries, mappings
    .venv/bin/python tests/mutation/mutate_rules.py --list          # the mutants, without running them
    .venv/bin/python tests/mutation/mutate_rules.py --only ID ...   # chosen mutants (ids from --list)

Stored queries do not change the build, so their mutants share one build of the seed graph made at the
start in the scratch copy (EMKG_TEST_BUILT, read by tests/conftest.py); shapes and mappings need none.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
ACCEPTED = HERE / "accepted.json"
# One line per mutant run (JSON), appended as each mutant finishes: RESULTS.md is written from the latest
# outcome of every current mutant (same id, and the mutated file unchanged since), so a run of the survivors
# alone (--only, after adding tests) updates the table without rerunning the killed ones. Tests are only
# ever added, so a mutant once killed stays killed; a changed file makes its mutants "not run" again.
OUTCOMES = HERE / "outcomes.jsonl"

# The tests each area's mutants are run against (the fast subset; `-x` stops at the first failure).
TESTS = {
    "shapes": ["tests/shapes", "tests/test_shacl.py"],
    "queries": ["tests/queries/test_golden.py", "tests/queries/test_fixture_queries.py",
                "tests/queries/test_page_keys.py"],
    "mappings": ["tests/loaders/test_csv_template.py", "tests/loaders/test_phenopacket.py", "tests/converters"],
}
TIMEOUT = 1800  # seconds per run; a mutant that hangs the tests counts as killed (and is flagged)


@dataclass(frozen=True)
class Mutant:
    id: str
    kind: str  # shapes, queries, mappings
    file: str  # relative to the checkout
    start: int  # character span in the original text
    end: int
    replacement: str
    what: str

    def apply(self, text: str) -> str:
        return text[:self.start] + self.replacement + text[self.end:]

    def line(self, text: str) -> int:
        return text.count("\n", 0, self.start) + 1


# --- shapes -----------------------------------------------------------------------------------------

_BOUND = re.compile(r"sh:(min|max)(In|Ex)clusive\s+(-?\d+)\b")
_MIN_COUNT = re.compile(r"sh:minCount\s+([1-9]\d*)")
_CLASS = re.compile(r"sh:class\s+[\w:]+\s*;?")
_IN_LIST = re.compile(r"sh:in\s*\(([^)]*)\)")
# a comparison between a variable and a variable or a number (never the < of an IRI)
_COMPARISON = re.compile(r"(\?\w+|\$this)\s*(<=|>=|<|>)\s*(\?\w+|-?\d+)")
_FLIP = {"<=": "<", "<": "<=", ">=": ">", ">": ">="}
_REGEX_CALL = re.compile(r'(\|\|\s*)?!?REGEX\((\?text|STR\(\?v\)),\s*"((?:[^"\\]|\\.)*)"(?:,\s*"i")?\)')


def _top_level_alternatives(pattern: str) -> list[tuple[int, int]]:
    """Spans of the '|'-separated alternatives of a regular expression outside any group or class."""
    spans, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, len(pattern)))
    return spans


def shape_mutants() -> list[Mutant]:
    found = []
    for path in sorted((ROOT / "shapes").glob("*.shacl.ttl")):
        rel, text = str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")

        def add(start, end, replacement, what, _rel=rel, _text=text):
            line = _text.count("\n", 0, start) + 1
            found.append(Mutant(f"{_rel}:{line}:{len([m for m in found if m.file == _rel])}", "shapes", _rel,
                                start, end, replacement, what))

        for m in _BOUND.finditer(text):
            value = int(m[3])
            for delta in (-1, 1):
                add(m.start(3), m.end(3), str(value + delta), f"sh:{m[1]}{m[2]}clusive {value} -> {value + delta}")
        for m in _MIN_COUNT.finditer(text):
            add(m.start(1), m.end(1), "0", f"sh:minCount {m[1]} -> 0")
        for m in _CLASS.finditer(text):
            add(m.start(), m.end(), "", f"{m[0].rstrip(' ;')} removed")
        for m in _IN_LIST.finditer(text):
            entries = m[1].split()
            for i, entry in enumerate(entries):
                rest = " ".join(entries[:i] + entries[i + 1:])
                add(m.start(1), m.end(1), f" {rest} " if rest else " ", f"sh:in entry {entry} removed")
        for block in re.finditer(r'"""(.*?)"""', text, re.DOTALL):
            body_start = block.start(1)
            for m in _COMPARISON.finditer(block[1]):
                op = m[2]
                add(body_start + m.start(2), body_start + m.end(2), _FLIP[op],
                    f"comparison {m[0]} -> {m[1]} {_FLIP[op]} {m[3]}")
            if "privacy" not in rel:
                continue
            for call in _REGEX_CALL.finditer(block[1]):
                pattern_start = body_start + call.start(3)
                spans = _top_level_alternatives(call[3])
                if len(spans) > 1:
                    for a, b in spans:
                        # remove the alternative and one neighbouring '|'
                        s, e = (a - 1, b) if a > 0 else (a, b + 1)
                        add(pattern_start + s, pattern_start + e, "",
                            f"privacy pattern alternative {call[3][a:b]!r} removed")
                elif call[1]:  # one of several REGEX calls joined by ||: drop it
                    add(body_start + call.start(), body_start + call.end(), "",
                        f"privacy check REGEX({call[3][:40]!r}...) removed")
    return found


# --- stored queries ---------------------------------------------------------------------------------

_FILTER_LINE = re.compile(r"FILTER\s*(NOT\s+EXISTS|EXISTS)?\s*[({]")
_CAST = re.compile(r"xsd:(integer|decimal|double|string|date|boolean)\((\?\w+)\)")
_COUNT_DISTINCT = re.compile(r"COUNT\(DISTINCT\s+")
_GROUP_BY = re.compile(r"GROUP BY((?:\s+\?\w+)+)")


def _balanced_end(text: str, start: int) -> int:
    """Index after the bracket group opening at `start` ('(' or '{'), ignoring strings."""
    opening = text[start]
    closing = {"(": ")", "{": "}"}[opening]
    depth, i, quote = 0, start, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Spans of a query outside comments (a '#' that starts a comment, not one inside an IRI)."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = re.split(r"(?<![<\w/])#", line, maxsplit=1)[0]
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def query_mutants() -> list[Mutant]:
    found = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        rel, text = str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        code = _code_spans(text)

        def in_code(i, _code=code):
            return any(a <= i < b for a, b in _code)

        def add(start, end, replacement, what, _rel=rel, _text=text):
            line = _text.count("\n", 0, start) + 1
            found.append(Mutant(f"{_rel}:{line}:{len([m for m in found if m.file == _rel])}", "queries", _rel,
                                start, end, replacement, what))

        for m in _FILTER_LINE.finditer(text):
            if in_code(m.start()):
                end = _balanced_end(text, m.end() - 1)
                add(m.start(), end, "", f"{' '.join(text[m.start():end].split())[:70]} dropped")
        for m in _COMPARISON.finditer(text):
            if in_code(m.start()):
                add(m.start(2), m.end(2), _FLIP[m[2]], f"comparison {m[0]} -> {m[1]} {_FLIP[m[2]]} {m[3]}")
        for m in _CAST.finditer(text):
            if in_code(m.start()):
                add(m.start(), m.end(), m[2], f"cast {m[0]} dropped")
        for m in _COUNT_DISTINCT.finditer(text):
            if in_code(m.start()):
                add(m.start(), m.end(), "COUNT(", "COUNT(DISTINCT x) -> COUNT(x)")
        for m in _GROUP_BY.finditer(text):
            variables = m[1].split()
            if len(variables) > 1 and in_code(m.start()):
                last = m.start(1) + m[1].rindex(variables[-1]) - 1
                add(last, m.end(1), "", f"GROUP BY: {variables[-1]} removed")
    return found


# --- CSV and Phenopacket mappings -------------------------------------------------------------------

# (file, original text, mutated text, what): each original must occur exactly once (else not applicable).
MAPPING_EDITS = [
    ("loaders/csv_template.py", 'FOLLOW_UP_UNIT = "emkg:Month"', 'FOLLOW_UP_UNIT = "emkg:Day"',
     "follow-up months mapped as days (unit)"),
    ("loaders/csv_template.py", 'fact["duration"]["unit"] = FOLLOW_UP_UNIT', 'pass',
     "follow-up unit not filled in"),
    ("loaders/csv_template.py", 'fact["assesses"] = f"{row.get(\'patient_id\')}-infusion"', 'pass',
     "response no longer assesses the row's infusion"),
    ("loaders/csv_template.py", '"response": ("response", "response")', '"response": ("response", "followup")',
     "response fact id suffix changed"),
    # the CSV columns are the generated table loaders/csv_columns.py (from schema/emkg_record.yaml): a
    # mutant there is a wrong column mapping as the loader reads it
    ("loaders/csv_columns.py", "('infusion_dose_unit',\n  'infusion',\n  'dose.unit',",
     "('infusion_dose_unit',\n  'infusion',\n  'dose.unit_label',", "infusion dose unit mapped to another field"),
    ("loaders/csv_columns.py", "('toxicity1_grade', 'toxicity1', 'grade',",
     "('toxicity1_grade', 'toxicity1', 'grade_max',", "toxicity grade mapped to grade_max"),
    ("loaders/csv_columns.py", "('response_mrd_negative', 'response', 'mrd_negative',",
     "('response_mrd_negative', 'response', 'mrd_negative_',", "MRD-negative column not mapped"),
    ("loaders/phenopacket.py", '"NCIT:C4870": "emkg:CompleteRemission"', '"NCIT:C4870": "emkg:PartialRemission"',
     "complete response mapped to partial remission"),
    ("loaders/phenopacket.py", '"NCIT:C18058": "emkg:PartialRemission"', '"NCIT:C18058": "emkg:CompleteRemission"',
     "partial response mapped to complete remission"),
    ("loaders/phenopacket.py", '"MALE": "emkg:Male", "FEMALE": "emkg:Female"',
     '"MALE": "emkg:Female", "FEMALE": "emkg:Male"', "sexes swapped"),
    ("loaders/phenopacket.py", 'present = False if disease.get("excluded") is True else None', 'present = None',
     "disease excluded ignored"),
    ("loaders/phenopacket.py", '"present": (False if feature.get("excluded") is True else None',
     '"present": (None', "phenotypic feature excluded ignored"),
    ("loaders/phenopacket.py", '"unit": (_term_id(quantity.get("unit")), qpath + ("unit", "id"))',
     '"unit": (None, qpath + ("unit", "id"))', "measurement unit dropped"),
    ("loaders/phenopacket.py", '("unit", _term_id(quantity.get("unit")))', '("unit", "emkg:Cells")',
     "CAR-T dose unit replaced by cells"),
    ("loaders/phenopacket.py", '"category": ("emkg:Radiotherapy", rpath)', '"category": ("emkg:Chemotherapy", rpath)',
     "radiotherapy mapped as chemotherapy"),
    ("loaders/phenopacket.py", 'int(match[2]) if match[2] else None', 'None', "grade range upper bound dropped"),
    ("loaders/phenopacket.py", 'fact["assesses"] = infusion["id"]', 'pass',
     "response no longer assesses the action's infusion"),
]


def mapping_mutants() -> list[Mutant]:
    found = []
    for rel, old, new, what in MAPPING_EDITS:
        text = (ROOT / rel).read_text(encoding="utf-8")
        if text.count(old) != 1:
            print(f"not applicable (the code changed): {rel}: {what}", file=sys.stderr)
            continue
        start = text.index(old)
        line = text.count("\n", 0, start) + 1
        found.append(Mutant(f"{rel}:{line}:{len([m for m in found if m.file == rel])}", "mappings", rel, start,
                            start + len(old), new, what))
    return found


# Shapes mutants run in this order (the kinds of bug the suite missed first), so that a run cut short
# has judged the most telling ones; the ids do not depend on the order.
_SHAPE_ORDER = (("sh:minInclusive", "sh:maxInclusive", "sh:minExclusive", "sh:maxExclusive"), ("privacy",),
                ("comparison",), ("sh:minCount",), ("sh:in",), ("sh:class",))


def _shape_rank(mutant: Mutant) -> int:
    return next((i for i, words in enumerate(_SHAPE_ORDER) if mutant.what.startswith(words)), len(_SHAPE_ORDER))


def all_mutants() -> list[Mutant]:
    return sorted(shape_mutants(), key=_shape_rank) + query_mutants() + mapping_mutants()


# --- running ----------------------------------------------------------------------------------------


def scratch_copy(base: Path) -> Path:
    """The checkout's tracked and new files (not build/ or .venv/) under base/emkg, with base/shared
    pointing at the real ../shared so that the seed texts are found as in the checkout."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    copy = base / "emkg"
    for rel in files:
        source = ROOT / rel
        if source.is_file():
            target = copy / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (base / "shared").symlink_to(shared)
    return copy


def shapes_keywords(text: str) -> list[str]:
    """pytest -k keywords for a shapes file: every valid example and the fixture graph (the valid side of
    every boundary), and the examples and boundary cases of the shapes the file defines (their test ids
    carry the shape's name)."""
    names = re.findall(r"^emkg:(\w+) a sh:NodeShape", text, re.MULTILINE)
    # the whole-catalogue check of targets only where a mutant can change a target (privacy's SPARQL target)
    whole = ["every_shape"] if "sh:SPARQLTarget" in text else []
    return ["valid_example_conforms", "fixture_graph_conforms", *whole, *names]


def selection(keywords: list[str]) -> list[str]:
    return ["-k", " or ".join(keywords)] if keywords else []


# A shapes mutant changes only a .shacl.ttl file, so its tests run in one long-lived pytest process per
# run (pytest.main again for each mutant): the interpreter, the imports and the parsed ontology (which no
# shapes mutant changes) are reused; the shapes are read from disk by every session, so each mutant's
# own shapes file is what the tests see. Other areas start a fresh pytest per mutant.
_WORKER = """
import sys, pytest, emkg.graph
ontology = emkg.graph.ontology_graph()
emkg.graph.ontology_graph = lambda ontology_dir=None: ontology
for line in sys.stdin:
    code = pytest.main(line.rstrip("\\n").split("\\t"))
    print(f"@@done {int(code)}", flush=True)
"""


class Worker:
    def __init__(self, copy: Path, env: dict[str, str]):
        self.copy, self.env, self.process = copy, env, None

    def run(self, args: list[str]) -> tuple[bool, float, str]:
        import queue
        import threading

        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen([sys.executable, "-c", _WORKER], cwd=self.copy, env=self.env,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT, text=True, bufsize=1)
            self.lines: queue.Queue = queue.Queue()
            threading.Thread(target=lambda out=self.process.stdout, q=self.lines: [q.put(x) for x in out] and None,
                             daemon=True).start()
        started, tail = time.monotonic(), []
        self.process.stdin.write("\t".join(args) + "\n")
        self.process.stdin.flush()
        while True:
            try:
                line = self.lines.get(timeout=max(1.0, TIMEOUT - (time.monotonic() - started)))
            except queue.Empty:
                self.process.kill()
                self.process = None
                return False, time.monotonic() - started, "timeout"
            if line.startswith("@@done "):
                return line.split()[1] == "0", time.monotonic() - started, "\n".join(tail[-3:])
            tail.append(line.rstrip())

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def run_tests(copy: Path, kind: str, env: dict[str, str], select: list[str] = (), worker: Worker | None = None
              ) -> tuple[bool, float, str]:
    """(tests passed, seconds, last lines of output) for the area's tests in the scratch copy."""
    args = ["-x", "-q", "-p", "no:cacheprovider", *TESTS[kind], *select]
    if worker is not None:
        return worker.run(args)
    command = [sys.executable, "-m", "pytest", *args]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, time.monotonic() - started, "timeout"
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-3:])
    return done.returncode == 0, time.monotonic() - started, tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=sorted(TESTS), action="append")
    parser.add_argument("--only", nargs="+", metavar="ID")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--resume", action="store_true", help="only the mutants without a logged outcome")
    parser.add_argument("--shard", metavar="I/N", help="run every N-th mutant from the I-th (two runs side by side)")
    parser.add_argument("--no-write", action="store_true", help="log nothing, do not write RESULTS.md")
    parser.add_argument("--report", action="store_true", help="only rewrite RESULTS.md from outcomes.jsonl")
    args = parser.parse_args(argv)
    mutants = [m for m in all_mutants() if (not args.kind or m.kind in args.kind)
               and (not args.only or m.id in args.only)]
    if args.resume:  # leave out the mutants that already have an outcome on their current file
        done = latest_outcomes(mutants)
        mutants = [m for m in mutants if m.id not in done]
    if args.shard:
        index, count = map(int, args.shard.split("/"))
        mutants = mutants[index::count]
    if args.list:
        for m in mutants:
            print(f"{m.id}\t{m.what}")
        print(f"{len(mutants)} mutants", file=sys.stderr)
        return 0
    accepted = json.loads(ACCEPTED.read_text(encoding="utf-8")) if ACCEPTED.is_file() else {}
    if args.report:
        write_results(all_mutants(), accepted)
        return 0
    loads = [os.getloadavg()[0]]
    outcomes: dict[str, tuple[Mutant, str, float, str]] = {}
    with tempfile.TemporaryDirectory(prefix="emkg-mutate-") as scratch:
        copy = scratch_copy(Path(scratch))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EMKG_", "PYTEST"))}
        env["EMKG_NO_PROGRESS"] = "1"
        kinds = sorted({m.kind for m in mutants})
        if "queries" in kinds:  # one build of the seed graph for every query mutant (queries do not change it)
            build = Path(scratch) / "build"
            subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from emkg.build import "
                            "build; build(Path(sys.argv[1]))", str(build)], cwd=copy, env=env, check=True)
        worker = Worker(copy, env) if "shapes" in kinds else None
        # The unmutated copy must pass the very tests a mutant is judged by, or no mutant can be judged: once
        # per area (queries, mappings), and once per shapes file for its selection (the whole shapes suite
        # at once took over ten minutes on the shared machine).
        baselines: set[tuple] = set()
        for n, mutant in enumerate(mutants, 1):
            target = copy / mutant.file
            original = target.read_text(encoding="utf-8")
            kind_env = dict(env, EMKG_TEST_BUILT=str(Path(scratch) / "build")) if mutant.kind == "queries" else env
            keywords = shapes_keywords(original) if mutant.kind == "shapes" else []
            select = selection(keywords)
            unverified = [k for k in keywords if (mutant.kind, k) not in baselines]
            if (mutant.kind, None) not in baselines or unverified:  # only tests not yet seen passing
                passed, seconds, tail = run_tests(copy, mutant.kind, kind_env, selection(unverified),
                                                  worker if mutant.kind == "shapes" else None)
                if not passed:
                    print(f"the unmutated tests of {mutant.kind} {' '.join(unverified)} fail; fix them first:\n"
                          f"{tail}", file=sys.stderr)
                    return 2
                print(f"baseline {mutant.kind} {mutant.file if keywords else ''}: {seconds:.0f} s", file=sys.stderr)
                baselines |= {(mutant.kind, None), *((mutant.kind, k) for k in keywords)}
            target.write_text(mutant.apply(original), encoding="utf-8")
            try:
                passed, seconds, tail = run_tests(copy, mutant.kind, kind_env, select,
                                                  worker if mutant.kind == "shapes" else None)
            finally:
                target.write_text(original, encoding="utf-8")
            status = "survived" if passed else ("timeout" if tail == "timeout" else "killed")
            outcomes[mutant.id] = (mutant, status, seconds, tail)
            loads.append(os.getloadavg()[0])
            if not args.no_write:
                with OUTCOMES.open("a", encoding="utf-8") as log:
                    log.write(json.dumps({"id": mutant.id, "what": mutant.what, "status": status,
                                          "seconds": round(seconds, 1), "file_sha": text_sha(original),
                                          "finished": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M}",
                                          "load": round(loads[-1], 1)}) + "\n")
            print(f"[{n}/{len(mutants)}] {status:8} {seconds:5.0f} s  {mutant.id}  {mutant.what}", file=sys.stderr)
        if worker is not None:
            worker.close()
    print(f"{sum(s == 'survived' for _, s, *_ in outcomes.values())} of {len(outcomes)} survived", file=sys.stderr)
    if not args.no_write:
        write_results(all_mutants(), accepted)
    return 0


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_sha(rel: str) -> str:
    """The file as it is now in the checkout (outcomes are logged with the text the mutant was made from)."""
    return text_sha((ROOT / rel).read_text(encoding="utf-8"))


def latest_outcomes(mutants: list[Mutant]) -> dict[str, dict]:
    """Each current mutant's outcome (its file unchanged since it was run): killed if any run killed it,
    else the latest run's."""
    current = {m.id: file_sha(m.file) for m in mutants}
    latest: dict[str, dict] = {}
    if OUTCOMES.is_file():
        for line in OUTCOMES.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if current.get(entry["id"]) != entry["file_sha"]:
                continue
            # tests are only added, so a kill stands even if a run with older tests logged a survival later
            if entry["id"] not in latest or latest[entry["id"]]["status"] == "survived":
                latest[entry["id"]] = entry
    return latest


def write_results(mutants: list[Mutant], accepted: dict[str, str]) -> None:
    """tests/mutation/RESULTS.md from the logged outcomes (tests/mutation/outcomes.jsonl)."""
    latest = latest_outcomes(mutants)
    runs = sorted(e["finished"] for e in latest.values())
    loads = [e["load"] for e in latest.values()]
    lines = ["# Mutation results: shapes, stored queries, mappings", "",
             "<!-- written by tests/mutation/mutate_rules.py from outcomes.jsonl; do not edit -->", "",
             f"- mutants run between {runs[0] if runs else '-'} and {runs[-1] if runs else '-'} UTC; a mutant is "
             "killed if any run on its current file killed it, else its latest run decides (outcomes.jsonl)",
             f"- machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
             f"Python {platform.python_version()}",
             (f"- load average (1 min) measured after each mutant: min {min(loads):.1f}, max {max(loads):.1f}; "
              "above the CPU count the machine was shared with other jobs (this changes times, not outcomes)")
             if loads else "- load average: no mutant run yet",
             "- commands: `.venv/bin/python tests/mutation/mutate_rules.py` (all), then "
             "`--only ID ...` for the survivors after tests were added", "",
             "| area | mutants | killed | survived: equivalent (listed below) | survived: not explained | not run | "
             "score | score without equivalents |", "|---|---|---|---|---|---|---|---|"]
    for kind in ("shapes", "queries", "mappings"):
        rows = [m for m in mutants if m.kind == kind]
        if not rows:
            continue
        status = {m.id: latest.get(m.id, {}).get("status", "not run") for m in rows}
        killed = sum(s in ("killed", "timeout") for s in status.values())
        equivalent = sum(s == "survived" and i in accepted for i, s in status.items())
        unexplained = sum(s == "survived" and i not in accepted for i, s in status.items())
        not_run = sum(s == "not run" for s in status.values())
        ran = len(rows) - not_run
        lines.append(f"| {kind} | {len(rows)} | {killed} | {equivalent} | {unexplained} | {not_run} | "
                     f"{100 * killed / max(1, ran):.1f} % | {100 * killed / max(1, ran - equivalent):.1f} % |")
    lines += ["", "Score: killed / mutants run. Without equivalents: killed / (run - equivalent survivors).",
              "", "## Surviving mutants", ""]
    survivors = [m for m in mutants if latest.get(m.id, {}).get("status") == "survived"]
    if not survivors:
        lines.append("None.")
    for m in survivors:
        reason = accepted.get(m.id)
        lines.append(f"- `{m.id}` {m.what}: " + (f"equivalent or accepted: {reason}" if reason else
                                                 "**not explained: add a test that kills it**"))
    timeouts = [m.id for m in mutants if latest.get(m.id, {}).get("status") == "timeout"]
    if timeouts:
        lines += ["", "Counted as killed because the tests timed out: " + ", ".join(f"`{i}`" for i in timeouts)]
    not_run = [m.id for m in mutants if m.id not in latest]
    if not_run:
        lines += ["", f"Not run yet ({len(not_run)}): " + ", ".join(f"`{i}`" for i in not_run)]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the same text in tests/README.md's mutation section (everything after the title and the comment)
    write_readme_block(["Written by `mutate_rules.py` from `outcomes.jsonl`, as in "
                        "[mutation/RESULTS.md](mutation/RESULTS.md):", "",
                        *(f"##{line}" if line.startswith("## ") else line for line in lines[4:])])


README = ROOT / "tests" / "README.md"
BEGIN, END = "<!-- mutate_rules.py: begin -->", "<!-- mutate_rules.py: end -->"


def write_readme_block(lines: list[str], begin: str = BEGIN, end: str = END) -> None:
    """The figures and survivors in tests/README.md, between two markers (kept when they are absent)."""
    if not README.is_file():
        return
    text = README.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        return
    head, rest = text.split(begin, 1)
    README.write_text(head + begin + "\n" + "\n".join(lines) + "\n" + end + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

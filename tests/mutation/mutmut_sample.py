"""The mutation score of the whole Python tool, estimated from a random sample of its mutants.

emkg/ and loaders/ make about 19,000 mutants (mutmut's own generator); at seconds to minutes each that is days
on a two-core machine, so the score of the whole tool is measured on a simple random sample drawn with a fixed
seed from every mutant mutmut generates, and stated with its 95 % Wilson interval. The sample's first run, with
the tests as they were when it was drawn, is kept (SAMPLE-NAME-first-run.md): it is the unbiased estimate. Tests
written afterwards against its survivors raise the sample's own figure (SAMPLE-NAME.md) more than the tool's, so
that figure is reported beside the first run, never instead of it; as tests are only added, the first run's
score is also a lower bound for the tool with the new tests.

mutmut generates the mutants and maps every test to the functions it reaches (`mutmut run` once, on the suite but
the Virtuoso, browser-page and hostile-input tests: `[tool.mutmut]` in pyproject.toml). This script then runs each
sampled mutant itself, in mutants/ with MUTANT_UNDER_TEST set (mutmut's own switch), against the tests that reach
its function (plus, for code that runs only in child processes, the tests that start them: CHILD_PROCESS_TESTS),
the tests that killed the function's mutants before first, then **fastest first**, stopping at the first
failure, within a time budget: a mutant whose tests all pass survived; one whose tests are still running when
the budget is spent is "undecided" and counts as not killed, so the score is a lower bound. A run that takes more
than six times its tests' measured time plus 90 s (and the budget had room for that) hangs, and counts as killed,
as mutmut counts its timeouts. Each result line keeps the load average when its run began.

    nice -n 19 .venv/bin/mutmut run emkg.paths.x_release_dir__mutmut_1   # mutants/ and the test map
    .venv/bin/python tests/mutation/mutmut_sample.py draw s1 --size 400 --seed 1
    nice -n 19 .venv/bin/python tests/mutation/mutmut_sample.py run s1 --workers 2
    .venv/bin/python tests/mutation/mutmut_sample.py report s1 --first     # the first run: SAMPLE-s1-first-run.md
    # after tests are added against the survivors (mutmut run again first, so mutants/ has the new tests):
    nice -n 19 .venv/bin/python tests/mutation/mutmut_sample.py run s1 --again NAME ...
    .venv/bin/python tests/mutation/mutmut_sample.py report s1 --tests-added-at "YYYY-MM-DD HH:MM:SS"  # SAMPLE-s1.md

Mutants run in the order drawn, so a run cut short has judged a random subsample. `run` resumes: a mutant with
a result in samples/NAME.jsonl is not run again unless named with --again (its newest line then decides).
Survivors are explained in tests/mutation/accepted-python.json (equivalent or accepted, with the reason), as for
the modules run whole (mutmut_report.py).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutate_rules import write_readme_block  # noqa: E402
from mutmut_report import ACCEPTED, ROOT, all_mutant_names, module_of  # noqa: E402

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
MUTANTS = ROOT / "mutants"
KILLED = {"killed", "timeout"}
NOT_KILLED = {"survived", "no tests", "undecided", "stale map"}


def read_sample(name: str) -> list[str]:
    lines = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def read_results(name: str, first: bool = False) -> dict[str, dict]:
    """mutant -> its latest result line (its first with first=True)."""
    path = SAMPLES / f"{name}.jsonl"
    results: dict[str, dict] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if not (first and entry["mutant"] in results):
                results[entry["mutant"]] = entry
    return results


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def draw(name: str, size: int, seed: int, exclude: list[str], modules: list[str] | None = None) -> int:
    population = all_mutant_names()
    if modules:  # a sample of some modules only: to find the tests' gaps there, never to score the tool
        population = [mutant for mutant in population if module_of(mutant) in modules]
    excluded = {mutant for other in exclude for mutant in read_sample(other)}
    candidates = [mutant for mutant in population if mutant not in excluded]
    # kept in the order drawn, and run in that order: a run cut short has judged a random subsample
    chosen = random.Random(seed).sample(candidates, size)
    SAMPLES.mkdir(exist_ok=True)
    header = [f"# sample {name}: {size} of {len(candidates)} mutants, drawn with random.Random({seed}).sample",
              f"# population: every mutant of {', '.join(modules) if modules else 'emkg/ and loaders/'} from "
              f"mutmut's generator ({len(population)}), "
              f"less the samples {', '.join(exclude) or '(none)'}",
              f"# drawn {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC at commit {commit()} by "
              f"`tests/mutation/mutmut_sample.py draw {name} --size {size} --seed {seed}"
              + "".join(f" --exclude {other}" for other in exclude)
              + "".join(f" --module {module}" for module in modules or []) + "`"]
    (SAMPLES / f"{name}.txt").write_text("\n".join(header + chosen) + "\n", encoding="utf-8")
    print(f"tests/mutation/samples/{name}.txt: {size} mutants")
    return 0


# --- running -------------------------------------------------------------------------------------------------

# Code run only in a child process is invisible to mutmut's map, which records the calls made in the test's own
# process: serve's query workers are spawned processes, and the build checks records in forked workers when it
# has more than one. The children import the mutated copy as well (PYTHONPATH and MUTANT_UNDER_TEST are
# inherited), so these test files do exercise the mutant; they run after the mapped tests.
CHILD_PROCESS_TESTS = {
    "emkg.serve_workers": ["tests/web/test_serve_protocol.py", "tests/web/test_serve_requests.py"],
    "emkg.serve_guard": ["tests/web/test_serve_protocol.py", "tests/web/test_serve_requests.py"],
    "emkg.build": ["tests/build/test_build_workers.py"],
    # left out of the map (a Virtuoso server; pyproject's [tool.mutmut]): run by path, without a measured time
    "emkg.publish": ["tests/web/test_publish.py"],
}


def function_of(mutant: str) -> str:
    """The mangled function name mutmut's map keys a mutant's tests by (a package's __init__ left out)."""
    return mutant.replace("__init__.", "").partition("__mutmut_")[0]


def test_map() -> tuple[dict[str, list[str]], dict[str, float]]:
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text(encoding="utf-8"))
    return stats["tests_by_mangled_function_name"], stats["duration_by_test"]


def tests_for(mutant: str, tests_by_function: dict[str, list[str]], durations: dict[str, float]) -> list[str]:
    """The mapped tests of the mutant's function, then the child-process tests of its module (by their ids in
    the map, so each has its measured duration)."""
    tests = list(tests_by_function.get(function_of(mutant), []))
    for path in CHILD_PROCESS_TESTS.get(module_of(mutant), []):
        mapped = [test for test in durations if test.startswith(path + "::")]
        tests += [test for test in mapped if test not in tests] or [path]
    return tests


def past_killers() -> dict[str, set[str]]:
    """function -> the tests that killed one of its mutants in any sample's results so far.

    Run first, they find a killable mutant sooner (mutmut orders by duration only), which matters where a
    function is reached by hundreds of slow tests and the budget runs out first. Order only: the same tests run."""
    killers: dict[str, set[str]] = defaultdict(set)
    for path in SAMPLES.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            by = entry.get("by", "")
            if entry["status"] == "killed" and by.startswith(("FAILED ", "ERROR ")):
                test = by.split(" ", 1)[1].split(" - ", 1)[0].strip()
                killers[function_of(entry["mutant"])].add(test)
    return killers


def _run_in_own_group(command: list[str], env: dict, limit: float) -> subprocess.CompletedProcess:
    """pytest in a process group of its own, all of which is killed when the time runs out: subprocess.run would
    kill pytest alone and leave the query workers or build workers it started behind, sleeping forever."""
    with subprocess.Popen(command, cwd=MUTANTS, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def run_one(mutant: str, tests: list[str], durations: dict[str, float], budget: float,
            first: set[str] = frozenset()) -> dict:
    entry = {"mutant": mutant, "tests": len(tests), "at": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M:%S}",
             "load": round(os.getloadavg()[0], 1)}
    if not tests:
        return entry | {"status": "no tests", "seconds": 0.0}
    ordered = sorted(tests, key=lambda test: (test not in first, durations.get(test, 0.0), test))
    estimated = sum(durations.get(test, 0.0) for test in ordered)
    # 6 x the map's measured time, + 90 s for pytest's start, the session's build fixture and a busy machine: at
    # 4 x + 60 s, runs on a machine loaded by other jobs were called hangs (and counted killed) that were not
    hang_limit = 6 * estimated + 90 if all(test in durations for test in tests) else float("inf")
    limit = min(budget, hang_limit)
    # PYTHONPATH: the CLI tests' subprocesses import the mutated copy too, not the installed checkout
    env = os.environ | {"MUTANT_UNDER_TEST": mutant, "PY_IGNORE_IMPORTMISMATCH": "1", "PYTHONPATH": str(MUTANTS)}
    command = [sys.executable, "-m", "pytest", "--rootdir=.", "-x", "-q", "--tb=line", "-p", "no:cacheprovider",
               "-p", "no:randomly", *ordered]
    start = time.monotonic()
    try:
        done = _run_in_own_group(command, env, limit)
    except subprocess.TimeoutExpired:
        seconds = round(time.monotonic() - start, 1)
        status = "timeout" if limit == hang_limit else "undecided"
        return entry | {"status": status, "seconds": seconds, "estimated": round(estimated, 1)}
    seconds = round(time.monotonic() - start, 1)
    # pytest: 0 all passed, 1 a test failed, 2 interrupted, 3 internal error, 4 usage error (also: a test module
    # failed to collect, or a test id of the clean run no longer exists), 5 no tests collected. The map's tests
    # all passed on the clean tree (mutmut's stats run), so any other exit is the mutant's doing: killed, as
    # mutmut counts it; the exit code is kept in the result line.
    status = "survived" if done.returncode == 0 else "killed"
    if done.returncode == 4 and "not found: " in done.stdout + done.stderr:
        status = "stale map"  # a mapped test id no longer exists (mutants/ not refreshed): nothing was judged
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))][:1]
    return entry | {"status": status, "seconds": seconds, "estimated": round(estimated, 1), "rc": done.returncode,
                    "by": failed[0][:300] if failed else ""}


def run(name: str, workers: int, budget: float, again: list[str]) -> int:
    if not (MUTANTS / "mutmut-stats.json").is_file():
        print("no mutants/mutmut-stats.json: run `mutmut run <one mutant>` first (see the module's doc)",
              file=sys.stderr)
        return 2
    tests_by_function, durations = test_map()
    killers = past_killers()
    done = read_results(name)
    todo = [m for m in read_sample(name) if m not in done or m in again]
    out = SAMPLES / f"{name}.jsonl"
    print(f"{len(todo)} mutants to run ({len(done)} have a result)", flush=True)

    def one(mutant: str) -> dict:
        tests = tests_for(mutant, tests_by_function, durations)
        return run_one(mutant, tests, durations, budget, killers.get(function_of(mutant), set()))

    with ThreadPoolExecutor(max_workers=workers) as pool, out.open("a", encoding="utf-8") as sink:
        for count, result in enumerate(pool.map(one, todo), 1):
            sink.write(json.dumps(result) + "\n")
            sink.flush()
            print(f"{count}/{len(todo)} {result['status']:9} {result['seconds']:6.1f} s {result['mutant']}",
                  flush=True)
    return 0


# --- reporting -----------------------------------------------------------------------------------------------

def wilson(successes: int, trials: int) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    return float(low), float(high)


def _score(killed: int, trials: int) -> str:
    if not trials:
        return "no mutant run"
    low, high = wilson(killed, trials)
    return f"{100 * killed / trials:.1f} % ({100 * low:.1f}-{100 * high:.1f})"


def is_equivalent(reason: str | None) -> bool:
    """An explanation of accepted-python.json that shows no test can tell the mutant apart ("Equivalent...");
    the others ("Accepted...") explain a survivor but leave it in the score's denominator."""
    return bool(reason) and reason.startswith("Equivalent")


def _row(label: str, statuses: list[str], equivalent: int, accepted: int) -> str:
    killed = sum(1 for s in statuses if s in KILLED)
    not_killed = sum(1 for s in statuses if s in NOT_KILLED)
    judged = killed + not_killed
    return (f"| {label} | {judged} | {killed} | {equivalent} | {accepted} | {not_killed - equivalent - accepted} | "
            f"{_score(killed, judged)} | {_score(killed, judged - equivalent)} |")


def summary(name: str, tests_added_at: str | None = None, first_only: bool = False) -> tuple[list[str], dict]:
    """The report's lines and its figures, from the sample's results. With tests_added_at (the UTC time the
    tests written against the first run's survivors were in place), the mutants first run before and after it
    get a row each: the later ones were drawn with the sample but never seen by the test writers, so their
    first run estimates the tool with the added tests, without the bias of the reruns."""
    names = read_sample(name)
    results = read_results(name, first=first_only)
    accepted = json.loads(ACCEPTED.read_text(encoding="utf-8")) if ACCEPTED.is_file() else {}
    status = {mutant: results[mutant]["status"] if mutant in results else "not run" for mutant in names}
    killed = sum(1 for s in status.values() if s in KILLED)
    not_killed = sorted(m for m, s in status.items() if s in NOT_KILLED)
    equivalent = [m for m in not_killed if is_equivalent(accepted.get(m))]
    explained = [m for m in not_killed if m in accepted and m not in equivalent]
    unexplained = [m for m in not_killed if m not in accepted]
    judged = killed + len(not_killed)
    figures = {"sample": name, "size": len(names), "killed": killed, "not_killed": len(not_killed),
               "equivalent": len(equivalent), "accepted": len(explained), "unexplained": len(unexplained),
               "not_run": len(names) - judged}
    if judged:
        figures |= {"score": round(killed / judged, 4),
                    "score_without_equivalents": round(killed / max(1, judged - len(equivalent)), 4)}
    lines = ["| mutants | run | killed | not killed: equivalent | not killed: accepted | not killed: not explained "
             "| score (95 % CI) | score without equivalents (95 % CI) |", "|---|---|---|---|---|---|---|---|"]
    if tests_added_at:
        firsts = read_results(name, first=True)
        for label, chosen in (("first run before the tests were added", lambda at: at < tests_added_at),
                              (f"first run with the tests added ({tests_added_at} UTC): the unbiased estimate now",
                               lambda at: at >= tests_added_at)):
            group = [m for m in names if m in firsts and chosen(firsts[m]["at"])]
            first_statuses = [firsts[m]["status"] for m in group]
            group_alive = [m for m in group if firsts[m]["status"] in NOT_KILLED]
            group_equivalent = sum(1 for m in group_alive if is_equivalent(accepted.get(m)))
            group_accepted = sum(1 for m in group_alive if m in accepted) - group_equivalent
            lines.append(_row(label, first_statuses, group_equivalent, group_accepted))
            figures[label.split(" (")[0].replace(" ", "_")] = len(group)
    lines.append(_row("first run of every mutant, before any test was written against the sample" if first_only
                      else "every mutant run, latest result (reruns after tests included)",
                      [status[m] for m in names], len(equivalent), len(explained)))
    lines.append("")
    kinds = Counter(status[m] for m in not_killed)
    lines += ["Not killed, by kind: " + (", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or "none")
              + "; timeouts (killed): " + str(sum(1 for s in status.values() if s == "timeout")) + "."]
    by_module: dict[str, Counter] = defaultdict(Counter)
    for mutant, s in status.items():
        by_module[module_of(mutant)]["killed" if s in KILLED else s] += 1
    lines += ["", f"Not run: {len(names) - judged}.", "",
              "Killed / sampled per module (the sample is not stratified: a module's few mutants say little "
              "on their own): " + ", ".join(f"{module} {c['killed']}/{sum(c.values())}"
                                             for module, c in sorted(by_module.items())) + ".", "",
              "## Mutants not killed", ""]
    for mutant in not_killed:
        reason = accepted.get(mutant)
        lines.append(f"- `{mutant}` ({status[mutant]}): " + (f"explained: {reason}" if reason else
                                                               f"**not explained** (`mutmut show {mutant}`)"))
    if not not_killed:
        lines.append("None.")
    not_run = [m for m in names if status[m] == "not run"]
    if not_run:
        lines += ["", "Not run yet: " + ", ".join(f"`{m}`" for m in not_run) + "."]
    return lines, figures


README_BEGIN, README_END = "<!-- mutmut_sample.py: begin -->", "<!-- mutmut_sample.py: end -->"


def _readme_lines(name: str, head: list[str], lines: list[str]) -> list[str]:
    """tests/README.md's block: the first run's table (the estimate), then the current figures and survivors."""
    block = [f"Written by `mutmut_sample.py report {name}`, as in "
             f"[mutation/SAMPLE-{name}.md](mutation/SAMPLE-{name}.md):", ""]
    first = HERE / f"SAMPLE-{name}-first-run.md"
    if first.is_file():
        table = [line for line in first.read_text(encoding="utf-8").splitlines() if line.startswith("|")][:3]
        block += [f"First run, with the tests as they were when the sample was drawn ([mutation/SAMPLE-{name}-"
                  f"first-run.md](mutation/SAMPLE-{name}-first-run.md)):", "", *table, "", "Now:", ""]
    return block + head[4:] + [
        f"##{line}" if line.startswith("## ") else line for line in lines]


def report(name: str, first: bool, tests_added_at: str | None = None) -> int:
    lines, figures = summary(name, tests_added_at)
    head = _head(name, read_results(name), tests_added_at)
    text = "\n".join(head + lines) + "\n"
    (HERE / f"SAMPLE-{name}.md").write_text(text, encoding="utf-8")
    if first:  # from each mutant's first result only, whatever reruns the results file holds
        first_lines, _ = summary(name, first_only=True)
        first_head = _head(name, read_results(name, first=True), None)
        (HERE / f"SAMPLE-{name}-first-run.md").write_text(
            "\n".join(first_head + first_lines).replace(f"sample `{name}`", f"sample `{name}`, first run", 1)
            + "\n", encoding="utf-8")
    write_readme_block(_readme_lines(name, head, lines), README_BEGIN, README_END)
    print(text)
    print(json.dumps(figures))
    return 0


def _head(name: str, results: dict[str, dict], tests_added_at: str | None) -> list[str]:
    stamps = sorted(entry["at"] for entry in results.values()) or ["none"]
    one, five, fifteen = os.getloadavg()
    return [f"# Mutation score of the Python tool: sample `{name}`", "",
            "<!-- written by tests/mutation/mutmut_sample.py from samples/" + name + ".jsonl; do not edit -->", "",
            f"- written: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC at commit {commit()}; mutants "
            f"run between {stamps[0]} and {stamps[-1]} UTC",
            f"- machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average now {one:.1f} / {five:.1f} / {fifteen:.1f} "
            "(1 / 5 / 15 min; the load changes times and so which mutants end undecided, not what a test finds)",
            f"- sample: `tests/mutation/samples/{name}.txt` (its header says how it was drawn); results: "
            f"`samples/{name}.jsonl`",
            f"- commands: `nice -n 19 .venv/bin/python tests/mutation/mutmut_sample.py run {name} --workers 2`, "
            f"then `.venv/bin/python tests/mutation/mutmut_sample.py report {name}"
            + (f" --tests-added-at '{tests_added_at}'" if tests_added_at else "") + "`", "",
            "Score: killed (hangs included) / mutants run, with the 95 % Wilson interval for the score of all "
            "mutants of the tool. Not killed: survived (every test reaching the function passed), no tests (no "
            "selected test reaches it), undecided (the budget ran out first; counted as not killed, so the "
            "score is a lower bound). Without equivalents: the mutants explained as equivalent (no input tells them "
            "apart) left out of the denominator; accepted ones stay in it.", ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("draw", help="draw a sample of mutant names")
    drawing.add_argument("name")
    drawing.add_argument("--size", type=int, required=True)
    drawing.add_argument("--seed", type=int, required=True)
    drawing.add_argument("--exclude", action="append", default=[], help="a sample whose mutants are left out")
    drawing.add_argument("--module", action="append", dest="modules", help="draw from this module's mutants only "
                         "(repeatable): a training sample showing where tests are missing; it does not score the tool")
    running = commands.add_parser("run", help="run the sample's mutants without a result (see the doc)")
    running.add_argument("name")
    running.add_argument("--workers", type=int, default=1)
    running.add_argument("--budget", type=float, default=150.0, help="seconds per mutant (default 150)")
    running.add_argument("--again", nargs="*", default=[], help="mutants to run again though they have a result")
    reporting = commands.add_parser("report", help="write SAMPLE-NAME.md from the sample's results")
    reporting.add_argument("name")
    reporting.add_argument("--first", action="store_true", help="also keep it as the sample's first-run report")
    reporting.add_argument("--tests-added-at", help="UTC 'YYYY-MM-DD HH:MM:SS' from which the added tests were in "
                           "place: mutants first run before and after it get a row each")
    args = parser.parse_args(argv)
    if args.command == "draw":
        return draw(args.name, args.size, args.seed, args.exclude, args.modules)
    if args.command == "run":
        return run(args.name, args.workers, args.budget, args.again)
    return report(args.name, args.first, args.tests_added_at)


if __name__ == "__main__":
    sys.exit(main())

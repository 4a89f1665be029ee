"""Write tests/mutation/MUTMUT.md from the last `mutmut run`: date, machine, load, the command, per module
the mutants killed / survived / without a covering test / timed out, and every survivor with its
explanation from tests/mutation/accepted-python.json (or "not explained").

    nice -n 19 .venv/bin/mutmut run --max-children 1 "emkg.reason*"   # a module (or no name: all configured)
    .venv/bin/python tests/mutation/mutmut_report.py

Run from the root of the checkout (mutmut keeps its results in mutants/). The modules of emkg/ and loaders/
that have no mutmut result yet are listed with their number of mutants, counted by mutmut's own generator
(mutmut.mutation.file_mutation.mutate_file_contents), so the share of the tool not yet run is stated too.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OUT = HERE / "MUTMUT.md"
ACCEPTED = HERE / "accepted-python.json"
KILLED = {"killed", "timeout", "caught by type check"}


def statuses() -> dict[str, str]:
    """mutant name -> status, as `mutmut results --all true` prints them."""
    done = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    found = {}
    for line in done.stdout.splitlines():
        match = re.match(r"^\s*([\w.]+__mutmut_\d+): (.+?)\s*$", line)
        if match:
            found[match[1]] = match[2]
    return found


def module_of(name: str) -> str:
    return name.split(".x")[0] if ".x" in name else name.rsplit(".", 1)[0]


def all_mutant_names() -> list[str]:
    """Every mutant mutmut generates for emkg/ and loaders/ (mutmut's own generator), sorted."""
    from mutmut.mutation.file_mutation import mutate_file_contents

    names = []
    for folder in ("emkg", "loaders"):
        for path in sorted((ROOT / folder).glob("*.py")):
            result = mutate_file_contents(str(path), path.read_text(encoding="utf-8"))
            names += [f"{folder}.{path.stem}.{name}" for name in result.mutant_names]
    return sorted(names)


def generated_counts() -> dict[str, int]:
    """module -> number of mutants mutmut generates for it, for every module of emkg/ and loaders/."""
    return dict(Counter(module_of(name) for name in all_mutant_names()))


def main() -> int:
    found = statuses()
    if not found:
        print("no mutmut results: run `mutmut run` first", file=sys.stderr)
        return 2
    accepted = json.loads(ACCEPTED.read_text(encoding="utf-8")) if ACCEPTED.is_file() else {}
    by_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in found.items():
        by_module[module_of(name)][status] += 1
    # a configured module with no result at all (mutants generated, none run) is listed as not run yet
    by_module = defaultdict(Counter, {m: c for m, c in by_module.items() if sum(c.values()) > c["not checked"]})
    found = {n: s for n, s in found.items() if module_of(n) in by_module}
    one, five, fifteen = os.getloadavg()
    lines = ["# Mutation results: Python (mutmut)", "",
             "<!-- written by tests/mutation/mutmut_report.py from the last `mutmut run`; do not edit -->", "",
             f"- written: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
             f"- machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
             f"Python {platform.python_version()}; load average now {one:.1f} / {five:.1f} / {fifteen:.1f} "
             "(1 / 5 / 15 min; above the CPU count the machine is shared with other jobs)",
             "- commands: `nice -n 19 .venv/bin/mutmut run --max-children 1 \"emkg.reason*\"` (one module at a "
             "time; no name: every configured module), then "
             "`.venv/bin/python tests/mutation/mutmut_report.py` (modules and tests: `[tool.mutmut]` in "
             "pyproject.toml)", "",
             "| module | mutants | killed | survived: equivalent (listed below) | survived: not explained | "
             "no covering test | not checked | score | score without equivalents |",
             "|---|---|---|---|---|---|---|---|---|"]
    total = Counter()
    for module in sorted(by_module):
        counts = by_module[module]
        names = [n for n in found if module_of(n) == module]
        killed = sum(counts[s] for s in KILLED)
        equivalent = sum(1 for n in names if found[n] == "survived" and n in accepted)
        unexplained = counts["survived"] - equivalent
        no_tests = counts["no tests"]
        other = len(names) - killed - counts["survived"] - no_tests
        judged = killed + counts["survived"] + no_tests
        total.update({"n": len(names), "killed": killed, "eq": equivalent, "un": unexplained, "nt": no_tests,
                      "other": other, "judged": judged})
        lines.append(f"| {module} | {len(names)} | {killed} | {equivalent} | {unexplained} | {no_tests} | {other} | "
                     f"{100 * killed / max(1, judged):.1f} % | {100 * killed / max(1, judged - equivalent):.1f} % |")
    lines.append(f"| all | {total['n']} | {total['killed']} | {total['eq']} | {total['un']} | {total['nt']} | "
                 f"{total['other']} | {100 * total['killed'] / max(1, total['judged']):.1f} % | "
                 f"{100 * total['killed'] / max(1, total['judged'] - total['eq']):.1f} % |")
    lines += ["", "Score: killed / (killed + survived + no covering test); a mutant no selected test reaches "
              "counts as not killed. Not checked: mutmut had not run it (interrupted) or skipped it.", ""]
    generated = generated_counts()
    missing = {m: n for m, n in generated.items() if m not in by_module}
    lines += ["## Modules not run yet", "",
              f"Mutants of emkg/ and loaders/ (mutmut's own generator): {sum(generated.values())} in "
              f"{len(generated)} modules; run above: {sum(n for m, n in generated.items() if m in by_module)} in "
              f"{len(generated) - len(missing)} modules; not run yet: {sum(missing.values())} in {len(missing)} "
              "modules:", "",
              ", ".join(f"{m} {n}" for m, n in sorted(missing.items())) + ".", "",
              "## Surviving mutants", ""]
    survivors = sorted(n for n, s in found.items() if s == "survived")
    for name in survivors:
        reason = accepted.get(name)
        lines.append(f"- `{name}`: " + (f"equivalent or accepted: {reason}" if reason else
                                        "**not explained** (`mutmut show " + name + "`)"))
    if not survivors:
        lines.append("None.")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

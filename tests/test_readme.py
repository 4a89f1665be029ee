"""The README's two set-up commands: exactly two, and .ci/run runs the test one."""

from __future__ import annotations

import re

from emkg import paths


def readme_commands() -> list[str]:
    text = (paths.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.DOTALL)]


def test_readme_has_exactly_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert "emkg build" in commands[0] and "emkg query" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (paths.PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()

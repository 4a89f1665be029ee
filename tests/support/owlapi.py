"""The OWL API (Debian `libowlapi-java`, OWL API 5) and a Java 17 JDK for the OWL 2 DL profile test.

Installed with apt-get (update first) when missing, like every service the tests need: a missing or
uninstallable OWL API fails the test, it is never skipped. The checker, OwlDlProfile.java beside this file,
runs with `java` single-file source launch (JEP 330), which needs a JDK (the compiler module), not a JRE.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
OWLAPI_JAR = JAVA_DIR / "owlapi-distribution.jar"
CHECKER = Path(__file__).with_name("OwlDlProfile.java")
_SUMMARY = re.compile(r"^violations=(\d+) unparsed=(\d+) axioms=(\d+) versionIRI=(\S+)$", re.MULTILINE)


class OwlApiMissing(RuntimeError):
    """The OWL API or a JDK is missing and could not be installed; the message says why."""


def _apt_install(*packages: str) -> None:
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise OwlApiMissing(f"{', '.join(packages)} missing and installing needs apt-get as root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *packages]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise OwlApiMissing(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")


def ensure_java() -> str:
    """A `java` for HermiT (owlready2's reasoner), installing the JDK with apt-get if there is none."""
    if shutil.which("java") is None:
        _apt_install("openjdk-17-jdk-headless")
    java = shutil.which("java")
    if java is None:
        raise OwlApiMissing("apt-get ran but java is still missing")
    return java


def ensure_owlapi() -> str:
    """The `java` launcher that can run the checker, installing the JDK and libowlapi-java if missing."""
    if shutil.which("javac") is None:  # the single-file source launcher needs the JDK's compiler
        _apt_install("openjdk-17-jdk-headless")
    if not OWLAPI_JAR.is_file():
        _apt_install("libowlapi-java")
    java = shutil.which("java")
    if java is None or not OWLAPI_JAR.is_file():
        raise OwlApiMissing("apt-get ran but java or the OWL API jars are still missing")
    return java


@dataclass(frozen=True)
class ProfileReport:
    returncode: int
    violations: int
    unparsed: int
    axioms: int
    version_iri: str
    output: str


def check_dl_profile(path: Path) -> ProfileReport:
    """Load `path` in the OWL API and check the OWL 2 DL profile (the checker's summary, parsed)."""
    java = ensure_owlapi()
    done = subprocess.run([java, "-cp", f"{JAVA_DIR}/*", str(CHECKER), str(path)],
                          capture_output=True, text=True, timeout=600)
    match = _SUMMARY.search(done.stdout)
    if not match:
        raise AssertionError(f"the OWL API checker gave no summary (exit {done.returncode}): "
                             f"{done.stdout[-800:]} {done.stderr[-800:]}")
    return ProfileReport(done.returncode, int(match.group(1)), int(match.group(2)), int(match.group(3)),
                         match.group(4), done.stdout)

"""`emkg submit` and `emkg withdraw`: add, replace or remove a curated case record in evidence/.

1. The file is validated exactly as `emkg validate` does (emkg.validate: structure, terms, shapes, QC
   rules, quotes against the source text, duplicates), so what validate accepts, submit accepts, and
   the build accepts what submit wrote. RDF cannot be written back as a record and is refused.
2. Each record is named by its publication id: `<publication.id>.yaml`.
3. `--source-text FILE` copies the publication's text into the user's source-text folder
   (paths.USER_SOURCES_DIR, git-ignored: publishers' texts may not be redistributable) and names it in
   `publication.source_text`; the quotes are checked against it. A submission without a source text is
   accepted with its quotes unchecked; the written record says so in `curation_notes`.
4. Safe changes: a lock per record (fcntl, `.locks/<id>.yaml.lock` in the evidence folder) is held while the
   duplicates are checked again and the file is written, so two concurrent submits of one publication
   never both succeed; writes go to a hidden scratch file that is moved into place, and scratch files
   left by a killed submit are removed by the next one. `--replace` replaces an existing record and shows
   the difference; `withdraw` removes one.
Nothing is written unless every record passes; the evidence folder is never touched on failure.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from emkg import paths
from emkg.quotes import PLAIN_FILE_NAME
from emkg.validate import RECORD_FORMATS, Context, Outcome, existing_records, validate_file
from loaders.yaml_record import SCHEMA_ID, RecordInvalid, parse_record

UNCHECKED_NOTE = "Submitted with `emkg submit`; no source text was available, so its quotes are not checked."
_SCRATCH = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


@dataclass
class SubmitResult:
    code: int
    outcome: Outcome
    messages: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


class UsageError(ValueError):
    """A command-line mistake (exit 2)."""


def submit(path: Path, evidence_dir: Path, seeds_dir: Path | None = None, source_text: Path | None = None,
           replace: bool = False, source_dirs: list[Path] | None = None) -> SubmitResult:
    folders = source_dirs if source_dirs is not None else paths.source_text_dirs(seeds_dir)
    given, source_name = _given_text(source_text)
    context = Context(evidence_dir, folders, given)
    outcome = validate_file(path, context)
    if outcome.format is not None and outcome.format not in RECORD_FORMATS:
        return SubmitResult(2, outcome, [f"{path.name}: `emkg submit` takes a case record (YAML), the CSV template "
                                         "or a Phenopacket; RDF can be validated but not added as a record"])
    if replace and outcome.records:
        names = {f"{r.data['publication']['id']}.yaml" for r in outcome.records
                 if isinstance(r.data.get("publication"), dict) and isinstance(r.data["publication"].get("id"), str)}
        missing = sorted(n for n in names if not (evidence_dir / n).is_file())
        if missing:
            return SubmitResult(1, outcome, [f"--replace: no record {', '.join(missing)} to replace",
                                             "nothing was written"])
        outcome = validate_file(path, Context(evidence_dir, folders, given, names))
    if outcome.code:
        return SubmitResult(outcome.code, outcome, ["nothing was written"])
    if source_name and len(outcome.records) != 1:
        return SubmitResult(2, outcome, ["--source-text goes with a submission of one publication"])
    planned = []
    for record, checked in zip(outcome.records, outcome.quotes_checked, strict=True):
        data = dict(record.data)
        if source_name:
            source_name = data["publication"].get("source_text") or source_name
            data["publication"] = {**data["publication"], "source_text": source_name}
        planned.append((evidence_dir / f"{data['publication']['id']}.yaml", to_yaml(data, checked)))
    evidence_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_scratch(evidence_dir)
    result = SubmitResult(0, outcome)
    with _locked([target for target, _ in planned]):
        # Checked again under the lock: another submit may have written the same publication meanwhile.
        names = {t.name for t, _ in planned} if replace else set()
        again = validate_file(path, Context(evidence_dir, folders, given, names))
        if again.code:
            return SubmitResult(again.code, again, ["nothing was written"])
        if source_name:
            store_source_text(source_name, given[""], folders)
        for target, text in planned:
            old = target.read_text(encoding="utf-8") if target.is_file() else None
            write_atomically(target, text)
            result.written.append(target)
            if old is None:
                result.messages.append(f"added {target}")
            else:
                result.messages.append(f"replaced {target}:")
                result.messages += [line.rstrip("\n") for line in difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True), f"{target.name} (before)", f"{target.name} (after)")]
    return result


def withdraw(record_id: str, evidence_dir: Path) -> str:
    """Remove the record `<record_id>.yaml`; returns what was done, raises UsageError when there is none."""
    if not isinstance(record_id, str) or not PLAIN_FILE_NAME.match(record_id) or record_id.endswith(".yaml"):
        raise UsageError(f"a record id is the publication id (the file name without .yaml), not {record_id!r}")
    target = evidence_dir / f"{record_id}.yaml"
    with _locked([target]):
        if target.is_symlink() or not target.is_file():
            raise UsageError(f"no record {target.name} in {evidence_dir}")
        target.unlink()
    return f"withdrew {target} (it stays in the project's history)"


def to_yaml(data: dict, quotes_checked: bool) -> str:
    """The record in the curation format: `schema:` first, then the parts in the documented order."""
    body = {k: v for k, v in data.items() if k != "schema" and v not in (None, [], {})}
    if not quotes_checked and UNCHECKED_NOTE not in body.get("curation_notes", []):
        body["curation_notes"] = list(body.get("curation_notes", [])) + [UNCHECKED_NOTE]
    text = f"schema: {SCHEMA_ID}\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)
    try:
        parse_record(text, "(submitted)")
    except RecordInvalid as exc:  # the record validated, so this is a bug in the writer, not in the input
        raise RuntimeError(f"submitted record does not read back: {exc}") from None
    return text


# -- source texts ----------------------------------------------------------------------------------------
def _given_text(source_text: Path | None) -> tuple[dict[str, str], str | None]:
    if source_text is None:
        return {}, None
    if not source_text.is_file():
        raise UsageError(f"--source-text: no such file {source_text}")
    name = re.sub(r"[^A-Za-z0-9_.\-]+", "-", source_text.name).lstrip("-.") or "source.txt"
    try:
        text = source_text.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"--source-text: {source_text.name} is not UTF-8 text") from None
    return {"": text}, name  # "": the text of this submission, whatever name the record gives it


def store_source_text(name: str, text: str, folders: list[Path]) -> Path:
    """Copy a given source text into the user's folder (refusing to overwrite a different text)."""
    for folder in folders:
        existing = folder / name
        if existing.is_file() and not existing.is_symlink():
            if existing.read_text(encoding="utf-8", errors="replace") != text:
                raise UsageError(f"a different source text named {name} is already in {folder}; rename your file")
            return existing
    target = paths.USER_SOURCES_DIR / name
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_scratch(target.parent)
    write_atomically(target, text)
    return target


# -- writing safely ----------------------------------------------------------------------------------------
def write_atomically(target: Path, text: str) -> None:
    """Write to a hidden scratch file beside the target, then move it into place; a scratch file is
    removed if the write is interrupted (and `remove_stale_scratch` removes one left by a kill -9)."""
    scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with _signals_raise():
            scratch.write_text(text, encoding="utf-8")
            os.replace(scratch, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            scratch.unlink()


def remove_stale_scratch(folder: Path) -> list[Path]:
    """Scratch files whose writing process is gone (killed before it could clean up)."""
    removed = []
    for path in folder.glob(".*.tmp"):
        match = _SCRATCH.match(path.name)
        if match and not _alive(int(match["pid"])):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM / SIGHUP raise (so `finally` removes the scratch file) while a file is being written."""
    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    previous = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, stop)
    except ValueError:  # not the main thread: signals cannot be handled here
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _locked(targets: list[Path]) -> Iterator[None]:
    """An exclusive fcntl lock per record (`.locks/<file>.lock` beside it, git-ignored), taken in name
    order (no deadlock). The lock files stay: removing one could let two processes lock different files."""
    import fcntl

    handles = []
    try:
        for target in sorted(set(targets)):
            locks = target.parent / ".locks"
            locks.mkdir(parents=True, exist_ok=True)
            handle = open(locks / f"{target.name}.lock", "a")  # noqa: SIM115 (held until the end)
            fcntl.flock(handle, fcntl.LOCK_EX)
            handles.append(handle)
        yield
    finally:
        for handle in handles:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


__all__ = ["submit", "withdraw", "to_yaml", "existing_records", "UsageError"]

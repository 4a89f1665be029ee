"""Run the emkg command line under a `sys.addaudithook` recorder; write what it saw as JSON.

Usage: python audited.py LOG_FILE emkg-arguments...

The hook is installed before emkg is imported, so every event of the run is seen: network (socket
connect, bind, name lookups, sends), files opened (path and mode), processes (subprocess, os.system,
exec, spawn, fork), and file-system changes (remove, rename, mkdir, chmod ...). Each event is kept as
[name, args] with the arguments made printable; the log is written when the command exits, however it
exits (an uncaught exception still prints its traceback on stderr for the test to see), with the
process's own peak resident memory. The test
(tests/hostile/fenced.py) decides which events are allowed.
"""

from __future__ import annotations

import json
import os
import sys

WATCHED_PREFIXES = ("socket.", "subprocess.", "os.", "shutil.", "urllib.", "http.", "ftplib.", "smtplib.",
                    "webbrowser.", "ctypes.dlopen", "pty.", "sqlite3.connect")
WATCHED = {"open", "glob.glob"}
# os.* events that only read (listing a folder, stat-like calls): kept out so the log stays small
QUIET = {"os.listdir", "os.scandir", "os.walk", "os.fwalk", "os.getxattr", "os.listxattr", "os.chdir"}


def _printable(value):
    if isinstance(value, bytes | bytearray):
        return os.fsdecode(bytes(value))
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [_printable(v) for v in value]
    return repr(value)[:200]


def _peak_rss_kb() -> int | None:
    """This interpreter's own peak resident memory (VmHWM of the address space exec created).

    ru_maxrss is no good here: it keeps the high-water mark of the pytest process the child was forked
    from, before exec replaced it.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main() -> None:
    log_file, args = sys.argv[1], sys.argv[2:]
    events: list = []

    def hook(event: str, event_args: tuple) -> None:
        if event in QUIET or not (event in WATCHED or event.startswith(WATCHED_PREFIXES)):
            return
        if event == "open" and isinstance(event_args[0], int):  # an already open descriptor
            return
        events.append([event, _printable(event_args)])

    sys.addaudithook(hook)
    code = 0
    try:
        from emkg.cli import main as emkg_main

        emkg_main.main(args=args, prog_name="emkg", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        seen = list(events)  # the log file's own open (and /proc's) must not be in it
        with open(log_file, "w", encoding="utf-8") as out:
            json.dump({"events": seen, "peak_rss_kb": _peak_rss_kb()}, out)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # no interpreter shutdown: abandoned worker threads (a hung endpoint) cannot delay it


if __name__ == "__main__":
    main()

"""Dependencies run one way: `loaders` never imports `emkg`; the shared types live in `loaders.core`."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import loaders

ROOT = Path(__file__).resolve().parents[2]


def _loader_modules() -> list[str]:
    return sorted(f"loaders.{m.name}" for m in pkgutil.iter_modules(loaders.__path__))


def test_every_loaders_module_imports_with_emkg_blocked():
    modules = _loader_modules()
    assert {"loaders.core", "loaders.yaml_record", "loaders.rdf_input", "loaders.csv_template",
            "loaders.phenopacket"} <= set(modules)
    # sys.modules["emkg"] = None makes any `import emkg...` raise ImportError in that interpreter.
    script = ("import importlib, sys\nsys.modules['emkg'] = None\n"
              f"for name in {modules!r}:\n    importlib.import_module(name)\n"
              "assert not [m for m in sys.modules if m.startswith('emkg.')]\nprint('ok')\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "ok"


def test_shared_types_are_one_object_in_both_packages():
    from emkg import namespaces, validate
    from loaders import core, csv_template, phenopacket, source_map, yaml_record

    assert namespaces.expand is core.expand and namespaces.CurieError is core.CurieError
    assert namespaces.PREFIXES is core.PREFIXES
    for module in (yaml_record, csv_template, phenopacket, source_map, validate):
        assert module.Problem is core.Problem
    assert yaml_record.RecordInvalid is validate.RecordInvalid is core.RecordInvalid

"""A minimal fix of pyLODE 3.3.4, applied at call time, so `emkg docs` can use it on our ontology.

The bug (reported upstream, docs/upstream/pylode-complementof.md): `_setclass_html`, the function nested
in `pylode.utils.rdf_obj_html` that renders an owl:unionOf / owl:intersectionOf, collects the members'
HTML in a `set`. A member that is itself a blank-node class expression other than a restriction or a
union/intersection - our owl:complementOf inside emkg:SevereCRS and emkg:SevereICANS - is rendered by a
recursive `_setclass_html` call that returns a *list*, and `set.add(list)` raises
``TypeError: unhashable type: 'list'``. (A set would also lose the members' order.)

The fix, two edits of that nested function's source: render an owl:complementOf node as "not X", and
keep the members in a list. It is applied by recompiling `rdf_obj_html` from pyLODE's own source with
these two edits (the nested function cannot be replaced from outside), only for pyLODE 3.3.4, and only
if the source still reads exactly as expected; anything else raises PatchError instead of patching blind.
Python 3.11 cannot install the releases after 3.4.1 (they need 3.12), and 3.4.1 fails at import.
"""

from __future__ import annotations

import inspect
import textwrap

PYLODE_VERSION = "3.3.4"
_MEMBERS_IN_A_SET = """            class_set = set()
            for o in ont__.objects(obj__, OWL.unionOf | OWL.intersectionOf):"""
_COMPLEMENT_THEN_LIST = """            complement = ont__.value(obj__, OWL.complementOf)
            if complement is not None:  # emkg patch: owl:complementOf as "not X"
                return span(span("not", _class="cardinality"), " ",
                            _rdf_obj_single_html(ont__, back_onts__, ns__, complement, fids__, OWL.Class))
            class_set = []  # emkg patch: a list keeps order and takes any member
            for o in ont__.objects(obj__, OWL.unionOf | OWL.intersectionOf):"""
_ADD, _APPEND = "class_set.add(", "class_set.append("


class PatchError(RuntimeError):
    pass


def apply() -> None:
    """Patch pylode.utils.rdf_obj_html in place (idempotent)."""
    import pylode.utils as utils
    from pylode.version import __version__

    if __version__ != PYLODE_VERSION:
        raise PatchError(f"pyLODE {__version__} is installed; emkg's docs patch is for {PYLODE_VERSION} only")
    if getattr(utils.rdf_obj_html, "__emkg_patched__", False):
        return
    source = inspect.getsource(utils.rdf_obj_html)
    if source.count(_MEMBERS_IN_A_SET) != 1 or source.count(_ADD) != 1:
        raise PatchError("pylode.utils.rdf_obj_html is not the source the emkg patch expects")
    source = source.replace(_MEMBERS_IN_A_SET, _COMPLEMENT_THEN_LIST).replace(_ADD, _APPEND)
    namespace = vars(utils)
    exec(compile(textwrap.dedent(source), utils.__file__, "exec"), namespace)  # noqa: S102 - pyLODE's own source
    utils.rdf_obj_html.__emkg_patched__ = True

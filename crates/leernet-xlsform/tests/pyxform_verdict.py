"""Prints pyxform's verdict on each workbook given, one JSON object per line.

Used by pyxform_conformance.rs: {"path", "ok", "error", "rows", "warnings"}, where
"rows" are the spreadsheet rows pyxform names in its error ("[row : N]").
Runs pyxform.xls2xform.convert() without ODK Validate (pyxform's own checks only).
"""
import json
import re
import sys

from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

ROW = re.compile(r"\[row : (\d+)\]")

for path in sys.argv[1:]:
    out = {"path": path, "ok": True, "error": None, "rows": [], "warnings": []}
    try:
        result = convert(xlsform=path, validate=False, pretty_print=False)
        out["warnings"] = [str(w) for w in result.warnings]
    except PyXFormError as e:
        out.update(ok=False, error=str(e), rows=[int(r) for r in ROW.findall(str(e))])
    except Exception as e:  # pyxform crashing counts as rejecting, with the reason
        out.update(ok=False, error=f"{type(e).__name__}: {e}")
    print(json.dumps(out), flush=True)

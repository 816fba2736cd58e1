"""Times pyxform's convert() (no ODK Validate) on a workbook: the reference a
researcher would run to check a form. Usage: python pyxform_time.py form300.xlsx [reps]"""
import sys
import time

from pyxform.xls2xform import convert

path = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
convert(xlsform=path, validate=False)  # warm-up (imports, caches)
t = time.perf_counter()
for _ in range(reps):
    convert(xlsform=path, validate=False)
print(f"pyxform convert: {(time.perf_counter() - t) * 1000 / reps:.2f} ms (mean of {reps})")

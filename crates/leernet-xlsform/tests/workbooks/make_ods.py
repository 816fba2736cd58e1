"""Writes wellbeing_mini.ods, a small two-language form, as a minimal OpenDocument
spreadsheet (no office suite needed). Run: python3 make_ods.py"""
import zipfile
from xml.sax.saxutils import escape

SHEETS = {
    "survey": [
        ["type", "name", "label::Nederlands (nl)", "label::English (en)", "relevant", "constraint", "required"],
        ["integer", "age", "Leeftijd", "Age", "", ". >= 0 and . < 130", "yes"],
        ["select_multiple topics", "topics", "Thema's", "Topics", "${age} >= 18", "", ""],
        ["begin_group", "more", "Meer", "More", "selected(${topics}, 'care')", "", ""],
        ["text", "why", "Waarom?", "Why?", "", "", ""],
        ["end_group", "", "", "", "", "", ""],
    ],
    "choices": [
        ["list_name", "name", "label::Nederlands (nl)", "label::English (en)"],
        ["topics", "care", "Zorg", "Care"],
        ["topics", "work", "Werk", "Work"],
    ],
    "settings": [["form_id", "version", "default_language"], ["wellbeing_mini", "1", "nl"]],
}


def cell(v):
    if v == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'


body = "".join(
    f'<table:table table:name="{name}">'
    + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    + "</table:table>"
    for name, rows in SHEETS.items()
)
content = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
)
manifest = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
with zipfile.ZipFile("wellbeing_mini.ods", "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
    z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)

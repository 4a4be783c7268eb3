"""CSV files as people's spreadsheets write them, above all Excel in French on Windows.

Excel FR's "CSV (séparateur : point-virgule)" is cp1252 with ``;`` and CRLF; "CSV UTF-8" is
UTF-8 with a byte-order mark and ``;``; LibreOffice and English Excel use ``,``; "Texte Unicode"
is UTF-16 with tabs. ``decode_text`` tries UTF-16 (by its mark), UTF-8 (with or without the
mark), then cp1252 (Windows' Western European code page: ``’``, ``Œ``, ``€``, which latin-1
turns into control characters), and latin-1 only for the five bytes cp1252 leaves undefined.
``detect_delimiter`` picks the separator that splits the header into the most columns and keeps
the same number of columns on the following lines, quotes respected.
"""
from __future__ import annotations

import codecs
import csv
import io

DELIMITERS = (";", ",", "\t")
SAMPLE_LINES = 20


def decode_text(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def detect_delimiter(text: str) -> str:
    """``;``, ``,`` or a tab; ``,`` when the file has a single column."""
    lines = [line for line in io.StringIO(text, newline="").readlines()[:SAMPLE_LINES] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
        if not rows or len(rows[0]) < 2:
            continue
        columns = len(rows[0])
        same = sum(1 for row in rows[1:] if len(row) == columns)
        score = (same, columns)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_table(raw: bytes) -> list[tuple[str, ...]]:
    """The rows of a CSV file's bytes, decoded and split by the detected separator."""
    text = decode_text(raw)
    delimiter = detect_delimiter(text)
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]

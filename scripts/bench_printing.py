"""Benchmark of printed documents: one receipt and one 60-person manifest, each beside a bare
reportlab page of the same size (ratio). Target: a receipt under 100 ms.

    python scripts/bench_printing.py [--runs 20]

Templates are timed from their data (no database), so the figures are what the printing layer
costs; the first call (font loading) is reported apart. The QR code cache is cleared before
every receipt run so each run encodes its QR code as a real first print does.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from transit_centre.printing import manifest, qr, receipt  # noqa: E402
from transit_centre.printing.data import Letterhead, ManifestData, ManifestTraveller, Person, ReceiptData  # noqa: E402
from transit_centre.printing.words import amount_in_words  # noqa: E402

HEAD = Letterhead(organisation="Organisation internationale pour les migrations (OIM) – Mali",
                  organisation_other="International Organization for Migration (IOM) – Mali",
                  centre="Centre de transit de Gao (GAO)", printed_on="23 novembre 2026", address="Bamako, Mali",
                  printed_by="Seydou Traoré")


def receipt_data(n: int) -> ReceiptData:
    number = f"GAO-2026-R-{n:06d}"
    payload = qr.receipt_payload(number, 25000, b"benchmark-secret-0123456789abcdef")
    return ReceiptData(HEAD, f"Reçu · {number}", number, Person("Aïssata Traoré", "GAO-2026-00042"),
                       "25 000 F CFA", amount_in_words(25000, "fr"), "Argent de poche au départ", "23 nov. 2026",
                       "Seydou Traoré", payload, payload.rsplit(":", 1)[1], "Espèces")


def manifest_data() -> ManifestData:
    travellers = tuple(ManifestTraveller(str(i), f"Aïssata Traoré {i}", f"GAO-2026-{i:05d}", "F", "12/03/2001",
                                         "Guinée / Guinea", "Passeport GN1234567", "MIN ESC" if i % 9 == 0 else "")
                       for i in range(1, 61))
    return ManifestData(HEAD, "Manifeste · GAO-2026-MV-0001", "GAO-2026-MV-0001", "25/11/2026",
                        "Convoi de bus / Bus convoy", travellers, route="Gao → Bamako → Conakry",
                        escorts=("Moussa Keïta",), totals=(("Voyageurs / Travellers:", "60"),))


def bare_page(pagesize: tuple[float, float], pages: int = 1) -> bytes:
    """The same number of pages with a few lines of Helvetica: reportlab's floor."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=pagesize)
    for page in range(pages):
        c.setFont("Helvetica", 10)
        for line in range(40):
            c.drawString(40, pagesize[1] - 60 - line * 14, f"Line {line} of page {page + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def timed(fn, runs: int, before=None) -> list[float]:
    out = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    receipt.render(receipt_data(0), "fr")
    first = (time.perf_counter() - start) * 1000

    rec = timed(lambda: receipt.render(receipt_data(1), "fr"), args.runs, before=qr._CACHE.clear)
    rec_bare = timed(lambda: bare_page(A4), args.runs)
    data = manifest_data()
    pages = manifest.render(data, "fr").count(b"/Type /Page\n") or 2
    man = timed(lambda: manifest.render(data, "fr"), max(3, args.runs // 4))
    man_bare = timed(lambda: bare_page(landscape(A4), pages), max(3, args.runs // 4))

    def row(name: str, values: list[float], bare: list[float]) -> str:
        med, base = statistics.median(values), statistics.median(bare)
        return (f"{name:<28} median {med:7.1f} ms  (min {min(values):6.1f}, max {max(values):6.1f})   "
                f"bare reportlab {base:5.1f} ms   ratio {med / base:5.1f}x")

    print(f"first receipt of the process (fonts loaded): {first:.1f} ms")
    print(row("receipt (2 copies + QR)", rec, rec_bare))
    print(row(f"manifest, 60 travellers", man, man_bare))
    target = statistics.median(rec) < 100
    print("target receipt < 100 ms:", "met" if target else "NOT met")
    return 0 if target else 1


if __name__ == "__main__":
    sys.exit(main())

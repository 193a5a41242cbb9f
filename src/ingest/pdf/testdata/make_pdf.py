"""Writes the realistic test PDFs of ingest_pdf_test with ReportLab.

Usage: make_pdf.py KIND OUT.pdf
  multipage  4 pages, a /Title with non-ASCII letters, DejaVu Sans embedded
             (subset, with a ToUnicode map, as real producers do); page 3 is
             empty
  columns    1 page with two columns of text, the right one drawn first, so
             that content-stream order differs from reading order
  long N     N pages of a few lines each (for timing)
"""

import sys

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def make(kind, out, arg):
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    if kind == "multipage":
        c.setTitle("Überschrift: Ἀρχή — Начало")
        c.setAuthor("Quarry tests")
        pages = [
            ["First page of the test document.", "It has two lines."],
            ["Grüße aus Köln, naïve café.", "Ελληνικά κείμενα και Кириллица."],
            [],
            ["Fourth and last page."],
        ]
        for lines in pages:
            c.setFont("DejaVu", 12)
            y = 780
            for line in lines:
                c.drawString(72, y, line)
                y -= 18
            c.showPage()
    elif kind == "columns":
        c.setTitle("Two columns")
        c.setFont("DejaVu", 11)
        right = ["Right column line %d." % i for i in range(1, 21)]
        left = ["Left column line %d." % i for i in range(1, 21)]
        for x, lines in ((320, right), (72, left)):
            y = 780
            for line in lines:
                c.drawString(x, y, line)
                y -= 15
        c.showPage()
    elif kind == "long":
        c.setTitle("Long document")
        for p in range(1, int(arg) + 1):
            c.setFont("DejaVu", 11)
            y = 780
            for i in range(40):
                c.drawString(72, y, "Page %d, line %d: the quick brown fox jumps over the lazy dog." % (p, i))
                y -= 18
            c.showPage()
    else:
        raise SystemExit("unknown kind " + kind)
    c.save()


if __name__ == "__main__":
    make(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)

"""Fixture documents made in code: a web page with real-site boilerplate, a leaflet PDF, a Word document."""

from __future__ import annotations

import io
from datetime import UTC, datetime

# ---------------------------------------------------------------- web page

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Ketamine and Other Medicines - Example Clinic</title>
<meta property="og:site_name" content="Example Clinic">
<link rel="canonical" href="https://clinic.example.org/blog/ketamine-and-other-medicines/">
<meta name="date" content="2023-04-12">
<meta property="article:published_time" content="2023-04-12T09:30:00+00:00">
</head><body class="post-template-default single">
<div id="cookie-notice" class="cookie-banner"><span>This website uses cookies to ensure you get the best
experience.</span> <a class="cn-button">Accept all cookies</a> <a href="/privacy">Learn more</a></div>
<header class="site-header"><div class="logo">Example Clinic</div>
<nav><ul class="menu"><li><a href="/">Home</a></li><li><a href="/about">About Our Team</a></li>
<li><a href="/book">Book a Consultation</a></li></ul></nav></header>
<div class="container"><main class="content-area"><article class="post">
<h1 class="entry-title">Ketamine and other medicines</h1>
<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet this</a></div>
<p>Ketamine is used as an anaesthetic and, at lower doses, as a <strong>treatment for depression</strong> that
has not responded to other therapies. Many patients take other medicines at the same time, and some of them
change how ketamine works.</p>
<h2>Medicines that may interact</h2>
<p>Some medicines change how ketamine works or increase its side effects. Tell your prescriber about
everything you take, including supplements.</p>
<ul>
<li>Benzodiazepines such as lorazepam may blunt the antidepressant effect.</li>
<li>Lamotrigine may reduce the response to ketamine.</li>
<li>Opioids can add to sedation and slow breathing.</li>
</ul>
<h2>Typical doses</h2>
<p>The table below lists doses used in clinical studies of depression.</p>
<table>
<thead><tr><th>Route</th><th>Dose</th></tr></thead>
<tbody><tr><td>Intravenous</td><td>0.5 mg/kg over 40 minutes</td></tr>
<tr><td>Intranasal esketamine</td><td>56 or 84 mg</td></tr></tbody>
</table>
<p>Always follow the advice of your care team; never change a dose on your own.</p>
<div class="newsletter-signup"><h4>Join our newsletter</h4><p>Get wellness tips delivered to your inbox every
week.</p><form><input type="email" placeholder="Your email"><button>Subscribe now</button></form></div>
<section class="related-posts"><h3>Related posts</h3><ul><li><a href="/blog/x">Five myths about infusion
therapy</a></li><li><a href="/blog/y">How to prepare for your first session</a></li></ul></section>
</article></main>
<aside class="sidebar widget-area"><div class="widget"><h3>Popular topics</h3><ul>
<li><a href="/t/a">Anxiety treatment options</a></li><li><a href="/t/b">Chronic pain clinics near you</a></li>
</ul></div></aside></div>
<footer class="site-footer"><p>Copyright &copy; 2024 Example Clinic LLC. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy Policy</a></li><li><a href="/terms">Terms of Use</a></li></ul></footer>
</body></html>
"""

BOILERPLATE = (
    "cookies", "Accept all cookies", "About Our Team", "Book a Consultation", "Share on Facebook",
    "Join our newsletter", "inbox every week", "Subscribe now", "Related posts", "Five myths about infusion",
    "How to prepare for your first session", "Popular topics", "Anxiety treatment options",
    "Chronic pain clinics", "Copyright", "All rights reserved", "Privacy Policy", "Terms of Use",
)

MENU_ONLY_HTML = """<html><head><title>Home</title></head><body><nav><ul><li><a href="/a">Home</a></li>
<li><a href="/b">Services</a></li><li><a href="/c">Contact</a></li></ul></nav>
<footer>Copyright 2024 Example</footer></body></html>"""

# ---------------------------------------------------------------- PDF

PDF_HEADER = "Ketamine Patient Leaflet - Example Pharma Ltd"

# Each page: (kind, text) with kind "title" (18 pt bold), "heading" (14 pt bold), "line" (11 pt, one line
# exactly as written: the line breaks and the hyphens at line ends are the layout's), "gap" (paragraph space).
PDF_PAGES = [
    [
        ("title", "Ketamine Injection: Information for the Patient"),
        ("line", "Read all of this leaflet carefully before you are given this medi-"),
        ("line", "cation because it contains important information for you. Keep this"),
        ("line", "leaflet, as you may need to read it again."),
        ("gap", ""),
        ("heading", "What ketamine is used for"),
        ("line", "Ketamine is an anaesthetic. It is generally well-"),
        ("line", "tolerated when it is given by a trained doctor in a hospital, and"),
        ("line", "it is used for short procedures."),
        ("gap", ""),
        ("line", "Your doctor may also use ketamine to relieve severe pain after an"),
    ],
    [
        ("line", "operation, when other painkillers are not enough."),
        ("gap", ""),
        ("heading", "Possible side effects"),
        ("line", "Like all medicines, ketamine can cause side effects:"),
        ("bullet", "vivid dreams or hallucinations while waking up"),
        ("bullet", "a faster heartbeat and higher blood pressure, which your doctor will"),
        ("line2", "check during the treatment"),
        ("bullet", "feeling sick"),
    ],
    [
        ("heading", "How to store ketamine"),
        ("line", "Keep this medicine out of the sight and reach of children. Store it"),
        ("line", "below 25 degrees."),
    ],
]


def leaflet_pdf(*, title: str = "", author: str = "", created: datetime | None = None) -> bytes:
    """A three-page leaflet: a running header, "Page N of 3" footers, headings in larger bold type,
    paragraphs wrapped over lines (one across a page break), hyphenated line ends and a bullet list."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(created or datetime(2024, 1, 1, tzinfo=UTC))
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for number, page in enumerate(PDF_PAGES, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(56, 30)
        pdf.cell(0, 12, PDF_HEADER)
        pdf.set_xy(56, 800)
        pdf.cell(0, 12, f"Page {number} of {len(PDF_PAGES)}", align="C")
        y = 80.0
        for kind, text in page:
            if kind == "gap":
                y += 10
                continue
            size, style, x = {"title": (18, "B", 56), "heading": (14, "B", 56), "bullet": (11, "", 70),
                              "line2": (11, "", 82), "line": (11, "", 56)}[kind]
            y += 8 if kind in ("title", "heading") else 0
            pdf.set_font("Helvetica", style=style, size=size)
            pdf.set_xy(x, y)
            pdf.cell(0, size * 1.25, ("\u2022  " + text) if kind == "bullet" else text)
            y += size * 1.25 + (6 if kind in ("title", "heading") else 0)
    return bytes(pdf.output())


def placed_text_pdf(pieces: list[tuple[float, float, float, str]]) -> bytes:
    """One page with text pieces placed at (x, y) in points from the top left, in a type size, in Helvetica."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.add_page()
    for x, y, size, text in pieces:
        pdf.set_font("Helvetica", size=size)
        pdf.set_xy(x, y)
        pdf.cell(240, size * 1.2, text)
    return bytes(pdf.output())


DOSE_TABLE = [("Dose", "Age", "Frequency"), ("0.5 mg/kg", "Adults", "Once a week"),
              ("1 mg/kg", "Children", "Twice a week"), ("2 mg/kg", "Over 65", "Once a month")]


def table_pdf(rows: list[tuple[str, ...]] | None = None, *, ruled: bool = True, title: str = "",
              heading: str = "", before: str = "The table below gives the usual doses of ketamine.",
              after: str = "Your doctor may change the dose after the first treatment.", frame: bool = False) -> bytes:
    """One page: a title and a heading (when given), a paragraph, a table (fpdf2's, with its borders drawn, or
    none), another paragraph; with `frame`, a rectangle drawn around it all. A cell's "\n" is a line break inside
    the cell; the first row is the header."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))
    pdf.set_margins(56, 56)
    pdf.add_page()
    if frame:
        pdf.rect(30, 30, 535, 780)
    if title:
        pdf.set_font("Helvetica", style="B", size=18)
        pdf.multi_cell(0, 24, title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
    if heading:
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.multi_cell(0, 18, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 14, before, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    with pdf.table(rows or DOSE_TABLE, borders_layout="ALL" if ruled else "NONE", width=440, align="LEFT",
                   line_height=14, first_row_as_headings=True):
        pass
    pdf.ln(16)
    pdf.multi_cell(0, 14, after, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


TWO_COLUMNS = [
    "Ketamine has been used as an anaesthetic for more than fifty years. At lower doses it relieves pain and, "
    "given slowly into a vein, it can lift the mood of people whose depression has not responded to other "
    "treatments. Its effect on mood starts within hours and lasts for days.",
    "How ketamine works is still being studied. It blocks a receptor for glutamate in the brain, and this seems "
    "to start the growth of new connections between nerve cells. The connections may explain why the effect "
    "outlasts the drug itself.",
    "Side effects are common during an infusion but short: a feeling of being detached, dizziness, nausea and a "
    "rise in blood pressure. They usually pass within an hour of the end of the infusion, and a nurse watches "
    "you until they do.",
    "Tell your doctor about every medicine you take. Some sedatives blunt the effect of ketamine, and some "
    "medicines for blood pressure may need to be timed around the infusion. Bring a list of your medicines to "
    "the first appointment.",
]


def two_column_pdf(*, gutter: float = 24, align: str = "J") -> bytes:
    """An article page: a title across the page, then four paragraphs set in two columns of 10 pt text (`align`
    "J" justified, "L" ragged right), the columns' lines on the same baselines (what a table's rows look like, if
    anything does)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.set_xy(56, 56)
    pdf.cell(0, 24, "Ketamine for depression: what to expect")
    width = (595 - 2 * 56 - gutter) / 2
    pdf.set_font("Helvetica", size=10)
    for column, paragraphs in enumerate((TWO_COLUMNS[:2], TWO_COLUMNS[2:])):
        pdf.set_left_margin(56 + column * (width + gutter))
        pdf.set_xy(56 + column * (width + gutter), 100)
        for paragraph in paragraphs:
            pdf.multi_cell(width, 13, paragraph, align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(13)
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A page with a drawn rectangle and no text at all: what a scan without OCR looks like to a parser."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(20, 20, 170, 250, style="F")
    return bytes(pdf.output())


# ---------------------------------------------------------------- Word


def word_docx(*, title: str = "Ketamine for Treatment-Resistant Depression", author: str = "Jane Doe") -> bytes:
    """Title, headings, paragraphs, a bullet list, a numbered list and a table, in that order."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.created = datetime(2023, 5, 17, 10, 0, tzinfo=UTC)
    document.add_paragraph("Ketamine for depression", style="Title")
    document.add_paragraph("Ketamine can lift mood within hours in people whose depression did not respond to "
                           "at least two antidepressants.")
    document.add_heading("Before treatment", level=1)
    document.add_paragraph("Tell your doctor if you have:")
    for item in ("high blood pressure", "a history of psychosis", "liver problems"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("On the day", level=2)
    for step in ("Arrive 15 minutes early.", "Have someone drive you home.", "Do not drive until the next day."):
        document.add_paragraph(step, style="List Number")
    document.add_heading("Doses | routes", level=1)
    grid = document.add_table(rows=3, cols=2)
    for row, cells in zip(grid.rows, [("Route", "Dose"), ("Intravenous", "0.5 mg/kg"),
                                      ("Nasal spray | esketamine", "56 or 84 mg")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_paragraph("Your care team will check your blood pressure after each dose.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- hostile documents


def repacked_docx(*, body_megabytes: int = 0, extra: dict[str, bytes] | None = None) -> bytes:
    """word_docx() repacked: its body padded with `body_megabytes` MB of paragraphs (a ZIP bomb that looks like
    an ordinary document: 150 MB packs into about 1 MB), and `extra` parts added."""
    import zipfile

    mb = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word_docx())) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                package.writestr(item, source.read(item))
        head, tail = source.read("word/document.xml").split(b"</w:body>")
        paragraph = b"<w:p><w:r><w:t>" + b"dose " * 200 + b"</w:t></w:r></w:p>"
        block = paragraph * (mb // len(paragraph))
        with package.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head)
            for _ in range(body_megabytes):
                part.write(block)
            part.write(b"</w:body>" + tail)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def dense_pdf(pages: int) -> bytes:
    """`pages` pages of small type, 75 lines each: slow to read (pdfminer takes about 0.1 s a page)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=8)
    pdf.set_auto_page_break(False)
    line = "Ketamine dose notes and interactions with other medicines, as the leaflet gives them. " * 2
    for _ in range(pages):
        pdf.add_page()
        for row in range(75):
            pdf.text(10, 10 + row * 3.6, line[:150])
    return bytes(pdf.output())


def docx_with_doctype(doctype: str, text: str) -> bytes:
    """word_docx() with `doctype` before its document element and `text` (raw XML: an entity reference) at the
    start of its last paragraph: billion laughs, external entities."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word_docx())) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                declaration, rest = data.split(b"?>", 1)
                rest = rest.replace(b"Your care team", text.encode() + b" Your care team")
                data = declaration + b"?>" + doctype.encode() + rest
            package.writestr(item, data)
    return buffer.getvalue()

"""PDF leaflets: whole paragraphs, headings from the type, no running headers, footers or page numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from indexer.errors import SourceError
from indexer.ingest.convert.pdf import convert_pdf
from tests.ingest.convert.builders import PDF_HEADER, image_only_pdf, leaflet_pdf, placed_text_pdf

EXPECTED = """# Ketamine Injection: Information for the Patient

Read all of this leaflet carefully before you are given this medication because it contains important \
information for you. Keep this leaflet, as you may need to read it again.

## What ketamine is used for

Ketamine is an anaesthetic. It is generally well-tolerated when it is given by a trained doctor in a \
hospital, and it is used for short procedures.

Your doctor may also use ketamine to relieve severe pain after an operation, when other painkillers are not \
enough.

## Possible side effects

Like all medicines, ketamine can cause side effects:

- vivid dreams or hallucinations while waking up
- a faster heartbeat and higher blood pressure, which your doctor will check during the treatment
- feeling sick

## How to store ketamine

Keep this medicine out of the sight and reach of children. Store it below 25 degrees.
"""


@pytest.fixture(scope="module")
def leaflet():
    return convert_pdf(leaflet_pdf(title="Ketamine leaflet", author="Example Pharma Ltd"), "leaflet.pdf")


def test_leaflet_as_markdown(leaflet):
    assert leaflet.text == EXPECTED


def test_line_end_hyphens_are_undone_but_real_hyphens_kept(leaflet):
    assert "given this medication because" in leaflet.text
    assert "medi-" not in leaflet.text
    assert "generally well-tolerated when" in leaflet.text


def test_running_header_footer_and_page_numbers_are_gone(leaflet):
    assert PDF_HEADER not in leaflet.text
    assert "Page" not in leaflet.text
    assert not any(line.strip().isdigit() for line in leaflet.text.split("\n"))


def test_paragraph_broken_by_a_page_is_one_line(leaflet):
    assert "relieve severe pain after an operation, when other painkillers" in leaflet.text


def test_metadata(leaflet):
    assert (leaflet.title, leaflet.publisher, leaflet.date) == ("Ketamine leaflet", "Example Pharma Ltd", "2024-01-01")
    assert (leaflet.url, leaflet.suffix, leaflet.media_type) == ("", ".md", "application/pdf")


def test_title_falls_back_to_the_largest_line_and_software_is_no_publisher():
    converted = convert_pdf(
        leaflet_pdf(author="Microsoft Word", created=datetime(2022, 3, 4, 5, 6, tzinfo=UTC)), "leaflet.pdf"
    )
    assert converted.title == "Ketamine Injection: Information for the Patient"
    assert converted.publisher == ""
    assert converted.date == "2022-03-04"


def test_scanned_pdf_without_text_layer_is_an_error():
    with pytest.raises(SourceError, match=r"scan\.pdf has no text layer \(it may be a scanned image\)\. Run OCR"):
        convert_pdf(image_only_pdf(), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (leaflet_pdf()[:1500], r"cannot be opened as a PDF .* damaged or incomplete"),
        (b"Just some notes, saved with the wrong name.\n", r"is not a PDF .*%PDF-"),
    ],
    ids=["truncated", "renamed-text-file"],
)
def test_corrupt_pdf_is_a_one_line_error(data, message):
    with pytest.raises(SourceError, match=message) as error:
        convert_pdf(data, "broken.pdf")
    assert "\n" not in str(error.value)


def test_two_columns_are_read_column_by_column():
    left = ["Ketamine is an anaesthetic medicine that is", "given in hospital by a trained doctor.", None,
            "Tell your doctor about any other medicines", "you take, because some of them change how"]
    right = ["ketamine works in the body. This includes", "medicines bought without a prescription."]
    pieces = [(40, 60 + 12 * i + (8 if i > 2 else 0), 10, t) for i, t in enumerate(left) if t]
    pieces += [(310, 60 + 12 * i, 10, t) for i, t in enumerate(right)]
    assert convert_pdf(placed_text_pdf(pieces), "columns.pdf").text == (
        "Ketamine is an anaesthetic medicine that is given in hospital by a trained doctor.\n\n"
        "Tell your doctor about any other medicines you take, because some of them change how ketamine works in "
        "the body. This includes medicines bought without a prescription.\n"
    )


def test_large_type_is_a_heading_unless_it_is_sentences():
    pieces = [
        (40, 60, 20, "Ketamine and pain"),
        (40, 100, 14, "This leaflet explains how ketamine is used to treat"),
        (40, 117, 14, "severe pain in hospital and at home."),
        (40, 150, 10, "Ketamine blocks NMDA receptors in the spinal cord and the brain."),
        (40, 163, 10, "It is given as an injection or as an infusion."),
    ]
    assert convert_pdf(placed_text_pdf(pieces), "pain.pdf").text == (
        "# Ketamine and pain\n\n"
        "This leaflet explains how ketamine is used to treat severe pain in hospital and at home.\n\n"
        "Ketamine blocks NMDA receptors in the spinal cord and the brain. It is given as an injection or as an "
        "infusion.\n"
    )

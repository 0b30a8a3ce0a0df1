"""`python -m indexer check FILE [--json]`: the JSON shape, standard input, and one-line errors (status 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, assert_one_line_error

BENZO = "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."
DRAFT = f"{BENZO}\n\n{BENZO.replace('moderate', 'high')} Patients should drink two liters of water before each infusion."
SENTENCE_FIELDS = {"text", "start", "end", "verdict", "score", "source", "changes"}
SOURCE_FIELDS = {"source_id", "title", "source", "start", "end", "text"}
CHANGE_FIELDS = {"kind", "draft", "source", "meaning"}


def test_json_shape(cli, tmp_path):
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    code, out, _ = cli("check", "draft.md", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"sentences", "summary"}
    sentences = data["sentences"]
    assert [s["verdict"] for s in sentences] == ["verbatim", "changed", "unsupported"]
    for s in sentences:
        assert set(s) >= SENTENCE_FIELDS
        assert DRAFT[s["start"] : s["end"]] == s["text"]
        assert isinstance(s["score"], float)
        assert (s["source"] is None) == (s["verdict"] == "unsupported")
        if s["source"] is not None:
            assert set(s["source"]) >= SOURCE_FIELDS
            assert s["source"]["source"] == "corpus/000_c89290b5e323cd66.txt"
            text = (tmp_path / s["source"]["source"]).read_text(encoding="utf-8")
            assert text[s["source"]["start"] : s["source"]["end"]] == s["source"]["text"] == BENZO
    changes = sentences[1]["changes"]
    assert [{k: c[k] for k in CHANGE_FIELDS} for c in changes] == [
        {"kind": "replaced", "draft": "high", "source": "moderate", "meaning": True}]
    assert data["summary"]["sentences"] == 3
    assert data["summary"]["meaning_changes"] == 1
    assert data["summary"]["verbatim"] == data["summary"]["changed"] == data["summary"]["unsupported"] == 1


def test_standard_input_and_readable_listing(cli):
    code, out, _ = cli("check", "-", stdin=DRAFT.encode())
    assert code == 0
    assert out.startswith("3 sentences: 0 conflicts, 1 verbatim, 1 changed, 0 paraphrase, 1 unsupported. 1 change(s)")
    assert "[2] CHANGED" in out and "!![-moderate-]{+high+}" in out
    assert 'replaced "moderate" with "high" (can alter the meaning: hedge)' in out
    assert "corpus/000_c89290b5e323cd66.txt chars" in out
    assert "[3] UNSUPPORTED (no source says this" in out


def test_a_conflict_through_the_command_line(cli, tmp_path, rule_thresholds):
    draft = "Ketamine and SSRIs together lower serotonin.\n"
    code, out, _ = cli("check", "-", "--json", stdin=draft.encode())
    assert code == 0
    data = json.loads(out)
    (s,) = data["sentences"]
    assert s["verdict"] == "conflicts" and set(s) >= SENTENCE_FIELDS
    assert list(data["summary"])[0] == "conflicts" and data["summary"]["conflicts"] == 1
    text = (tmp_path / s["source"]["source"]).read_text(encoding="utf-8")
    assert text[s["source"]["start"] : s["source"]["end"]] == s["source"]["text"]
    (change,) = s["changes"]
    assert {k: change[k] for k in CHANGE_FIELDS} == {"kind": "replaced", "draft": "lower", "source": "increase",
                                                     "meaning": True}
    assert change["reasons"] == ["direction"] and s["meaning_changes"] == 1
    assert draft[change["draft_start"] : change["draft_end"]] == "lower"
    assert text[change["source_start"] : change["source_end"]] == "increase"
    code, out, _ = cli("check", "-", stdin=draft.encode())
    assert out.startswith("1 sentences: 1 conflicts, 0 verbatim")
    assert "[1] CONFLICTS (a source says otherwise" in out
    assert "Draft: Ketamine and SSRIs together [[lower]] serotonin." in out
    assert "to [[increase]] the serotonin" in out
    assert '!! the draft says "lower", the source "increase" (direction)' in out


def test_standard_input_json(cli):
    code, out, _ = cli("check", "-", "--json", stdin=BENZO.encode())
    assert code == 0
    assert json.loads(out)["sentences"][0]["verdict"] == "verbatim"


@pytest.mark.parametrize("content, fragments", [
    (b"", ("The draft is empty",)),
    (b"  \n\n\t", ("The draft is empty",)),
    (b"... --- !!!", ("no sentence",)),
    ("café au lait.".encode("latin-1"), ("is not UTF-8 text",)),
    (b"Some\x00binary", ("not a text file",)),
    (b"A sentence here. " * 6000, ("limit is 100,000 characters",)),
])
def test_bad_drafts_fail_with_one_line(cli, tmp_path, content, fragments):
    (tmp_path / "draft.txt").write_bytes(content)
    assert_one_line_error(*cli("check", "draft.txt"), *fragments)
    assert_one_line_error(*cli("check", "-", "--json", stdin=content), *fragments)


def test_missing_file_and_folder(cli, tmp_path):
    assert_one_line_error(*cli("check", "nope.txt"), "There is no file nope.txt")
    (tmp_path / "folder").mkdir()
    assert_one_line_error(*cli("check", "folder"), "is a folder")


def test_missing_argument_is_a_usage_error(cli):
    assert_one_line_error(*cli("check"), "FILE")


def test_help_states_the_size_limit():
    out = subprocess.run([sys.executable, "-m", "indexer", "check", "--help"], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert "100,000 characters" in out and "--json" in out


def test_a_real_process_fails_with_one_line_and_status_2(tmp_path):
    """No model is loaded for a bad draft: the error comes before it."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    done = subprocess.run([sys.executable, "-m", "indexer", "check", str(bad)], capture_output=True, text=True,
                          cwd=REPO)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "not UTF-8 text" in done.stderr
    empty = subprocess.run([sys.executable, "-m", "indexer", "check", "-"], input="", capture_output=True,
                           text=True, cwd=REPO)
    assert empty.returncode == 2 and empty.stderr.strip() == (
        "error: The draft is empty. Paste some text or give a .txt or .md file.")


@pytest.mark.slow
def test_the_real_model_through_the_command_line(tmp_path, real_engine):
    draft = tmp_path / "draft.txt"
    draft.write_text(f"{BENZO} Patients should drink two liters of water before each infusion.", encoding="utf-8")
    corpus, index = real_engine.config.corpus_dir, real_engine.config.index_dir
    done = subprocess.run([sys.executable, "-m", "indexer", "check", str(draft), "--json", "--corpus", str(corpus),
                           "--index", str(index)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    verdicts = [s["verdict"] for s in json.loads(done.stdout)["sentences"]]
    assert verdicts == ["verbatim", "unsupported"]


def test_a_word_draft_is_checked_like_a_text_draft(cli, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse "
                           "its effects are.")
    document.add_paragraph("Ketamine is approved by the FDA for children under 12.")
    path = tmp_path / "draft.docx"
    document.save(path)
    code, out, err = cli("check", str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert [s["verdict"] for s in report["sentences"]][0] == "verbatim"
    assert len(report["sentences"]) == 2
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err = cli("check", str(broken))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err

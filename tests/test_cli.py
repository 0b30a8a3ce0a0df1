from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.index import store
from tests.conftest import MODEL_NAME, REPO, assert_one_line_error
from tests.fakes import FakeEmbedder

RESULT_FIELDS = {"rank", "source_id", "title", "source", "start", "end", "text", "heading", "score"}


def test_build_then_nothing_to_do_then_force(cli):
    code, out, err = cli("build")
    assert code == 0 and "Indexed" in out and "2 sources" in out
    code, out, _ = cli("build")
    assert code == 0 and "up to date; nothing to do" in out
    code, out, _ = cli("build", "--force")
    assert code == 0 and "Indexed" in out


def test_an_ask_only_build_stores_no_span_vectors_and_check_still_answers(cli, tmp_path: Path, corpus_dir: Path):
    code, out, _ = cli("build", "--ask-only")
    assert code == 0 and "Indexed" in out
    keys, _ = store.load_span_vectors(Path(".index"))
    assert keys == []
    code, out, _ = cli("ask", "Can I take Xanax with ketamine?", "--json")
    assert code == 0 and json.loads(out)["results"]
    sentence = next(line for line in (corpus_dir / "000_c89290b5e323cd66.txt").read_text(encoding="utf-8").splitlines()
                    if line.count(" ") > 8 and line.rstrip().endswith("."))
    (tmp_path / "draft.txt").write_text(sentence + "\n", encoding="utf-8")
    code, out, _ = cli("check", "draft.txt", "--json")
    assert code == 0 and json.loads(out)["sentences"][0]["verdict"] == "verbatim"
    code, out, _ = cli("build", "--force")  # a full build stores them
    keys, _ = store.load_span_vectors(Path(".index"))
    assert code == 0 and keys


def test_build_names_and_counts_skipped_files(cli, corpus_dir: Path):
    (corpus_dir / "bad.txt").write_bytes(b"\xff\xfe broken")
    code, out, err = cli("build")
    assert code == 0 and "skipped 1 file" in out
    assert "bad.txt" in err and "not valid UTF-8" in err


def test_build_names_a_skipped_file_once_and_ask_still_reports_it(cli, corpus_dir: Path, caplog):
    (corpus_dir / "bad.txt").write_bytes(b"\xff\xfe broken")
    with caplog.at_level(logging.WARNING):
        code, out, err = cli("build")
    said = err + "".join(r.getMessage() + "\n" for r in caplog.records)
    assert code == 0 and said.count("bad.txt") == 1
    caplog.clear()
    (corpus_dir / "new.txt").write_text("A new article about ketamine and sleep, long enough to be a passage.\n",
                                        encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        code, out, err = cli("ask", "ketamine")  # builds first: the skipped file is said with the build's report
    said = err + "".join(r.getMessage() + "\n" for r in caplog.records)
    assert code == 0 and said.count("bad.txt") == 1


def test_build_says_once_that_a_file_changed_while_it_ran(cli, corpus_dir: Path, monkeypatch, caplog):
    article = corpus_dir / "000_c89290b5e323cd66.txt"

    class EditingEmbedder(FakeEmbedder):  # a writer saves the article while the build embeds
        name = MODEL_NAME

        def encode_passages(self, texts, batch_size=64, progress=False):
            if not article.read_text(encoding="utf-8").startswith("Edited"):
                article.write_text("Edited during the build.\n\n" + article.read_text(encoding="utf-8"),
                                   encoding="utf-8")
            return super().encode_passages(texts, batch_size, progress)

    monkeypatch.setattr("indexer.index.embedder.load_embedder", EditingEmbedder)
    with caplog.at_level(logging.WARNING):
        code, out, err = cli("build")
    said = err + "".join(r.getMessage() + "\n" for r in caplog.records)
    assert code == 0 and said.count("changed while the index was being built") == 1
    assert article.name in err


def test_ask_json_prints_one_object_per_question_with_exact_citations(cli, corpus_dir: Path):
    code, out, err = cli("ask", "Can I take Xanax with ketamine?", "--json", "--k", "3")
    assert code == 0
    assert "building it now" in err  # it was missing: built first, and said so on stderr
    lines = out.strip().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert set(answer) >= {"question", "covered", "understood", "results"}
    assert answer["question"] == "Can I take Xanax with ketamine?" and answer["covered"] is True
    assert "Xanax → alprazolam (a benzodiazepine)" in answer["understood"]["notes"]
    assert [r["rank"] for r in answer["results"]] == [1, 2, 3]
    for result in answer["results"]:
        assert set(result) >= RESULT_FIELDS
        assert result["source"].startswith("corpus/")
        text = Path(result["source"]).read_bytes().decode("utf-8")
        assert text[result["start"] : result["end"]] == result["text"]
    benzo = next(r for r in answer["results"] if r["text"].startswith("Benzodiazepine is okay"))
    assert benzo["heading"] == "Medications That Interfere With Ketamine Infusion Therapy › 2. Benzodiazepines"


def test_ask_reads_questions_from_stdin_one_answer_per_line(cli):
    code, out, _ = cli("ask", "-", "--json", stdin="lamotrigine and ketamine\n\nCan I drink alcohol after an infusion?\n")
    assert code == 0
    answers = [json.loads(line) for line in out.strip().splitlines()]
    assert [a["question"] for a in answers] == ["lamotrigine and ketamine", "Can I drink alcohol after an infusion?"]
    assert answers[0]["covered"] is True and answers[1]["covered"] is False
    assert answers[1]["results"], "uncovered questions still show the nearest passages"


def test_a_stream_never_cites_a_source_removed_while_it_runs(cli, monkeypatch, capsys):
    """`ask -` answers each line from the live index: a source removed between two questions is not cited."""
    from indexer.cli import main
    from indexer.config import Config
    from indexer.index.removal import remove_source

    assert cli("build")[0] == 0
    capsys.readouterr()
    question = "Which psychiatric medications are safe to take with ketamine?"

    class Lines:
        def __iter__(self):
            yield question + "\n"
            embedder = FakeEmbedder()
            embedder.name = MODEL_NAME
            remove_source(Config(), "aureo", embedder=embedder)  # another process, as far as the stream knows
            yield question + "\n"

    monkeypatch.setattr(sys, "stdin", Lines())
    assert main(["ask", "-", "--json", "--k", "10"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert "aureo" in {r["source_id"] for r in first["results"]}
    assert "aureo" not in {r["source_id"] for r in second["results"]}
    assert all(Path(r["source"]).exists() for r in second["results"])


def test_ask_text_output_shows_citations(cli):
    code, out, _ = cli("ask", "What is the phone number of Balanced Ketamine?")
    assert code == 0
    assert "corpus/000_c89290b5e323cd66.txt chars" in out and "(913) 871-9888" in out


def test_ask_says_when_the_sources_do_not_cover_it(cli):
    code, out, _ = cli("ask", "How much does ketamine therapy cost?")
    assert code == 0 and "The sources don't cover this" in out and "[1]" in out


def test_ask_says_which_part_of_a_partly_covered_question_the_sources_miss(cli):
    code, out, _ = cli("ask", "Can I take Adderall with an SSRI during ketamine therapy?")
    assert code == 0 and "Only partly covered" in out and "never mention Adderall" in out and "[1]" in out
    code, out, _ = cli("ask", "Can I take Adderall with an SSRI during ketamine therapy?", "--json")
    answer = json.loads(out)
    assert answer["covered"] is True and answer["coverage_state"] == "partly" and answer["missing"] == ["Adderall"]


def test_ask_rebuilds_a_stale_index_and_says_so(cli, corpus_dir: Path):
    cli("build")
    (corpus_dir / "new.txt").write_text("New Article\n\nKetamine and grapefruit juice are discussed here.\n")
    code, out, err = cli("ask", "grapefruit", "--json")
    assert code == 0 and "new.txt was added" in err and "Building the index" in err
    assert json.loads(out)["results"][0]["source_id"] == "new"


@pytest.mark.parametrize(
    "args, fragments",
    [
        (("ask", ""), ("question is empty",)),
        (("ask", "   "), ("question is empty",)),
        (("ask", "x" * 8001), ("limit is 8,000",)),
        (("ask", "ketamine", "--k", "0"), ("k must be between 1 and 50. Got 0.",)),
        (("ask", "ketamine", "--k", "51"), ("k must be between 1 and 50. Got 51.",)),
        (("ask", "ketamine", "--k", "two"), ("invalid int value",)),
        (("ask", "ketamine", "--corpus", "nowhere", "--index", "noindex"), ("nowhere", "--corpus DIR")),
        (("build", "--corpus", "nowhere"), ("Corpus folder nowhere does not exist",)),
        (("frobnicate",), ("invalid choice",)),
    ],
)
def test_user_errors_are_one_line_with_status_2(cli, args, fragments):
    assert_one_line_error(*cli(*args), *fragments)


def test_empty_corpus_is_one_line_with_status_2(cli, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert_one_line_error(*cli("build", "--corpus", "empty"), "has no .txt or .md files")


def test_corrupt_index_is_one_line_saying_to_rebuild(cli, tmp_path: Path):
    cli("build")
    (store.version_dir(tmp_path / ".index") / "dense.faiss").write_bytes(b"not faiss")
    assert_one_line_error(*cli("ask", "ketamine"), "dense.faiss", "damaged", "build --force")
    code, out, _ = cli("build")  # and build repairs it
    assert code == 0 and "Indexed" in out
    assert cli("ask", "ketamine")[0] == 0


def test_index_of_another_model_is_one_line_saying_to_rebuild(cli, tmp_path: Path):
    cli("build")
    manifest_path = store.version_dir(tmp_path / ".index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"]["name"] = "someone/else"
    manifest_path.write_text(json.dumps(manifest))
    assert_one_line_error(*cli("ask", "ketamine"), "someone/else", "build --force")


@pytest.mark.slow
def test_real_model_end_to_end_from_a_fresh_process(tmp_path: Path):
    """`python -m indexer ask` in a new process, real model, offline, streaming answers from stdin."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    args = [sys.executable, "-m", "indexer", "ask", "-", "--json", "--corpus", str(REPO / "corpus"),
            "--index", str(tmp_path / "index")]
    proc = subprocess.run(args, input="Can I take Xanax during ketamine infusions?\nIs ketamine safe while pregnant?\n",
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=600)
    assert proc.returncode == 0, proc.stderr
    first, second = (json.loads(line) for line in proc.stdout.strip().splitlines())
    assert first["covered"] and first["results"][0]["text"].startswith("Benzodiazepine is okay")
    assert not second["covered"] and second["results"]
    assert "Traceback" not in proc.stderr


def test_sources_lists_what_the_index_holds(cli):
    assert cli("build")[0] == 0
    code, out, err = cli("sources")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["id", "passages", "added"]
    assert any(line.startswith("balanced-ketamine") and "000_c89290b5e323cd66.txt" in line for line in lines)
    code, out, _ = cli("sources", "--json")
    rows = json.loads(out)
    assert {r["id"] for r in rows} == {"balanced-ketamine", "aureo"}
    assert set(rows[0]) == {"id", "title", "file", "passages", "added", "origin"}
    assert all(r["passages"] > 0 for r in rows)


def test_sources_of_a_stale_index_warns_and_of_no_index_is_one_line(cli, corpus_dir: Path):
    code, out, err = cli("sources")
    assert_one_line_error(code, out, err, "No index at")
    cli("build")
    (corpus_dir / "new.txt").write_text("New Article\n\nKetamine and grapefruit juice are discussed here.\n")
    code, out, err = cli("sources", "--json")
    assert code == 0 and "new.txt was added" in err and "new" not in {r["id"] for r in json.loads(out)}


def test_building_a_missing_index_says_so_once_and_no_library_chatter(cli):
    code, out, err = cli("ask", "ketamine and lamotrigine", "--json")
    assert code == 0
    assert "There is no index at .index yet: building it now" in err
    assert "Build one with" not in err and "Building index from tokens" not in err

"""`python -m indexer build | ask | eval | check`. Errors a user can make print one line and exit with status 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from pathlib import Path

from indexer.config import Config
from indexer.errors import ConfigError, IndexerError

EXIT_USAGE = 2


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2, like every other user error
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}. See `{self.prog} --help`.\n")


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="python -m indexer", description="Cited search over source articles.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)

    def common(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--corpus", type=Path, default=Config.corpus_dir, help="folder of .txt/.md articles")
        cmd.add_argument("--index", type=Path, default=Config.index_dir, help="index directory")

    b = sub.add_parser("build", help="build the index (does nothing when it is up to date)")
    common(b)
    b.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    b.add_argument("--ask-only", action="store_true",
                   help="skip Check wording's span vectors (about half the build); check then makes them on first use")

    a = sub.add_parser("ask", help="answer a question (or, with -, one question per line of standard input)")
    a.add_argument("question", help="the question, or - to read questions from standard input")
    a.add_argument("--k", type=int, default=None, help=f"passages per answer (default {Config.top_k})")
    a.add_argument("--json", action="store_true", help="one JSON object per question, on one line")
    common(a)

    e = sub.add_parser("eval", help="evaluate retrieval on a question file (JSON lines)")
    e.add_argument("file", type=Path)
    e.add_argument("--k", type=int, default=None)
    e.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    e.add_argument("--verbose", action="store_true", help="list every question that missed")
    common(e)

    from indexer.check.verdicts import MAX_DRAFT_CHARS

    c = sub.add_parser(
        "check", help="check a draft's wording against the sources, sentence by sentence",
        description="Check my wording: for each sentence of a draft, whether the sources say it (verbatim, changed, "
                    "paraphrase or unsupported), in what words, and where, with a word-level diff that flags "
                    "changes of numbers, negations, hedges and drugs.",
    )
    c.add_argument("file", metavar="FILE",
                   help=f"the draft: a UTF-8 .txt or .md file, a Word file (.docx), or - for standard input (at most "
                        f"{MAX_DRAFT_CHARS:,} characters)")
    c.add_argument("--json", action="store_true", help="print one JSON object (sentences and summary)")
    common(c)

    d = sub.add_parser(
        "add", help="add web pages, PDFs, Word files or text files to the corpus and the index",
        description="Convert each input (a file, or an http(s) URL) to a Markdown or text source of record in the "
                    "corpus folder, keep the original under originals/, record its metadata in sources.toml, and "
                    "embed its passages into the index. All inputs land together, or nothing changes.",
    )
    d.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help=".html, .pdf, .docx, .txt or .md files, or URLs")
    d.add_argument("--no-index", action="store_true", help="only write the corpus files; do not update the index")
    d.add_argument("--allow-private-addresses", action="store_true",
                   help="also fetch URLs on this computer or a private network (an intranet); by default only "
                        "public addresses are fetched")
    common(d)

    r = sub.add_parser("remove", help="remove a source (its file, original and metadata) from the corpus and index")
    r.add_argument("source_id", metavar="SOURCE_ID", help="the source's id (as in sources.toml or `ask --json`)")
    common(r)

    listing = sub.add_parser("sources", help="list the sources of the index (id, title, file, passages, added, origin)",
                             description="The sources the index holds, with the id `remove` takes, the title, the "
                                         "corpus file, the number of passages, the day it was added and where it "
                                         "came from (a file name or URL).")
    listing.add_argument("--json", action="store_true", help="one JSON array of objects")
    common(listing)

    sub.add_parser(
        "editor-password", help="make the hash of an editor password for the page (read without echo)",
        description="Reads a password (twice, without echo; or one line of standard input when it is not a terminal) "
                    "and prints the line to put in the server's environment, KETAMINE_EDITOR_PASSWORD_HASH=…, or in "
                    ".streamlit/secrets.toml as editor_password_hash. The password itself is not stored.",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    shown = logging.StreamHandler(sys.stderr)
    shown.setLevel(logging.WARNING)  # libraries that set their own loggers to DEBUG (bm25s) print nothing more
    logging.basicConfig(level=logging.WARNING, format="%(message)s", handlers=[shown])
    try:
        config = Config(corpus_dir=getattr(args, "corpus", Config.corpus_dir),
                        index_dir=getattr(args, "index", Config.index_dir))
        if getattr(args, "k", None) is not None:
            config.check_k(args.k)
        return COMMANDS[args.command](args, config)
    except IndexerError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:  # an unexpected file-system failure: one line; the full error (and path) goes to the log
        logging.getLogger(__name__).debug("File-system error", exc_info=True)
        print(f"error: {e.strerror or type(e).__name__}. Nothing was changed.", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def cmd_build(args, config: Config) -> int:
    from indexer.errors import NotAnIndex
    from indexer.index.build import build_index
    from indexer.index.embedder import load_embedder
    from indexer.index.status import index_status
    from indexer.ingest.sources import load_corpus
    from indexer.types import IndexState

    status = index_status(config)
    if status.state == IndexState.FOREIGN:
        raise NotAnIndex(status.reason)  # never written to: said before anything else
    if status.state == IndexState.CURRENT and not args.force:
        print(f"The index at {config.index_dir} is up to date; nothing to do (use --force to rebuild).")
        return 0
    load_corpus(config.corpus_dir)  # a missing or empty corpus is reported before anything else is said
    if status.state != IndexState.MISSING:
        print(status.reason, file=sys.stderr)
    print(f"Building the index of {config.corpus_dir} …", file=sys.stderr)
    if args.ask_only:
        config = config.with_(check_vectors=False)
    report = build_index(config, load_embedder(), force=args.force, progress=True)
    print_warnings(report)
    print(report.message)
    return 0


def print_warnings(report) -> None:
    """A build's warnings and the files it skipped, each said once (the build logs none of them)."""
    from indexer.ingest.sources import warning_lines

    for warning in warning_lines(report.warnings):
        print(f"warning: {warning}", file=sys.stderr)
    for reason in report.skipped:
        print(f"warning: {reason}", file=sys.stderr)


def _open_engine(config: Config, embedder=None):
    from indexer.ask.engine import Engine

    def on_build(status) -> None:
        from indexer.types import IndexState

        if status.state == IndexState.MISSING:  # its reason tells the user to build one: this command does
            print(f"There is no index at {config.index_dir} yet: building it now …", file=sys.stderr)
        else:
            print(f"{status.reason} Building the index again now …", file=sys.stderr)

    return Engine.open(config, embedder=embedder, build=True, progress=False, on_build=on_build,
                       on_built=print_warnings)


def cmd_ask(args, config: Config) -> int:
    from indexer.ask.reading import check_question

    if args.question != "-":
        check_question(args.question, config.max_question_chars)
    engine = _open_engine(config)
    questions = [args.question] if args.question != "-" else _stdin_lines()
    status = 0
    for question in questions:
        if engine.replaced_on_disk():  # a build, add or removal switched the index: answer from the live one
            engine = _open_engine(config, embedder=engine.embedder)
        try:
            answer = engine.ask(question, k=args.k)
        except (ConfigError, IndexerError) as e:
            if args.question != "-":
                raise
            print(f"error: {e}", file=sys.stderr)  # one bad line does not stop the stream
            status = EXIT_USAGE
            continue
        if args.json:
            print(json.dumps(engine.to_json(answer), ensure_ascii=False), flush=True)
        else:
            print(render_text(engine, answer), flush=True)
    return status


def _stdin_lines():
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def render_text(engine, answer) -> str:
    from indexer.ask.coverage import PARTLY
    from indexer.ingest.passages import HEADING_SEPARATOR

    out = [f"Q: {answer.question}"]
    notes = answer.understood.notes()
    if notes:
        out.append("Read as: " + "; ".join(notes))
    if answer.surfaced is not None:
        out.append(f"The best-ranked passages do not mention “{answer.surfaced.word}”: passage "
                   f"[{answer.surfaced.rank}] is the best one that does.")
    if answer.coverage.state == PARTLY:
        out.append(f"{answer.coverage.reason} Passages on that part, best first:")
    elif answer.covered:
        out.append("The sources address this. Passages, best first:")
    else:
        out.append(f"The sources don't cover this ({answer.coverage.reason}) Nearest passages, which do not answer it:")
    for rank, hit in enumerate(answer.hits, 1):
        c = engine.citation(hit)
        where = HEADING_SEPARATOR.join((c.title, *c.heading))
        out.append(f"\n[{rank}] {c.publisher or c.source_id} — {where}")
        out.append(f"    {c.path} chars {c.start}–{c.end}  (score {hit.score:.4f}, dense {hit.dense_score:.3f}, "
                   f"bm25 {hit.sparse_score:.2f})")
        out.extend(textwrap.wrap(hit.passage.text, width=100, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(out) + "\n"


def cmd_eval(args, config: Config) -> int:
    from indexer.evaluate.retrieval import (
        evaluate,
        format_report,
        load_questions,
    )

    questions = load_questions(args.file)
    engine = _open_engine(config)
    report = evaluate(engine, questions, k=args.k)
    if args.json:
        print(json.dumps(report.summary()))
    else:
        print(format_report(report, verbose=args.verbose))
    return 0


def cmd_check(args, config: Config) -> int:
    from indexer.check.checker import WordingChecker
    from indexer.check.report import to_json, to_text
    from indexer.check.verdicts import MAX_DOCX_DRAFT_BYTES, MAX_DRAFT_CHARS, read_draft_file, validate_draft
    from indexer.errors import DraftError

    if args.file == "-":
        stream = getattr(sys.stdin, "buffer", None)
        raw = stream.read(4 * MAX_DRAFT_CHARS + 1) if stream is not None else sys.stdin.read().encode("utf-8")
        name, data = "Standard input", raw
    else:
        path = Path(args.file)
        try:
            with open(path, "rb") as f:
                data = f.read((MAX_DOCX_DRAFT_BYTES if path.suffix.lower() == ".docx" else 4 * MAX_DRAFT_CHARS) + 1)
        except FileNotFoundError as e:
            raise DraftError(f"There is no file {args.file}. Give the path of a .txt, .md or .docx draft, or - for "
                             "standard input.") from e
        except IsADirectoryError as e:
            raise DraftError(f"{args.file} is a folder. Give the path of a .txt, .md or .docx draft.") from e
        except OSError as e:
            raise DraftError(f"{args.file} cannot be read ({e.strerror}).") from e
        name = args.file
    draft = read_draft_file(data, name)
    validate_draft(draft)  # before the model loads: a bad draft fails fast
    report = WordingChecker.for_engine(_open_engine(config)).check(draft)
    if args.json:
        print(json.dumps(to_json(report), ensure_ascii=False))
    else:
        print(to_text(report), end="")
    return 0


def cmd_add(args, config: Config) -> int:
    from indexer.index.adding import add_sources

    report = add_sources(config, args.inputs, update_index=not args.no_index,
                         allow_private_addresses=args.allow_private_addresses)
    if report.build is not None:
        print_warnings(report.build)
    print(report.message)
    return 0


def cmd_remove(args, config: Config) -> int:
    from indexer.index.removal import remove_source

    report = remove_source(config, args.source_id)
    print_warnings(report)
    print(report.message)
    return 0


def cmd_sources(args, config: Config) -> int:
    from indexer.index import store
    from indexer.index.status import index_status
    from indexer.types import IndexState

    status = index_status(config)
    if status.state in (IndexState.FOREIGN, IndexState.MISSING, IndexState.BROKEN):
        from indexer.errors import IndexNotFound

        raise IndexNotFound(status.reason)
    if status.state == IndexState.STALE:
        print(f"warning: {status.reason} The list is the index's; run `python -m indexer build` to update it.",
              file=sys.stderr)
    rows = [{"id": r.source_id, "title": r.title, "file": r.file, "passages": r.passages, "added": r.added,
             "origin": r.original or "a file put into the corpus folder"} for r in store.read_sources(config.index_dir)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    widths = {f: max(len(f), *(len(str(r[f])) for r in rows)) for f in ("id", "passages", "added")}
    print(f"{'id':<{widths['id']}}  {'passages':>{widths['passages']}}  {'added':<{widths['added']}}  title — file "
          "(origin)")
    for r in rows:
        print(f"{r['id']:<{widths['id']}}  {r['passages']:>{widths['passages']}}  {r['added'] or '-':<{widths['added']}}"
              f"  {r['title'] or '(no title)'} — {r['file']} ({r['origin']})")
    return 0


def cmd_editor_password(args, config: Config) -> int:
    import getpass

    from indexer.access import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Editor password: ")
        if getpass.getpass("Again: ") != password:
            raise ConfigError("The two passwords differ. Nothing was made; run the command again.")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    print(f"KETAMINE_EDITOR_PASSWORD_HASH='{hash_password(password)}'")
    return 0


COMMANDS = {"build": cmd_build, "ask": cmd_ask, "eval": cmd_eval, "check": cmd_check, "add": cmd_add,
            "remove": cmd_remove, "sources": cmd_sources, "editor-password": cmd_editor_password}

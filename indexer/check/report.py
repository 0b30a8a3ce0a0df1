"""A wording check as JSON (the CLI's --json), plain text (the CLI), Markdown and CSV (downloads)."""

from __future__ import annotations

import csv
import io
import re
import textwrap

from indexer.check.diff import Change
from indexer.check.verdicts import ALL_VERDICTS, CheckReport, SentenceCheck

VERDICT_LABELS = {
    "conflicts": "a source says otherwise",
    "verbatim": "the source says exactly this",
    "changed": "the source's wording with changes",
    "paraphrase": "the same claim in other words",
    "unsupported": "no source says this",
}
# how a reason is said where it is not one word of the rules ("number", "hedge", ...)
REASON_WORDS = {"entailment": "the model does not read the sentence as said by the source"}
CSV_COLUMNS = ["sentence", "start", "end", "text", "verdict", "score", "meaning_changes", "source_id", "title",
               "source", "source_start", "source_end", "source_text", "diff", "changes"]


def to_json(report: CheckReport) -> dict:
    return {"sentences": [sentence_json(s) for s in report.sentences], "summary": report.summary()}


def sentence_json(s: SentenceCheck) -> dict:
    return {
        "text": s.text,
        "start": s.start,
        "end": s.end,
        "verdict": s.verdict,
        "score": round(float(s.score), 4),
        "source": s.span.to_json() if s.span else None,
        "changes": [c.to_json() for c in s.changes],
        "meaning_changes": s.meaning_changes,
        "lexical": round(float(s.lexical), 4),
        "semantic": round(float(s.semantic), 4),
        "entailment": round(float(s.entailment), 4),
        "contradiction": round(float(s.contradiction), 4),
    }


def inline_diff(s: SentenceCheck, deleted=("[-", "-]"), inserted=("{+", "+}"), meaning=("!!", ""),
                escape=str) -> str:
    """The source span with the draft's changes written into it: "may" → "will" is "[-may-]{+will+}", and a change
    that can alter the meaning is marked ("!!" by default). `escape` is applied to every piece of text."""
    if s.span is None:
        return ""
    out, pos = [], s.span.start
    source = s.span.text
    for c in s.changes:
        out.append(escape(source[pos - s.span.start : c.source_start - s.span.start]))
        piece = ""
        if c.source:
            piece += f"{deleted[0]}{escape(c.source)}{deleted[1]}"
        if c.draft:
            piece += f"{inserted[0]}{escape(c.draft)}{inserted[1]}"
        out.append(f"{meaning[0]}{piece}{meaning[1]}" if c.meaning else piece)
        pos = max(pos, c.source_end)
    out.append(escape(source[pos - s.span.start :]))
    return "".join(out)


def describe(c: Change, conflict: bool = False) -> str:
    """One change in words: 'replaced "may" with "will" (can alter the meaning: hedge)'; with `conflict`, what
    the draft and the source say that conflicts: 'the draft says "lowers", the source "increase" (direction)'."""
    if conflict:
        reasons = ", ".join(c.reasons)
        if c.kind == "replaced":
            return f'the draft says "{c.draft}", the source "{c.source}" ({reasons})'
        if c.kind == "inserted":
            return f'the draft says "{c.draft}", the source does not ({reasons})'
        return f'the source says "{c.source}", the draft does not ({reasons})'
    if c.kind == "replaced":
        text = f'replaced "{c.source}" with "{c.draft}"'
    elif c.kind == "inserted":
        text = f'added "{c.draft}"'
    else:
        text = f'dropped "{c.source}"'
    return text + (f" (can alter the meaning: {', '.join(REASON_WORDS.get(r, r) for r in c.reasons)})"
                   if c.meaning else "")


def mark(text: str, offset: int, ranges: list[tuple[int, int]], marks=("[[", "]]"), escape=str) -> str:
    """`text` (which starts at `offset` in its file) with the character ranges (file offsets) between `marks`;
    empty ranges and ranges outside the text are skipped. `escape` is applied to every piece of text."""
    out, pos = [], 0
    for a, b in sorted({(a - offset, b - offset) for a, b in ranges if a < b}):
        if a < pos or a < 0 or b > len(text):
            continue
        out += [escape(text[pos:a]), marks[0], escape(text[a:b]), marks[1]]
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def marked_draft(s: SentenceCheck, marks=("[[", "]]"), escape=str) -> str:
    """The draft sentence with its conflicting words marked."""
    return mark(s.text, s.start, [(c.draft_start, c.draft_end) for c in s.changes], marks, escape)


def marked_source(s: SentenceCheck, marks=("[[", "]]"), escape=str) -> str:
    """The source span with the words that conflict with the draft marked."""
    if s.span is None:
        return ""
    return mark(s.span.text, s.span.start, [(c.source_start, c.source_end) for c in s.changes], marks, escape)


def summary_line(report: CheckReport) -> str:
    summary = report.summary()
    counts = ", ".join(f"{summary[v]} {v}" for v in ALL_VERDICTS)
    return (f"{summary['sentences']} sentences: {counts}. {summary['meaning_changes']} change(s) that can alter the "
            "meaning.")


def to_text(report: CheckReport, width: int = 100) -> str:
    """The readable listing of the CLI. Conflicting words are [[marked]] in the draft and in the source."""
    out = [summary_line(report)]
    for number, s in enumerate(report.sentences, 1):
        if s.verdict == "conflicts":
            flag = (f"  !! {s.meaning_changes} conflicting word(s)" if s.meaning_changes else
                    "  !! the sentence as a whole contradicts the source")
        else:
            flag = f"  !! {s.meaning_changes} meaning change(s)" if s.meaning_changes else ""
        out.append(f"\n[{number}] {s.verdict.upper()} ({VERDICT_LABELS[s.verdict]}; score {s.score:.2f}; entails "
                   f"{s.entailment:.2f}, contradicts {s.contradiction:.2f}){flag}")
        draft = marked_draft(s) if s.verdict == "conflicts" else s.text
        out.extend(textwrap.wrap(f"Draft: {draft}", width, initial_indent="    ", subsequent_indent="    "))
        if s.span is None:
            continue
        out.append(f"    Source: {s.span.title} — {s.span.path} chars {s.span.start}–{s.span.end}")
        if s.verdict == "conflicts":
            out.extend(textwrap.wrap(marked_source(s), width, initial_indent="      ", subsequent_indent="      "))
            out.extend(f"      !! {describe(c, conflict=True)}" for c in s.changes)
            continue
        if s.verdict != "changed":
            out.extend(textwrap.wrap(s.span.text, width, initial_indent="      ", subsequent_indent="      "))
            continue
        out.extend(textwrap.wrap(f"Diff: {inline_diff(s)}", width, initial_indent="    ", subsequent_indent="      "))
        for c in s.changes:
            out.append(f"      {'!!' if c.meaning else '- '} {describe(c)}")
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def md(text: str) -> str:
    """Text shown literally in Markdown (sources and drafts may contain *, _, [ or <)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_markdown(report: CheckReport, title: str = "Wording check") -> str:
    summary = report.summary()
    out = [f"# {md(title)}", "", "| Verdict | Sentences |", "|---|---|"]
    out += [f"| **{v}** | **{summary[v]}** |" if v == "conflicts" else f"| {v} | {summary[v]} |" for v in ALL_VERDICTS]
    out += [f"| **meaning changes** | **{summary['meaning_changes']}** |", ""]
    for number, s in enumerate(report.sentences, 1):
        if s.verdict == "conflicts":
            out += [f"## {number}. conflicts — ⚠ {VERDICT_LABELS['conflicts']}", "",
                    f"**Draft** (chars {s.start}–{s.end}): {marked_draft(s, ('⚠ **', '**'), md_keep)}", "",
                    f"**Source**: {md(s.span.title)} — `{s.span.path}` chars {s.span.start}–{s.span.end}", "",
                    f"> {marked_source(s, ('⚠ **', '**'), md_keep)}", ""]
            out += [f"- ⚠ {md(describe(c, conflict=True))}" for c in s.changes]
            out.append("")
            continue
        flag = f" — ⚠ {s.meaning_changes} meaning change(s)" if s.meaning_changes else ""
        out += [f"## {number}. {s.verdict}{flag}", "", f"**Draft** (chars {s.start}–{s.end}): {md(s.text)}", ""]
        if s.span is None:
            out += ["No source says this.", ""]
            continue
        out += [f"**Source**: {md(s.span.title)} — `{s.span.path}` chars {s.span.start}–{s.span.end}", "",
                f"> {md(s.span.text)}", ""]
        if s.changes:
            diff = inline_diff(s, ("~~", "~~"), ("**", "**"), ("⚠ ", ""), escape=md_keep)
            out += [f"**Diff**: {diff}", ""]
            out += [f"- {'⚠ ' if c.meaning else ''}{md(describe(c))}" for c in s.changes]
            out.append("")
    return "\n".join(out)


def md_keep(text: str) -> str:
    """Like `md`, keeping the spacing."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def to_csv(report: CheckReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for number, s in enumerate(report.sentences, 1):
        span = s.span
        row = [number, s.start, s.end, s.text, s.verdict, f"{s.score:.4f}", s.meaning_changes,
               span.source_id if span else "", span.title if span else "", span.path if span else "",
               span.start if span else "", span.end if span else "", span.text if span else "",
               inline_diff(s) if s.changes else "",
               "; ".join(describe(c, conflict=s.verdict == "conflicts") for c in s.changes)]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def _cell(value):
    """Spreadsheet-safe: text starting with = + - @ is not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

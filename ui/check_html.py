"""The HTML of the "Check wording" view: its styles, the summary badges, the draft coloured by verdict and each
sentence with its source span, diff and citation. Pure functions (tested without Streamlit); every piece of text
from the draft or a source is escaped with `esc` before it goes into HTML.
"""

from __future__ import annotations

from urllib.parse import urlencode

from indexer.check.report import VERDICT_LABELS, describe, inline_diff, marked_draft, marked_source
from indexer.check.verdicts import ALL_VERDICTS, CheckReport, SentenceCheck
from ui.html import esc

COLOURS = {"conflicts": "#f3d9ff", "verbatim": "#d7f5dd", "changed": "#fff1bf", "paraphrase": "#dbe9ff",
           "unsupported": "#ffd9d6"}
BORDERS = {"conflicts": "#7b1fa2", "verbatim": "#2e8540", "changed": "#b7791f", "paraphrase": "#2f6fb0",
           "unsupported": "#c0392b"}

CSS = "<style>\n" + "\n".join(
    f".ck-{v} {{ background: {COLOURS[v]}; border-bottom: 2px solid {BORDERS[v]}; border-radius: 2px; }}\n"
    f".ck-badge.ck-{v} {{ border: 1px solid {BORDERS[v]}; color: #1f2933; }}"
    for v in ALL_VERDICTS
) + """
.ck-draft { white-space: pre-wrap; line-height: 1.9; font-family: Georgia, 'Times New Roman', serif;
  font-size: 1.02rem; color: #1f2933; max-width: 46rem; }
.ck-draft sup { font-size: 0.65rem; color: #4a5563; margin-left: 1px; font-family: sans-serif; }
.ck-badge { display: inline-block; font-size: 0.78rem; font-weight: 600; border-radius: 999px; padding: 0 0.55rem;
  margin-right: 0.4rem; font-family: sans-serif; }
.ck-summary { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.4rem 0 0.8rem; }
.ck-summary .ck-badge { font-size: 0.9rem; padding: 0.15rem 0.7rem; }
.ck-badge.ck-meaning-total { background: #c0392b; color: #fff; }
.ck-text { margin: 0.2rem 0; font-family: Georgia, 'Times New Roman', serif; line-height: 1.6; }
.ck-source { margin: 0.3rem 0 0.2rem; padding-left: 0.8rem; border-left: 3px solid #e3e8ee; line-height: 1.6;
  font-family: Georgia, 'Times New Roman', serif; color: #1f2933; white-space: pre-wrap; }
.ck-source del { background: #ffe3e0; color: #8e1b10; }
.ck-source ins { background: #dff5e1; color: #14532d; text-decoration: none; border-bottom: 1px solid #14532d; }
.ck-source .ck-meaning { outline: 2px solid #c0392b; border-radius: 2px; padding: 0 1px; }
.ck-source .ck-meaning::before { content: "⚠"; color: #c0392b; font-size: 0.8em; margin-right: 1px; }
.ck-cite { font-size: 0.82rem; color: #4a5563; overflow-wrap: anywhere; }
.ck-changes { margin: 0.2rem 0 0 1rem; padding: 0; font-size: 0.88rem; }
.ck-changes li.ck-meaning-item { color: #8e1b10; font-weight: 600; }
</style>
"""


def source_link(s: SentenceCheck) -> str:
    """The query string that opens a sentence's source span in the source view."""
    return "?" + urlencode({"source": s.span.source_id, "start": s.span.start, "end": s.span.end})


def summary_html(report: CheckReport) -> str:
    summary = report.summary()
    badges = [f'<span class="ck-badge ck-{v}">{summary[v]} {v}</span>' for v in ALL_VERDICTS]
    meaning = summary["meaning_changes"]
    badges.append(f'<span class="ck-badge {"ck-meaning-total" if meaning else ""}">{meaning} meaning change'
                  f'{"" if meaning == 1 else "s"}</span>')
    return f'<div class="ck-summary">{"".join(badges)}</div>'


def draft_html(report: CheckReport) -> str:
    """The whole draft, each checked sentence coloured by its verdict and numbered."""
    out, pos = [], 0
    for number, s in enumerate(report.sentences, 1):
        out.append(esc(report.draft[pos : s.start]))
        title = f"{number}. {s.verdict}: {VERDICT_LABELS[s.verdict]}"
        if s.meaning_changes:
            title += f" ({s.meaning_changes} change(s) that can alter the meaning)"
        out.append(f'<span class="ck-{s.verdict}" title="{esc(title)}">{esc(s.text)}</span><sup>{number}</sup>')
        pos = s.end
    out.append(esc(report.draft[pos:]))
    return f'<div class="ck-draft">{"".join(out)}</div>'


def sentence_html(number: int, s: SentenceCheck) -> str:
    """One sentence: verdict, draft text, source span with the diff, the changes, and the citation link."""
    flag = f" · ⚠ {s.meaning_changes} meaning change{'s' if s.meaning_changes != 1 else ''}" if s.meaning_changes else ""
    conflict = ('<span class="ck-meaning">', "</span>")
    draft = marked_draft(s, conflict, esc) if s.verdict == "conflicts" else esc(s.text)
    parts = [f'<div><span class="ck-badge ck-{s.verdict}">{number}. {s.verdict}</span>'
             f'<span class="ck-cite">{esc(VERDICT_LABELS[s.verdict])} (score {s.score:.2f}){esc(flag)}</span></div>',
             f'<div class="ck-text"><b>Draft:</b> {draft}</div>']
    if s.span is None:
        parts.append('<div class="ck-cite">No source span says this.</div>')
        return "".join(parts)
    if s.verdict == "conflicts":
        parts.append(f'<div class="ck-source"><b>The source says:</b> {marked_source(s, conflict, esc)}</div>')
        items = "".join(f'<li class="ck-meaning-item">⚠ {esc(describe(c))}</li>' for c in s.changes) or (
            f'<li class="ck-meaning-item">⚠ read as a whole, the sentence contradicts the source (entailment model, '
            f'{s.contradiction:.2f})</li>')
        parts.append(f'<ul class="ck-changes">{items}</ul>')
    elif s.changes:
        diff = inline_diff(s, ("<del>", "</del>"), ("<ins>", "</ins>"), ('<span class="ck-meaning">', "</span>"),
                           escape=esc)
        parts.append(f'<div class="ck-source">{diff}</div>')
        items = "".join(f'<li class="{"ck-meaning-item" if c.meaning else ""}">{"⚠ " if c.meaning else ""}'
                        f"{esc(describe(c))}</li>" for c in s.changes)
        parts.append(f'<ul class="ck-changes">{items}</ul>')
    else:
        parts.append(f'<div class="ck-source">{esc(s.span.text)}</div>')
    parts.append(f'<div class="ck-cite">{esc(s.span.title)} — <a href="{esc(source_link(s))}" target="_blank">'
                 f"{esc(s.span.path)} chars {s.span.start}–{s.span.end}</a></div>")
    return "".join(parts)

"""The page's views and helpers. `app.py` (the Streamlit script) only lays them out.

    resources.py   the engine and model, loaded once per process and shared by every session; rebuilds; the
                   heavy-work gate
    ask.py         the question box, the source filter and the cited answer cards
    reader.py      a source opened at a cited range (`?source=ID&start=..&end=..`); the page's address
    sources.py     the Sources view: metadata, stale warning; for an editor, add, remove and rebuild
    check.py       the Check wording view; check_html.py its HTML
    editors.py     readers and editors: sign-in, and the check every editing action makes
    following.py   every session follows the live index's sources
    fairness.py    heavy work (long questions, checks) takes turns
    links.py       checking `?source=` links before they are opened
    html.py        HTML building (cards, citations, the source in context); assets.py the page's CSS and scripts
    escape.py      the one escape helper (`esc`, `md_escape`): nothing from a source or a user becomes markup
    markdown.py    Markdown sources shown with their structure, every character at its offset (markdown_reader.py
                   reads the blocks with their offsets, markdown_tree.py holds them, markdown_html.py renders them)
    highlight.py   which sentences and words of a passage to mark

A change to what the page shows belongs here; a change to what an answer or a verdict is belongs in `indexer/`.
"""

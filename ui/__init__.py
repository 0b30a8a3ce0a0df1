"""The page's views and helpers. `app.py` (the Streamlit script) only lays them out.

    resources.py   the engine and model, loaded once per process and shared by every session; rebuilds
    ask.py         the question box, the source filter and the cited answer cards
    reader.py      a source opened at a cited range (`?source=ID&start=..&end=..`)
    sources.py     the Sources view: metadata, stale warning, rebuild
    check.py       the Check wording view
    links.py       checking `?source=` links before they are opened
    html.py        HTML building and the one escape helper (`esc`, `md_escape`): nothing from a source or a user
                   becomes markup
    highlight.py   which sentences and words of a passage to mark

A change to what the page shows belongs here; a change to what an answer or a verdict is belongs in `indexer/`.
"""

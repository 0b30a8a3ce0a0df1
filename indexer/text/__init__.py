"""Text units every stage shares: the one tokenizer (`tokens.py`: the word pattern, folding, stemming), sentence
boundaries with exact offsets (`sentences.py`) and the one heading rule (`headings.py`).

A change to what counts as a word, a sentence or a heading belongs here, and every stage sees it.
"""

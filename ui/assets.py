"""The page's CSS and scripts. They are constants: they take no text from anywhere."""

from __future__ import annotations

CITED_ID = "qa-cited"

CSS = """
<style>
[class*="st-key-qa-card-"] { border-left: 4px solid #2f6fb0; }
[class*="st-key-qa-near-"] { border-left: 4px solid #a3acb9; background: #fafbfc; }
.qa-card { font-size: 1rem; }
.qa-head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; font-size: 0.85rem;
  color: #4a5563; margin-bottom: 0.5rem; }
.qa-rank { font-weight: 700; color: #fff; background: #2f6fb0; border-radius: 999px; padding: 0 0.55rem; }
.qa-nearest .qa-rank { background: #8a94a3; }
.qa-publisher { font-weight: 600; color: #1f2933; }
.qa-flag { margin-left: auto; font-size: 0.75rem; font-weight: 600; color: #8a4b00; background: #fff3e0;
  border: 1px solid #f3c98b; border-radius: 4px; padding: 0 0.4rem; }
.qa-passage { margin: 0; padding: 0 0 0 0.8rem; border-left: 2px solid #e3e8ee; white-space: pre-wrap;
  line-height: 1.6; color: #1f2933; font-family: Georgia, 'Times New Roman', serif; font-size: 1.02rem; }
.qa-passage mark.qa-best { background: #fff1a8; color: inherit; padding: 0.05em 0; border-radius: 2px; }
.qa-passage strong { font-weight: 700; color: #0b3d6e; }
.qa-cite { margin-top: 0.7rem; font-size: 0.82rem; color: #4a5563; overflow-wrap: anywhere; line-height: 1.45; }
.qa-copy { font-size: 0.875rem; line-height: 1.6; padding: 0.25rem 0.75rem; min-height: 2.5rem;
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; background: #fff; color: #31333f; cursor: pointer;
  font-family: inherit; }
.qa-copy:hover { border-color: #2f6fb0; color: #2f6fb0; }
.qa-readas { font-size: 0.92rem; color: #3d4852; background: #f1f5f9; border-radius: 6px; padding: 0.4rem 0.7rem; }
.qa-readas b { color: #1f2933; }
.qa-doc { font-family: Georgia, 'Times New Roman', serif; font-size: 1.04rem; line-height: 1.65; color: #1f2933;
  max-width: 46rem; }
.qa-doc p { white-space: pre-wrap; margin: 0 0 0.9rem; }
.qa-doc h3, .qa-doc h4, .qa-doc h5 { font-family: inherit; margin: 1.4rem 0 0.5rem; color: #0b2540; }
.qa-doc h3 { font-size: 1.3rem; } .qa-doc h4 { font-size: 1.12rem; } .qa-doc h5 { font-size: 1rem; }
.qa-doc p.qa-debris { color: #98a2b0; font-size: 0.85rem; font-family: sans-serif; }
.qa-doc mark { background: #ffe680; color: inherit; box-shadow: 0 0 0 3px #ffe680; border-radius: 2px; }
.qa-meta { font-size: 0.9rem; color: #4a5563; line-height: 1.6; }
.qa-meta code { font-size: 0.8rem; overflow-wrap: anywhere; }
.qa-source-card h4 { margin: 0 0 0.3rem; font-size: 1.05rem; }
.qa-changed { color: #8a4b00; font-weight: 600; }
.qa-md table { border-collapse: collapse; margin: 0.2rem 0 0.9rem; font-size: 0.95em; line-height: 1.45; }
.qa-md th, .qa-md td { border: 1px solid #d5dbe3; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top;
  white-space: pre-wrap; }
.qa-md th { background: #f1f5f9; font-weight: 600; color: #1f2933; }
.qa-md ul, .qa-md ol { margin: 0 0 0.9rem; padding-left: 1.6rem; }
.qa-md li { white-space: pre-wrap; margin: 0.15rem 0; }
.qa-md li > p { margin: 0 0 0.4rem; }
.qa-md blockquote { margin: 0 0 0.9rem; padding-left: 0.8rem; border-left: 3px solid #e3e8ee; }
.qa-md pre { white-space: pre-wrap; font-size: 0.88em; background: #f6f8fa; padding: 0.5rem 0.7rem; }
.qa-passage.qa-md p, .qa-passage.qa-md table, .qa-passage.qa-md ul, .qa-passage.qa-md ol { margin: 0 0 0.5rem; }
.qa-passage.qa-md > :last-child { margin-bottom: 0; }
.qa-md mark { background: #ffe680; color: inherit; border-radius: 2px; }
.qa-passage.qa-md mark.qa-best { background: #fff1a8; }
.st-key-question [data-testid="InputInstructions"] { display: none; }
.st-key-question textarea { min-height: 2.6rem; }
</style>
"""

# One listener for every copy button on the page (buttons carry their text in data-copy, set from escaped text).
COPY_SCRIPT = """
<script>
(() => {
  if (window.__qaCopyInstalled) return;
  window.__qaCopyInstalled = true;
  const fallback = (text) => {
    const area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select(); document.execCommand("copy"); area.remove();
  };
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.qa-copy");
    if (!button) return;
    const text = button.dataset.copy || "";
    try { await navigator.clipboard.writeText(text); } catch (e) { fallback(text); }
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = "Copied ✓";
    setTimeout(() => { button.textContent = label; }, 1600);
  });
})();
</script>
"""

# The question box: Enter asks (as Ctrl+Enter does in Streamlit's form text area), Shift+Enter starts a new line,
# and the box has the focus when the page loads (unless the reader already put it somewhere else).
QUESTION_SCRIPT = """
<script>
(() => {
  if (window.__qaQuestionInstalled) return;
  window.__qaQuestionInstalled = true;
  const BOX = 'textarea[aria-label="Your question"]';
  document.addEventListener("keydown", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.matches(BOX) || !event.isTrusted) return;
    if (event.key !== "Enter" || event.isComposing || event.shiftKey || event.altKey || event.ctrlKey
        || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    box.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", code: "Enter", ctrlKey: true, bubbles: true,
                                                    cancelable: true}));
  }, true);
  let tries = 0;
  const timer = setInterval(() => {
    const box = document.querySelector(BOX);
    if (box) {
      const active = document.activeElement;
      if (!active || active === document.body) box.focus();
      clearInterval(timer);
    } else if (++tries > 50) clearInterval(timer);
  }, 100);
})();
</script>
"""

SCROLL_SCRIPT = """
<script>
(() => {
  let tries = 0;
  const timer = setInterval(() => {
    const mark = document.getElementById("CITED_ID");
    if (mark) { mark.scrollIntoView({block: "center"}); clearInterval(timer); }
    else if (++tries > 60) clearInterval(timer);
  }, 100);
})();
</script>
""".replace("CITED_ID", CITED_ID)

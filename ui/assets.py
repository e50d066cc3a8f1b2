"""CSS and the small click handlers of the custom HTML panels.

The handlers only forward clicks as Gradio events (``trigger``); all the work happens in
Python. Panel CSS is passed as each gr.HTML's ``css_template`` (Gradio scopes it to that
panel); ``PAGE_CSS`` styles the page around them and goes to ``launch(css=...)``.
"""

from __future__ import annotations

# Scroll ``target`` to ``margin`` px below the top of its nearest scrolling ancestor, leaving the page alone
# unless ``target`` is still outside the window (narrow screens, where the panels stack).
SCROLL_HELPER = """
const scrollParent = (node) => {
  for (let p = node.parentElement; p; p = p.parentElement) {
    const style = getComputedStyle(p);
    if (/(auto|scroll)/.test(style.overflowY) && p.scrollHeight > p.clientHeight) return p;
  }
  return null;
};
const reveal = (target, margin) => {
  const box = scrollParent(target);
  if (box) {
    box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - margin;
  }
  const r = target.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight - 40) target.scrollIntoView({block: 'nearest'});
};
"""

# A click on a citation marker sends {turn, n}; a click on an example question sends it.
# After each update the latest turn is scrolled to the top of the panel, so an answer reads from its start.
CONVERSATION_JS = (
    SCROLL_HELPER
    + """
element.addEventListener('click', (event) => {
  const cite = event.target.closest('button.cite, .tl-point');
  if (cite && element.contains(cite)) {
    event.preventDefault();
    element.querySelectorAll('button.cite.active').forEach((b) => b.classList.remove('active'));
    cite.classList.add('active');
    trigger('cite', {turn: Number(cite.dataset.turn), n: Number(cite.dataset.n)});
    return;
  }
  const example = event.target.closest('button.example');
  if (example && element.contains(example)) {
    event.preventDefault();
    trigger('example', {question: example.dataset.example});
  }
});
element.addEventListener('keydown', (event) => {
  const point = event.target.closest('.tl-point');
  if (point && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    trigger('cite', {turn: Number(point.dataset.turn), n: Number(point.dataset.n)});
  }
});
watch('value', () => {
  const turns = element.querySelectorAll('.turn');
  if (turns.length) requestAnimationFrame(() => reveal(turns[turns.length - 1], 8));
});
"""
)

# After every new value, bring the first highlighted line into view inside the article box.
VIEWER_JS = (
    SCROLL_HELPER
    + """
const show = () => {
  const first = element.querySelector('.line.hl');
  const box = element.querySelector('.article');
  if (first) requestAnimationFrame(() => reveal(first, Math.max(24, (box ? box.clientHeight : 300) / 3)));
  else if (box) box.scrollTop = 0;
};
watch('value', show);
show();
"""
)

# A click on an article in the sidebar list sends its path.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('button.source-link');
  if (link && element.contains(link)) {
    event.preventDefault();
    trigger('open', {article: link.dataset.path});
  }
});
"""

CONVERSATION_CSS = """
.conversation { display: flex; flex-direction: column; gap: 18px; padding: 4px 2px 8px; font-size: 15px;
  line-height: 1.6; color: var(--body-text-color); }
.turn { display: flex; flex-direction: column; gap: 8px; }
.ask { display: flex; justify-content: flex-end; }
.bubble { border-radius: 14px; padding: 10px 14px; max-width: 92%; }
.bubble p { margin: 0 0 8px; }
.bubble p:last-child { margin-bottom: 0; }
.question { background: var(--color-accent); color: white; border-bottom-right-radius: 4px; max-width: 80%;
  white-space: pre-wrap; }
.answer { background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary);
  border-bottom-left-radius: 4px; align-self: flex-start; }
.answer.abstained { border-style: dashed; background: var(--background-fill-primary); }
.answer.failed { border-color: #f3b4b4; background: rgba(239, 68, 68, 0.07); }
.abstain-label, .error-label { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em;
  margin-bottom: 4px; }
.abstain-label { color: var(--body-text-color-subdued); }
.abstain-label::before { content: "∅ "; }
.error-label { color: #c0392b; }
.error-label::before { content: "⚠ "; }
.hint { font-size: 13px; color: var(--body-text-color-subdued); }
.understood { font-size: 12.5px; color: var(--body-text-color-subdued); margin-bottom: 6px; font-style: italic; }
.dates-understood { font-size: 12.5px; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.also { font-size: 12px; color: var(--body-text-color-subdued); margin-top: 2px; }
.timeline { margin-top: 8px; }
.timeline svg.tl { width: 100%; max-width: 600px; height: auto; display: block; }
.tl-axis { stroke: var(--body-text-color-subdued); stroke-width: 1.5; }
.tl-window { fill: var(--color-accent-soft, #e0e7ff); opacity: 0.8; }
.tl-asof { stroke: #dc2626; stroke-width: 2; stroke-dasharray: 3 2; }
.tl-tick { font-size: 10px; fill: var(--body-text-color-subdued); font-family: var(--font-mono); }
.tl-point { cursor: pointer; }
.tl-point circle { fill: var(--color-accent, #4f46e5); stroke: white; stroke-width: 1.5; }
.tl-point text { font-size: 9px; fill: white; font-weight: 600; pointer-events: none; }
.tl-point:hover circle, .tl-point:focus circle { fill: #312e81; }
.tl-undated { font-size: 11.5px; color: var(--body-text-color-subdued); }
.cites { white-space: nowrap; }
button.cite { display: inline-flex; align-items: center; justify-content: center; min-width: 1.55em; height: 1.45em;
  margin: 0 1px; padding: 0 5px; border-radius: 6px; border: 1px solid rgba(79, 70, 229, .35);
  background: rgba(79, 70, 229, .10); color: #4338ca; font-size: 12px; font-weight: 600; line-height: 1;
  vertical-align: 2px; cursor: pointer; font-family: inherit; }
button.cite:hover, button.cite:focus-visible, button.cite.active { background: #4f46e5; color: white;
  border-color: #4f46e5; outline: none; }
.unsupported { background: rgba(245, 158, 11, .16); border-bottom: 2px dashed #d97706; border-radius: 3px;
  padding: 0 2px; }
.flag { display: inline-block; margin: 0 4px; padding: 0 6px; border-radius: 999px; background: #f59e0b;
  color: #422006; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em;
  vertical-align: 1px; }
.flag::before { content: "⚠ "; }
.unsupported-note { margin-top: 8px; font-size: 13px; color: #92400e; }
.short-answer { font-size: 20px; font-weight: 700; margin: 2px 0 10px; padding: 6px 10px;
  border-left: 4px solid #2563eb; background: #eff6ff; border-radius: 6px; }
.answer-list { margin: 4px 0 8px; padding-left: 22px; }
.answer-list li { margin: 3px 0; }
.short-answer .confidence { font-size: 12px; font-weight: 500; color: #475569; margin-left: 8px; }
.sources { margin-top: 12px; padding-top: 10px; border-top: 1px solid var(--border-color-primary); }
.sources-label { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em;
  color: var(--body-text-color-subdued); margin-bottom: 6px; }
.sources ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.source { display: flex; gap: 8px; align-items: flex-start; }
.source > button.cite { margin-top: 3px; }
.source-body { min-width: 0; }
.source-title { font-weight: 600; font-size: 13.5px; }
.source-loc { font-size: 12px; color: var(--body-text-color-subdued); font-family: var(--font-mono); }
.quote { margin: 3px 0 0; padding: 2px 0 2px 10px; border-left: 3px solid rgba(79, 70, 229, .45);
  font-size: 13.5px; color: var(--body-text-color); font-style: italic; }
.meta { margin-top: 8px; font-size: 12px; color: var(--body-text-color-subdued); }
details { margin-top: 6px; font-size: 13px; color: var(--body-text-color-subdued); }
.caret { display: inline-block; width: 7px; height: 1em; margin-left: 2px; background: var(--color-accent);
  vertical-align: -2px; animation: blink 1s steps(2) infinite; }
.thinking { display: flex; align-items: center; gap: 4px; color: var(--body-text-color-subdued); font-size: 14px; }
.thinking span { width: 6px; height: 6px; border-radius: 50%; background: var(--color-accent);
  animation: pulse 1.2s infinite ease-in-out; }
.thinking span:nth-child(2) { animation-delay: .2s; }
.thinking span:nth-child(3) { animation-delay: .4s; margin-right: 6px; }
@keyframes blink { to { visibility: hidden; } }
@keyframes pulse { 0%, 100% { opacity: .25; } 50% { opacity: 1; } }
.welcome { margin: 24px auto; max-width: 620px; text-align: center; padding: 8px 12px; }
.welcome-title { font-size: 22px; font-weight: 650; margin-bottom: 8px; }
.welcome-text { color: var(--body-text-color-subdued); font-size: 14.5px; margin: 0 0 18px; }
.examples-label { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em;
  color: var(--body-text-color-subdued); margin-bottom: 8px; }
.examples { display: flex; flex-direction: column; gap: 8px; align-items: stretch; }
button.example { text-align: left; padding: 10px 14px; border-radius: 10px; cursor: pointer; font: inherit;
  font-size: 14.5px; border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  color: var(--body-text-color); }
button.example:hover { border-color: var(--color-accent); background: rgba(79, 70, 229, .06); }
button.example::before { content: "→ "; color: var(--color-accent); }
.welcome-status { margin-top: 16px; font-size: 12.5px; color: var(--body-text-color-subdued); }
"""

VIEWER_CSS = """
.viewer { display: flex; flex-direction: column; min-height: 0; }
.viewer-head { padding: 2px 2px 10px; border-bottom: 1px solid var(--border-color-primary); margin-bottom: 8px; }
.viewer-badge { display: inline-block; padding: 0 7px; margin-bottom: 4px; border-radius: 6px; background: #4f46e5;
  color: white; font-size: 12px; font-weight: 600; }
.viewer-title { font-size: 16px; font-weight: 650; line-height: 1.35; color: var(--body-text-color);
  display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.viewer-loc { font-size: 12px; color: var(--body-text-color-subdued); font-family: var(--font-mono);
  margin-top: 2px; }
.viewer-note { margin-top: 6px; font-size: 12.5px; color: #92400e; }
.viewer-page { font-weight: 700; color: var(--body-text-color); }
.viewer-url { margin-top: 2px; font-size: 12px; overflow-wrap: anywhere; }
.viewer-url a { color: #4f46e5; text-decoration: underline; }
.article { position: relative; overflow-y: auto; max-height: calc(100vh - 290px); min-height: 200px;
  font-size: 14px; line-height: 1.6; color: var(--body-text-color); padding-right: 4px; }
.line { display: flex; gap: 10px; padding: 1px 4px; border-radius: 4px; }
.line .no { flex: 0 0 2.2em; text-align: right; color: var(--body-text-color-subdued); font-size: 11px;
  font-family: var(--font-mono); padding-top: 3px; user-select: none; }
.line .tx { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 0; }
.line.hl { background: rgba(250, 204, 21, .22); box-shadow: inset 3px 0 0 #eab308; }
.line.hl mark { background: rgba(250, 204, 21, .75); color: inherit; border-radius: 2px; padding: 0 1px; }
.viewer-empty, .viewer-error { padding: 28px 16px; text-align: center; }
.viewer-message-title { font-weight: 650; font-size: 15px; color: var(--body-text-color); margin-bottom: 6px; }
.viewer-message { color: var(--body-text-color-subdued); font-size: 14px; margin: 0; }
.viewer-error .viewer-message-title { color: #c0392b; }
.viewer-error .viewer-message-title::before { content: "⚠ "; }
"""

SOURCES_CSS = """
.source-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.source-list.empty { font-size: 13px; color: var(--body-text-color-subdued); }
button.source-link { width: 100%; text-align: left; border: 1px solid transparent; background: none; cursor: pointer;
  padding: 5px 7px; border-radius: 8px; display: flex; flex-direction: column; font: inherit;
  color: var(--body-text-color); }
button.source-link:hover { background: var(--background-fill-secondary); border-color: var(--border-color-primary); }
.sl-title { font-size: 13px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sl-meta { font-size: 11.5px; color: var(--body-text-color-subdued); font-family: var(--font-mono);
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
"""

PAGE_CSS = """
.app-header { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; padding: 2px 0 4px; }
.app-title { font-size: 21px; font-weight: 700; }
.app-tagline { font-size: 14px; color: var(--body-text-color-subdued); }
.panel-heading { font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .06em;
  color: var(--body-text-color-subdued); margin: 6px 0 -4px; }
.panel-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 9px 11px;
  background: var(--background-fill-primary); font-size: 13px; }
.panel-card.warn { border-color: #f1c27d; background: rgba(245, 158, 11, .08); }
.panel-strong { font-weight: 650; font-size: 14px; display: flex; align-items: center; gap: 6px; }
.panel-muted { font-weight: 400; color: var(--body-text-color-subdued); }
.panel-small { font-size: 12.5px; color: var(--body-text-color-subdued); margin-top: 3px; line-height: 1.45; }
.dot { width: 8px; height: 8px; border-radius: 50%; display: inline-block; }
.dot.green { background: #22c55e; } .dot.grey { background: #94a3b8; }
.stats { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; }
.stats dt { color: var(--body-text-color-subdued); }
.stats dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.stats dd.mono { font-family: var(--font-mono); font-size: 11.5px; font-weight: 500; }
.messages { display: flex; flex-direction: column; gap: 4px; font-size: 12.5px; }
.msg { padding: 5px 8px; border-radius: 8px; }
.checks .msg { overflow-wrap: anywhere; }
.msg.ok { background: rgba(34, 197, 94, .10); } .msg.warn { background: rgba(245, 158, 11, .12); }
.msg.error { background: rgba(239, 68, 68, .10); color: #b91c1c; }
#chat-panel { border: 1px solid var(--border-color-primary); border-radius: 12px; padding: 12px 14px;
  background: var(--background-fill-primary); }
#viewer-panel { border: 1px solid var(--border-color-primary); border-radius: 12px; padding: 12px 14px;
  background: var(--background-fill-primary); position: sticky; top: 12px; }
#ask-row { align-items: stretch; }
#upload-box { min-height: 0; }
footer { display: none !important; }
"""

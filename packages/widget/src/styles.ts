/**
 * All styles live in the shadow root: the host page's CSS cannot reach in, ours cannot leak out.
 * `--hl-color` is the inbox colour, `--hl-on-color` the text colour that reads on it.
 */
export const STYLES = `
:host { all: initial; }
.root, .root * { box-sizing: border-box; font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Segoe UI", Roboto, sans-serif; }
.root { font-size: 14px; line-height: 1.5; color: #1f2329; -webkit-font-smoothing: antialiased; }
button, input, select, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--hl-color); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
svg { width: 20px; height: 20px; fill: currentColor; flex: none; }

.launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0; cursor: pointer;
  background: var(--hl-color); color: var(--hl-on-color); box-shadow: 0 6px 20px rgba(0,0,0,.22); z-index: 2147483000;
  display: flex; align-items: center; justify-content: center; transition: transform .15s ease; }
.launcher:hover { transform: scale(1.06); }
.launcher svg { width: 28px; height: 28px; }
.launcher:focus-visible { outline-offset: 3px; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; border-radius: 11px; background: #f53f3f; color: #fff;
  font-size: 12px; font-weight: 600; line-height: 22px; padding: 0 6px; text-align: center; border: 2px solid #fff; }

.panel { position: fixed; right: 20px; bottom: 88px; width: 376px; height: min(640px, calc(100vh - 112px)); background: #fff;
  border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.22); z-index: 2147483000; display: flex; flex-direction: column;
  overflow: hidden; overflow: clip; animation: hl-rise .18s ease-out; outline: none; }
.panel[hidden] { display: none; }
@keyframes hl-rise { from { opacity: 0; transform: translateY(12px); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .panel { animation: none; } .launcher { transition: none; } }
@media (max-width: 520px) {
  .panel { top: 0; right: 0; bottom: 0; left: 0; width: 100%; height: 100%; border-radius: 0; }
  .launcher.open { display: none; }
  input, select, textarea { font-size: 16px !important; } /* below 16px iOS zooms the page on focus */
}

.header { background: var(--hl-color); color: var(--hl-on-color); padding: 14px 12px 14px 18px; display: flex; align-items: center; gap: 8px; flex: none; }
.title { flex: 1; min-width: 0; }
.header h2 { margin: 0; font-size: 16px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.status { font-size: 12px; opacity: .9; display: flex; align-items: center; gap: 6px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #c9cdd4; display: inline-block; }
.dot.on { background: #23c343; box-shadow: 0 0 0 2px rgba(255,255,255,.6); }
.icon-button { background: transparent; border: 0; cursor: pointer; padding: 8px; border-radius: 8px; display: flex; color: inherit; }
.icon-button:hover { background: rgba(127,127,127,.15); }

.banner { background: #e8f3ff; color: #0e42d2; padding: 8px 16px; font-size: 12px; flex: none; }
.banner.warning { background: #fff7e8; color: #86590d; }

/* position: relative keeps the visually-hidden labels inside the scroller, not overflowing the panel. */
.messages { position: relative; flex: 1; min-height: 0; overflow-y: auto; padding: 16px 14px; background: #f5f6f8; overscroll-behavior: contain; outline: none; }
.greeting { background: #fff; border-radius: 10px; padding: 12px 14px; margin-bottom: 14px; color: #4e5969; box-shadow: 0 1px 2px rgba(0,0,0,.04); white-space: pre-wrap; }
.row { display: flex; flex-direction: column; margin: 8px 0; }
.row.mine { align-items: flex-end; }
.row.theirs { align-items: flex-start; }
.sender { font-size: 12px; color: #86909c; margin: 0 4px 2px; }
.articles { margin: 4px 0 8px; font-size: 13px; }
.articles form { display: flex; gap: 6px; }
.articles input { flex: 1; min-width: 0; padding: 6px 10px; border: 1px solid #d0d3d9; border-radius: 14px; font: inherit; }
.articles ul { margin: 6px 0 0; padding-left: 18px; }
.articles .hint { margin: 6px 0 0; color: #86909c; }
.choices { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; max-width: 90%; }
.choice { border: 1px solid var(--hl-color); color: var(--hl-color); background: #fff; border-radius: 14px; padding: 5px 12px; font: inherit; font-size: 13px; cursor: pointer; text-align: left; }
.choice:hover, .choice:focus-visible { background: var(--hl-color); color: var(--hl-on-color); }
.bubble { max-width: 82%; padding: 9px 13px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere; }
.mine .bubble { background: var(--hl-color); color: var(--hl-on-color); border-bottom-right-radius: 4px; }
.mine .bubble a { color: inherit; }
.theirs .bubble { background: #fff; border-bottom-left-radius: 4px; box-shadow: 0 1px 2px rgba(0,0,0,.05); }
.theirs .bubble a { color: #165dff; }
.rich { white-space: normal; }
.rich p, .rich ul, .rich ol { margin: 0; }
.rich p + p, .rich p + ul, .rich p + ol, .rich ul + p, .rich ol + p { margin-top: 6px; }
.rich ul, .rich ol { padding-left: 20px; }
.rich code { font-family: ui-monospace, monospace; font-size: 0.92em; background: rgba(0,0,0,.06); padding: 0 3px; border-radius: 3px; }
.answer-image { display: block; max-width: 100%; border-radius: 8px; margin: 4px 0; }
.row.failed .bubble { opacity: .6; }
.meta { font-size: 11px; color: #86909c; margin: 3px 4px 0; }
.delivery.read { color: var(--hl-color); }
.error-text { color: #f53f3f; }
.link { background: none; border: 0; padding: 0; color: #165dff; cursor: pointer; text-decoration: underline; font-size: inherit; }
.event { text-align: center; color: #86909c; font-size: 12px; margin: 12px 0; }
.picture img { display: block; max-width: 220px; max-height: 220px; border-radius: 10px; margin-top: 4px; background: #e5e6eb; }
.file { display: inline-flex; align-items: center; gap: 8px; margin-top: 4px; padding: 9px 12px; background: #fff; border: 1px solid #e5e6eb;
  border-radius: 10px; color: #1f2329; text-decoration: none; max-width: 82%; }
.file svg { color: #86909c; }
.file-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.file-size { color: #86909c; font-size: 12px; flex: none; }
.typing { color: #86909c; font-size: 12px; margin: 8px 4px; display: flex; align-items: center; gap: 8px; }
.dots { display: inline-flex; gap: 3px; background: #fff; padding: 8px 10px; border-radius: 12px; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: #a9aeb8; animation: hl-blink 1.2s infinite ease-in-out; }
.dots i:nth-child(2) { animation-delay: .15s; } .dots i:nth-child(3) { animation-delay: .3s; }
@keyframes hl-blink { 0%, 80%, 100% { opacity: .3; } 40% { opacity: 1; } }

.alert { display: flex; gap: 10px; align-items: flex-start; justify-content: space-between; background: #ffece8; color: #cb2634;
  padding: 8px 14px; font-size: 13px; flex: none; }
.alert .link { color: #cb2634; flex: none; }

.composer { display: flex; gap: 4px; padding: 10px; border-top: 1px solid #e5e6eb; align-items: flex-end; background: #fff; flex: none; }
.composer .icon-button { color: #4e5969; }
.composer textarea { flex: 1; resize: none; border: 1px solid #e5e6eb; border-radius: 10px; padding: 8px 10px; max-height: 120px;
  min-height: 40px; outline: none; line-height: 1.5; background: #f7f8fa; }
.composer textarea:focus { border-color: var(--hl-color); background: #fff; }
.send-button { width: 40px; height: 40px; border-radius: 10px; border: 0; background: var(--hl-color); color: var(--hl-on-color);
  cursor: pointer; display: flex; align-items: center; justify-content: center; flex: none; }
.send-button:disabled { opacity: .4; cursor: default; }

.card { background: #fff; border-radius: 12px; padding: 14px; display: flex; flex-direction: column; gap: 10px; margin-top: 12px;
  box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.card h3 { margin: 0; font-size: 15px; font-weight: 600; }
.card .note { margin: 0; color: #4e5969; white-space: pre-wrap; }
.card .opens { color: #1f2329; font-weight: 500; }
.field { display: flex; flex-direction: column; gap: 4px; }
.field label { font-size: 13px; color: #4e5969; }
.card input, .card select, .card textarea { border: 1px solid #e5e6eb; border-radius: 8px; padding: 8px 10px; background: #fff; width: 100%; }
.card textarea { resize: vertical; }
.card input:focus, .card select:focus, .card textarea:focus { border-color: var(--hl-color); outline: none; }
.card [aria-invalid="true"] { border-color: #f53f3f; }
.field-error { color: #f53f3f; font-size: 12px; }
.card .hint { margin: 0; color: #4e5969; font-size: 13px; }
.card .actions { display: flex; align-items: center; gap: 14px; }
.verify-offer { display: block; margin: 12px auto 0; font-size: 13px; }
.verified { text-align: center; color: #00873a; font-size: 13px; margin-top: 12px; }
.portal-link { display: block; margin: 8px auto 0; font-size: 13px; }
.primary { background: var(--hl-color); color: var(--hl-on-color); border: 0; border-radius: 8px; padding: 10px 14px; cursor: pointer; font-weight: 500; }
.primary:disabled { opacity: .5; cursor: default; }
.stars { display: flex; gap: 6px; }
.stars button { background: transparent; border: 0; font-size: 30px; line-height: 1; cursor: pointer; color: #c9cdd4; padding: 2px; border-radius: 6px; }
.stars button.on { color: #ff9a2e; }
.thanks { text-align: center; color: #00873a; background: #e8ffea; border-radius: 10px; padding: 10px; margin-top: 12px; }
`;

/** All styles live in the shadow root: nothing leaks into or out of the host page. */
export const STYLES = `
:host { all: initial; }
* { box-sizing: border-box; font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Microsoft YaHei", "Segoe UI", sans-serif; }
.launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0; cursor: pointer;
  background: var(--hl-color); color: #fff; box-shadow: 0 4px 16px rgba(0,0,0,.2); z-index: 2147483000; display: flex; align-items: center; justify-content: center; }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
.badge { position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; border-radius: 10px; background: #f53f3f; color: #fff; font-size: 12px; line-height: 20px; padding: 0 6px; }
.panel { position: fixed; right: 20px; bottom: 88px; width: 370px; height: min(600px, calc(100vh - 120px)); background: #fff; border-radius: 12px;
  box-shadow: 0 8px 32px rgba(0,0,0,.2); z-index: 2147483000; display: flex; flex-direction: column; overflow: hidden; color: #1f2329; font-size: 14px; }
@media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; height: 100%; border-radius: 0; } .launcher.open { display: none; } }
.header { background: var(--hl-color); color: #fff; padding: 14px 16px; display: flex; align-items: center; justify-content: space-between; }
.header h2 { margin: 0; font-size: 16px; font-weight: 600; }
.header button { background: transparent; border: 0; color: #fff; font-size: 22px; cursor: pointer; line-height: 1; }
.notice { background: #fff7e8; color: #86590d; padding: 6px 12px; font-size: 12px; }
.body { flex: 1; overflow-y: auto; padding: 12px; background: #f7f8fa; }
.greeting { background: #fff; border-radius: 8px; padding: 10px 12px; margin-bottom: 12px; color: #4e5969; }
.row { display: flex; margin: 6px 0; flex-direction: column; }
.row.mine { align-items: flex-end; }
.row.theirs { align-items: flex-start; }
.bubble { max-width: 80%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-break: break-word; line-height: 1.5; }
.mine .bubble { background: var(--hl-color); color: #fff; border-bottom-right-radius: 4px; }
.mine .bubble a { color: #fff; }
.theirs .bubble { background: #fff; border-bottom-left-radius: 4px; }
.meta { font-size: 11px; color: #86909c; margin-top: 2px; }
.meta.failed { color: #f53f3f; cursor: pointer; }
.event { text-align: center; color: #86909c; font-size: 12px; margin: 8px 0; }
.attachment img { max-width: 200px; max-height: 200px; border-radius: 8px; display: block; margin-top: 4px; }
.attachment a.file { display: inline-block; margin-top: 4px; }
.typing { color: #86909c; font-size: 12px; padding: 4px 12px; }
.composer { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #e5e6eb; align-items: flex-end; background: #fff; }
.composer textarea { flex: 1; resize: none; border: 1px solid #e5e6eb; border-radius: 8px; padding: 8px; font-size: 14px; max-height: 120px; min-height: 38px; outline: none; }
.composer textarea:focus { border-color: var(--hl-color); }
.icon { background: transparent; border: 0; cursor: pointer; font-size: 18px; padding: 6px; color: #4e5969; }
.primary { background: var(--hl-color); color: #fff; border: 0; border-radius: 8px; padding: 8px 14px; cursor: pointer; font-size: 14px; }
.primary:disabled { opacity: .5; cursor: default; }
form.card { background: #fff; border-radius: 8px; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
form.card label { display: flex; flex-direction: column; gap: 4px; font-size: 13px; color: #4e5969; }
form.card input, form.card select, form.card textarea { border: 1px solid #e5e6eb; border-radius: 6px; padding: 7px 8px; font-size: 14px; }
.stars { display: flex; gap: 4px; }
.stars button { background: transparent; border: 0; font-size: 26px; cursor: pointer; color: #c9cdd4; padding: 0; }
.stars button.on { color: #ff9a2e; }
.error { color: #f53f3f; font-size: 12px; padding: 4px 12px; }
.thanks { text-align: center; color: #00b42a; padding: 8px; }
`;

/**
 * Splits a reply's plain text into the new part and the quoted history under it. A small
 * documented heuristic for the common clients, applied line by line; the first match starts
 * the quoted part:
 *
 * - attribution lines: `On <date>, <name> wrote:` (Gmail, Apple Mail, Thunderbird; may wrap
 *   onto two lines), `在 <date>，<name> 写道：` and `<name> 于 <date> 写道：` (Chinese clients);
 * - separators: `-----Original Message-----` (Outlook), `-----原始邮件-----` / `------------------ 原始邮件 ------------------` (QQ Mail, Foxmail),
 *   `________________________________` followed by a header block (Outlook web);
 * - an Outlook header block: `From:` / `发件人:` followed within two lines by `Sent:` / `Date:` / `发送时间:` / `To:` / `收件人:`;
 * - a run of `>`-quoted lines that reaches the end of the message (blank lines and a
 *   signature-free tail allowed).
 *
 * Anything the heuristic misses stays in the new part: nothing is ever lost, since the full
 * original is kept and downloadable.
 */
const ATTRIBUTION = [
  /^On\b.{0,200}\bwrote:\s*$/i,
  /^在.{0,200}写道[:：]\s*$/,
  /^.{0,200}于.{0,100}写道[:：]\s*$/,
  /^Le\b.{0,200}a écrit\s*:\s*$/i,
  /^Am\b.{0,200}schrieb.{0,100}:\s*$/i,
];
const SEPARATOR = [
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*原始邮件\s*-{2,}\s*$/,
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
];
const HEADER_START = /^\*?(From|发件人)\s*\*?\s*[:：]/i;
const HEADER_NEXT = /^\*?(Sent|Date|To|Subject|发送时间|时间|日期|收件人|主题)\s*\*?\s*[:：]/i;

export interface SplitText {
  body: string;
  quoted: string;
}

export function splitQuoted(text: string): SplitText {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const cut = findCut(lines);
  if (cut === undefined) return { body: text.trim(), quoted: '' };
  const body = lines.slice(0, cut).join('\n').trim();
  const quoted = lines.slice(cut).join('\n').trim();
  // A message that is nothing but a quote (a bare forward) keeps everything as its body.
  if (!body) return { body: text.trim(), quoted: '' };
  return { body, quoted };
}

function findCut(lines: string[]): number | undefined {
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (!line) continue;
    if (ATTRIBUTION.some((pattern) => pattern.test(line))) return index;
    // "On Mon, 1 Dec 2026 at 10:00, Someone <a@b.c>" + "wrote:" on the next line.
    if (/^On\b/i.test(line) && /^\S*.{0,100}wrote:\s*$/i.test(lines[index + 1]?.trim() ?? '') && line.length < 200) return index;
    if (SEPARATOR.some((pattern) => pattern.test(line))) return index;
    if (HEADER_START.test(line) && lines.slice(index + 1, index + 3).some((next) => HEADER_NEXT.test(next.trim()))) return index;
    if (line.startsWith('>') && lines.slice(index).every((rest) => !rest.trim() || rest.trim().startsWith('>'))) return index;
  }
  return undefined;
}

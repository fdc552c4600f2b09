import MarkdownIt, { type Token } from 'markdown-it';
import { plainTextOf, type MessageRow } from '../../modules/conversations/views.js';

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Inline tokens → text; a link keeps its address after its words unless the words are the address. */
function inlineText(tokens: Token[]): string {
  let out = '';
  const links: { href: string; start: number }[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'code_inline':
      case 'html_inline':
        out += token.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'image': {
        const alt = token.children ? inlineText(token.children) : token.content;
        const src = token.attrGet('src') ?? '';
        out += alt ? `${alt} ${String(src)}` : String(src);
        break;
      }
      case 'link_open':
        links.push({ href: String(token.attrGet('href') ?? ''), start: out.length });
        break;
      case 'link_close': {
        const link = links.pop();
        if (link?.href && out.slice(link.start).trim() !== link.href && !link.href.startsWith('#')) out += ` (${link.href})`;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/**
 * Markdown (knowledge-base answers) as the plain text WeChat shows: no `**`, `#`, backticks or
 * link syntax; paragraphs separated by a blank line, list items as `-` or `1.` lines, links as
 * "words (address)" so they stay clickable (WeChat links bare URLs in text messages).
 */
export function markdownToPlainText(source: string): string {
  const tokens = markdown.parse(source, {});
  // Each block with the list it is an item of: items of one list stay on consecutive lines.
  const blocks: { text: string; list?: number }[] = [];
  const lists: { id: number; ordered: boolean; next: number }[] = [];
  let listCount = 0;
  let prefix = '';
  let quote = 0;
  const push = (text: string) => {
    const lead = '> '.repeat(quote);
    const lines = (prefix + text).split('\n');
    blocks.push({
      text: lines.map((line, index) => (index === 0 ? lead + line : lead + ' '.repeat(prefix.length) + line)).join('\n'),
      list: prefix ? lists.at(-1)?.id : undefined,
    });
    prefix = '';
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'bullet_list_open':
        lists.push({ id: ++listCount, ordered: false, next: 1 });
        break;
      case 'ordered_list_open':
        lists.push({ id: ++listCount, ordered: true, next: Number(token.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const list = lists.at(-1);
        const indent = '  '.repeat(Math.max(0, lists.length - 1));
        prefix = `${indent}${list?.ordered ? `${list.next++}.` : '-'} `;
        break;
      }
      case 'blockquote_open':
        quote++;
        break;
      case 'blockquote_close':
        quote--;
        break;
      case 'inline':
        push(inlineText(token.children ?? []));
        break;
      case 'fence':
      case 'code_block':
        push(token.content.replace(/\n$/, ''));
        break;
      case 'hr':
        push('———');
        break;
      default:
        break;
    }
  }
  let result = '';
  blocks.forEach((block, index) => {
    const previous = blocks[index - 1];
    if (previous) result += block.list !== undefined && block.list === previous.list ? '\n' : '\n\n';
    result += block.text;
  });
  return result.trim();
}

/**
 * The text a WeChat customer receives for an outbound message: the bot writes Markdown (from
 * the knowledge base), which WeChat would show raw, so it is flattened; an agent's words go as
 * typed. Structured options ("did you mean…") become numbered lines.
 */
export function wechatTextOf(message: Pick<MessageRow, 'text' | 'payload' | 'senderType'>): string {
  const text = message.senderType === 'bot' ? markdownToPlainText(message.text) : message.text;
  return plainTextOf({ text, payload: message.payload });
}

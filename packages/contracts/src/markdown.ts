/**
 * The Markdown of knowledge-base answers (bold, emphasis, code, links, images, lists), parsed
 * into a tree that clients render as elements, never as an HTML string: no markup in an answer
 * can reach a page as HTML. A full Markdown library would add tens of kilobytes to the widget
 * that customers' sites load, and would produce HTML that then needs sanitising; answers use
 * only this subset. markdownToPlainText is for the console's plain-text composer; the WeChat
 * connector flattens with markdown-it on the server (channels/wechat/text.ts), which also knows
 * the Markdown an answer could have beyond this subset.
 */

export type MarkdownInline =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em'; children: MarkdownInline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: MarkdownInline[] }
  | { type: 'image'; src: string; alt: string };

export type MarkdownBlock =
  { type: 'paragraph'; lines: MarkdownInline[][] } | { type: 'list'; ordered: boolean; items: MarkdownInline[][] };

/** Only web links and site-relative paths: never javascript:, data: or protocol-relative URLs. */
export function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  if (/^https?:\/\/[^\s]+$/i.test(trimmed) || /^mailto:[^\s]+$/i.test(trimmed)) return trimmed;
  if (/^\/(?!\/)[^\s]*$/.test(trimmed)) return trimmed;
  return null;
}

// One alternation, tried left to right at each position; the first group that matched says which.
const INLINE =
  /!\[([^\]\n]*)\]\(([^)\s]+)\)|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*(.+?)\*\*|__(.+?)__|`([^`\n]+)`|\*([^*\s](?:[^*\n]*[^*\s])?)\*|(https?:\/\/[^\s<>"'，。！？、；：（）《》【】「」]+)/g;
const SENTENCE_END = /[.,;:!?)\]}'"]+$/;

export function parseInline(text: string): MarkdownInline[] {
  const out: MarkdownInline[] = [];
  const pushText = (value: string) => {
    if (!value) return;
    const last = out[out.length - 1];
    if (last?.type === 'text') last.text += value;
    else out.push({ type: 'text', text: value });
  };
  const pattern = new RegExp(INLINE.source, 'g');
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const start = match.index;
    pushText(text.slice(last, start));
    let consumed = match[0].length;
    const [, imageAlt, imageSrc, linkText, linkHref, strong, strongUnderscore, code, em, bareUrl] = match;
    if (imageSrc !== undefined) {
      const src = safeUrl(imageSrc);
      if (src) out.push({ type: 'image', src, alt: imageAlt ?? '' });
      else pushText(imageAlt ?? '');
    } else if (linkHref !== undefined) {
      const href = safeUrl(linkHref);
      const children = parseInline(linkText ?? '');
      if (href) out.push({ type: 'link', href, children });
      else out.push(...children);
    } else if (strong !== undefined || strongUnderscore !== undefined) {
      out.push({ type: 'strong', children: parseInline(strong ?? strongUnderscore ?? '') });
    } else if (code !== undefined) {
      out.push({ type: 'code', text: code });
    } else if (em !== undefined) {
      out.push({ type: 'em', children: parseInline(em) });
    } else if (bareUrl !== undefined) {
      // Punctuation that ends the sentence is not part of the link.
      const url = bareUrl.replace(SENTENCE_END, '');
      consumed = url.length;
      if (url.length > 'https://'.length) out.push({ type: 'link', href: url, children: [{ type: 'text', text: url }] });
      else pushText(url);
    }
    last = start + consumed;
    pattern.lastIndex = last;
  }
  pushText(text.slice(last));
  return out;
}

const LIST_ITEM = /^\s{0,3}(?:([-*+])|(\d{1,3})[.)])\s+(.*)$/;

export function parseMarkdown(text: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let paragraph: MarkdownInline[][] | null = null;
  let list: Extract<MarkdownBlock, { type: 'list' }> | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (!line.trim()) {
      paragraph = null;
      list = null;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      if (!list || list.ordered !== ordered) {
        list = { type: 'list', ordered, items: [] };
        blocks.push(list);
      }
      list.items.push(parseInline(item[3] ?? ''));
      paragraph = null;
      continue;
    }
    list = null;
    if (!paragraph) {
      paragraph = [];
      blocks.push({ type: 'paragraph', lines: paragraph });
    }
    paragraph.push(parseInline(line.trim()));
  }
  return blocks;
}
function inlineText(nodes: MarkdownInline[], absolute: (url: string) => string): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
        case 'code':
          return node.text;
        case 'strong':
        case 'em':
          return inlineText(node.children, absolute);
        case 'image':
          return node.alt ? `${node.alt}（${absolute(node.src)}）` : absolute(node.src);
        case 'link': {
          const label = inlineText(node.children, absolute);
          const href = absolute(node.href);
          return label === href || label === node.href ? href : `${label}（${href}）`;
        }
      }
    })
    .join('');
}

/**
 * The answer as plain text for channels that show no formatting: markers dropped, links as
 * "text（URL）" with relative paths made absolute by `absolute` (they would be dead otherwise).
 */
export function markdownToPlainText(text: string, absolute: (url: string) => string = (url) => url): string {
  return parseMarkdown(text)
    .map((block) =>
      block.type === 'paragraph'
        ? block.lines.map((line) => inlineText(line, absolute)).join('\n')
        : block.items.map((item, index) => `${block.ordered ? `${index + 1}.` : '•'} ${inlineText(item, absolute)}`).join('\n'),
    )
    .join('\n\n');
}

import { Fragment } from 'preact';
import { parseMarkdown, type MarkdownInline } from '@huiliu/contracts/markdown';

type ResolveUrl = (url: string) => string | null;

function Inline({ nodes, resolveUrl }: { nodes: MarkdownInline[]; resolveUrl: ResolveUrl }) {
  return (
    <>
      {nodes.map((node, index) => {
        switch (node.type) {
          case 'text':
            return node.text;
          case 'strong':
            return (
              <strong key={index}>
                <Inline nodes={node.children} resolveUrl={resolveUrl} />
              </strong>
            );
          case 'em':
            return (
              <em key={index}>
                <Inline nodes={node.children} resolveUrl={resolveUrl} />
              </em>
            );
          case 'code':
            return <code key={index}>{node.text}</code>;
          case 'link': {
            // Relative links (the help center) point at Huiliu's server, not the host page.
            const href = resolveUrl(node.href);
            const label = <Inline nodes={node.children} resolveUrl={resolveUrl} />;
            return href ? (
              <a key={index} href={href} target="_blank" rel="noopener noreferrer nofollow">
                {label}
              </a>
            ) : (
              label
            );
          }
          case 'image': {
            const src = resolveUrl(node.src);
            return src ? <img key={index} class="answer-image" src={src} alt={node.alt} loading="lazy" /> : node.alt;
          }
        }
      })}
    </>
  );
}

/** A knowledge-base answer's Markdown as elements (never an HTML string). */
export function RichText({ text, resolveUrl }: { text: string; resolveUrl: ResolveUrl }) {
  return (
    <div class="rich">
      {parseMarkdown(text).map((block, index) =>
        block.type === 'paragraph' ? (
          <p key={index}>
            {block.lines.map((line, lineIndex) => (
              <Fragment key={lineIndex}>
                {lineIndex > 0 && <br />}
                <Inline nodes={line} resolveUrl={resolveUrl} />
              </Fragment>
            ))}
          </p>
        ) : block.ordered ? (
          <ol key={index}>
            {block.items.map((item, itemIndex) => (
              <li key={itemIndex}>
                <Inline nodes={item} resolveUrl={resolveUrl} />
              </li>
            ))}
          </ol>
        ) : (
          <ul key={index}>
            {block.items.map((item, itemIndex) => (
              <li key={itemIndex}>
                <Inline nodes={item} resolveUrl={resolveUrl} />
              </li>
            ))}
          </ul>
        ),
      )}
    </div>
  );
}

import { parseMarkdown, type MarkdownInline } from '@huiliu/contracts/markdown';
import { Fragment } from 'react';

/** Inline Markdown nodes as React elements (the same parser the widget uses; never an HTML string). */
function Inline({ nodes }: { nodes: MarkdownInline[] }) {
  return (
    <>
      {nodes.map((node, index) => {
        switch (node.type) {
          case 'text':
            return <Fragment key={index}>{node.text}</Fragment>;
          case 'strong':
            return (
              <strong key={index}>
                <Inline nodes={node.children} />
              </strong>
            );
          case 'em':
            return (
              <em key={index}>
                <Inline nodes={node.children} />
              </em>
            );
          case 'code':
            return <code key={index}>{node.text}</code>;
          case 'link':
            return (
              <a key={index} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
                <Inline nodes={node.children} />
              </a>
            );
          case 'image':
            return (
              <img
                key={index}
                src={node.src}
                alt={node.alt}
                loading="lazy"
                style={{ display: 'block', maxWidth: '100%', borderRadius: 6 }}
              />
            );
        }
      })}
    </>
  );
}

/** A knowledge-base answer (the bot's message) with its Markdown shown as formatting. */
export function RichText({ text }: { text: string }) {
  return (
    <div data-testid="message-text" style={{ whiteSpace: 'normal' }}>
      {parseMarkdown(text).map((block, index) =>
        block.type === 'paragraph' ? (
          <p key={index} style={{ margin: index === 0 ? 0 : '6px 0 0' }}>
            {block.lines.map((line, lineIndex) => (
              <Fragment key={lineIndex}>
                {lineIndex > 0 && <br />}
                <Inline nodes={line} />
              </Fragment>
            ))}
          </p>
        ) : (
          (() => {
            const List = block.ordered ? 'ol' : 'ul';
            return (
              <List key={index} style={{ margin: index === 0 ? 0 : '6px 0 0', paddingInlineStart: 20 }}>
                {block.items.map((item, itemIndex) => (
                  <li key={itemIndex}>
                    <Inline nodes={item} />
                  </li>
                ))}
              </List>
            );
          })()
        ),
      )}
    </div>
  );
}

import type { ReactNode } from 'react';
import { parseRichText, type RichNode } from './parse-rich-text.ts';

function renderNodes(nodes: RichNode[], keyPrefix: string): ReactNode[] {
  return nodes.map((node, i) => {
    const key = `${keyPrefix}${i}`;
    switch (node.kind) {
      case 'text':
        return node.text;
      case 'code':
        return (
          <code key={key} className="rt-code">
            {node.text}
          </code>
        );
      case 'link':
        return (
          <a key={key} href={node.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {node.text}
          </a>
        );
      case 'bold':
        return <strong key={key}>{renderNodes(node.children, `${key}.`)}</strong>;
      case 'italic':
        return <em key={key}>{renderNodes(node.children, `${key}.`)}</em>;
    }
  });
}

/** Message text with safe formatting; React escapes every string it renders. */
export function RichText({ text }: { text: string }) {
  return <>{renderNodes(parseRichText(text), 'n')}</>;
}

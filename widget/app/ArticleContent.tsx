import type { ComponentChildren } from 'preact';

/**
 * A help article in a bot message. The console's article preview renders this same component
 * inside the widget's own stylesheet, so the owner sees exactly what shoppers will see.
 */
export function ArticleContent({ title, html, children }: { title: string; html: string; children?: ComponentChildren }) {
  return (
    <article class="article">
      <h3 class="article-title">{title}</h3>
      {/* The only HTML the widget renders: built by the server from the shop's markdown, raw HTML refused and sanitised. */}
      <div class="article-body" dangerouslySetInnerHTML={{ __html: html }} />
      {children}
    </article>
  );
}

/**
 * Article markdown → safe HTML + excerpt + plain text, and the content rules an owner's article
 * must pass. One copy, imported by the Worker (publish, preview) and by the Node build
 * (kb:build, site:import), so a folder and the console accept and render exactly the same.
 */
import MarkdownIt from 'markdown-it';

/** What the widget renders: raw HTML is escaped (html:false), markdown-it's link check stays on. */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!;
  const href = t.attrGet('href') ?? '';
  if (/^https?:\/\//i.test(href)) {
    t.attrSet('target', '_blank');
    t.attrSet('rel', 'noopener noreferrer nofollow');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/**
 * Only for the checks: this parser sees raw HTML as HTML and keeps every link, so the rules can
 * refuse them with a line number instead of silently escaping or dropping them.
 */
const inspector = new MarkdownIt({ html: true, linkify: true, typographer: false });
inspector.validateLink = () => true;

type MdToken = ReturnType<MarkdownIt['parse']>[number];

function inlineText(t: MdToken): string {
  let s = '';
  for (const c of t.children ?? []) {
    if (c.type === 'text' || c.type === 'code_inline') s += c.content;
    else if (c.type === 'softbreak' || c.type === 'hardbreak') s += ' ';
  }
  return s.replace(/\s+/g, ' ').trim();
}

export interface RenderedMarkdown {
  /** safe HTML of the whole body, as the widget shows it */
  html: string;
  /** plain text of the first paragraph: the short answer */
  excerpt: string;
  /** plain text of the whole body (what the index reads) */
  text: string;
}

export function renderMarkdown(body: string): RenderedMarkdown {
  const tokens = md.parse(body, {});
  let excerpt = '';
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'inline') parts.push(inlineText(t));
    else if ((t.type === 'fence' || t.type === 'code_block') && t.content.trim()) parts.push(t.content.trim());
    if (!excerpt && t.type === 'paragraph_open' && t.level === 0 && tokens[i + 1]?.type === 'inline') {
      excerpt = inlineText(tokens[i + 1]!);
    }
  }
  return { html: md.renderer.render(tokens, md.options, {}), excerpt, text: parts.join('\n') };
}

/** A problem in a markdown body, with its 0-based line in the body. */
export interface BodyProblem {
  line: number;
  message: string;
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

/** Why `href` is not a link a shop may publish, or null when it is fine. */
export function linkProblem(href: string): string | null {
  const trimmed = href.trim();
  if (!trimmed) return 'a link has no address';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme && !SAFE_SCHEMES.has(scheme)) return `the link "${trimmed.slice(0, 80)}" is not allowed (only http, https, mailto, tel or a path on the shop)`;
  try {
    new URL(trimmed, 'https://shop.invalid/');
  } catch {
    return `the link "${trimmed.slice(0, 80)}" is malformed`;
  }
  if (/\s/.test(trimmed)) return `the link "${trimmed.slice(0, 80)}" is malformed (it contains spaces)`;
  return null;
}

/** Raw HTML and unsafe or malformed links in a body: refused, never silently escaped. */
export function bodyProblems(body: string): BodyProblem[] {
  const problems: BodyProblem[] = [];
  const tokens = inspector.parse(body, {});
  let line = 0;
  for (const t of tokens) {
    if (t.map) line = t.map[0];
    if (t.type === 'html_block') {
      problems.push({ line, message: 'raw HTML is not allowed; write plain markdown' });
      continue;
    }
    for (const c of t.children ?? []) {
      if (c.type === 'softbreak' || c.type === 'hardbreak') line++;
      if (c.type === 'html_inline') problems.push({ line, message: 'raw HTML is not allowed; write plain markdown' });
      const href = c.type === 'link_open' ? c.attrGet('href') : c.type === 'image' ? c.attrGet('src') : null;
      if (href !== null) {
        const problem = linkProblem(href);
        if (problem) problems.push({ line, message: problem });
      }
    }
  }
  // An opening and a closing tag on one line are one problem.
  return problems.filter((p, i) => problems.findIndex((q) => q.line === p.line && q.message === p.message) === i);
}

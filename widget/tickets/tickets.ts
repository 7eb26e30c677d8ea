/**
 * The returning shopper's tickets, a separate script the chat app loads only when a browser
 * with a conversation opens the panel (widget/app/connection.ts `showTickets`), so the app's
 * own download does not grow. Plain DOM and textContent: nothing anyone typed becomes HTML.
 *
 * It reads and writes through the shopper's resume token (protocol/tickets.ts):
 *   GET /v1/visitor/tickets, POST /v1/visitor/tickets/<ref>/messages.
 */
import type { ShopperTicket, TicketStatus } from '../../protocol/tickets.ts';

type Locale = 'en' | 'zh';

/** Where the loader left the site and the widget files' base URL (widget/loader.ts). */
interface KefuBoot {
  site: string;
  base: string;
}

const WORDS = {
  en: {
    heading: 'Your request',
    status: { open: 'Open', pending: 'Waiting on us', solved: 'Solved' } as Record<TicketStatus, string>,
    add: 'Add to your request',
    send: 'Send',
    failed: 'Not sent. Please try again.',
  },
  zh: {
    heading: '您的工单',
    status: { open: '处理中', pending: '等待处理', solved: '已解决' } as Record<TicketStatus, string>,
    add: '补充留言',
    send: '发送',
    failed: '未发送，请重试。',
  },
};

const CSS = `
.tk{margin:8px 12px 0;padding:8px 10px;border:1px solid #d6dbd9;border-radius:8px;font-size:13px;background:#f7f9f8}
.tk h3{margin:0 0 4px;font-size:13px}
.tk-status{font-weight:600;color:var(--accent-ink)}
.tk-msgs{margin:4px 0;padding-inline-start:16px;max-height:90px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.tk form{display:flex;gap:6px}
.tk textarea{flex:1;font:inherit;min-height:32px;resize:vertical}
.tk button{font:inherit;border:none;border-radius:6px;padding:4px 10px;background:var(--accent);color:var(--accent-text)}
.tk-err{color:#b42318;margin:4px 0 0}
`;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node: HTMLElementTagNameMap[K] = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The conversation's resume token, where the app keeps it (widget/app/connection.ts). */
function storedToken(site: string): string | null {
  try {
    const raw = localStorage.getItem(`kefu:${site}:token`);
    return raw ? (JSON.parse(raw) as string) : null;
  } catch {
    return null;
  }
}

function mountTickets(host: HTMLElement, locale: Locale): void {
  const boot = (window as unknown as { __kefuBoot?: KefuBoot }).__kefuBoot;
  const token = boot && storedToken(boot.site);
  if (!boot || !token || host.dataset.tk) return;
  host.dataset.tk = '1';
  const options = { ...boot, token };
  const words = WORDS[locale] ?? WORDS.en;

  const call = async (path: string, body?: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> => {
    const url = new URL(`../v1/visitor/tickets${path}`, options.base);
    url.searchParams.set('site', options.site);
    const response = await fetch(url.href, {
      method: body === undefined ? 'GET' : 'POST',
      credentials: 'omit',
      headers: { Authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { ok: response.ok, data: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  };

  const view = (ticket: ShopperTicket): HTMLElement => {
    const box = element('section', { className: 'tk' });
    box.dataset.ticket = ticket.ref;
    const status = element('span', { className: 'tk-status', textContent: words.status[ticket.status] ?? ticket.status });
    status.dataset.testid = 'ticket-status';
    const input = element('textarea', { maxLength: 4000, rows: 1 });
    input.setAttribute('aria-label', words.add);
    input.placeholder = words.add;
    const error = element('p', { className: 'tk-err', hidden: true, textContent: words.failed });
    error.setAttribute('role', 'alert');
    const form = element('form', {}, input, element('button', { type: 'submit', textContent: words.send }));
    form.onsubmit = async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      const result = await call(`/${encodeURIComponent(ticket.ref)}/messages`, { text }).catch(() => ({ ok: false, data: {} as Record<string, unknown> }));
      error.hidden = result.ok;
      if (result.ok && result.data.ticket) box.replaceWith(view(result.data.ticket as ShopperTicket));
      else if (typeof result.data.message === 'string') error.textContent = result.data.message;
    };
    box.append(
      element('h3', {}, `${words.heading} · ${ticket.title} · `, status),
      element('ol', { className: 'tk-msgs' }, ...ticket.messages.slice(-3).map((message) => element('li', { textContent: message.text }))),
      form,
      error,
    );
    return box;
  };

  call('')
    .then(({ ok, data }) => {
      const tickets = ok && Array.isArray(data.tickets) ? (data.tickets as ShopperTicket[]) : [];
      // The latest request only: the panel is small.
      const latest = tickets.reduce<ShopperTicket | null>((best, ticket) => (!best || ticket.updatedAt > best.updatedAt ? ticket : best), null);
      if (!latest) return;
      // Its stylesheet goes into the widget's shadow root, once, and only when there is something to show.
      const root = host.getRootNode();
      if (root instanceof ShadowRoot && !root.querySelector('style[data-tk]')) {
        const style = element('style', { textContent: CSS });
        style.dataset.tk = '';
        root.append(style);
      }
      host.replaceChildren(view(latest));
    })
    .catch(() => {
      // No tickets view when the server cannot be reached: the chat itself still works.
    });
}

(window as unknown as { kefuTickets?: typeof mountTickets }).kefuTickets = mountTickets;

/**
 * Conversation history in the real console against the real `wrangler dev` (browser project's
 * globalSetup), with the shopper in a second browser context:
 * - the scenario of issue 15: an agent closes a chat; the same shopper writes again the next day;
 *   the agent finds the old chat through search (opening at the matching message) and through the
 *   shopper's timeline, and sees it reopened;
 * - the console's side pinned down with the history endpoints scripted (Playwright routes) over a
 *   real chat: filters in the URL survive a reload and Back, keyset "Load more" sends the cursor,
 *   j/k and arrow keys move through the rows and Enter opens one, a snippet's marks are <mark>
 *   runs and its text stays text, labels are added and removed, and axe finds nothing serious.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { ConversationListItem, SearchHit } from '../../protocol/history.ts';
import { useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, seriousAxeViolations, signInAsDemoAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();
// bypassCSP only so the test can inject axe-core; the console itself needs no exception.
const CONSOLE_CONTEXT = { viewport: { width: 1280, height: 800 }, bypassCSP: true };
const XSS = '<img src=x onerror="window.__pwned=1">';

async function openWidget(page: Page) {
  await page.goto(`${baseUrl}/`);
  await page.locator('kefu-widget .launcher').click();
  await expect.poll(() => page.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
}

async function send(page: Page, text: string) {
  await page.locator('kefu-widget textarea.input').fill(text);
  await page.locator('kefu-widget').getByRole('button', { name: 'Send', exact: true }).click();
}

/** The shopper asks for a person; the agent claims the chat from the queue. Returns its id. */
async function handOffAndClaim(agent: Page, shopper: Page, text: string): Promise<string> {
  await openWidget(shopper);
  await send(shopper, text);
  const entry = agent.getByTestId('queue-entry').filter({ hasText: text });
  await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1);
  const id = (await entry.getAttribute('data-conversation-id')) ?? '';
  await entry.getByTestId('claim-button').click();
  await expect.poll(() => agent.getByTestId('conversation').getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');
  return id;
}

/** Closes one of the agent's chats, so the demo agent (shared by the browser suite) keeps room for more. */
async function closeMyChat(agent: Page, chatId: string) {
  await agent.locator(`[data-testid="my-chat"][data-conversation-id="${chatId}"]`).click();
  const conversation = agent.getByTestId('conversation');
  await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 10_000 }).toBe('agent');
  await expect.poll(() => agent.getByTestId('close-button').isEnabled(), { timeout: 10_000 }).toBe(true);
  await agent.getByTestId('close-button').click();
  await agent.getByTestId('close-confirm').click();
  await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 10_000 }).toBe('closed');
}

/** The seq of the transcript message containing `text`, once it is there. */
async function seqOf(agent: Page, text: string): Promise<number> {
  const message = agent.getByTestId('transcript').getByTestId('transcript-message').filter({ hasText: text });
  await expect.poll(() => message.count(), { timeout: 10_000 }).toBe(1);
  return Number(await message.getAttribute('data-seq'));
}

function item(patch: Partial<ConversationListItem> & { conversationId: string }): ConversationListItem {
  const now = Date.now();
  return {
    state: 'closed',
    startedAt: now - 3_600_000,
    updatedAt: now - 3_000_000,
    locale: 'en',
    shopper: { name: 'Rosa Quill', email: 'rosa@example.com' },
    assignee: { id: 'agent_mei01', name: 'Mei Chen' },
    handoffReason: 'requested_human',
    rating: 4,
    labels: [],
    lastMessage: 'Thanks!',
    messageCount: 6,
    previousId: null,
    ...patch,
  };
}

/** The history endpoints, scripted; every request is recorded. */
class ScriptedHistory {
  requests: string[] = [];
  labelWrites: { id: string; labels: string[] }[] = [];
  constructor(
    readonly rows: ConversationListItem[],
    readonly hits: (q: string) => SearchHit[],
    readonly timeline: ConversationListItem[],
  ) {}

  async install(page: Page) {
    const json = (route: Route, body: unknown, status = 200) => route.fulfill({ status, json: body });
    await page.route(
      (url) => url.pathname === '/v1/agent/conversations',
      (route) => {
        const url = new URL(route.request().url());
        this.requests.push(`${url.pathname}${url.search}`);
        const state = url.searchParams.get('state');
        const rows = this.rows.filter((row) => !state || row.state === state);
        // Two rows a page, the cursor is the index to go on from.
        const from = Number(url.searchParams.get('cursor')?.split('_')[0] ?? 0);
        const page = rows.slice(from, from + 2);
        const nextCursor = from + 2 < rows.length ? `${from + 2}_${rows[from + 1]!.conversationId}` : null;
        return json(route, { items: page, nextCursor });
      },
    );
    await page.route(
      (url) => url.pathname === '/v1/agent/search',
      (route) => {
        const url = new URL(route.request().url());
        this.requests.push(`${url.pathname}${url.search}`);
        return json(route, { hits: this.hits(url.searchParams.get('q') ?? '') });
      },
    );
    await page.route(
      (url) => /^\/v1\/agent\/conversations\/[^/]+\/(timeline|labels)$/.test(url.pathname),
      (route) => {
        const url = new URL(route.request().url());
        this.requests.push(`${route.request().method()} ${url.pathname}`);
        const id = decodeURIComponent(url.pathname.split('/')[4]!);
        if (url.pathname.endsWith('/timeline')) return json(route, { items: this.timeline });
        const labels = (JSON.parse(route.request().postData() ?? '{}') as { labels: string[] }).labels;
        this.labelWrites.push({ id, labels });
        for (const entry of this.timeline) if (entry.conversationId === id) entry.labels = labels;
        return json(route, { labels });
      },
    );
    // The site's labels, as the settings will carry them.
    await page.route(
      (url) => url.pathname === '/v1/agent/site',
      async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { site: { labels?: string[] } };
        body.site.labels = ['damaged', 'refund', 'VIP'];
        return route.fulfill({ response, json: body });
      },
    );
  }
}

/** How long a Worker isolate trusts its cached site settings (TRUST_MS in worker/catalog/site-cache.ts, which Node cannot import). */
const TRUST_MS = 1000;

/** A same-origin API call with the page's session cookie: status and JSON body. */
async function api(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { method, path, body },
  );
}

/** Sets the demo site's reopen window through the Setup page; returns the one it had, once every Worker must see the new one (TRUST_MS after the save). */
async function setReopenWindow(agent: Page, days: number): Promise<number> {
  await agent.getByTestId('setup-button').click();
  const field = agent.getByTestId('setting-reopenWindowDays');
  await expect.poll(() => field.count(), { timeout: 15_000 }).toBe(1);
  // The labels card lists the site's labels (knowledge-base/sites/demo/site.json).
  expect(await agent.getByTestId('settings-label').allTextContents()).toContain('damaged×');
  const before = Number(await field.inputValue());
  await field.fill(String(days));
  await agent.getByTestId('settings-labels').screenshot({ path: 'test-results/console-history-settings-labels.png' });
  await agent.getByTestId('settings-save').click();
  await expect.poll(() => agent.getByTestId('settings-dirty').textContent(), { timeout: 15_000 }).toBe('All changes saved');
  // Every isolate's settings cache checks the site version once its entry is TRUST_MS old (worker/catalog/site-cache.ts).
  const savedAt = Date.now();
  await expect.poll(() => Date.now() - savedAt, { timeout: TRUST_MS + 5_000, interval: 100 }).toBeGreaterThan(TRUST_MS + 100);
  return before;
}

const focusedRowId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-conversation-id') ?? null);

describe('console history UI (history endpoints scripted over a real chat)', () => {
  it('filters in the URL, keyset paging, keyboard, snippets as text with <mark>, open at the match, labels and the timeline', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    try {
      const stamp = Date.now().toString(36);
      const request = `I want to talk to a real person about a broken teapot ${stamp}`;

      // Rows and hits name the real chat (to open it) and made-up ones around it.
      let chatId = '';
      let matchSeq = 0;
      const older = item({ conversationId: '00000000-0000-4000-8000-00000000000a', state: 'closed', labels: ['damaged'], lastMessage: `Older chat ${XSS}` });
      const rows: ConversationListItem[] = [];
      const timeline: ConversationListItem[] = [];
      const history = new ScriptedHistory(
        rows,
        (q) =>
          q.includes(stamp)
            ? [
                {
                  conversationId: chatId,
                  seq: matchSeq,
                  kind: 'message',
                  at: Date.now(),
                  snippet: { text: `${XSS} … broken teapot ${stamp}`, marks: [[XSS.length + 3, XSS.length + 3 + 'broken teapot'.length]] },
                  conversation: rows[0]!,
                },
              ]
            : [],
        timeline,
      );
      await history.install(agent);

      await signInAsDemoAgent(agent, baseUrl);
      chatId = await handOffAndClaim(agent, shopper, request);
      matchSeq = await seqOf(agent, stamp);
      rows.push(
        item({ conversationId: chatId, state: 'agent', shopper: { name: `Teapot ${stamp}` }, lastMessage: request, rating: null }),
        item({ conversationId: '00000000-0000-4000-8000-00000000000b', state: 'closed', rating: 2, handoffReason: 'reopened', labels: ['refund'] }),
        item({ conversationId: '00000000-0000-4000-8000-00000000000c', state: 'bot', assignee: null, handoffReason: null, rating: null, locale: 'zh' }),
        older,
      );
      timeline.push(item({ ...rows[0]! }), older);

      // All conversations: the first page, then "Load more" with the server's cursor.
      await agent.getByTestId('history-button').click();
      const list = agent.getByTestId('history-list');
      await expect.poll(() => list.getByTestId('history-row').count(), { timeout: 10_000 }).toBe(2);
      expect(new URL(agent.url()).hash).toBe('#conversations');
      await agent.getByTestId('history-load-more').click();
      await expect.poll(() => list.getByTestId('history-row').count(), { timeout: 10_000 }).toBe(4);
      await expect.poll(() => focusedRowId(agent)).toBe(rows[2]!.conversationId);
      expect(history.requests.some((path) => path.includes(`cursor=2_${encodeURIComponent(rows[1]!.conversationId)}`))).toBe(true);
      expect(await agent.getByTestId('history-load-more').count()).toBe(0);
      // Shopper text in a row is text.
      expect(await list.locator('img').count()).toBe(0);
      expect(await seriousAxeViolations(agent)).toEqual([]);
      await agent.screenshot({ path: 'test-results/console-history-list.png' });

      // The keyboard: j/k and the arrows move the focus through the rows (one tab stop).
      await list.getByTestId('history-row').first().focus();
      await agent.keyboard.press('j');
      expect(await focusedRowId(agent)).toBe(rows[1]!.conversationId);
      await agent.keyboard.press('ArrowDown');
      expect(await focusedRowId(agent)).toBe(rows[2]!.conversationId);
      await agent.keyboard.press('k');
      expect(await focusedRowId(agent)).toBe(rows[1]!.conversationId);
      expect(await list.locator('[data-row-link][tabindex="0"]').getAttribute('data-conversation-id')).toBe(rows[1]!.conversationId);

      // A filter goes into the URL and the request; a reload keeps it.
      await agent.getByTestId('history-filter-state').selectOption('closed');
      await expect.poll(() => new URL(agent.url()).hash).toBe('#conversations?state=closed');
      await expect.poll(() => list.getByTestId('history-row').count(), { timeout: 10_000 }).toBe(2);
      expect(await list.getByTestId('history-row').evaluateAll((links) => links.map((link) => link.getAttribute('data-state')))).toEqual(['closed', 'closed']);
      expect(history.requests.at(-1)).toContain('state=closed');
      await agent.reload();
      await expect.poll(() => agent.getByTestId('history-list').getByTestId('history-row').count(), { timeout: 15_000 }).toBe(2);
      expect(await agent.getByTestId('history-filter-state').inputValue()).toBe('closed');

      // Enter opens the focused row; Back returns to the filtered list.
      await agent.getByTestId('history-list').getByTestId('history-row').first().focus();
      await agent.keyboard.press('Enter');
      await expect.poll(() => agent.getByTestId('conversation').getAttribute('data-conversation-id'), { timeout: 10_000 }).toBe(rows[1]!.conversationId);
      await agent.goBack();
      await expect.poll(() => agent.getByTestId('history-page').count(), { timeout: 10_000 }).toBe(1);
      expect(await agent.getByTestId('history-filter-state').inputValue()).toBe('closed');

      // Search: the hit's snippet marks the match in <mark>; the rest is text, never HTML.
      await agent.getByTestId('history-filter-clear').click();
      expect(await agent.getByTestId('history-search').getAttribute('maxlength')).toBe('200');
      await agent.getByTestId('history-search').fill(stamp);
      await expect.poll(() => agent.getByTestId('search-hit').count(), { timeout: 10_000 }).toBe(1);
      expect(new URL(agent.url()).hash).toBe(`#conversations?q=${stamp}`);
      const snippet = agent.getByTestId('search-snippet');
      expect(await snippet.locator('mark').allTextContents()).toEqual(['broken teapot']);
      expect(await snippet.textContent()).toContain(XSS);
      expect(await snippet.locator('img').count()).toBe(0);
      expect(await seriousAxeViolations(agent)).toEqual([]);

      // The hit opens the chat at the matching message, highlighted.
      await agent.getByTestId('search-hit').getByTestId('history-row').click();
      const found = agent.getByTestId('transcript').locator('[data-found="true"]');
      await expect.poll(() => found.getAttribute('data-seq'), { timeout: 10_000 }).toBe(String(matchSeq));
      expect(await found.textContent()).toContain(stamp);

      // The shopper panel: the older conversation in the timeline, one click away.
      const timelinePanel = agent.getByTestId('shopper-timeline');
      await expect.poll(() => timelinePanel.getByTestId('timeline-entry').count(), { timeout: 10_000 }).toBe(1);
      const entry = timelinePanel.getByTestId('timeline-entry');
      expect(await entry.getAttribute('data-conversation-id')).toBe(older.conversationId);
      expect(await entry.getByTestId('timeline-rating').textContent()).toBe('Rated 4 of 5');
      expect(await entry.textContent()).toContain('damaged');

      // Labels: pick one of the site's, then remove it.
      const labels = agent.getByTestId('conversation-labels');
      await labels.getByTestId('label-picker').selectOption('refund');
      await expect.poll(() => labels.getByTestId('label-chip').allTextContents(), { timeout: 10_000 }).toEqual(['refund×']);
      expect(history.labelWrites.at(-1)).toEqual({ id: chatId, labels: ['refund'] });
      await agent.screenshot({ path: 'test-results/console-history-open-at-match.png' });
      await labels.getByRole('button', { name: 'Remove the label refund' }).click();
      await expect.poll(() => labels.getByTestId('label-chip').count(), { timeout: 10_000 }).toBe(0);
      expect(history.labelWrites.at(-1)).toEqual({ id: chatId, labels: [] });
      expect(await seriousAxeViolations(agent)).toEqual([]);

      await entry.click();
      await expect.poll(() => new URL(agent.url()).hash).toBe(`#chat=${older.conversationId}&c=${older.conversationId}`);
      await expect.poll(() => agent.getByTestId('conversation').getAttribute('data-conversation-id'), { timeout: 10_000 }).toBe(older.conversationId);

      expect(await agent.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
      await closeMyChat(agent, chatId);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('issue 15: an agent finds and continues a closed chat (real server)', () => {
  it('a closed chat reopens to its agent when the shopper writes again; search opens it at the match; after the window the next conversation links it in the timeline', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    // The demo site is shared by the browser suite: its reopen window goes back to what it was.
    let windowBefore: number | null = null;
    try {
      await signInAsDemoAgent(agent, baseUrl);
      const stamp = Date.now().toString(36);
      const conversation = agent.getByTestId('conversation');

      // Day one: the shopper asks for a person; the agent answers, labels the chat and closes it; the shopper rates it.
      const chatId = await handOffAndClaim(agent, shopper, `I want to talk to a real person: the teapot lid ${stamp} is cracked`);
      const firstSeq = await seqOf(agent, `lid ${stamp}`);
      await agent.getByTestId('composer').fill(`Sorry about the lid! A new one is on its way.`);
      await agent.getByTestId('composer').press('Enter');
      await send(shopper, `好的，谢谢。如果还是不行我想退货 ${stamp}`);
      const zhSeq = await seqOf(agent, `我想退货 ${stamp}`);
      const labels = agent.getByTestId('conversation-labels');
      await expect.poll(() => labels.getByTestId('label-picker').isEnabled(), { timeout: 10_000 }).toBe(true);
      await labels.getByTestId('label-picker').selectOption('damaged');
      await expect.poll(() => labels.getByTestId('label-chip').allTextContents(), { timeout: 10_000 }).toEqual(['damaged×']);
      await agent.getByTestId('close-button').click();
      await agent.getByTestId('close-confirm').click();
      await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 10_000 }).toBe('closed');
      const rating = shopper.locator('kefu-widget .rating');
      await expect.poll(() => rating.count(), { timeout: 10_000 }).toBe(1);
      await rating.getByRole('button', { name: 'Rate 4 out of 5' }).click();
      await rating.getByRole('button', { name: 'Send rating' }).click();
      await expect.poll(() => rating.count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => agent.getByTestId('shopper-rating').textContent(), { timeout: 10_000 }).toContain('4');

      // The shopper writes again within the reopen window: the chat goes back to the agent who closed it.
      await send(shopper, `Hello again: the new lid ${stamp} has not arrived`);
      await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');
      await expect.poll(() => agent.locator(`[data-testid="my-chat"][data-conversation-id="${chatId}"]`).count(), { timeout: 10_000 }).toBe(1);

      // All conversations, filtered by the reason "reopened" and the label: the chat is there, with an agent again.
      await agent.getByTestId('history-button').click();
      await agent.getByTestId('history-filter-handoff-reason').selectOption('reopened');
      await agent.getByTestId('history-filter-label').selectOption('damaged');
      await expect.poll(() => new URL(agent.url()).hash).toBe('#conversations?label=damaged&reason=reopened');
      const row = agent.getByTestId('history-list').locator(`[data-testid="history-row"][data-conversation-id="${chatId}"]`);
      // The history is fed in batches beside the chat: refresh until the row shows the reopened chat.
      await expect
        .poll(
          async () => {
            const state = (await row.count()) === 1 ? await row.getAttribute('data-state') : null;
            if (state !== 'agent') await agent.getByTestId('history-refresh').click();
            return state;
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe('agent');
      expect(await row.getByTestId('history-row-reason').textContent()).toBe('Came back to a closed chat');
      expect(await row.getByTestId('history-row-labels').textContent()).toContain('damaged');
      expect(await seriousAxeViolations(agent)).toEqual([]);

      // A filter the server refuses (from after to) is named, at its field.
      await agent.evaluate(() => {
        window.location.hash = '#conversations?from=2026-12-02&to=2026-12-01';
      });
      await expect.poll(() => agent.getByTestId('history-error').textContent(), { timeout: 10_000 }).toContain('from must not be after to');
      expect(await agent.getByTestId('history-filter-from').getAttribute('aria-invalid')).toBe('true');
      await agent.getByTestId('history-filter-clear').click();

      // Search finds the first message; its hit opens the chat at that message.
      await agent.getByTestId('history-search').fill(`lid ${stamp}`);
      const hit = agent.locator(`[data-testid="search-hit"][data-seq="${firstSeq}"]`);
      await expect
        .poll(
          async () => {
            if ((await hit.count()) === 0 && (await agent.getByTestId('search-results').getAttribute('aria-busy')) !== 'true')
              await agent.getByRole('button', { name: 'Search', exact: true }).click();
            return hit.count();
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(1);
      // (polled: a repeated search re-renders the results)
      await expect.poll(async () => (await hit.getByTestId('search-snippet').locator('mark').allTextContents()).join(' ').toLowerCase()).toContain(stamp);
      expect(await seriousAxeViolations(agent)).toEqual([]);
      await agent.screenshot({ path: 'test-results/console-history-search.png' });
      // Chinese too: the words are found without spaces around them.
      await agent.getByTestId('history-search').fill(`退货 ${stamp}`);
      const zhHit = agent.locator(`[data-testid="search-hit"][data-seq="${zhSeq}"]`);
      await expect
        .poll(
          async () => {
            if ((await zhHit.count()) === 0 && (await agent.getByTestId('search-results').getAttribute('aria-busy')) !== 'true')
              await agent.getByRole('button', { name: 'Search', exact: true }).click();
            return zhHit.count();
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(1);
      await expect.poll(async () => (await zhHit.getByTestId('search-snippet').locator('mark').allTextContents()).join('')).toContain('退');
      await agent.getByTestId('history-search').fill(`lid ${stamp}`);
      await expect.poll(() => hit.count(), { timeout: 10_000 }).toBe(1);
      await hit.getByTestId('history-row').click();
      const found = agent.getByTestId('transcript').locator('[data-found="true"]');
      await expect.poll(() => found.getAttribute('data-seq'), { timeout: 10_000 }).toBe(String(firstSeq));
      expect(await found.textContent()).toContain(`lid ${stamp}`);

      // After the reopen window (0 days here: a closed chat is never reopened), writing again starts a
      // new conversation; its shopper panel lists the old one, one click away.
      windowBefore = await setReopenWindow(agent, 0);
      await closeMyChat(agent, chatId);
      // The history hears of the close in its next 200 ms batch. A message inside that batch starts the next
      // conversation, and HistoryFeed.flush records the ended one only along with messages of its own, so
      // the old one would stay "with an agent" in the history: wait for the close to be recorded first.
      await expect
        .poll(
          async () => {
            const timeline = await api(agent, 'GET', `/v1/agent/conversations/${chatId}/timeline`);
            return (timeline.body?.items as ConversationListItem[] | undefined)?.find((item) => item.conversationId === chatId)?.state;
          },
          { timeout: 10_000, interval: 200 },
        )
        .toBe('closed');
      await send(shopper, `I want to talk to a real person about my order ${stamp} again`);
      const entry = agent.getByTestId('queue-entry').filter({ hasText: `order ${stamp}` });
      await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1);
      await entry.getByTestId('claim-button').click();
      await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');
      const timeline = agent.getByTestId('shopper-timeline');
      const old = timeline.locator(`[data-testid="timeline-entry"][data-conversation-id="${chatId}"]`);
      // The history is fed in batches beside the chat: refresh until the old conversation shows as closed.
      await expect
        .poll(
          async () => {
            const state = (await old.count()) === 1 ? await old.getAttribute('data-state') : null;
            if (state !== 'closed') await timeline.getByTestId('timeline-refresh').click();
            return state;
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe('closed');
      expect(await old.getByTestId('timeline-rating').textContent()).toBe('Rated 4 of 5');
      expect(await old.textContent()).toContain('damaged');
      expect(await seriousAxeViolations(agent)).toEqual([]);
      await agent.screenshot({ path: 'test-results/console-history-timeline.png' });
      // The old conversation is the start of the same chat window: the transcript goes back to it.
      const transcript = agent.getByTestId('transcript');
      await expect.poll(() => transcript.evaluate((element) => element.scrollTop), { timeout: 10_000 }).toBeGreaterThan(0);
      await old.click();
      await expect.poll(() => new URL(agent.url()).hash).toMatch(new RegExp(`^#chat=${chatId}&c=${chatId}&at=\\d+$`));
      await expect.poll(() => transcript.evaluate((element) => element.scrollTop), { timeout: 10_000 }).toBeLessThan(20);
      await expect.poll(() => labels.getByTestId('label-chip').allTextContents(), { timeout: 10_000 }).toEqual(['damaged×']);
      await closeMyChat(agent, chatId);
      expect(problems).toEqual([]);
    } finally {
      if (windowBefore !== null) {
        const setup = await api(agent, 'GET', '/v1/agent/site');
        await api(agent, 'PUT', '/v1/agent/site/settings', {
          settings: { ...setup.body.site, reopenWindowDays: windowBefore },
          baseVersion: setup.body.version,
        });
      }
      await close();
    }
  });
});

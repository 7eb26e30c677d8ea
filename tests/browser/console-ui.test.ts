/**
 * The agent console against a scripted fake of the agent API and sockets (Playwright routes),
 * so its behaviour is pinned down independently of the server: login errors, the queue with a
 * live waiting time, claim by keyboard, safe rendering of shopper text, canned replies, notes,
 * resend with the same clientMsgId after a drop, read state, close with confirmation, alerts,
 * and an axe accessibility check at 1280×800. The static files come from the real `wrangler dev`.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { AgentPresence, AgentProfile, CannedReply, ChatSummary, QueueEntry, ShopperContext } from '../../protocol/agent.ts';
import type { TranscriptMessage } from '../../protocol/visitor.ts';
import { useChromium } from '../support/chromium.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();

const CHAT_ID = '0b6c3a1e-1111-4222-8333-944445555666';
const NEW_CHAT_ID = '7d1e2f30-aaaa-4bbb-8ccc-0123456789ab';
const TAKEN_CHAT_ID = '5f5f5f5f-0000-4000-8000-000000000001';
const PASSWORD = 'right-password-123';
const ME: AgentProfile = { id: 'agent_ann01', site: 'demo', email: 'ann@example.com', name: 'Ann Agent', role: 'admin', mustChangePassword: false };
const BOB: AgentPresence = { id: 'agent_bob01', name: 'Bob Builder', status: 'online', activeChats: 1 };
const XSS = '<img src=x onerror="window.__pwned=1">';
const CANNED: CannedReply[] = [
  { shortcut: 'greet', locale: 'zh', text: '您好！很高兴为您服务。' },
  { shortcut: 'greet', locale: 'en', text: 'Hello! My name is Ann, how can I help?' },
  { shortcut: 'hold', locale: 'en', text: 'One moment please while I check.' },
  { shortcut: 'bye', locale: 'en', text: 'Thanks for chatting with us!' },
];

function shopperContext(patch: Partial<ShopperContext> = {}): ShopperContext {
  return { email: 'shopper@example.com', vip: false, locale: 'en', pageUrl: 'javascript:alert(1)', pageTitle: `Cart ${XSS}`, visits: 3, ...patch };
}

const parse = (raw: string | Buffer) => JSON.parse(String(raw)) as { type: string; [key: string]: unknown };

/** A scripted stand-in for the agent API: HTTP routes plus the inbox and conversation sockets. */
class FakeServer {
  loggedIn = false;
  queue: QueueEntry[] = [];
  mine: ChatSummary[] = [];
  inboxSockets: WebSocketRoute[] = [];
  chatSockets: WebSocketRoute[] = [];
  inboxFrames: { type: string; [key: string]: unknown }[] = [];
  chatFrames: { type: string; [key: string]: unknown }[] = [];
  transcript: TranscriptMessage[] = [];
  /** Hang up instead of acking the next `message`, to exercise the resend. */
  dropNextMessage = false;
  private noteId = 0;

  constructor() {
    const now = Date.now();
    this.queue = [
      {
        conversationId: CHAT_ID,
        priority: 2,
        reason: 'requested_human',
        queuedAt: now - 65_000,
        lastMessage: `I want to talk to a real person ${XSS}`,
        shopper: shopperContext(),
      },
      {
        conversationId: TAKEN_CHAT_ID,
        priority: 0,
        reason: 'angry',
        queuedAt: now - 5_000,
        lastMessage: 'This is ridiculous',
        shopper: shopperContext({ name: 'Grumpy Gus', vip: true }),
      },
    ];
    this.transcript = [
      { seq: 1, at: now - 120_000, author: 'bot', text: 'Hi! How can I help?', bot: { kind: 'greeting' } },
      { seq: 2, at: now - 110_000, author: 'shopper', text: `Where is my order? ${XSS}` },
      {
        seq: 3,
        at: now - 100_000,
        author: 'bot',
        text: 'Orders ship within 2 working days.',
        bot: {
          kind: 'answer',
          article: { id: 'shipping', title: 'Shipping times', excerpt: 'Orders ship…', html: '<b class="injected">bold</b>' },
          confidence: 0.8234,
          reason: 'top match',
          askFeedback: true,
        },
      },
      { seq: 4, at: now - 90_000, author: 'shopper', text: 'I want to talk to a real person' },
      { seq: 5, at: now - 89_000, author: 'bot', text: 'I am connecting you with a person.', bot: { kind: 'handoff', reason: 'requested_human' } },
    ];
  }

  async install(page: Page): Promise<void> {
    await page.route('**/v1/agent/me', (route) =>
      this.loggedIn ? route.fulfill({ json: { agent: ME } }) : route.fulfill({ status: 401, json: { error: 'unauthorized', message: 'Sign in.' } }),
    );
    await page.route('**/v1/agent/login', (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { site?: string; email?: string; password?: string };
      if (body.site === 'demo' && body.email === ME.email && body.password === PASSWORD) {
        this.loggedIn = true;
        return route.fulfill({ json: { agent: ME } });
      }
      return route.fulfill({ status: 401, json: { error: 'invalid_credentials', message: 'Wrong e-mail or password.' } });
    });
    await page.route('**/v1/agent/logout', (route) => {
      this.loggedIn = false;
      return route.fulfill({ status: 204, body: '' });
    });
    await page.routeWebSocket(/\/v1\/agent\/inbox$/, (ws) => {
      this.inboxSockets.push(ws);
      ws.onMessage((raw) => this.inboxFrame(ws, parse(raw)));
    });
    await page.routeWebSocket(/\/v1\/agent\/conversations\//, (ws) => {
      this.chatSockets.push(ws);
      ws.onMessage((raw) => this.chatFrame(ws, parse(raw)));
    });
  }

  inboxSnapshot() {
    return {
      v: 1,
      type: 'inbox',
      agent: ME,
      agents: [{ id: ME.id, name: ME.name, status: 'online', activeChats: this.mine.length }, BOB],
      queue: this.queue,
      mine: this.mine,
      tickets: [
        {
          id: 7,
          ref: 'demo-7',
          conversationId: NEW_CHAT_ID,
          title: `Please call me back ${XSS}`,
          message: `Please call me back ${XSS}`,
          kind: 'question',
          team: null,
          status: 'open',
          priority: 'normal',
          assigneeId: null,
          assigneeName: null,
          source: 'offline',
          email: 'late@example.com',
          locale: 'en',
          createdAt: Date.now() - 3_600_000,
          updatedAt: Date.now() - 3_600_000,
          dueAt: Date.now() + 20 * 3_600_000,
          overdue: false,
        },
      ],
      ticketsDueToday: 0,
      cannedReplies: CANNED,
    };
  }

  broadcastInbox(): void {
    for (const ws of this.inboxSockets) ws.send(JSON.stringify(this.inboxSnapshot()));
  }

  private inboxFrame(ws: WebSocketRoute, frame: { type: string; [key: string]: unknown }): void {
    this.inboxFrames.push(frame);
    if (frame.type === 'hello') ws.send(JSON.stringify(this.inboxSnapshot()));
    if (frame.type === 'claim') {
      const id = String(frame.conversationId);
      if (id === TAKEN_CHAT_ID) {
        ws.send(JSON.stringify({ v: 1, type: 'error', code: 'already_claimed', message: 'taken', conversationId: id }));
        this.queue = this.queue.filter((entry) => entry.conversationId !== id);
        this.broadcastInbox();
        return;
      }
      const entry = this.queue.find((candidate) => candidate.conversationId === id)!;
      this.queue = this.queue.filter((candidate) => candidate.conversationId !== id);
      this.mine.push({
        conversationId: id,
        state: 'agent',
        agentId: ME.id,
        reason: entry.reason,
        lastMessage: entry.lastMessage,
        updatedAt: Date.now(),
        shopper: entry.shopper,
      });
      this.transcript.push({
        seq: 6,
        at: Date.now(),
        author: 'system',
        text: 'Ann Agent joined the chat',
        system: { event: 'state', state: 'agent', agentName: ME.name },
      });
      ws.send(JSON.stringify({ v: 1, type: 'claimed', conversationId: id }));
      this.broadcastInbox();
    }
  }

  private lastSeq(): number {
    return this.transcript.at(-1)?.seq ?? 0;
  }

  sendChat(frame: object): void {
    for (const ws of this.chatSockets) ws.send(JSON.stringify(frame));
  }

  private chatFrame(ws: WebSocketRoute, frame: { type: string; [key: string]: unknown }): void {
    this.chatFrames.push(frame);
    switch (frame.type) {
      case 'hello': {
        const state = this.mine.length > 0 ? 'agent' : 'queued';
        ws.send(
          JSON.stringify({
            v: 1,
            type: 'welcome',
            conversationId: CHAT_ID,
            state,
            lastSeq: this.lastSeq(),
            assignedAgentId: state === 'agent' ? ME.id : null,
            shopper: shopperContext(),
            notes: [],
            rating: null,
          }),
        );
        for (const message of this.transcript) if (message.seq > Number(frame.lastSeq)) ws.send(JSON.stringify({ v: 1, type: 'message', message }));
        return;
      }
      case 'message': {
        if (this.dropNextMessage) {
          this.dropNextMessage = false;
          this.chatSockets = this.chatSockets.filter((socket) => socket !== ws);
          void ws.close({ code: 4000, reason: 'going away' });
          return;
        }
        const seq = this.lastSeq() + 1;
        const message: TranscriptMessage = {
          seq,
          at: Date.now(),
          author: 'agent',
          text: String(frame.text),
          clientMsgId: String(frame.clientMsgId),
          agentName: ME.name,
        };
        this.transcript.push(message);
        ws.send(JSON.stringify({ v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq }));
        ws.send(JSON.stringify({ v: 1, type: 'message', message }));
        return;
      }
      case 'note':
        ws.send(
          JSON.stringify({
            v: 1,
            type: 'note',
            clientMsgId: frame.clientMsgId,
            note: { id: ++this.noteId, at: Date.now(), agentId: ME.id, agentName: ME.name, text: String(frame.text), afterSeq: this.lastSeq() },
          }),
        );
        return;
      case 'close':
        this.transcript.push({
          seq: this.lastSeq() + 1,
          at: Date.now(),
          author: 'system',
          text: 'Ann Agent closed the chat',
          system: { event: 'state', state: 'closed' },
        });
        ws.send(JSON.stringify({ v: 1, type: 'state', state: 'closed', assignedAgentId: ME.id }));
        ws.send(JSON.stringify({ v: 1, type: 'message', message: this.transcript.at(-1) }));
        setTimeout(() => ws.send(JSON.stringify({ v: 1, type: 'rating', score: 4, comment: `Quick ${XSS}` })), 200);
        return;
    }
  }
}

async function setup(options: { bypassCSP?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; fake: FakeServer; problems: string[] }> {
  const context = await getBrowser().newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: options.bypassCSP ?? false });
  await context.grantPermissions(['notifications'], { origin: baseUrl });
  // Record notifications and chimes instead of showing or playing them.
  await context.addInitScript(() => {
    const record = window as unknown as { __notifications: string[]; __oscillators: number };
    record.__notifications = [];
    record.__oscillators = 0;
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        record.__notifications.push(`${title} | ${options?.body ?? ''}`);
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true });
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      record.__oscillators += 1;
      return create.call(this);
    };
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const fake = new FakeServer();
  await fake.install(page);
  return { context, page, fake, problems };
}

async function signIn(page: Page) {
  await page.goto(`${baseUrl}/console/?site=demo`);
  await page.getByTestId('login-email').fill(ME.email);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-password').press('Enter');
  await expect.poll(() => page.getByTestId('queue-entry').count(), { timeout: 10_000 }).toBeGreaterThan(0);
}

/** Tabs forward until the focused element matches, like a keyboard user would. */
async function tabTo(page: Page, testId: string, maxSteps = 40): Promise<void> {
  for (let step = 0; step < maxSteps; step += 1) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)) === testId) return;
  }
  throw new Error(`could not reach ${testId} with Tab`);
}

describe('agent console (scripted server)', () => {
  it('signs in, shows the queue with a ticking wait, claims by keyboard and renders the transcript safely', async () => {
    const { context, page, fake, problems } = await setup();
    try {
      await page.goto(`${baseUrl}/console/?site=demo`);
      // A wrong password is refused in words.
      await page.getByTestId('login-email').fill(ME.email);
      await page.getByTestId('login-password').fill('wrong-password');
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('do not match');

      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('queue-entry').count(), { timeout: 10_000 }).toBe(2);

      // Sorted by priority: the angry VIP first; each entry with its badge, reason and last message as text.
      const entries = page.getByTestId('queue-entry');
      expect(await entries.nth(0).getByTestId('queue-priority').textContent()).toBe('Angry');
      const entry = entries.filter({ hasText: 'real person' });
      expect(await entry.getByTestId('queue-reason').textContent()).toBe('Asked for a person');
      expect(await entry.getByTestId('queue-priority').textContent()).toBe('Asked for a person');
      expect(await entry.getByTestId('queue-last-message').textContent()).toContain('<img src=x');
      const wait = entry.getByTestId('queue-wait');
      const before = await wait.textContent();
      expect(before).toMatch(/Waiting 1:0\d/);
      await expect.poll(() => wait.textContent(), { timeout: 3_000 }).not.toBe(before);
      expect(await page.getByTestId('ticket').textContent()).toContain('late@example.com');
      await page.getByTestId('resolve-ticket').click();
      expect(await page.getByTestId('resolve-ticket').textContent()).toBe('Resolving…');
      await expect.poll(() => fake.inboxFrames.filter((frame) => frame.type === 'resolve_ticket')).toEqual([{ v: 1, type: 'resolve_ticket', ticketId: 7 }]);
      await page.getByTestId('presence').getByLabel('Away').check();
      await expect.poll(() => fake.inboxFrames.filter((frame) => frame.type === 'presence')).toEqual([{ v: 1, type: 'presence', status: 'away' }]);

      // Someone else got the angry chat first: the agent is told clearly.
      await entries.nth(0).getByTestId('claim-button').click();
      await expect.poll(() => page.getByTestId('toasts').textContent()).toContain('Another agent has already taken that chat.');
      await expect.poll(() => page.getByTestId('queue-entry').count()).toBe(1);

      // Claim with the keyboard only; focus is visible on the way.
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await tabTo(page, 'claim-button');
      expect(await page.getByTestId('claim-button').evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid');
      await page.keyboard.press('Enter');
      const conversation = page.getByTestId('conversation');
      await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 10_000 }).toBe('agent');
      expect(fake.inboxFrames.filter((frame) => frame.type === 'claim').map((frame) => frame.conversationId)).toEqual([TAKEN_CHAT_ID, CHAT_ID]);
      await expect.poll(() => page.getByTestId('my-chat').count()).toBe(1);

      // The transcript: bot turns say what they did; shopper text is text, never markup.
      const transcript = page.getByTestId('transcript');
      await expect.poll(() => transcript.getByTestId('transcript-message').count()).toBe(6);
      expect(await transcript.getByTestId('bot-detail').allTextContents()).toEqual([
        'Answered with Shipping times · confidence 0.82',
        'Handed off: Asked for a person',
      ]);
      expect(await transcript.locator('[data-author="shopper"]').first().textContent()).toContain(XSS);
      expect(await transcript.locator('[data-author="system"]').textContent()).toContain('Ann Agent joined the chat');
      expect(await page.locator('img, .injected').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

      // Shopper context: a javascript: URL is shown as text only; an https URL becomes a safe link.
      const panel = page.getByTestId('shopper-panel');
      expect(await panel.getByTestId('shopper-name').textContent()).toBe('Not identified');
      expect(await panel.getByTestId('shopper-page').textContent()).toContain('javascript:alert(1)');
      expect(await panel.locator('a').count()).toBe(0);
      // A URL off the site's allowed origins is text too, however harmless its scheme.
      fake.sendChat({
        v: 1,
        type: 'shopper',
        shopper: shopperContext({ name: 'Mia', pageUrl: 'https://evil.example/account/verify-agent-login', pageOnSite: false }),
      });
      await expect.poll(() => panel.getByTestId('shopper-page').textContent()).toContain('https://evil.example/account/verify-agent-login');
      expect(await panel.locator('a').count()).toBe(0);
      // A proven id does not make the name and e-mail proven.
      expect(await panel.getByTestId('proof-name').textContent()).toBe('(claimed)');
      fake.sendChat({
        v: 1,
        type: 'shopper',
        shopper: shopperContext({
          name: 'Mia',
          userId: 'u-1',
          verified: true,
          provenFields: ['name'],
          pageUrl: 'https://shop.example/cart?x=1',
          pageOnSite: true,
          visits: 4,
        }),
      });
      const link = panel.locator('a');
      await expect.poll(() => link.count()).toBe(1);
      expect(await link.getAttribute('href')).toBe('https://shop.example/cart?x=1');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await panel.getByTestId('proof-name').textContent()).toBe('verified');
      expect(await panel.getByTestId('proof-id').textContent()).toBe('verified');
      expect(await panel.getByTestId('proof-email').textContent()).toBe('(claimed)');
      expect(await panel.getByTestId('shopper-visits').textContent()).toBe('4');

      // The shopper types.
      fake.sendChat({ v: 1, type: 'typing', from: 'shopper', on: true });
      await expect.poll(() => page.getByTestId('typing-indicator').textContent()).toBe('Mia is typing…');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('composes: canned replies by /shortcut, Enter and Shift+Enter, notes, resend after a drop, read state, transfer and close', async () => {
    const { context, page, fake, problems } = await setup();
    try {
      await signIn(page);
      await page.getByTestId('queue-entry').filter({ hasText: 'real person' }).getByTestId('claim-button').click();
      await expect.poll(() => page.getByTestId('conversation').getAttribute('data-state'), { timeout: 10_000 }).toBe('agent');
      const composer = page.getByTestId('composer');
      await expect.poll(() => composer.evaluate((element) => element === document.activeElement)).toBe(true);

      // "/gr" offers the English greeting (the chat's locale) and not the Chinese one.
      await composer.pressSequentially('/gr');
      const options = page.getByTestId('canned-option');
      await expect.poll(() => options.count()).toBe(1);
      expect(await options.first().textContent()).toContain('Hello! My name is Ann');
      await composer.press('Escape');
      await expect.poll(() => options.count()).toBe(0);
      await composer.fill('');
      await composer.pressSequentially('/');
      await expect.poll(() => options.count()).toBe(3);
      await composer.press('ArrowDown');
      expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
      await page.screenshot({ path: 'test-results/console-canned.png' });
      await composer.press('Enter'); // inserts, does not send
      const hold = 'One moment please while I check.';
      expect(await composer.inputValue()).toBe(hold);
      expect(fake.chatFrames.filter((frame) => frame.type === 'message')).toHaveLength(0);

      // Shift+Enter is a new line; Enter sends. Typing went out while composing.
      await composer.press('Shift+Enter');
      await composer.pressSequentially('Back soon.');
      expect(await composer.inputValue()).toBe(`${hold}\nBack soon.`);
      await composer.press('Enter');
      await expect.poll(() => fake.chatFrames.filter((frame) => frame.type === 'message').length).toBe(1);
      const first = fake.chatFrames.find((frame) => frame.type === 'message')!;
      expect(first.text).toBe(`${hold}\nBack soon.`);
      expect(String(first.clientMsgId)).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(fake.chatFrames.some((frame) => frame.type === 'typing' && frame.on === true)).toBe(true);
      expect(await composer.inputValue()).toBe('');
      const agentMessages = page.locator('[data-testid="transcript-message"][data-author="agent"]');
      await expect.poll(() => agentMessages.last().getByTestId('receipt').getAttribute('data-receipt')).toBe('sent');

      // The shopper read it.
      fake.sendChat({ v: 1, type: 'read', by: 'shopper', seq: fake.transcript.at(-1)!.seq });
      await expect.poll(() => agentMessages.last().getByTestId('receipt').getAttribute('data-receipt')).toBe('read');
      // And the console told the shopper what the agent has read.
      expect(fake.chatFrames.some((frame) => frame.type === 'read' && Number(frame.seq) >= 6)).toBe(true);

      // A drop before the ack: the same clientMsgId is sent again after reconnecting with lastSeq.
      fake.dropNextMessage = true;
      await composer.fill('Are you still there?');
      await composer.press('Enter');
      await expect.poll(() => fake.chatFrames.filter((frame) => frame.type === 'message').length, { timeout: 10_000 }).toBe(3);
      const [, dropped, resent] = fake.chatFrames.filter((frame) => frame.type === 'message');
      expect(resent!.clientMsgId).toBe(dropped!.clientMsgId);
      const hellos = fake.chatFrames.filter((frame) => frame.type === 'hello');
      expect(hellos.at(-1)!.lastSeq).toBe(7);
      await expect.poll(() => agentMessages.filter({ hasText: 'Are you still there?' }).count()).toBe(1);

      // Internal note: sent as `note`, shown apart, and no typing indicator leaks to the shopper.
      await page.getByTestId('note-toggle').check();
      const typingOn = () => fake.chatFrames.filter((frame) => frame.type === 'typing' && frame.on === true).length;
      const typingBefore = typingOn();
      await composer.pressSequentially('VIP customer, offer free returns');
      await composer.press('Enter');
      await expect.poll(() => page.getByTestId('internal-note').count()).toBe(1);
      expect(await page.getByTestId('internal-note').textContent()).toContain('Internal note — not visible to the shopper');
      expect(fake.chatFrames.filter((frame) => frame.type === 'note').map((frame) => frame.text)).toEqual(['VIP customer, offer free returns']);
      expect(typingOn()).toBe(typingBefore);
      await page.getByTestId('note-toggle').uncheck();

      // Transfer lists the online colleague; Escape backs out.
      await page.getByTestId('transfer-button').click();
      const agentSelect = page.getByTestId('transfer-agent');
      await expect.poll(() => agentSelect.locator('option').allTextContents()).toEqual(['Bob Builder — 1 chat']);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('transfer-dialog').count()).toBe(0);
      await expect.poll(() => page.getByTestId('transfer-button').evaluate((element) => element === document.activeElement)).toBe(true);

      // Close asks first; "Keep it open" does nothing, confirming closes; the rating arrives.
      await page.getByTestId('close-button').click();
      await page.getByTestId('close-cancel').click();
      expect(fake.chatFrames.some((frame) => frame.type === 'close')).toBe(false);
      await page.getByTestId('close-button').click();
      await page.getByTestId('close-confirm').click();
      await expect.poll(() => page.getByTestId('conversation').getAttribute('data-state')).toBe('closed');
      await expect.poll(() => page.getByTestId('shopper-rating').textContent()).toContain('4 / 5');
      expect(await page.getByTestId('shopper-rating').textContent()).toContain(XSS);
      expect(await page.getByTestId('composer-send').isDisabled()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('alerts on a new waiting chat, has no serious accessibility problems at 1280×800, and keeps the session on reload', async () => {
    const { context, page, fake, problems } = await setup({ bypassCSP: true });
    try {
      await signIn(page);
      await page.getByTestId('queue-entry').filter({ hasText: 'real person' }).getByTestId('claim-button').click(); // a click also unlocks audio
      await expect.poll(() => page.getByTestId('conversation').getAttribute('data-state'), { timeout: 10_000 }).toBe('agent');
      const chimesBefore = await page.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators);

      fake.queue.push({
        conversationId: NEW_CHAT_ID,
        priority: 1,
        reason: 'low_confidence',
        queuedAt: Date.now(),
        lastMessage: 'Do you ship to Mars?',
        shopper: shopperContext({ name: 'Vera', vip: true }),
      });
      fake.broadcastInbox();
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { __notifications: string[] }).__notifications))
        .toEqual(['Vera is waiting | Bot was unsure — “Do you ship to Mars?”']);
      expect(await page.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators)).toBeGreaterThan(chimesBefore);
      expect(await page.title()).toBe('(2) waiting · kefu console');

      await page.addScriptTag({ content: readFileSync('node_modules/axe-core/axe.min.js', 'utf8') });
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
          }
        ).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      });
      expect(violations).toEqual([]);
      await page.screenshot({ path: 'test-results/console-1280x800.png' });

      // Nothing is cut off horizontally at 1280 wide.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);

      // The session cookie (here: the fake's) skips the login form on reload, and the open chat comes back.
      await page.reload();
      await expect.poll(() => page.getByTestId('conversation').count(), { timeout: 10_000 }).toBe(1);
      expect(await page.getByTestId('login-form').count()).toBe(0);

      await page.getByTestId('logout').click();
      await expect.poll(() => page.getByTestId('login-form').count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks for a new password first, then lets an admin add an agent and shows the one-time password once', async () => {
    const { context, page, problems } = await setup();
    let mustChange = true;
    const changes: unknown[] = [];
    const created: unknown[] = [];
    try {
      await page.route('**/v1/agent/me', (route) => route.fulfill({ json: { agent: { ...ME, mustChangePassword: mustChange } } }));
      await page.route('**/v1/agent/password', (route) => {
        changes.push(JSON.parse(route.request().postData() ?? '{}'));
        mustChange = false;
        return route.fulfill({ status: 204, body: '' });
      });
      await page.route('**/v1/agent/agents', (route) => {
        const body = JSON.parse(route.request().postData() ?? '{}') as { email: string; name: string; role: string };
        created.push(body);
        if (body.email === 'taken@example.com')
          return route.fulfill({ status: 409, json: { error: 'agent_exists', message: 'An agent with that e-mail already exists.' } });
        return route.fulfill({
          status: 201,
          json: {
            agent: { id: 'agent_new01', site: 'demo', email: body.email, name: body.name, role: body.role, mustChangePassword: true },
            oneTimePassword: 'otp-Zx81-kq2m-77',
          },
        });
      });
      await page.goto(`${baseUrl}/console/?site=demo`);
      const form = page.getByTestId('password-form');
      await expect.poll(() => form.count(), { timeout: 10_000 }).toBe(1);
      await page.getByLabel('One-time (current) password').fill('one-time-123');
      await page.getByLabel('New password', { exact: true }).fill('short');
      await page.getByLabel('Repeat the new password').fill('short');
      await page.getByRole('button', { name: 'Save password' }).click();
      await expect.poll(() => form.getByRole('alert').textContent()).toContain('at least 10 characters');
      expect(changes).toEqual([]);
      await page.getByLabel('New password', { exact: true }).fill('a-much-better-password');
      await page.getByLabel('Repeat the new password').fill('a-much-better-password');
      await page.getByRole('button', { name: 'Save password' }).click();
      await expect.poll(() => page.getByTestId('queue-entry').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(changes).toEqual([{ currentPassword: 'one-time-123', newPassword: 'a-much-better-password' }]);

      await page.getByTestId('team-button').click();
      const dialog = page.getByTestId('team-dialog');
      await expect.poll(() => dialog.locator('.team-list').textContent()).toContain('Bob Builder');
      await dialog.getByLabel('Name').fill('Taken');
      await dialog.getByLabel('E-mail').fill('taken@example.com');
      await dialog.getByRole('button', { name: 'Add agent' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('An agent with that e-mail already exists.');
      await dialog.getByLabel('Name').fill('Chen Wei');
      await dialog.getByLabel('E-mail').fill('chen@example.com');
      await dialog.getByLabel('Role').selectOption('admin');
      await dialog.getByRole('button', { name: 'Add agent' }).click();
      await expect.poll(() => dialog.getByTestId('one-time-password').textContent()).toBe('otp-Zx81-kq2m-77');
      expect(created.at(-1)).toEqual({ email: 'chen@example.com', name: 'Chen Wei', role: 'admin' });
      await page.screenshot({ path: 'test-results/console-team.png' });
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count()).toBe(0);
      // Shown once: reopening the panel does not show it again.
      await page.getByTestId('team-button').click();
      expect(await page.getByTestId('one-time-password').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

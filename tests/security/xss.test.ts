/**
 * XSS in real Chromium. The corpus (tests/fixtures/xss/payloads.txt) goes in as shopper messages,
 * agent messages, internal notes, a transfer note, visitor names, page titles and an agent's own
 * name, while the widget (shopper) and the console (agent) have the same chat open. A payload that
 * runs calls alert(), logs 'XSS-FIRED' or loads /xss-beacon; dialog, console, pageerror and
 * request listeners turn any of that into a failure. Afterwards no element in the widget's shadow
 * DOM or the console's DOM may carry an on* attribute, a javascript: URL, or be a script/iframe/
 * object/embed/... that was not there before the payloads arrived (forms are the app's own; a payload
 * form could only act through a javascript: action, which the URL check catches).
 *
 * The knowledge-base part compiles tests/fixtures/xss/kb-article.md with the real build on a
 * throwaway site folder and renders its HTML the way the widget does (innerHTML in a shadow root).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import matter from 'gray-matter';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildKnowledgeBase, renderMarkdown } from '../../knowledge-base/build/compile.ts';
import { launchChromium } from '../support/chromium.ts';
import {
  adminCreateAgent,
  agentHeaders,
  localOrigin,
  loginAgent,
  nextClientMsgId,
  openAgentChat,
  openInbox,
  openShopper,
  printTable,
  sayAcked,
  sleep,
  type TestSocket,
} from './lib/client.ts';

const { baseUrl, adminKey, demoAgent } = inject('kefuSecurity');

const PAYLOADS = readFileSync('tests/fixtures/xss/payloads.txt', 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('# '));
/** Names are limited to 80 characters by the protocol; longer payloads go everywhere else. */
const NAME_PAYLOADS = PAYLOADS.filter((payload) => payload.trim().length <= 80);
const HOSTILE_AGENT_NAME = `<img src=x onerror=alert('AGENT-NAME')>Eve`;

/** Greedy packing of payloads into texts of at most `max` characters, one payload per line. */
function pack(payloads: string[], max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const payload of payloads) {
    const next = current ? `${current}\n${payload}` : payload;
    if (next.length > max && current) {
      out.push(current);
      current = payload;
    } else current = next;
  }
  if (current) out.push(current);
  return out;
}

/** What the server keeps of a name: control and format characters removed, trimmed. */
const storedName = (name: string) => name.replace(/[\p{C}]/gu, '').trim();
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

function guard(page: Page, problems: string[], label: string) {
  page.on('dialog', (dialog) => {
    problems.push(`${label} dialog (${dialog.type()}): ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/XSS|KB-\d|AGENT-NAME/.test(text)) problems.push(`${label} console.${message.type()}: ${text.slice(0, 200)}`);
  });
  page.on('pageerror', (error) => problems.push(`${label} pageerror: ${error.message.slice(0, 200)}`));
  page.on('request', (request) => {
    if (request.url().includes('xss-beacon')) problems.push(`${label} loaded ${request.url()}`);
  });
}

interface DomReport {
  handlers: string[];
  jsUrls: string[];
  dangerous: Record<string, number>;
  elements: number;
}

/** Walks a root and every open shadow root below it (runs in the page). */
async function inspectDom(page: Page, rootSelector: string | null): Promise<DomReport> {
  return page.evaluate((selector) => {
    const DANGEROUS = [
      'SCRIPT',
      'IFRAME',
      'FRAME',
      'FRAMESET',
      'OBJECT',
      'EMBED',
      'BASE',
      'META',
      'LINK',
      'STYLE',
      'NOSCRIPT',
      'TEMPLATE',
      'SVG',
      'MATH',
      'APPLET',
      'ISINDEX',
    ];
    const report = { handlers: [] as string[], jsUrls: [] as string[], dangerous: {} as Record<string, number>, elements: 0 };
    const visit = (root: Document | ShadowRoot | Element) => {
      const elements = root instanceof Element ? [root, ...Array.from(root.querySelectorAll('*'))] : Array.from(root.querySelectorAll('*'));
      for (const element of elements) {
        report.elements += 1;
        const tag = element.tagName.toUpperCase();
        if (DANGEROUS.includes(tag)) report.dangerous[tag] = (report.dangerous[tag] ?? 0) + 1;
        for (const attribute of Array.from(element.attributes)) {
          if (/^on/i.test(attribute.name)) report.handlers.push(`<${tag.toLowerCase()} ${attribute.name}="${attribute.value.slice(0, 60)}">`);
          if (
            /^(href|src|action|formaction|xlink:href|data|srcdoc|background|poster)$/i.test(attribute.name) &&
            /^\s*(javascript|vbscript|data:text\/html)/i.test(attribute.value.replace(/[\u0000-\u0020]/g, ''))
          ) {
            report.jsUrls.push(`<${tag.toLowerCase()} ${attribute.name}="${attribute.value.slice(0, 60)}">`);
          }
        }
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    if (selector === null) visit(document);
    else {
      const host = document.querySelector(selector);
      if (host?.shadowRoot) visit(host.shadowRoot);
    }
    return report;
  }, rootSelector);
}

function newDangerous(before: DomReport, after: DomReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [tag, count] of Object.entries(after.dangerous)) if (count > (before.dangerous[tag] ?? 0)) out[tag] = count - (before.dangerous[tag] ?? 0);
  return out;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('XSS payloads in the widget and the console', () => {
  it(`renders ${PAYLOADS.length} payloads as inert text everywhere shopper- or agent-supplied text appears`, async () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(50);
    const problems: string[] = [];
    const agentContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const shopperContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const sockets: TestSocket[] = [];
    try {
      const agentPage = await agentContext.newPage();
      const shopperPage = await shopperContext.newPage();
      guard(agentPage, problems, 'console');
      guard(shopperPage, problems, 'widget');
      for (const context of [agentContext, shopperContext]) await context.route('**/xss-beacon/**', (route) => route.fulfill({ status: 404, body: '' }));

      // ---- the agent signs in to the console ------------------------------------------
      await agentPage.goto(`${baseUrl}/console/?site=demo`);
      await agentPage.getByTestId('login-email').fill(demoAgent.email);
      await agentPage.getByTestId('login-password').fill(demoAgent.password);
      await agentPage.getByTestId('login-submit').click();
      await expect.poll(() => agentPage.getByTestId('queue-count').count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => agentPage.getByTestId('inbox-status').count(), { timeout: 15_000 }).toBe(0);
      const consoleBefore = await inspectDom(agentPage, null);

      // ---- one queued chat per payload: name, page title, message -----------------------
      const queued = await Promise.all(
        PAYLOADS.map(async (payload) => {
          const shopper = await openShopper(baseUrl, {
            page: { url: `http://127.0.0.1/x?q=${encodeURIComponent(payload).slice(0, 200)}`, title: payload.slice(0, 300) },
          });
          sockets.push(shopper.socket);
          if (payload.trim().length <= 80) {
            shopper.socket.send({ v: 1, type: 'identify', identity: { name: payload } });
            await Promise.any([shopper.socket.waitFor('identity', undefined, 5000), shopper.socket.waitFor('error', undefined, 5000)]);
          }
          await sayAcked(shopper.socket, payload);
          // Whatever the bot made of the payload, ask for a person (a not_now answer means it is already queued).
          shopper.socket.send({ v: 1, type: 'request_human' });
          await shopper.socket.waitFor('state', (frame) => frame.state === 'queued', 10_000);
          return { payload, conversationId: shopper.welcome.conversationId };
        }),
      );
      const entry = (conversationId: string) => agentPage.locator(`[data-testid="queue-entry"][data-conversation-id="${conversationId}"]`);
      await expect
        .poll(async () => (await Promise.all(queued.map((chat) => entry(chat.conversationId).count()))).reduce((a, b) => a + b, 0), { timeout: 20_000 })
        .toBe(queued.length);
      let namesShown = 0;
      let lastMessagesShown = 0;
      for (const chat of queued) {
        const name = (await entry(chat.conversationId).locator('.entry-name').textContent()) ?? '';
        if (chat.payload.trim().length <= 80 && name === storedName(chat.payload)) namesShown += 1;
        const last = (await entry(chat.conversationId).getByTestId('queue-last-message').textContent()) ?? '';
        if (flat(chat.payload).startsWith(last.replace(/…$/, '')) && last.length > 0) lastMessagesShown += 1;
      }

      // ---- the main chat: the real widget on a page whose title is a payload -------------
      const titlePayload = `<noscript><p title="</noscript><img src=x onerror=alert('PAGE-TITLE')>">`;
      // The demo shop page, served by the Worker (a page fulfilled by the test itself would trip Chromium's
      // local-network-access checks); its title is set to a payload before the widget connects.
      await shopperPage.goto(`${baseUrl}/#<img src=x onerror=alert('HASH')>`);
      await shopperPage.evaluate((title) => {
        document.title = title;
      }, titlePayload);
      await shopperPage.locator('kefu-widget .launcher').click();
      await expect.poll(() => shopperPage.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
      const widgetBefore = await inspectDom(shopperPage, 'kefu-widget');
      await shopperPage.locator('kefu-widget textarea').fill(`I want to talk to a person <img src=x onerror=alert('WIDGET-UI')>`);
      await shopperPage.locator('kefu-widget .send').click();
      const token = await expect
        .poll(() => shopperPage.evaluate(() => JSON.parse(localStorage.getItem('kefu:demo:token') ?? 'null') as string | null), { timeout: 10_000 })
        .toBeTruthy()
        .then(() => shopperPage.evaluate(() => JSON.parse(localStorage.getItem('kefu:demo:token')!) as string));
      const conversationId = (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { c: string }).c;
      await expect.poll(() => entry(conversationId).count(), { timeout: 15_000 }).toBe(1);
      await entry(conversationId).getByTestId('claim-button').click();
      const conversation = agentPage.getByTestId('conversation');
      await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');
      // The page title reached the console as text.
      await expect.poll(() => agentPage.getByTestId('shopper-page').locator('.page-title').textContent(), { timeout: 10_000 }).toBe(titlePayload);

      // ---- a second shopper tab (Node) on the same chat: messages, names, titles --------
      const tab = await openShopper(baseUrl, { token, lastSeq: 1_000_000 });
      sockets.push(tab.socket);
      const shopperTexts = pack(PAYLOADS, 600);
      for (const text of shopperTexts) await sayAcked(tab.socket, text);
      const titles = pack(
        PAYLOADS.map((payload) => payload.slice(0, 300)),
        300,
      );
      for (const title of titles) {
        for (let attempt = 0; ; attempt += 1) {
          const errorsBefore = tab.socket.all('error').length;
          tab.socket.send({ v: 1, type: 'page', page: { url: "javascript:alert('PAGE-URL')", title } });
          const shown = await expect
            .poll(() => agentPage.getByTestId('shopper-page').locator('.page-title').textContent(), { timeout: 3000 })
            .toBe(title)
            .then(() => true)
            .catch(() => false);
          if (shown) break;
          const limited = tab.socket
            .all('error')
            .slice(errorsBefore)
            .some((frame) => frame.code === 'rate_limited');
          if (!limited || attempt > 15) throw new Error(`page title not shown in the console: ${title.slice(0, 80)}`);
          await sleep(1100);
        }
      }
      // A javascript: page URL is shown as text, never as a link.
      expect(await agentPage.getByTestId('shopper-page').locator('a').count()).toBe(0);
      const mainName = NAME_PAYLOADS.find((payload) => payload.includes('onerror'))!;
      for (let attempt = 0; attempt < 15; attempt += 1) {
        const before = tab.socket.frames.length;
        tab.socket.send({ v: 1, type: 'identify', identity: { name: mainName } });
        const answer = await Promise.any([
          tab.socket.waitFor('identity', () => tab.socket.frames.length > before, 5000),
          tab.socket.waitFor('error', (frame) => tab.socket.frames.indexOf(frame) >= before, 5000),
        ]);
        if (answer.type === 'identity') break;
        expect(answer.code).toBe('rate_limited');
        await sleep(1100);
      }
      await expect.poll(() => agentPage.getByTestId('shopper-name').textContent(), { timeout: 10_000 }).toBe(storedName(mainName));

      // ---- the agent (Node socket of the same agent) sends every payload ----------------
      const { cookie } = await loginAgent(baseUrl, 'demo', demoAgent.email, demoAgent.password);
      const agentChat = await openAgentChat(baseUrl, cookie, conversationId);
      sockets.push(agentChat);
      for (const payload of PAYLOADS) {
        const clientMsgId = nextClientMsgId('xss');
        agentChat.send({ v: 1, type: 'message', clientMsgId, text: payload });
        await agentChat.waitFor('ack', (frame) => frame.clientMsgId === clientMsgId, 5000);
      }
      for (const note of pack(PAYLOADS, 1500)) {
        const clientMsgId = nextClientMsgId('note');
        agentChat.send({ v: 1, type: 'note', clientMsgId, text: note });
        await agentChat.waitFor('note', (frame) => frame.clientMsgId === clientMsgId, 5000);
      }
      // Transfer to an agent whose own name is a payload, with a payload note.
      const eveEmail = `eve.${Date.now()}@example.com`;
      const eve = await adminCreateAgent(baseUrl, adminKey, 'demo', { email: eveEmail, name: HOSTILE_AGENT_NAME, password: 'eve-password-12345' });
      const eveLogin = await loginAgent(baseUrl, 'demo', eveEmail, 'eve-password-12345');
      const eveInbox = await openInbox(baseUrl, eveLogin.cookie);
      sockets.push(eveInbox);
      agentChat.send({ v: 1, type: 'transfer', toAgentId: eve.agent.id, note: pack(PAYLOADS, 1900)[0]! });
      await eveInbox.waitFor('assigned', (frame) => frame.conversationId === conversationId, 10_000);
      const eveChat = await openAgentChat(baseUrl, eveLogin.cookie, conversationId);
      sockets.push(eveChat);
      const eveMsgId = nextClientMsgId('eve');
      eveChat.send({ v: 1, type: 'message', clientMsgId: eveMsgId, text: `Hi, this is Eve <svg onload=alert('EVE')>` });
      await eveChat.waitFor('ack', (frame) => frame.clientMsgId === eveMsgId, 5000);

      // ---- wait until everything is rendered, then let any handler fire -----------------
      const lastAgentPayload = PAYLOADS.at(-1)!;
      await expect.poll(() => shopperPage.locator('kefu-widget .message.agent', { hasText: 'this is Eve' }).count(), { timeout: 15_000 }).toBe(1);
      await expect
        .poll(() => agentPage.getByTestId('transcript').getByTestId('transcript-message').filter({ hasText: lastAgentPayload }).count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
      await sleep(1500);

      // Positive control: the payloads are visible as the exact text that was sent.
      const widgetTexts = await shopperPage.locator('kefu-widget .message').evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''));
      const consoleTexts = await agentPage
        .getByTestId('transcript')
        .locator('.msg-text')
        .evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''));
      const widgetAgentShown = PAYLOADS.filter((payload) => widgetTexts.some((text) => text.includes(payload))).length;
      const consoleAgentShown = PAYLOADS.filter((payload) => consoleTexts.includes(payload)).length;
      const widgetShopperShown = shopperTexts.filter((text) => widgetTexts.some((shown) => shown.includes(text))).length;
      const consoleShopperShown = shopperTexts.filter((text) => consoleTexts.includes(text)).length;
      const widgetShowsEve = widgetTexts.some((text) => text.includes(HOSTILE_AGENT_NAME));

      const widgetAfter = await inspectDom(shopperPage, 'kefu-widget');
      const consoleAfter = await inspectDom(agentPage, null);
      await agentPage.screenshot({ path: 'test-results/security-xss-console.png' });
      await shopperPage.screenshot({ path: 'test-results/security-xss-widget.png' });

      printTable(`XSS corpus (${PAYLOADS.length} payloads) in real Chromium`, [
        { channel: 'queue entries: shopper name (≤ 80 chars)', sent: NAME_PAYLOADS.length, 'shown as text': namesShown },
        { channel: 'queue entries: last shopper message', sent: PAYLOADS.length, 'shown as text': lastMessagesShown },
        { channel: 'shopper messages (packed) in widget', sent: shopperTexts.length, 'shown as text': widgetShopperShown },
        { channel: 'shopper messages (packed) in console', sent: shopperTexts.length, 'shown as text': consoleShopperShown },
        { channel: 'agent messages in widget', sent: PAYLOADS.length, 'shown as text': widgetAgentShown },
        { channel: 'agent messages in console', sent: PAYLOADS.length, 'shown as text': consoleAgentShown },
        { channel: 'page titles (packed) in console panel', sent: titles.length + 1, 'shown as text': titles.length + 1 },
        { channel: 'hostile agent name in widget', sent: 1, 'shown as text': widgetShowsEve ? 1 : 0 },
        { channel: 'scripts run / dialogs / beacons', sent: '-', 'shown as text': problems.length },
        { channel: 'on* attributes (widget / console)', sent: '-', 'shown as text': `${widgetAfter.handlers.length} / ${consoleAfter.handlers.length}` },
        { channel: 'javascript: URLs (widget / console)', sent: '-', 'shown as text': `${widgetAfter.jsUrls.length} / ${consoleAfter.jsUrls.length}` },
        {
          channel: 'new script/iframe/object/... (widget / console)',
          sent: '-',
          'shown as text': `${JSON.stringify(newDangerous(widgetBefore, widgetAfter))} / ${JSON.stringify(newDangerous(consoleBefore, consoleAfter))}`,
        },
        { channel: 'elements inspected (widget / console)', sent: '-', 'shown as text': `${widgetAfter.elements} / ${consoleAfter.elements}` },
      ]);

      expect(problems).toEqual([]);
      expect(widgetAfter.handlers).toEqual([]);
      expect(consoleAfter.handlers).toEqual([]);
      expect(widgetAfter.jsUrls).toEqual([]);
      expect(consoleAfter.jsUrls).toEqual([]);
      expect(newDangerous(widgetBefore, widgetAfter)).toEqual({});
      expect(newDangerous(consoleBefore, consoleAfter)).toEqual({});
      expect(namesShown).toBe(NAME_PAYLOADS.length);
      expect(lastMessagesShown).toBe(PAYLOADS.length);
      expect(widgetAgentShown).toBe(PAYLOADS.length);
      expect(consoleAgentShown).toBe(PAYLOADS.length);
      expect(widgetShopperShown).toBe(shopperTexts.length);
      expect(consoleShopperShown).toBe(shopperTexts.length);
      expect(widgetShowsEve).toBe(true);
    } finally {
      for (const socket of sockets) socket.close();
      await agentContext.close();
      await shopperContext.close();
    }
  }, 150_000);
});

describe('the XSS detectors themselves', () => {
  it('catch a payload rendered unsafely (so a clean run above means something)', async () => {
    const problems: string[] = [];
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      guard(page, problems, 'self-check');
      await context.route(`${baseUrl}/xss-self-check.html`, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><head><title>t</title></head><body><kefu-widget></kefu-widget></body></html>' }),
      );
      await page.goto(`${baseUrl}/xss-self-check.html`);
      await page.evaluate(
        (payloads) => {
          const root = document.querySelector('kefu-widget')!.attachShadow({ mode: 'open' });
          const div = document.createElement('div');
          div.innerHTML = payloads.join('');
          root.append(div);
        },
        [
          PAYLOADS.find((payload) => payload.startsWith('<img src=x onerror'))!,
          `<a href="javascript:alert('XSS')">x</a>`,
          '<iframe src="about:blank"></iframe>',
        ],
      );
      await expect.poll(() => problems.length, { timeout: 5000 }).toBeGreaterThan(0);
      const report = await inspectDom(page, 'kefu-widget');
      expect(problems.join('\n')).toMatch(/dialog \(alert\): XSS-4/);
      expect(report.handlers.length).toBeGreaterThan(0);
      expect(report.jsUrls.length).toBeGreaterThan(0);
      expect(report.dangerous.IFRAME).toBe(1);
    } finally {
      await context.close();
    }
  });
});

describe('XSS in a knowledge-base article', () => {
  it('refuses the payload article, renders it to inert HTML anyway, and rendering that as the widget does runs nothing', async () => {
    // A throwaway site folder: the fixture shop's site.json plus the payload article.
    const sitesDir = mkdtempSync(join(tmpdir(), 'kefu-xss-kb-'));
    try {
      cpSync('tests/fixtures/kb-valid/shop/site.json', join(sitesDir, 'xss', 'site.json'));
      const config = JSON.parse(readFileSync(join(sitesDir, 'xss', 'site.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(sitesDir, 'xss', 'site.json'), JSON.stringify({ ...config, id: 'xss', locales: ['en'] }));
      mkdirSync(join(sitesDir, 'xss', 'en'), { recursive: true });
      cpSync('tests/fixtures/xss/kb-article.md', join(sitesDir, 'xss', 'en', 'xss-article.md'));
      // The rules (kb:build, site:import, the console) refuse it: markup in the title, raw HTML and javascript: links in the body.
      const result = buildKnowledgeBase(sitesDir, sitesDir);
      expect(result.sites).toEqual({});
      const reasons = result.errors.map((error) => error.reason).join('\n');
      expect(reasons).toContain('"title": must be plain text');
      expect(reasons).toContain('"body": raw HTML is not allowed');
      expect(reasons).toMatch(/"body": the link "javascript:alert/);
      // Defence in depth: what the renderer makes of it is inert even so.
      const source = matter(readFileSync('tests/fixtures/xss/kb-article.md', 'utf8'));
      const title = String(source.data.title);
      const { html, excerpt } = renderMarkdown(source.content);

      // Static checks on the build output.
      expect(html).not.toMatch(/<(script|iframe|object|embed|style|svg|img|noscript|details|base|meta|link|form)\b/i);
      expect(html).not.toMatch(/<[^>]+\son\w+\s*=/i);
      expect(html).not.toMatch(/href\s*=\s*"\s*(javascript|vbscript|data|file):/i);
      expect(html).toContain('&lt;script&gt;');
      expect(html).toContain('rel="noopener noreferrer nofollow"');

      // Render it the widget's way: innerHTML inside an open shadow root; title and excerpt as text.
      const problems: string[] = [];
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        guard(page, problems, 'kb');
        await context.route('**/xss-beacon/**', (route) => route.fulfill({ status: 404, body: '' }));
        await context.route(`${baseUrl}/xss-kb.html`, (route) =>
          route.fulfill({
            contentType: 'text/html',
            body: '<!doctype html><html><head><meta charset="utf-8"><title>kb</title></head><body><kefu-widget></kefu-widget></body></html>',
          }),
        );
        await page.goto(`${baseUrl}/xss-kb.html`);
        await page.evaluate(
          ({ html, title, excerpt }) => {
            const root = document.querySelector('kefu-widget')!.attachShadow({ mode: 'open' });
            const card = document.createElement('article');
            const heading = document.createElement('h3');
            heading.textContent = title;
            const summary = document.createElement('p');
            summary.textContent = excerpt;
            const body = document.createElement('div');
            body.className = 'article-body';
            body.innerHTML = html;
            card.append(heading, summary, body);
            root.append(card);
          },
          { html, title, excerpt },
        );
        await sleep(1000);
        // Click every link with a modifier-free click prevented from navigating away: none may run script.
        const report = await inspectDom(page, 'kefu-widget');
        const links = await page.locator('kefu-widget a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).getAttribute('href')));
        printTable('Knowledge-base payload article', [
          {
            figure: 'payload lines in the article',
            value: (readFileSync('tests/fixtures/xss/kb-article.md', 'utf8').match(/alert\(|XSS-FIRED/g) ?? []).length,
          },
          { figure: 'elements rendered', value: report.elements },
          { figure: 'on* attributes', value: report.handlers.length },
          { figure: 'javascript:/data: URLs', value: report.jsUrls.length },
          { figure: 'dangerous elements', value: JSON.stringify(report.dangerous) },
          { figure: 'links (all http/https)', value: links.join(' ') },
          { figure: 'scripts run / dialogs', value: problems.length },
        ]);
        expect(problems).toEqual([]);
        expect(report.handlers).toEqual([]);
        expect(report.jsUrls).toEqual([]);
        expect(report.dangerous).toEqual({});
        expect(links.length).toBeGreaterThan(0);
        for (const link of links) expect(link).toMatch(/^https?:\/\//);
        // The payloads are there, as text.
        expect(await page.locator('kefu-widget .article-body').textContent()).toContain("<script>alert('KB-1')</script>");
        expect(await page.locator('kefu-widget h3').textContent()).toBe(title);
      } finally {
        await context.close();
      }
    } finally {
      rmSync(sitesDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('XSS in what a site owner types: the Settings editor and its live widget preview', () => {
  it('shows payloads typed as the shop name, greeting and launcher label as inert text in the editor and the preview', async () => {
    const problems: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      guard(page, problems, 'settings');
      await context.route('**/xss-beacon/**', (route) => route.fulfill({ status: 404, body: '' }));
      await page.goto(`${baseUrl}/console/?site=demo#setup`);
      await page.getByTestId('login-email').fill(demoAgent.email);
      await page.getByTestId('login-password').fill(demoAgent.password);
      await page.getByTestId('login-submit').click();
      const preview = page.getByTestId('theme-preview');
      await expect.poll(() => preview.locator('.title').count(), { timeout: 15_000 }).toBe(1);
      const before = await inspectDom(page, null);

      // Every payload, typed into the editor; nothing is saved (Discard at the end).
      let shown = 0;
      for (const payload of PAYLOADS) {
        await page.getByTestId('setting-name').fill(payload);
        await page.getByTestId('setting-greeting.en').fill(payload);
        await page.getByTestId('setting-theme.launcherLabel.en').fill(payload);
        const title = await preview.locator('.title').textContent();
        const greeting = await preview.locator('.message.bot').textContent();
        const label = await preview.locator('.launcher').getAttribute('aria-label');
        if (title === payload && greeting === payload.replace('{name}', '') && label === payload) shown += 1;
      }
      await sleep(1000);
      const after = await inspectDom(page, null);
      printTable('Owner settings: payloads typed into the editor', [
        { figure: 'payloads typed (name, greeting, launcher label)', value: PAYLOADS.length },
        { figure: 'shown in the widget preview as the exact text', value: shown },
        { figure: 'scripts run / dialogs / beacons', value: problems.length },
        { figure: 'on* attributes', value: after.handlers.length },
        { figure: 'javascript: URLs', value: after.jsUrls.length },
        { figure: 'new dangerous elements', value: JSON.stringify(newDangerous(before, after)) },
      ]);
      await page.getByTestId('settings-discard').click();
      expect(problems).toEqual([]);
      expect(after.handlers).toEqual([]);
      expect(after.jsUrls).toEqual([]);
      expect(newDangerous(before, after)).toEqual({});
      expect(shown).toBe(PAYLOADS.length);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('XSS in the owner side: the article editor, its preview, Try the bot and the knowledge gaps', () => {
  it('shows payloads as inert text in the editor and Try the bot, and the preview renders only sanitised HTML', async () => {
    const problems: string[] = [];
    const sockets: TestSocket[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      guard(page, problems, 'owner');
      await context.route('**/xss-beacon/**', (route) => route.fulfill({ status: 404, body: '' }));

      // Payloads asked as shopper questions the bot cannot answer become knowledge gaps.
      const shopper = await openShopper(baseUrl);
      sockets.push(shopper.socket);
      const gapPayloads = PAYLOADS.filter((payload) => payload.includes('alert')).slice(0, 5);
      for (const payload of gapPayloads) await sayAcked(shopper.socket, payload);

      await page.goto(`${baseUrl}/console/?site=demo#articles`);
      await page.getByTestId('login-email').fill(demoAgent.email);
      await page.getByTestId('login-password').fill(demoAgent.password);
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('article-new').count(), { timeout: 15_000 }).toBe(1);
      await page.getByTestId('article-new').click();
      const before = await inspectDom(page, null);

      // Every payload as the title, tags and example questions: shown as typed in the preview's title.
      const preview = page.getByTestId('article-preview');
      await page.getByTestId('article-body').fill('A short answer.');
      await expect.poll(() => preview.locator('.article-body').count(), { timeout: 10_000 }).toBe(1);
      let titlesShown = 0;
      for (const payload of PAYLOADS) {
        await page.getByTestId('article-title').fill(payload);
        if ((await preview.locator('.article-title').textContent()) === (payload.trim() || 'Title')) titlesShown += 1;
      }
      await page.getByTestId('article-tags').fill(PAYLOADS.slice(0, 10).join(', '));
      await page.getByTestId('article-questions').fill(PAYLOADS.join('\n'));
      // Saving is refused at the field (markup in a plain-text field), nothing is stored, and the message is text.
      await page.getByTestId('article-id').fill('xss-owner-article');
      await page.getByTestId('article-save').click();
      await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThan(0);

      // The body: the whole corpus, then the knowledge-base payload article; the preview is the server's sanitised HTML.
      await page.getByTestId('article-body').fill(`A short answer.\n\n${PAYLOADS.join('\n\n')}`);
      await expect.poll(() => preview.locator('.article-body').textContent(), { timeout: 10_000 }).toContain("<script>alert('XSS-1')</script>");
      const kbBody = readFileSync('tests/fixtures/xss/kb-article.md', 'utf8').replace(/^---[\s\S]*?\n---\n/, '');
      await page.getByTestId('article-body').fill(kbBody);
      await expect.poll(() => preview.locator('.article-body').textContent(), { timeout: 10_000 }).toContain("alert('KB-1')");
      const previewLinks = await preview.locator('.article-body a').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
      await page.getByTestId('article-title').fill('Plain title');
      await page.getByTestId('article-tags').fill('');
      await page.getByTestId('article-questions').fill('Where is my order?');
      await page.getByTestId('article-save').click();
      const bodyError = page.getByTestId('article-body-error');
      await expect.poll(() => bodyError.count(), { timeout: 10_000 }).toBe(1);

      // Try the bot with the payloads as questions: decision, titles and reasons as text.
      const questions = pack(PAYLOADS, 1900);
      for (const question of questions) {
        await page.getByTestId('try-bot-question').fill(question);
        await page.getByTestId('try-bot-submit').click();
        await expect.poll(() => page.getByTestId('try-bot-submit').isEnabled(), { timeout: 10_000 }).toBe(true);
      }
      await expect.poll(() => page.getByTestId('try-bot-result').count(), { timeout: 10_000 }).toBe(1);

      // Knowledge gaps: the payload questions, and the article picker for one of them.
      await page.getByTestId('article-back').click();
      const discard = page.getByTestId('article-discard-confirm');
      if (await discard.count()) await discard.click();
      await page.getByTestId('knowledge-gaps-button').click();
      const gapRows = page.getByTestId('gap-row').filter({ hasText: 'alert' });
      await expect.poll(() => gapRows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await gapRows.first().getByTestId('gap-add-question').click();
      await expect.poll(() => page.getByTestId('gap-add-dialog').count()).toBe(1);
      await sleep(1000);

      const after = await inspectDom(page, null);
      printTable('Owner side: payloads in the editor, the preview, Try the bot and the gaps', [
        { figure: 'payloads typed as the title, shown as text in the preview', value: `${titlesShown} of ${PAYLOADS.length}` },
        { figure: 'Try the bot questions (packed payloads)', value: questions.length },
        { figure: 'knowledge gaps with a payload shown', value: await gapRows.count() },
        { figure: 'links in the preview of the payload article', value: previewLinks.join(' ') || '(none)' },
        { figure: 'scripts run / dialogs / beacons', value: problems.length },
        { figure: 'on* attributes', value: after.handlers.length },
        { figure: 'javascript: URLs', value: after.jsUrls.length },
        { figure: 'new dangerous elements', value: JSON.stringify(newDangerous(before, after)) },
      ]);
      expect(problems).toEqual([]);
      expect(after.handlers).toEqual([]);
      expect(after.jsUrls).toEqual([]);
      expect(newDangerous(before, after)).toEqual({});
      expect(titlesShown).toBe(PAYLOADS.length);
      for (const link of previewLinks) expect(link).toMatch(/^(https?:\/\/|\/|#)/);
      expect(await page.evaluate(async () => (await fetch('/v1/agent/articles/en/xss-owner-article', { credentials: 'same-origin' })).status)).toBe(404);
    } finally {
      for (const socket of sockets) socket.close();
      await context.close();
    }
  }, 150_000);
});

describe('XSS in ticket fields: titles, teams, comments and the shopper’s messages in the console and the widget', () => {
  it('shows every payload as inert text on the Tickets page, the ticket detail and the returning shopper’s ticket view', async () => {
    const problems: string[] = [];
    const agentContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const shopperContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { cookie } = await loginAgent(baseUrl, 'demo', demoAgent.email, demoAgent.password);
      const headers = { ...agentHeaders(baseUrl, cookie), 'content-type': 'application/json' };
      const shopper = await openShopper(baseUrl);
      shopper.socket.close();
      const { conversationId, token } = shopper.welcome;

      // One ticket per payload that fits a title (one line, at most 200 characters), with a team when it fits 40.
      const titled = PAYLOADS.filter((payload) => payload.trim().length > 0 && payload.trim().length <= 200 && !/[\p{Cc}\u2028\u2029]/u.test(payload));
      let lastRef = '';
      for (const payload of titled) {
        const team = payload.trim().length <= 40 ? payload : undefined;
        const response = await fetch(`${baseUrl}/v1/agent/tickets`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ conversationId, title: payload, team }),
        });
        expect(response.status, payload).toBe(201);
        lastRef = ((await response.json()) as { ticket: { ref: string } }).ticket.ref;
      }
      // Every payload as internal comments and as the shopper's messages on the latest ticket.
      const texts = pack(PAYLOADS, 1500);
      for (const text of texts) {
        const comment = await fetch(`${baseUrl}/v1/agent/tickets/${lastRef}/comments`, { method: 'POST', headers, body: JSON.stringify({ text }) });
        expect(comment.status).toBe(201);
        const message = await fetch(`${baseUrl}/v1/visitor/tickets/${lastRef}/messages?site=demo`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, Origin: localOrigin(baseUrl), 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        });
        expect(message.status).toBe(201);
      }

      // ---- the console: the list, then the ticket ------------------------------------------
      const agentPage = await agentContext.newPage();
      guard(agentPage, problems, 'console');
      await agentContext.route('**/xss-beacon/**', (route) => route.fulfill({ status: 404, body: '' }));
      await agentPage.goto(`${baseUrl}/console/?site=demo`);
      await agentPage.getByTestId('login-email').fill(demoAgent.email);
      await agentPage.getByTestId('login-password').fill(demoAgent.password);
      await agentPage.getByTestId('login-submit').click();
      await expect.poll(() => agentPage.getByTestId('queue-count').count(), { timeout: 15_000 }).toBe(1);
      const consoleBefore = await inspectDom(agentPage, null);
      await agentPage.getByTestId('tickets-button').click();
      await expect.poll(() => agentPage.getByTestId('ticket-row').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(titled.length);
      const listed = new Set(await agentPage.getByTestId('ticket-link').allTextContents());
      const titlesShown = titled.filter((payload) => listed.has(payload.trim())).length;
      const consoleList = await inspectDom(agentPage, null);
      await agentPage.locator(`[data-ticket-ref="${lastRef}"]`).getByTestId('ticket-link').click();
      await expect.poll(() => agentPage.getByTestId('ticket-comment-shopper').count(), { timeout: 15_000 }).toBe(texts.length);
      const shopperShown = (await agentPage.getByTestId('ticket-comment-shopper').locator('.preserve-lines').allTextContents()).filter(
        (text, i) => text === texts[i],
      ).length;
      const commentsShown = (await agentPage.getByTestId('ticket-comment-agent').locator('.preserve-lines').allTextContents()).filter(
        (text, i) => text === texts[i],
      ).length;
      const consoleDetail = await inspectDom(agentPage, null);

      // ---- the widget: first as a new shopper (the baseline), then the same shopper's browser comes back
      const baselineContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const baselinePage = await baselineContext.newPage();
      await baselinePage.goto(`${baseUrl}/`);
      await baselinePage.locator('kefu-widget .launcher').click();
      await expect.poll(() => baselinePage.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
      const widgetBefore = await inspectDom(baselinePage, 'kefu-widget');
      await baselineContext.close();
      const shopperPage = await shopperContext.newPage();
      guard(shopperPage, problems, 'widget');
      await shopperContext.route('**/xss-beacon/**', (route) => route.fulfill({ status: 404, body: '' }));
      await shopperContext.addInitScript((saved) => localStorage.setItem('kefu:demo:token', JSON.stringify(saved)), token);
      await shopperPage.goto(`${baseUrl}/`);
      await shopperPage.locator('kefu-widget .launcher').click();
      const view = shopperPage.locator('kefu-widget .tk');
      await expect.poll(() => view.count(), { timeout: 15_000 }).toBe(1);
      const lastTitle = titled[titled.length - 1]!.trim();
      const widgetTitleShown = ((await view.locator('h3').textContent()) ?? '').includes(lastTitle);
      const widgetMessages = await view.locator('.tk-msgs li').allTextContents();
      await sleep(1000);
      const widget = await inspectDom(shopperPage, 'kefu-widget');

      printTable('Ticket fields: payloads in the console and the widget', [
        { figure: 'tickets titled with a payload', value: titled.length },
        { figure: 'titles shown as the exact text (console list)', value: titlesShown },
        { figure: 'comments / shopper messages shown exactly (console)', value: `${commentsShown} / ${shopperShown} of ${texts.length}` },
        { figure: 'widget: title and last messages shown as text', value: `${widgetTitleShown} / ${widgetMessages.length}` },
        { figure: 'scripts run / dialogs / beacons', value: problems.length },
        {
          figure: 'on* attributes / javascript: URLs',
          value: `${[...consoleList.handlers, ...consoleDetail.handlers, ...widget.handlers].length} / ${[...consoleList.jsUrls, ...consoleDetail.jsUrls, ...widget.jsUrls].length}`,
        },
      ]);
      expect(problems).toEqual([]);
      for (const report of [consoleList, consoleDetail, widget]) {
        expect(report.handlers).toEqual([]);
        expect(report.jsUrls).toEqual([]);
      }
      expect(newDangerous(consoleBefore, consoleList)).toEqual({});
      expect(newDangerous(consoleBefore, consoleDetail)).toEqual({});
      // The ticket view's own stylesheet, and nothing else.
      expect(newDangerous(widgetBefore, widget)).toEqual({ STYLE: 1 });
      expect(titlesShown).toBe(titled.length);
      expect([commentsShown, shopperShown]).toEqual([texts.length, texts.length]);
      expect(widgetTitleShown).toBe(true);
      expect(widgetMessages).toEqual(texts.slice(-3));
    } finally {
      await agentContext.close();
      await shopperContext.close();
    }
  }, 180_000);
});

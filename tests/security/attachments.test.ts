/**
 * Attachments under attack, against `wrangler dev`:
 * - hostile file names (the XSS corpus and a few made for names) sent by the shopper and by the
 *   agent, shown in the widget and the console in real Chromium: text only, nothing runs;
 * - path traversal in the download URL and in the name: never outside the conversation's files;
 * - an upload over the limit by its Content-Length: refused, nothing stored, and the server
 *   answers the next upload as usual (a streamed one: tests/workerd/attachments.test.ts).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AttachmentUploadResponse, DataExport } from '../../protocol/index.ts';
import { pdf, png } from '../fixtures/images.ts';
import { launchChromium } from '../support/chromium.ts';
import { handedOffChat, localOrigin, loginAgent, openInbox, openShopper, printTable } from './lib/client.ts';

const { baseUrl, adminKey, demoAgent } = inject('kefuSecurity');

const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** What the server keeps of a name: its last path segment, trimmed. */
const storedName = (name: string) => name.split(/[\\/]/).pop()!.trim();
const MADE_FOR_NAMES = [
  `<img src=x onerror=alert('FILE-1')>.png`,
  `"><svg onload=alert('FILE-2')>.pdf`,
  `<iframe src=javascript:alert('FILE-3')>`,
  `javascript:alert('FILE-4')`,
  `<b onmouseover=alert('FILE-5')>mug.jpg`,
  `' onerror='alert("FILE-6")`,
];
const CORPUS = readFileSync('tests/fixtures/xss/payloads.txt', 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('# '))
  .filter((payload) => !CONTROL.test(payload) && storedName(payload).length > 0 && storedName(payload).length <= 200)
  // Only those still hostile after the path is cut off.
  .filter((payload) => /[<>"'`]|javascript:|on\w+\s*=/i.test(storedName(payload)));
/** Ten files a minute per side of a chat: ten names for the shopper, ten for the agent. */
const NAMES = [...MADE_FOR_NAMES, ...CORPUS].slice(0, 20);

async function shopperUpload(token: string, bytes: Uint8Array<ArrayBuffer>, name: string, init: { headers?: Record<string, string> } = {}) {
  return fetch(`${baseUrl}/v1/attachments?site=demo&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Origin: localOrigin(baseUrl), ...init.headers },
    body: bytes,
  });
}

async function exportedAttachments(conversationId: string) {
  const response = await fetch(`${baseUrl}/v1/admin/sites/demo/data-rights/export?conversationId=${conversationId}`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  return ((await response.json()) as DataExport).conversations[0]?.attachments ?? [];
}

function guard(page: Page, problems: string[], label: string) {
  page.on('dialog', (dialog) => {
    problems.push(`${label} dialog: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('console', (message) => {
    if (/XSS|FILE-\d/.test(message.text())) problems.push(`${label} console: ${message.text().slice(0, 200)}`);
  });
  page.on('pageerror', (error) => problems.push(`${label} pageerror: ${error.message.slice(0, 200)}`));
  page.on('request', (request) => {
    if (request.url().includes('xss-beacon')) problems.push(`${label} loaded ${request.url()}`);
  });
}

/** Event-handler attributes and script URLs anywhere in the document or the widget's shadow root. */
function hostileMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const element of Array.from(root.querySelectorAll('*'))) {
        for (const attribute of Array.from(element.attributes)) {
          if (/^on/i.test(attribute.name)) found.push(`<${element.tagName} ${attribute.name}>`);
          if (/^(href|src|action|formaction)$/i.test(attribute.name) && /^\s*(javascript|vbscript|data:text\/html)/i.test(attribute.value)) {
            found.push(`<${element.tagName} ${attribute.name}=${attribute.value.slice(0, 40)}>`);
          }
        }
        if (
          ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG'].includes(element.tagName.toUpperCase()) &&
          element.closest('.messages, [data-testid="transcript"]')
        ) {
          found.push(`<${element.tagName}> in a transcript`);
        }
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(document);
    return found;
  });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('file names in both UIs', () => {
  it(`shows ${NAMES.length} hostile file names as text in the widget and the console`, async () => {
    expect(NAMES.length).toBe(20);
    const { cookie } = await loginAgent(baseUrl, 'demo', demoAgent.email, demoAgent.password);
    const inbox = await openInbox(baseUrl, cookie);
    const { shopper, chat, conversationId } = await handedOffChat(baseUrl, inbox, cookie);
    const problems: string[] = [];
    const agentContext = await browser.newContext();
    const shopperContext = await browser.newContext();
    try {
      for (const context of [agentContext, shopperContext]) await context.route('**/xss-beacon/**', (route) => route.fulfill({ status: 404, body: '' }));
      // Half the names come from the shopper, half from the agent; photos and PDFs alike.
      const sent: { name: string; author: 'shopper' | 'agent'; image: boolean }[] = [];
      for (const [index, name] of NAMES.slice(0, 10).entries()) {
        const response = await shopperUpload(shopper.welcome.token, index % 2 ? pdf() : png(), name);
        expect(response.status, name).toBe(201);
        sent.push({ name: storedName(name), author: 'shopper', image: index % 2 === 0 });
      }
      for (const [index, name] of NAMES.slice(10).entries()) {
        const response = await fetch(`${baseUrl}/v1/agent/conversations/${conversationId}/attachments?name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { Cookie: cookie, Origin: localOrigin(baseUrl) },
          body: index % 2 ? pdf() : png(),
        });
        expect(response.status, name).toBe(201);
        sent.push({ name: storedName(name), author: 'agent', image: index % 2 === 0 });
      }

      // The console: the agent opens the chat from "My chats".
      const agentPage = await agentContext.newPage();
      guard(agentPage, problems, 'console');
      await agentPage.goto(`${baseUrl}/console/?site=demo`);
      await agentPage.getByTestId('login-email').fill(demoAgent.email);
      await agentPage.getByTestId('login-password').fill(demoAgent.password);
      await agentPage.getByTestId('login-submit').click();
      const mine = agentPage.locator(`[data-testid="my-chat"][data-conversation-id="${conversationId}"]`);
      await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(1);
      await mine.click();
      const files = agentPage.getByTestId('transcript').getByTestId('attachment');
      await expect.poll(() => files.count(), { timeout: 15_000 }).toBe(20);
      const consoleNames = await files.locator('.attachment-name').allTextContents();
      expect(consoleNames).toEqual(sent.map((file) => file.name));

      // The widget: the shopper's browser resumes the same chat.
      const shopperPage = await shopperContext.newPage();
      guard(shopperPage, problems, 'widget');
      await shopperPage.addInitScript((token) => localStorage.setItem('kefu:demo:token', JSON.stringify(token)), shopper.welcome.token);
      await shopperPage.goto(`${baseUrl}/`);
      await shopperPage.locator('kefu-widget .launcher').click();
      const links = shopperPage.locator('kefu-widget .messages a');
      await expect.poll(() => links.count(), { timeout: 15_000 }).toBe(20);
      const shown = await links.evaluateAll((anchors) => anchors.map((a) => a.querySelector('img')?.getAttribute('alt') ?? a.textContent));
      expect(shown).toEqual(sent.map((file) => file.name));
      expect(await shopperPage.locator('kefu-widget .messages img').count()).toBe(sent.filter((file) => file.image).length);

      // Hover and open nothing dangerous: no handler attributes, no script URLs, no injected elements.
      await files.first().hover();
      expect(await hostileMarkup(agentPage)).toEqual([]);
      expect(await hostileMarkup(shopperPage)).toEqual([]);
      expect(problems).toEqual([]);
      printTable('hostile file names', [{ names: NAMES.length, 'shown as text in console': consoleNames.length, 'shown as text in widget': shown.length }]);
    } finally {
      await agentContext.close();
      await shopperContext.close();
      for (const socket of [shopper.socket, chat, inbox]) socket.close();
    }
  });
});

describe('path traversal', () => {
  it('no URL or name reaches outside the conversation: 404 for every crafted path, the real link still works', async () => {
    const a = await openShopper(baseUrl);
    const b = await openShopper(baseUrl);
    const mine = (await (await shopperUpload(a.welcome.token, png(), '../../../../etc/passwd')).json()) as AttachmentUploadResponse;
    const theirs = (await (await shopperUpload(b.welcome.token, png(), 'theirs.png')).json()) as AttachmentUploadResponse;
    expect(mine.attachment.name).toBe('passwd');
    const link = new URL(mine.attachment.url!, `${baseUrl}/widget/`);
    const token = link.searchParams.get('t')!;
    const convA = a.welcome.conversationId;
    const convB = b.welcome.conversationId;
    expect((await fetch(link)).status).toBe(200);
    const crafted = [
      `/v1/attachments/${convA}/..%2F${convB}%2F${theirs.attachment.id}?t=${token}`,
      `/v1/attachments/${convA}/..%252F${convB}%252F${theirs.attachment.id}?t=${token}`,
      `/v1/attachments/..%2F..%2Fdemo%2F${convB}/${theirs.attachment.id}?t=${token}`,
      `/v1/attachments/${convA}/${mine.attachment.id}%2F..%2F..%2F${convB}%2F${theirs.attachment.id}?t=${token}`,
      `/v1/attachments/${convA}/%2e%2e%2f${theirs.attachment.id}?t=${token}`,
      `/v1/attachments/${convA}/${mine.attachment.id}%00.png?t=${token}`,
      `/v1/attachments/${convA.toUpperCase()}/${mine.attachment.id}?t=${token}`,
    ];
    const rows = [];
    for (const path of crafted) {
      const response = await fetch(`${baseUrl}${path}`);
      rows.push({ path: path.slice(0, 90), status: response.status });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: string }).error).toBe('not_found');
    }
    // B's file with A's token: the token is for A's conversation only.
    expect((await fetch(`${baseUrl}/v1/attachments/${convB}/${theirs.attachment.id}?t=${token}`)).status).toBe(403);
    // A name of nothing but dots and slashes has no file name left.
    expect((await shopperUpload(a.welcome.token, png(), '../../')).status).toBe(400);
    printTable('path traversal', rows);
    a.socket.close();
    b.socket.close();
  });
});

describe('oversized uploads', () => {
  // A body streamed without a length is refused at the limit too: tests/workerd/attachments.test.ts
  // sends it to the runtime directly. Through wrangler's dev proxy an early 413 to a body still
  // being streamed can leave the client writing into a proxy that has stopped reading.
  it('refuses a file over the limit by its Content-Length, stores nothing, and takes the next upload', async () => {
    const { socket, welcome } = await openShopper(baseUrl);
    const limit = 10 * 1024 * 1024;
    const declared = await shopperUpload(welcome.token, new Uint8Array(limit + 1).fill(0x41), 'huge.pdf');
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: 'file_too_large' });
    expect(await exportedAttachments(welcome.conversationId)).toEqual([]);
    expect((await shopperUpload(welcome.token, png(), 'fine.png')).status).toBe(201);
    expect((await exportedAttachments(welcome.conversationId)).map((file) => file.name)).toEqual(['fine.png']);
    printTable('oversized uploads', [{ case: 'Content-Length over the limit', status: declared.status }]);
    socket.close();
  });
});

/**
 * Photos and PDFs in chat, inside workerd with the real R2 binding: the upload and download round
 * trip, type sniffing, metadata gone from the stored bytes, expiring signed links, who gets 403,
 * the per-chat rate, and that every refused upload leaves nothing in the bucket or the transcript.
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import examples from '../../knowledge-base/dist/example-sites.json';
import type { ApiError, AttachmentUploadResponse, DataExport, TranscriptMessage } from '../../protocol/index.ts';
import { containsBytes, fakeJpeg, jpegMagicOnly, jpegWithMetadata, pdf, png, pngWithMetadata, SECRETS, webpWithMetadata } from '../fixtures/images.ts';
import { ADMIN_KEY, importSite } from './catalog-helpers.ts';
import { useFixedClock } from './clock.ts';
import { createAgent, type InboxSocket, LOCAL_ORIGIN, openAgentChat, openAndHello, openInbox, say, type TestAgent, WORKER_ORIGIN } from './sockets.ts';

const MONDAY_MORNING = new Date('2030-01-07T10:00:00Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

useFixedClock(MONDAY_MORNING);

beforeAll(async () => {
  // A site that takes small files only and forgets chats after 30 days.
  const demo = examples.sites.find((site) => site.settings.id === 'demo')!;
  await importSite({ ...demo, settings: { ...demo.settings, id: 'small-files', retentionDays: 30, attachments: { maxBytes: 4096 } } });
});

interface Upload {
  status: number;
  body: AttachmentUploadResponse & ApiError;
}

async function shopperUpload(
  token: string,
  bytes: Uint8Array | ReadableStream,
  name: string,
  options: { site?: string; type?: string; clientMsgId?: string } = {},
): Promise<Upload> {
  const query = new URLSearchParams({ site: options.site ?? 'demo', name });
  if (options.clientMsgId) query.set('clientMsgId', options.clientMsgId);
  const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/attachments?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Origin: LOCAL_ORIGIN, 'Content-Type': options.type ?? 'application/octet-stream' },
    body: bytes,
    ...(bytes instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: response.status, body: (await response.json()) as Upload['body'] };
}

async function agentUpload(agent: TestAgent, conversationId: string, bytes: Uint8Array, name: string): Promise<Upload> {
  const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/conversations/${conversationId}/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { Cookie: agent.cookie, Origin: WORKER_ORIGIN },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as Upload['body'] };
}

const download = (url: string, init: RequestInit = {}) => SELF.fetch(new URL(url, WORKER_ORIGIN), init);
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

async function storedKeys(prefix = ''): Promise<string[]> {
  return (await env.ATTACHMENTS.list({ prefix })).objects.map((object) => object.key);
}

const conversationStub = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
async function transcript(conversationId: string): Promise<TranscriptMessage[]> {
  return runInDurableObject(conversationStub(conversationId), (_i, state) =>
    state.storage.sql
      .exec<{ seq: number; author: string; text: string; payload: string | null }>('SELECT seq, author, text, payload FROM messages ORDER BY seq')
      .toArray()
      .map((row) => ({
        seq: row.seq,
        at: 0,
        author: row.author as TranscriptMessage['author'],
        text: row.text,
        ...(row.payload ? JSON.parse(row.payload) : {}),
      })),
  );
}

async function agentHolding(site: string, conversationId: string, shopper: { socket: Awaited<ReturnType<typeof openAndHello>>['socket'] }) {
  const agent = await createAgent(site, 'Ana');
  const inbox: InboxSocket = await openInbox(agent);
  await say(shopper.socket, 'I would like to speak to a person please');
  await shopper.socket.waitFor('state', (frame) => frame.state === 'queued');
  inbox.send({ v: 1, type: 'claim', conversationId });
  await inbox.waitFor('claimed', (frame) => frame.conversationId === conversationId);
  await shopper.socket.waitFor('state', (frame) => frame.state === 'agent');
  return { agent, inbox };
}

describe('upload and download', () => {
  it('a shopper sends a photo: metadata stripped before storing, the chat shows it, the signed link serves it', async () => {
    const { socket, welcome } = await openAndHello();
    const upload = await shopperUpload(welcome.token, jpegWithMetadata(), 'broken mug.jpg', { type: 'image/jpeg' });
    expect(upload.status).toBe(201);
    expect(upload.body.attachment).toMatchObject({ name: 'broken mug.jpg', type: 'image/jpeg' });
    const live = await socket.waitFor('message', (frame) => frame.message.attachment?.id === upload.body.attachment.id);
    expect(live.message).toMatchObject({ author: 'shopper', text: 'broken mug.jpg', seq: upload.body.seq });
    expect(live.message.attachment!.url).toMatch(new RegExp(`^\\.\\./v1/attachments/${welcome.conversationId}/${upload.body.attachment.id}\\?t=`));

    const [key] = await storedKeys(`demo/${welcome.conversationId}/`);
    expect(key).toBe(`demo/${welcome.conversationId}/${upload.body.attachment.id}`);
    const stored = new Uint8Array(await (await env.ATTACHMENTS.get(key!))!.arrayBuffer());
    for (const secret of [SECRETS.camera, SECRETS.comment, SECRETS.xmp]) expect(containsBytes(stored, secret)).toBe(false);
    expect(containsBytes(stored, Uint8Array.from([0x88, 0x25]))).toBe(false);
    expect(stored.byteLength).toBe(upload.body.attachment.size);

    const response = await download(live.message.attachment!.url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/jpeg');
    expect(response.headers.get('Content-Disposition')).toMatch(/^inline; /);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await bytesOf(response)).toEqual(stored);
    socket.close();
  });

  it('the type comes from the bytes: a PNG called .pdf is a PNG, a PDF called .jpg is a PDF (and downloads)', async () => {
    const { socket, welcome } = await openAndHello();
    const pngAsPdf = await shopperUpload(welcome.token, png(), 'scan.pdf', { type: 'application/pdf' });
    expect(pngAsPdf.body.attachment).toMatchObject({ type: 'image/png', name: 'scan.pdf' });
    const pdfAsJpeg = await shopperUpload(welcome.token, pdf(), 'receipt.jpg', { type: 'image/jpeg' });
    expect(pdfAsJpeg.body.attachment.type).toBe('application/pdf');
    const response = await download(pdfAsJpeg.body.attachment.url!);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; /);
    const webpUpload = await shopperUpload(welcome.token, webpWithMetadata(), 'photo.webp');
    expect(webpUpload.body.attachment.type).toBe('image/webp');
    expect(containsBytes(await bytesOf(await download(webpUpload.body.attachment.url!)), SECRETS.xmp)).toBe(false);
    socket.close();
  });

  it('a retried upload (same clientMsgId) is stored once', async () => {
    const { socket, welcome } = await openAndHello();
    const first = await shopperUpload(welcome.token, png(), 'a.png', { clientMsgId: 'upload-retry-0001' });
    const again = await shopperUpload(welcome.token, png(), 'a.png', { clientMsgId: 'upload-retry-0001' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.seq).toBe(first.body.seq);
    expect(await storedKeys(`demo/${welcome.conversationId}/`)).toHaveLength(1);
    socket.close();
  });

  it('an agent holding the chat sends a PDF; the shopper gets it live and can download it', async () => {
    const shopper = await openAndHello();
    const conversationId = shopper.welcome.conversationId;
    const { agent, inbox } = await agentHolding('demo', conversationId, shopper);
    const sent = await agentUpload(agent, conversationId, pdf(), 'returns-label.pdf');
    expect(sent.status).toBe(201);
    const live = await shopper.socket.waitFor('message', (frame) => frame.message.attachment?.id === sent.body.attachment.id);
    expect(live.message).toMatchObject({ author: 'agent', agentName: 'Ana', text: 'returns-label.pdf' });
    const response = await download(live.message.attachment!.url!);
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(pdf());
    // An agent of the site also opens it with the session alone.
    const viaSession = await download(`/v1/agent/conversations/${conversationId}/attachments/${sent.body.attachment.id}`, {
      headers: { Cookie: agent.cookie },
    });
    expect(viaSession.status).toBe(200);
    // Another agent of the same site who does not hold the chat may look, not send.
    const bo = await createAgent('demo', 'Bo');
    expect((await agentUpload(bo, conversationId, pdf(), 'x.pdf')).body.error).toBe('not_assigned');
    // A resumed chat (a new tab) gets the file in its replay, with a working link.
    const tab = await openAndHello({ token: shopper.welcome.token });
    const replayed = await tab.socket.waitFor('message', (frame) => frame.message.attachment?.id === sent.body.attachment.id);
    expect((await download(replayed.message.attachment!.url!)).status).toBe(200);
    // And the agent's console, opened afresh, gets it with a link too.
    const console = await openAgentChat(agent, conversationId);
    const seen = await console.waitFor('message', (frame) => frame.message.attachment?.id === sent.body.attachment.id);
    expect((await download(seen.message.attachment!.url!)).status).toBe(200);
    for (const s of [shopper.socket, tab.socket, console, inbox]) s.close();
  });
});

describe('signed links', () => {
  it('expire after a day; a fresh welcome hands out a working one', async () => {
    const { socket, welcome } = await openAndHello();
    const upload = await shopperUpload(welcome.token, png(), 'a.png');
    expect((await download(upload.body.attachment.url!)).status).toBe(200);
    vi.setSystemTime(MONDAY_MORNING.getTime() + 25 * HOUR);
    const expired = await download(upload.body.attachment.url!);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ error: 'forbidden' });
    socket.close();
    const again = await openAndHello({ token: welcome.token });
    const replayed = await again.socket.waitFor('message', (frame) => frame.message.attachment?.id === upload.body.attachment.id);
    expect(replayed.message.attachment!.url).not.toBe(upload.body.attachment.url);
    expect((await download(replayed.message.attachment!.url!)).status).toBe(200);
    again.socket.close();
  });

  it("another conversation's link, a forged link, and an agent of another site get 403", async () => {
    const a = await openAndHello();
    const b = await openAndHello();
    const file = await shopperUpload(a.welcome.token, png(), 'a.png');
    const bFile = await shopperUpload(b.welcome.token, png(), 'b.png');
    const bToken = new URL(bFile.body.attachment.url!, WORKER_ORIGIN).searchParams.get('t')!;
    // B's token on A's file.
    expect((await download(`/v1/attachments/${a.welcome.conversationId}/${file.body.attachment.id}?t=${bToken}`)).status).toBe(403);
    // B's resume token is not a link token.
    expect((await download(`/v1/attachments/${a.welcome.conversationId}/${file.body.attachment.id}?t=${a.welcome.token}`)).status).toBe(403);
    expect((await download(`/v1/attachments/${a.welcome.conversationId}/${file.body.attachment.id}`)).status).toBe(403);
    // An agent of another site, with a valid session of their own.
    const stranger = await createAgent('lantern-tea', 'Stranger');
    const path = `/v1/agent/conversations/${a.welcome.conversationId}/attachments/${file.body.attachment.id}`;
    expect((await download(path, { headers: { Cookie: stranger.cookie } })).status).toBe(403);
    expect((await agentUpload(stranger, a.welcome.conversationId, png(), 'x.png')).status).toBe(403);
    const colleague = await createAgent('demo', 'Colleague');
    expect((await download(path, { headers: { Cookie: colleague.cookie } })).status).toBe(200);
    a.socket.close();
    b.socket.close();
  });
});

describe('refusals store nothing', () => {
  it('wrong type, empty, fake image, bad structure, too large (declared and streamed): each a clear error, and nothing kept', async () => {
    const { socket, welcome } = await openAndHello({ site: 'small-files' });
    const cases: [string, Uint8Array | (() => ReadableStream), string, number, string][] = [
      ['notes.txt', new TextEncoder().encode('plain text notes'), 'unsupported_type', 415, 'Only photos'],
      ['empty.png', new Uint8Array(0), 'empty_file', 400, 'The file is empty.'],
      ['holiday.jpg', fakeJpeg(), 'not_an_image', 415, 'not a JPEG, PNG, WebP or GIF'],
      ['photo.jpg', jpegMagicOnly(), 'not_an_image', 415, 'not a JPEG, PNG, WebP or GIF'],
      ['big.png', new Uint8Array(5000), 'file_too_large', 413, 'larger than'],
      [
        'streamed.pdf',
        () =>
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(1024).fill(0x25));
              controller.close();
            },
          }),
        'file_too_large',
        413,
        'larger than',
      ],
    ];
    for (const [name, bytes, error, status, words] of cases) {
      const result = await shopperUpload(welcome.token, typeof bytes === 'function' ? bytes() : bytes, name, { site: 'small-files' });
      expect({ name, status: result.status, error: result.body.error }).toEqual({ name, status, error });
      expect(result.body.message).toContain(words);
    }
    expect(await storedKeys(`small-files/${welcome.conversationId}/`)).toEqual([]);
    expect((await transcript(welcome.conversationId)).filter((message) => message.attachment)).toEqual([]);
    // The same socket carries on, and a good file still goes through.
    expect((await shopperUpload(welcome.token, png(), 'ok.png', { site: 'small-files' })).status).toBe(201);
    socket.close();
  });

  it('names are checked (no control characters) and a path in the name is cut to its last part', async () => {
    const { socket, welcome } = await openAndHello();
    const bad = await shopperUpload(welcome.token, png(), 'evil\u0000.png');
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    const traversal = await shopperUpload(welcome.token, png(), '../../etc/passwd.png');
    expect(traversal.body.attachment.name).toBe('passwd.png');
    expect(await storedKeys(`demo/${welcome.conversationId}/`)).toEqual([`demo/${welcome.conversationId}/${traversal.body.attachment.id}`]);
    socket.close();
  });

  it('without a valid resume token, or from a page the site does not allow: refused, nothing stored', async () => {
    const before = (await storedKeys()).length;
    expect((await shopperUpload('forged.token', png(), 'a.png')).status).toBe(401);
    const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/attachments?site=demo&name=a.png`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
      body: png(),
    });
    expect(response.status).toBe(403);
    expect((await storedKeys()).length).toBe(before);
  });
});

describe('rate limit', () => {
  it('ten files a minute per chat; the eleventh is refused and not stored; a minute later it goes', async () => {
    const { socket, welcome } = await openAndHello();
    for (let i = 0; i < 10; i++) expect((await shopperUpload(welcome.token, png(), `p${i}.png`)).status).toBe(201);
    const refused = await shopperUpload(welcome.token, png(), 'p10.png');
    expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(await storedKeys(`demo/${welcome.conversationId}/`)).toHaveLength(10);
    vi.setSystemTime(MONDAY_MORNING.getTime() + 60_000);
    expect((await shopperUpload(welcome.token, png(), 'p11.png')).status).toBe(201);
    socket.close();
  });
});

describe('data rights', () => {
  const operator = (site: string, path: string, init: RequestInit = {}) =>
    SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites/${site}/data-rights${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    });

  it('the export lists the files; erasure deletes them from R2', async () => {
    const { socket, welcome } = await openAndHello();
    const file = await shopperUpload(welcome.token, pngWithMetadata(), 'damage.png');
    const exported = (await (await operator('demo', `/export?conversationId=${welcome.conversationId}`)).json()) as DataExport;
    expect(exported.conversations[0]!.attachments).toEqual([
      { id: file.body.attachment.id, name: 'damage.png', type: 'image/png', size: file.body.attachment.size, at: MONDAY_MORNING.getTime(), author: 'shopper' },
    ]);
    expect((await operator('demo', '/erase', { method: 'POST', body: JSON.stringify({ conversationId: welcome.conversationId }) })).status).toBe(200);
    expect(await storedKeys(`demo/${welcome.conversationId}/`)).toEqual([]);
    expect((await download(file.body.attachment.url!)).status).toBe(404);
    socket.close();
  });

  it('retention deletes the files of chats idle past retentionDays, and only those', async () => {
    const old = await openAndHello({ site: 'small-files' });
    const asked = await say(old.socket, 'an old question about parcels');
    await old.socket.waitFor('message', (frame) => frame.message.author === 'bot' && frame.message.seq > asked);
    await shopperUpload(old.welcome.token, png(), 'old.png', { site: 'small-files' });
    const agent = await createAgent('small-files', 'Rita');
    const listed = async (id: string) => {
      const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/conversations`, { headers: { Cookie: agent.cookie, Origin: WORKER_ORIGIN } });
      return ((await response.json()) as { items: { conversationId: string; messageCount: number }[] }).items.find((item) => item.conversationId === id)
        ?.messageCount;
    };
    // The history learns of a chat just after its work (history-feed.ts): greeting, question, answer, file.
    await expect.poll(() => listed(old.welcome.conversationId)).toBe(4);
    vi.setSystemTime(MONDAY_MORNING.getTime() + 20 * DAY);
    const recent = await openAndHello({ site: 'small-files' });
    await say(recent.socket, 'a recent question about parcels');
    await shopperUpload(recent.welcome.token, png(), 'recent.png', { site: 'small-files' });
    agent.cookie = (await createAgent('small-files', 'Rita')).cookie;
    await expect.poll(() => listed(recent.welcome.conversationId)).toBeGreaterThanOrEqual(2);

    vi.setSystemTime(MONDAY_MORNING.getTime() + 35 * DAY);
    const history = env.SITE_HISTORY.get(env.SITE_HISTORY.idFromName('small-files'));
    await runInDurableObject(history, (_i, state) => state.storage.setAlarm(Date.now() + 1000));
    expect(await runDurableObjectAlarm(history)).toBe(true);
    expect(await storedKeys(`small-files/${old.welcome.conversationId}/`)).toEqual([]);
    expect(await storedKeys(`small-files/${recent.welcome.conversationId}/`)).toHaveLength(1);
    old.socket.close();
    recent.socket.close();
  });
});

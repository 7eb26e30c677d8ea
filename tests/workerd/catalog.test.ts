/**
 * Sites as live data: publish, conflicts, a failed publish, access, bad input, try-the-bot,
 * knowledge gaps and learned phrasings, settings, and a 1,000-article site. Everything goes
 * through the real routes, the real SiteCatalog and real shopper sockets inside workerd.
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import examples from '../../knowledge-base/dist/example-sites.json';
import type { ArticleDetail, SiteImport } from '../../protocol/site-admin.ts';
import { syntheticArticles } from '../support/synthetic-articles.ts';
import { addAgent, BASE, importSite, signIn } from './catalog-helpers.ts';
import { openAndHello, say, type VisitorSocket } from './sockets.ts';

const demo = examples.sites.find((site) => site.settings.id === 'demo')! as unknown as SiteImport;

/** A small shop of its own, so changes here never disturb the example sites other files use. */
function shop(id: string, articles: SiteImport['articles']): SiteImport {
  return { settings: { ...demo.settings, id, name: `Shop ${id}`, allowedOrigins: [] }, articles };
}

const giftWrap = (body: string) => ({
  id: 'gift-wrap',
  locale: 'en' as const,
  title: 'Gift wrapping',
  tags: ['gift', 'wrapping'],
  questions: ['Do you offer gift wrapping?', 'Can you wrap my present?'],
  body,
});
const delivery = {
  id: 'delivery-times',
  locale: 'en' as const,
  title: 'Delivery times',
  tags: ['delivery', 'shipping'],
  questions: ['How long does delivery take?', 'When will my parcel arrive?'],
  body: 'Parcels arrive in two to four working days.\n\nTracking links come by e-mail.',
};

async function botReplyTo(socket: VisitorSocket, text: string) {
  const seq = await say(socket, text);
  return (await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.author === 'bot', 5000)).message;
}

async function adminOf(site: string) {
  const admin = await addAgent(site, `owner@${site}.example`, 'admin');
  return signIn(site, admin.email, admin.password);
}

async function article(call: Awaited<ReturnType<typeof adminOf>>, id: string): Promise<ArticleDetail> {
  return (await (await call(`/v1/agent/articles/en/${id}`)).json()) as ArticleDetail;
}

async function catalogVersion(site: string): Promise<number> {
  return env.SITE_CATALOG.get(env.SITE_CATALOG.idFromName(site)).version();
}

describe('publishing', () => {
  it('serves the new version to two conversations that were already running, within 2 s', async () => {
    await importSite(shop('wrap-shop', [giftWrap('We wrap gifts in recycled paper.'), delivery]));
    const shoppers = [await openAndHello({ site: 'wrap-shop' }), await openAndHello({ site: 'wrap-shop' })];
    for (const { socket } of shoppers) {
      const reply = await botReplyTo(socket, 'Do you offer gift wrapping?');
      expect(reply.bot).toMatchObject({ kind: 'answer', article: { id: 'gift-wrap', excerpt: 'We wrap gifts in recycled paper.' } });
    }

    const admin = await adminOf('wrap-shop');
    const before = await article(admin, 'gift-wrap');
    const saved = await admin('/v1/agent/articles/en/gift-wrap', {
      method: 'PUT',
      body: { ...giftWrap('We wrap gifts in hemp cloth.'), id: undefined, locale: undefined, baseRevision: before.revision },
    });
    expect(saved.status).toBe(200);
    const draft = (await saved.json()) as ArticleDetail;
    expect(draft).toMatchObject({ revision: before.revision + 1, hasUnpublishedChanges: true, publishedRevision: before.revision });
    // A saved draft is not served.
    expect((await botReplyTo(shoppers[0]!.socket, 'Do you offer gift wrapping?')).bot).toMatchObject({
      article: { excerpt: 'We wrap gifts in recycled paper.' },
    });

    const versionBefore = await catalogVersion('wrap-shop');
    const published = await admin('/v1/agent/articles/en/gift-wrap/publish', { method: 'POST', body: { baseRevision: draft.revision } });
    expect(published.status).toBe(200);
    const publishedAt = performance.now();
    expect(await catalogVersion('wrap-shop')).toBe(versionBefore + 1);

    for (const { socket } of shoppers) {
      // Ask until the new text arrives: each ask is a real round trip; the bound is what matters.
      for (;;) {
        const reply = await botReplyTo(socket, 'Do you offer gift wrapping?');
        if (reply.bot?.kind === 'answer' && reply.bot.article.excerpt === 'We wrap gifts in hemp cloth.') break;
        expect(performance.now() - publishedAt).toBeLessThan(2000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(performance.now() - publishedAt).toBeLessThan(2000);
    for (const { socket } of shoppers) socket.close();
  }, 30_000);

  it('refuses a save or publish based on a stale revision with 409 and the current article, and keeps both edits apart', async () => {
    await importSite(shop('race-shop', [giftWrap('We wrap gifts in recycled paper.')]));
    const alice = await adminOf('race-shop');
    const base = (await article(alice, 'gift-wrap')).revision;
    const first = await alice('/v1/agent/articles/en/gift-wrap', {
      method: 'PUT',
      body: { title: 'Gift wrapping', tags: [], questions: ['Do you wrap?'], body: 'Alice wrote this.', baseRevision: base },
    });
    expect(first.status).toBe(200);
    const second = await alice('/v1/agent/articles/en/gift-wrap', {
      method: 'PUT',
      body: { title: 'Gift wrap', tags: [], questions: ['Do you wrap?'], body: 'Bob wrote this.', baseRevision: base },
    });
    expect(second.status).toBe(409);
    const conflict = (await second.json()) as { error: string; current: ArticleDetail };
    expect(conflict).toMatchObject({ error: 'conflict', current: { revision: base + 1, body: 'Alice wrote this.' } });
    expect((await article(alice, 'gift-wrap')).body).toBe('Alice wrote this.');
    expect((await alice('/v1/agent/articles/en/gift-wrap/publish', { method: 'POST', body: { baseRevision: base } })).status).toBe(409);

    const settings = (await (await alice('/v1/agent/site')).json()) as { site: SiteImport['settings']; version: number };
    const saved = await alice('/v1/agent/site/settings', {
      method: 'PUT',
      body: { settings: { ...settings.site, greeting: { en: 'Hello{name} from the race shop!', zh: '你好{name}' } }, baseVersion: settings.version },
    });
    expect(saved.status).toBe(200);
    const stale = await alice('/v1/agent/site/settings', {
      method: 'PUT',
      body: { settings: { ...settings.site, name: 'Overwritten' }, baseVersion: settings.version },
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { current: { site: { name: string; greeting: { en: string } } } }).current.site).toMatchObject({
      name: 'Shop race-shop',
      greeting: { en: 'Hello{name} from the race shop!' },
    });
    // The saved greeting opens the next chat.
    const { socket } = await openAndHello({ site: 'race-shop' });
    await socket.waitFor('message', (frame) => frame.message.text === 'Hello from the race shop!');
    socket.close();
  }, 30_000);

  it('keeps the old version serving when a publish fails halfway through writing', async () => {
    await importSite(shop('fail-shop', [giftWrap('We wrap gifts in recycled paper.'), delivery]));
    const admin = await adminOf('fail-shop');
    const base = (await article(admin, 'gift-wrap')).revision;
    const draft = (await (
      await admin('/v1/agent/articles/en/gift-wrap', {
        method: 'PUT',
        body: { title: 'Gift wrapping', tags: [], questions: ['Do you offer gift wrapping?'], body: 'We wrap gifts in hemp cloth.', baseRevision: base },
      })
    ).json()) as ArticleDetail;
    const versionBefore = await catalogVersion('fail-shop');

    // The storage write of the first index chunk fails, after the article row was already written.
    const stub = env.SITE_CATALOG.get(env.SITE_CATALOG.idFromName('fail-shop'));
    await runInDurableObject(stub, (instance) => {
      const store = (instance as unknown as { store: { writeChunk: (...args: unknown[]) => void } }).store;
      store.writeChunk = () => {
        throw new Error('disk full (test)');
      };
    });
    const failed = await admin('/v1/agent/articles/en/gift-wrap/publish', { method: 'POST', body: { baseRevision: draft.revision } });
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('disk full');

    expect(await catalogVersion('fail-shop')).toBe(versionBefore);
    expect(await article(admin, 'gift-wrap')).toMatchObject({ revision: draft.revision, publishedRevision: base, hasUnpublishedChanges: true });
    const chunks = await runInDurableObject(
      stub,
      (_instance, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM index_chunks').one().n,
    );
    expect(chunks).toBeGreaterThan(0);
    const { socket } = await openAndHello({ site: 'fail-shop' });
    expect((await botReplyTo(socket, 'Do you offer gift wrapping?')).bot).toMatchObject({
      kind: 'answer',
      article: { excerpt: 'We wrap gifts in recycled paper.' },
    });
    socket.close();
  }, 30_000);
});

describe('who may write', () => {
  it('no session 401, an agent 403 on writes, an admin only ever reaches their own site, the bearer API needs the key', async () => {
    await importSite(shop('guard-shop', [giftWrap('We wrap gifts in recycled paper.')]));
    expect((await SELF.fetch(`${BASE}/v1/agent/articles`, { headers: { origin: BASE } })).status).toBe(401);
    expect(
      (await SELF.fetch(`${BASE}/v1/agent/articles/en/gift-wrap`, { method: 'PUT', headers: { origin: BASE, 'content-type': 'application/json' }, body: '{}' }))
        .status,
    ).toBe(401);

    const agentLogin = await addAgent('guard-shop', 'agent@guard-shop.example', 'agent');
    const agent = await signIn('guard-shop', agentLogin.email, agentLogin.password);
    expect((await agent('/v1/agent/articles')).status).toBe(200);
    const base = (await article(agent, 'gift-wrap')).revision;
    const body = { title: 'Hijacked', tags: [], questions: [], body: 'Not yours.', baseRevision: base };
    expect((await agent('/v1/agent/articles/en/gift-wrap', { method: 'PUT', body })).status).toBe(403);
    expect((await agent('/v1/agent/articles/en/gift-wrap/publish', { method: 'POST', body: { baseRevision: base } })).status).toBe(403);
    expect((await agent('/v1/agent/site/settings', { method: 'PUT', body: { settings: demo.settings, baseVersion: 1 } })).status).toBe(403);

    // An admin of another site writes into their own site only: the session names the site, never the URL.
    const other = await adminOf('lantern-tea');
    expect((await other('/v1/agent/articles/en/gift-wrap', { method: 'PUT', body: { ...body, baseRevision: null } })).status).toBe(200);
    expect((await article(agent, 'gift-wrap')).title).toBe('Gift wrapping');
    expect((await other('/v1/agent/articles/en/gift-wrap', { method: 'DELETE', body: { baseRevision: 1 } })).status).toBe(200);
    // Cross-site requests from a browser are refused before anything else.
    expect((await SELF.fetch(`${BASE}/v1/agent/articles`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);

    const payload = JSON.stringify(shop('guard-shop', []));
    expect(
      (await SELF.fetch(`${BASE}/v1/admin/sites/guard-shop/import`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: payload })).status,
    ).toBe(401);
    expect(
      (
        await SELF.fetch(`${BASE}/v1/admin/sites/guard-shop/import`, {
          method: 'PUT',
          headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
          body: payload,
        })
      ).status,
    ).toBe(401);
    expect((await article(agent, 'gift-wrap')).status).toBe('published');
  }, 30_000);
});

describe('bad input', () => {
  it('refuses raw HTML, unsafe links, markup in plain fields, empty questions, long bodies and duplicate ids, naming the field, and saves nothing', async () => {
    await importSite(shop('strict-shop', [giftWrap('We wrap gifts in recycled paper.')]));
    const admin = await adminOf('strict-shop');
    const draft = { title: 'Returns', tags: ['returns'], questions: ['How do I return?'], body: 'Send it back within 30 days.', baseRevision: null };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ body: 'Send it back. <script>alert(1)</script>' }, 'body', /raw HTML/],
      [{ body: 'Send it back.\n\n<iframe src="https://evil.example"></iframe>' }, 'body', /raw HTML/],
      [{ body: 'Send it [back](javascript:alert(1)).' }, 'body', /not allowed/],
      [{ body: 'Send it [back](data:text/html;base64,PHNjcmlwdD4=).' }, 'body', /not allowed/],
      [{ body: 'Send it [back](https://).' }, 'body', /malformed/],
      [{ title: 'Returns <img src=x onerror=alert(1)>' }, 'title', /plain text/],
      [{ questions: ['   '] }, 'questions.0', /empty/],
      [{ body: 'x'.repeat(20_001) }, 'body', /at most 20000/],
    ];
    for (const [change, field, message] of cases) {
      const response = await admin('/v1/agent/articles/en/returns', { method: 'PUT', body: { ...draft, ...change } });
      expect(response.status, JSON.stringify(change).slice(0, 80)).toBe(400);
      const error = (await response.json()) as { error: string; field: string; message: string };
      expect(error).toMatchObject({ error: 'invalid_article', field });
      expect(error.message).toMatch(message);
    }
    expect((await admin('/v1/agent/articles/en/returns')).status).toBe(404);
    // Creating over an existing id is a conflict, not an overwrite.
    expect((await admin('/v1/agent/articles/en/gift-wrap', { method: 'PUT', body: draft })).status).toBe(409);

    const duplicate = await SELF.fetch(`${BASE}/v1/admin/sites/strict-shop/import`, {
      method: 'PUT',
      headers: { authorization: 'Bearer workerd-admin-key', 'content-type': 'application/json' },
      body: JSON.stringify(shop('strict-shop', [giftWrap('One.'), giftWrap('Two.')])),
    });
    expect(duplicate.status).toBe(400);
    expect(((await duplicate.json()) as { message: string }).message).toContain('duplicate id "gift-wrap"');
    expect((await article(admin, 'gift-wrap')).body).toBe('We wrap gifts in recycled paper.');

    const preview = (await (
      await admin('/v1/agent/articles/preview', { method: 'POST', body: { body: 'Short answer **here**.\n\nDetails <b>x</b>' } })
    ).json()) as { html: string; excerpt: string };
    expect(preview).toEqual({ html: '<p>Short answer <strong>here</strong>.</p>\n<p>Details &lt;b&gt;x&lt;/b&gt;</p>\n', excerpt: 'Short answer here.' });
  }, 30_000);
});

describe('owners improving their bot', () => {
  it('try the bot: a question goes from handoff to answer on the draft, before anything is published', async () => {
    await importSite(shop('trial-shop', [giftWrap('We wrap gifts in recycled paper.'), delivery]));
    const admin = await adminOf('trial-shop');
    const question = 'Can I pay with seashells?';
    const live = (await (await admin('/v1/agent/bot/try', { method: 'POST', body: { text: question, drafts: false } })).json()) as { decision: string };
    expect(live.decision).toBe('handoff');
    await admin('/v1/agent/articles/en/seashells', {
      method: 'PUT',
      body: {
        title: 'Paying with seashells',
        tags: ['payment'],
        questions: [question, 'Do you take seashells?'],
        body: 'Yes: we accept seashells at the counter.',
        baseRevision: null,
      },
    });
    const trial = (await (await admin('/v1/agent/bot/try', { method: 'POST', body: { text: question } })).json()) as {
      decision: string;
      articles: { id: string; confidence: number }[];
      reasons: string[];
    };
    expect(trial.decision).toBe('answer');
    expect(trial.articles[0]).toMatchObject({ id: 'seashells' });
    expect(trial.reasons.length).toBeGreaterThan(0);
    // Still not served.
    const { socket } = await openAndHello({ site: 'trial-shop' });
    expect((await botReplyTo(socket, question)).bot?.kind).toBe('handoff');
    socket.close();
    const assist = (await (await admin('/v1/agent/assist', { method: 'POST', body: { text: 'how long until my parcel arrives' } })).json()) as {
      articles: { id: string; excerpt: string }[];
    };
    expect(assist.articles[0]).toMatchObject({ id: 'delivery-times', excerpt: 'Parcels arrive in two to four working days.' });
  }, 30_000);

  it('a knowledge gap becomes an example question: published, solved, and the same question is now answered', async () => {
    await importSite(shop('gap-shop', [giftWrap('We wrap gifts in recycled paper.'), delivery]));
    const admin = await adminOf('gap-shop');
    const question = 'is the bow included with the package present';
    const { socket } = await openAndHello({ site: 'gap-shop' });
    expect((await botReplyTo(socket, question)).bot?.kind).not.toBe('answer');
    socket.close();
    const gaps = await expect
      .poll(async () =>
        ((await (await admin('/v1/agent/knowledge-gaps')).json()) as { gaps: { id: string; question: string; suggestions: unknown[] }[] }).gaps.find(
          (gap) => gap.question === question,
        ),
      )
      .toBeTruthy()
      .then(
        async () => ((await (await admin('/v1/agent/knowledge-gaps')).json()) as { gaps: { id: string; question: string; suggestions: unknown[] }[] }).gaps,
      );
    const gap = gaps.find((entry) => entry.question === question)!;
    expect(Array.isArray(gap.suggestions)).toBe(true);
    const added = await admin(`/v1/agent/knowledge-gaps/${gap.id}/add-question`, { method: 'POST', body: { articleId: 'gift-wrap', locale: 'en' } });
    expect(added.status).toBe(200);
    expect(((await added.json()) as ArticleDetail).questions).toContain(question);
    const after = ((await (await admin('/v1/agent/knowledge-gaps')).json()) as { gaps: { question: string }[] }).gaps;
    expect(after.map((entry) => entry.question)).not.toContain(question);
    const again = await openAndHello({ site: 'gap-shop' });
    expect((await botReplyTo(again.socket, question)).bot).toMatchObject({ kind: 'answer', article: { id: 'gift-wrap' } });
    again.socket.close();
  }, 30_000);

  it('a chosen chip not called unhelpful becomes a proposal; ignored chips count as a gap; accepting publishes the phrasing', async () => {
    await importSite(shop('chip-shop', [giftWrap('We wrap gifts in recycled paper.'), delivery]));
    const admin = await adminOf('chip-shop');
    const { socket } = await openAndHello({ site: 'chip-shop' });
    // A question that sits between two articles gets chips; the shopper clicks one.
    const question = 'wrapping or delivery, which one';
    const reply = await botReplyTo(socket, question);
    expect(reply.bot?.kind, JSON.stringify(reply.bot)).toBe('suggest');
    socket.send({ v: 1, type: 'choose_article', clientMsgId: 'chip-choice-0001', articleId: 'gift-wrap' });
    const answer = await socket.waitFor('message', (frame) => frame.message.bot?.kind === 'answer');
    socket.send({ v: 1, type: 'feedback', seq: answer.message.seq, helpful: true });
    const proposals = async () =>
      ((await (await admin('/v1/agent/phrasing-proposals')).json()) as { proposals: { id: string; question: string; articleId: string }[] }).proposals;
    await expect.poll(async () => (await proposals()).find((p) => p.question === question)).toMatchObject({ articleId: 'gift-wrap' });
    // Nothing entered the index yet.
    expect((await article(admin, 'gift-wrap')).questions).not.toContain(question);
    // Chips offered and none clicked: the question counts as a gap once the shopper moves on.
    const second = await openAndHello({ site: 'chip-shop' });
    const other = 'parcel gift';
    expect((await botReplyTo(second.socket, other)).bot?.kind).toBe('suggest');
    await botReplyTo(second.socket, 'ok thanks');
    await expect
      .poll(async () =>
        ((await (await admin('/v1/agent/knowledge-gaps')).json()) as { gaps: { question: string; reason: string }[] }).gaps.find(
          (gap) => gap.question === other,
        ),
      )
      .toMatchObject({ reason: 'suggestions_ignored' });
    second.socket.close();
    const proposal = (await proposals()).find((p) => p.question === question)!;
    expect((await admin(`/v1/agent/phrasing-proposals/${proposal.id}/accept`, { method: 'POST' })).status).toBe(200);
    expect((await article(admin, 'gift-wrap')).questions).toContain(question);
    expect((await proposals()).find((p) => p.question === question)).toBeUndefined();

    socket.close();
  }, 30_000);
});

describe('a large site', () => {
  it('publishes and answers from 1,000 articles, with the index split into chunks under 2 MB', async () => {
    const articles = syntheticArticles(1000);
    const started = performance.now();
    const result = await importSite(shop('big-shop', articles));
    const publishMs = performance.now() - started;
    expect(result).toMatchObject({ changed: true, articles: 1000 });
    const stub = env.SITE_CATALOG.get(env.SITE_CATALOG.idFromName('big-shop'));
    const chunks = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec<{ bytes: number }>('SELECT length(data) AS bytes FROM index_chunks').toArray(),
    );
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.bytes).toBeLessThanOrEqual(512 * 1024);
    console.log(
      `1,000-article site: published in ${Math.round(publishMs)} ms, index ${chunks.length} chunks, ${Math.round(chunks.reduce((a, c) => a + c.bytes, 0) / 1024)} KiB`,
    );

    const { socket } = await openAndHello({ site: 'big-shop' });
    const reply = await botReplyTo(socket, 'How do I clean the embercobaltamber kettle?');
    expect(reply.bot).toMatchObject({ kind: 'answer', article: { id: 'product-36' } });
    socket.close();
  }, 180_000);
});

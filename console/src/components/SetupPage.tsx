/**
 * Setup, for site admins: the embed snippet ready to copy, the identify call for logged-in
 * shoppers, and the site's settings as site.json has them (read-only). Every value from the
 * server is rendered as a text node; the only style taken from it is a validated hex colour.
 */
import { Fragment } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SiteSetupResponse } from '../../../protocol/agent.ts';
import { ApiError, fetchSiteSetup } from '../api.ts';
import { duration, localeName, safeHexColor } from '../format.ts';
import { CodeBlock } from './CodeBlock.tsx';

type Site = SiteSetupResponse['site'];
type Load = { phase: 'loading' } | { phase: 'error'; message: string; forbidden: boolean } | { phase: 'ready'; setup: SiteSetupResponse };

export const IDENTIFY_SNIPPET = "kefu('identify', { id: '<user id>', name: '<name>', email: '<email>', userHash: '<hmac>' })";

const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

export function SetupPage() {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const mainRef = useRef<HTMLElement>(null);

  const fetchSetup = useCallback(() => {
    let active = true;
    setLoad({ phase: 'loading' });
    fetchSiteSetup().then(
      (setup) => active && setLoad({ phase: 'ready', setup }),
      (error: unknown) =>
        active &&
        setLoad({
          phase: 'error',
          forbidden: error instanceof ApiError && error.status === 403,
          message: error instanceof ApiError && error.status === 403 ? 'Only site admins can see the setup.' : error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => fetchSetup(), [fetchSetup]);
  useEffect(() => mainRef.current?.focus(), []);

  return (
    <main id="main-content" ref={mainRef} class="page" tabIndex={-1} aria-labelledby="setup-title" aria-busy={load.phase === 'loading'} data-testid="setup-page">
      <header class="page-head">
        <h1 id="setup-title" class="page-title">
          Setup
        </h1>
        {load.phase === 'ready' && (
          <p class="muted" data-testid="setup-site-name">
            {load.setup.site.name} <span class="brand-site">{load.setup.site.id}</span>
          </p>
        )}
      </header>
      {load.phase === 'loading' && (
        <p class="muted" role="status">
          Loading the setup…
        </p>
      )}
      {load.phase === 'error' && (
        <div class="stack">
          <p class="form-error" role="alert" data-testid="setup-error">
            {load.message}
          </p>
          {!load.forbidden && (
            <p>
              <button type="button" class="button" onClick={() => fetchSetup()}>
                Try again
              </button>
            </p>
          )}
        </div>
      )}
      {load.phase === 'ready' && <SetupContent setup={load.setup} />}
    </main>
  );
}

function SetupContent({ setup }: { setup: SiteSetupResponse }) {
  const { site, embed } = setup;
  return (
    <>
      <section class="page-section" aria-labelledby="embed-title">
        <h2 id="embed-title" class="page-section-title">
          Embed the chat
        </h2>
        <p>Paste it into every page of your shop, in the &lt;head&gt; or before &lt;/body&gt;.</p>
        <CodeBlock code={embed.snippet} label="embed snippet" testId="embed-snippet" />
        <p class="hint">
          It loads asynchronously from <span class="mono break">{embed.loaderUrl}</span> and never blocks your page. Pages must be served from
          one of the allowed origins below.
        </p>
      </section>

      <section class="page-section" aria-labelledby="identify-title">
        <h2 id="identify-title" class="page-section-title">
          Identify logged-in shoppers
        </h2>
        <p>When a shopper is signed in to your shop, tell the chat who they are, so agents see their name and e-mail:</p>
        <CodeBlock code={IDENTIFY_SNIPPET} label="identify snippet" testId="identify-snippet" />
        <IdentityNote site={site} />
      </section>

      <section class="page-section" aria-labelledby="settings-title">
        <h2 id="settings-title" class="page-section-title">
          Settings
        </h2>
        <p class="notice" data-testid="settings-note">
          Settings live in <span class="mono">knowledge-base/sites/{site.id}/site.json</span>; change them there and deploy.
        </p>
        <div class="settings-grid">
          <General site={site} />
          <Theme site={site} />
          <BusinessHours site={site} />
          <ChatRules site={site} />
        </div>
        <CannedReplies site={site} />
      </section>
    </>
  );
}

function IdentityNote({ site }: { site: Site }) {
  return (
    <div class="identity-note" data-testid="identity-verification" data-state={site.identityVerification ? 'on' : 'off'}>
      <p>
        <strong>Identity verification is {site.identityVerification ? 'on' : 'off'}.</strong>{' '}
        {site.identityVerification
          ? 'An identify call without a valid userHash is refused and the chat stays anonymous.'
          : 'Identify calls are trusted as sent, so anyone could claim to be another shopper. Turn it on with "identityVerification": true in site.json.'}
      </p>
      <p class="hint">
        userHash is the hex HMAC-SHA256 of the user id, keyed with your site's secret. Compute it on your shop's server, never in the browser; the
        Worker holds the same secret in IDENTITY_SECRETS. It proves the id only: name and e-mail show as claimed unless you also pass
        profileHash, which proves them and VIP status (required for vip: true). The README has server snippets for Node and PHP.
      </p>
    </div>
  );
}

function General({ site }: { site: Site }) {
  return (
    <section class="settings-card" aria-labelledby="general-title">
      <h3 id="general-title" class="subheading">
        General
      </h3>
      <dl class="settings-list">
        <dt>Name</dt>
        <dd data-testid="setting-name">{site.name}</dd>
        <dt>Site id</dt>
        <dd class="mono">{site.id}</dd>
        <dt>Languages</dt>
        <dd data-testid="setting-locales">
          {(site.locales ?? []).map((locale) => `${localeName(locale)} (${locale})`).join(', ')}
          {site.defaultLocale ? ` · default ${localeName(site.defaultLocale)}` : ''}
        </dd>
        <dt>Allowed origins</dt>
        <dd>
          {(site.allowedOrigins ?? []).length === 0 ? (
            <span class="muted">None</span>
          ) : (
            <ul class="plain-list" data-testid="setting-origins">
              {site.allowedOrigins.map((origin) => (
                <li key={origin} class="mono break">
                  {origin}
                </li>
              ))}
            </ul>
          )}
        </dd>
        {Object.entries(site.greeting ?? {}).map(([locale, text]) => (
          <Fragment key={`greeting-${locale}`}>
            <dt>Greeting ({localeName(locale)})</dt>
            <dd lang={locale}>{text}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

function Theme({ site }: { site: Site }) {
  const theme = site.theme;
  const colour = safeHexColor(theme?.color);
  return (
    <section class="settings-card" aria-labelledby="theme-title">
      <h3 id="theme-title" class="subheading">
        Theme
      </h3>
      <dl class="settings-list">
        <dt>Colour</dt>
        <dd class="row" data-testid="setting-color">
          {colour && <span class="swatch" style={{ backgroundColor: colour }} aria-hidden="true" />}
          <span class="mono">{theme?.color ?? '—'}</span>
        </dd>
        <dt>Position</dt>
        <dd>{theme?.position === 'left' ? 'Bottom left' : theme?.position === 'right' ? 'Bottom right' : (theme?.position ?? '—')}</dd>
        {Object.entries(theme?.launcherLabel ?? {}).map(([locale, label]) => (
          <Fragment key={`launcher-${locale}`}>
            <dt>Launcher label ({localeName(locale)})</dt>
            <dd lang={locale}>{label}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

function BusinessHours({ site }: { site: Site }) {
  const hours = site.businessHours;
  const holidays = hours?.holidays ?? [];
  return (
    <section class="settings-card" aria-labelledby="hours-title" data-testid="business-hours">
      <h3 id="hours-title" class="subheading">
        Business hours
      </h3>
      <dl class="settings-list">
        <dt>Time zone</dt>
        <dd data-testid="hours-timezone">{hours?.timezone ?? '—'}</dd>
      </dl>
      <table class="settings-table" data-testid="hours-table">
        <caption class="visually-hidden">Opening hours by day of the week</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Hours</th>
          </tr>
        </thead>
        <tbody>
          {DAYS.map(([key, day]) => {
            const spans = hours?.weekly?.[key] ?? [];
            return (
              <tr key={key} data-day={key}>
                <th scope="row">{day}</th>
                <td>{spans.length === 0 ? <span class="muted">Closed</span> : spans.map(([from, to]) => `${from}–${to}`).join(', ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h4 class="minor-heading">Holidays (closed)</h4>
      {holidays.length === 0 ? (
        <p class="muted small">None</p>
      ) : (
        <ul class="plain-list holidays" data-testid="holidays">
          {holidays.map((date) => (
            <li key={date}>
              <time dateTime={date}>{holidayLabel(date)}</time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ChatRules({ site }: { site: Site }) {
  const reply = Object.entries(site.promisedReplyTime ?? {});
  return (
    <section class="settings-card" aria-labelledby="rules-title">
      <h3 id="rules-title" class="subheading">
        Chats and limits
      </h3>
      <dl class="settings-list">
        {reply.length === 0 ? (
          <>
            <dt>Promised reply time</dt>
            <dd class="muted">Not set</dd>
          </>
        ) : (
          reply.map(([locale, text]) => (
            <Fragment key={`reply-${locale}`}>
              <dt>Promised reply time ({localeName(locale)})</dt>
              <dd lang={locale}>{text}</dd>
            </Fragment>
          ))
        )}
        <dt>Auto-assign</dt>
        <dd data-testid="setting-auto-assign">{site.assignment?.autoAssign ? 'On: new chats go round-robin to online agents with room' : 'Off: agents claim chats from the queue'}</dd>
        <dt>Max chats per agent</dt>
        <dd data-testid="setting-max-chats">{site.assignment?.maxChatsPerAgent ?? '—'}</dd>
        <dt>Idle shopper</dt>
        <dd data-testid="setting-idle">
          first prompt after {duration(site.idle?.firstPromptSeconds)}, second after {duration(site.idle?.secondPromptSeconds)}, chat closed after{' '}
          {duration(site.idle?.closeSeconds)}
        </dd>
        <dt>Agent grace period</dt>
        <dd data-testid="setting-grace">{duration(site.agentGraceSeconds)} before a disconnected agent's chats go back to the front of the queue</dd>
        <dt>New conversations per IP</dt>
        <dd data-testid="setting-rate-limit">{site.limits?.newConversationsPerIpPerHour ?? '—'} per hour</dd>
        <dt>Identity verification</dt>
        <dd>{site.identityVerification ? 'On' : 'Off'}</dd>
      </dl>
    </section>
  );
}

function CannedReplies({ site }: { site: Site }) {
  const replies = site.cannedReplies ?? [];
  return (
    <section class="settings-card wide" aria-labelledby="canned-title">
      <h3 id="canned-title" class="subheading">
        Canned replies <span class="count">{replies.length}</span>
      </h3>
      {replies.length === 0 ? (
        <p class="muted small">No canned replies.</p>
      ) : (
        <table class="settings-table canned-table" data-testid="canned-table">
          <caption class="visually-hidden">Canned replies: type / and the shortcut in the composer</caption>
          <thead>
            <tr>
              <th scope="col">Shortcut</th>
              <th scope="col">Language</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {replies.map((reply) => (
              <tr key={`${reply.shortcut}-${reply.locale}`} data-testid="canned-row">
                <td class="mono canned-shortcut">/{reply.shortcut.replace(/^\//, '')}</td>
                <td>{localeName(reply.locale)}</td>
                <td lang={reply.locale} class="canned-full-text">
                  {reply.text}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** "2026-12-25" → "Fri 25 Dec 2026"; anything unparseable is shown as it is. */
function holidayLabel(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(at.getTime())) return date;
  return at.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/**
 * Setup, for site admins: the embed snippet ready to copy, the identify call for logged-in
 * shoppers, and the site's settings in an editor (SettingsEditor). Every value from the server
 * is rendered as a text node.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SiteSetupResponse } from '../../../protocol/agent.ts';
import { ApiError, fetchSiteSetup } from '../api.ts';
import { CodeBlock } from './CodeBlock.tsx';
import { SettingsEditor } from './SettingsEditor.tsx';

type Site = SiteSetupResponse['site'];
type Load = { phase: 'loading' } | { phase: 'error'; message: string; forbidden: boolean } | { phase: 'ready'; setup: SiteSetupResponse };

export const IDENTIFY_SNIPPET = "kefu('identify', { id: '<user id>', name: '<name>', email: '<email>', userHash: '<hmac>' })";

export function SetupPage({ toast }: { toast: (text: string, tone?: 'info' | 'error') => void }) {
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
          message:
            error instanceof ApiError && error.status === 403 ? 'Only site admins can see the setup.' : error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => fetchSetup(), [fetchSetup]);
  useEffect(() => mainRef.current?.focus(), []);

  return (
    <main
      id="main-content"
      ref={mainRef}
      class="page"
      tabIndex={-1}
      aria-labelledby="setup-title"
      aria-busy={load.phase === 'loading'}
      data-testid="setup-page"
    >
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
      {load.phase === 'ready' && (
        <SetupContent
          setup={load.setup}
          toast={toast}
          onSaved={(saved) => setLoad({ phase: 'ready', setup: { ...load.setup, site: saved.site, version: saved.version } })}
        />
      )}
    </main>
  );
}

interface SetupContentProps {
  setup: SiteSetupResponse;
  toast: (text: string, tone?: 'info' | 'error') => void;
  onSaved: (saved: { site: SiteSetupResponse['site']; version: number }) => void;
}

function SetupContent({ setup, toast, onSaved }: SetupContentProps) {
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
          It loads asynchronously from <span class="mono break">{embed.loaderUrl}</span> and never blocks your page. Pages must be served from one of the
          allowed origins below.
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
        <SettingsEditor setup={setup} toast={toast} onSaved={onSaved} />
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
          : 'Identify calls are trusted as sent, so anyone could claim to be another shopper. Turn it on under Access and limits below.'}
      </p>
      <p class="hint">
        userHash is the hex HMAC-SHA256 of the user id, keyed with your site's secret. Compute it on your shop's server, never in the browser; the Worker holds
        the same secret in IDENTITY_SECRETS. It proves the id only: name and e-mail show as claimed unless you also pass profileHash, which proves them and VIP
        status (required for vip: true). The README has server snippets for Node and PHP.
      </p>
    </div>
  );
}

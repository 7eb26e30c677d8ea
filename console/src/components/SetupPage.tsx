/**
 * Setup, for site admins: the embed snippet ready to copy, the identify call for logged-in
 * shoppers, and the site's settings in an editor (SettingsEditor). Every value from the server
 * is rendered as a text node.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SiteSetupResponse } from '../../../protocol/agent.ts';
import { ApiError, fetchSiteSetup } from '../api.ts';
import { t } from '../i18n.ts';
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
          message: error instanceof ApiError && error.status === 403 ? t('setup.forbidden') : error instanceof Error ? error.message : String(error),
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
          {t('nav.setup')}
        </h1>
        {load.phase === 'ready' && (
          <p class="muted" data-testid="setup-site-name">
            {load.setup.site.name} <span class="brand-site">{load.setup.site.id}</span>
          </p>
        )}
      </header>
      {load.phase === 'loading' && (
        <p class="muted" role="status">
          {t('setup.loading')}
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
                {t('setup.retry')}
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
          {t('setup.embed')}
        </h2>
        <p>{t('setup.paste')}</p>
        <CodeBlock code={embed.snippet} label="embed snippet" testId="embed-snippet" />
        <p class="hint">
          {t('setup.loads')} <span class="mono break">{embed.loaderUrl}</span> {t('setup.loadsAfter')}
        </p>
      </section>

      <section class="page-section" aria-labelledby="identify-title">
        <h2 id="identify-title" class="page-section-title">
          {t('setup.identify')}
        </h2>
        <p>{t('setup.identifyText')}</p>
        <CodeBlock code={IDENTIFY_SNIPPET} label="identify snippet" testId="identify-snippet" />
        <IdentityNote site={site} />
      </section>

      <section class="page-section" aria-labelledby="settings-title">
        <h2 id="settings-title" class="page-section-title">
          {t('setup.settings')}
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
        <strong>{site.identityVerification ? t('setup.verificationOn') : t('setup.verificationOff')}</strong>{' '}
        {site.identityVerification ? t('setup.verificationOnText') : t('setup.verificationOffText')}
      </p>
      <p class="hint">{t('setup.userHash')}</p>
    </div>
  );
}

import { useState } from 'preact/hooks';
import type { AgentProfile } from '../../../protocol/agent.ts';
import { changePassword } from '../api.ts';
import { t } from '../i18n.ts';

const MIN_LENGTH = 10;

interface PasswordFormProps {
  agent: AgentProfile;
  onDone: () => void;
  onSignOut: () => void;
}

/** Shown before anything else when the agent still has a one-time password. */
export function PasswordForm({ agent, onDone, onSignOut }: PasswordFormProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!current) return setError(t('password.missingCurrent'));
    if (next.length < MIN_LENGTH) return setError(t('password.tooShort', { n: MIN_LENGTH }));
    if (next !== repeat) return setError(t('password.mismatch'));
    if (next === current) return setError(t('password.same'));
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      onDone();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <div class="center-page">
      <main class="card auth-card">
        <h1 class="brand-title">{t('password.title')}</h1>
        <p class="muted">{t('password.intro', { name: agent.name })}</p>
        <form class="stack" onSubmit={submit} data-testid="password-form" noValidate>
          <div class="field">
            <label for="pw-current">{t('password.current')}</label>
            <input
              id="pw-current"
              type="password"
              autocomplete="current-password"
              required
              maxLength={200}
              value={current}
              onInput={(event) => setCurrent(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="pw-new">{t('password.new')}</label>
            <input
              id="pw-new"
              type="password"
              autocomplete="new-password"
              required
              minLength={MIN_LENGTH}
              maxLength={200}
              aria-describedby="pw-hint"
              value={next}
              onInput={(event) => setNext(event.currentTarget.value)}
            />
            <p id="pw-hint" class="hint">
              {t('password.hint', { n: MIN_LENGTH })}
            </p>
          </div>
          <div class="field">
            <label for="pw-repeat">{t('password.repeat')}</label>
            <input
              id="pw-repeat"
              type="password"
              autocomplete="new-password"
              required
              maxLength={200}
              value={repeat}
              onInput={(event) => setRepeat(event.currentTarget.value)}
            />
          </div>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <div class="row">
            <button type="submit" class="button primary" disabled={busy}>
              {busy ? t('password.saving') : t('password.save')}
            </button>
            <button type="button" class="button ghost" onClick={onSignOut}>
              {t('nav.logout')}
            </button>
          </div>
        </form>
      </main>
    </div>
  );
}

import { useState } from 'preact/hooks';
import type { AgentProfile } from '../../../protocol/agent.ts';
import { login } from '../api.ts';
import { CONSOLE_LOCALES, setLocale, t, useLocale } from '../i18n.ts';

interface LoginFormProps {
  site: string;
  notice?: string;
  onSignedIn: (agent: AgentProfile) => void;
}

export function LoginForm({ site, notice, onSignedIn }: LoginFormProps) {
  const locale = useLocale();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!email.trim() || !password) {
      setError(t('login.missing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await login(site, email.trim(), password));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <div class="center-page">
      <main class="card auth-card">
        <h1 class="brand-title">
          kefu <span class="brand-sub">{t('login.console')}</span>
        </h1>
        <p class="muted">
          {t('login.intro')} <strong>{site}</strong>
        </p>
        <div class="field inline language-picker">
          <label for="login-language">{t('language.label')}</label>
          <select id="login-language" value={locale} onChange={(event) => void setLocale(event.currentTarget.value === 'zh-CN' ? 'zh-CN' : 'en')}>
            {CONSOLE_LOCALES.map((option) => (
              <option key={option} value={option} lang={option}>
                {t(`language.${option}`)}
              </option>
            ))}
          </select>
        </div>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <form class="stack" onSubmit={submit} data-testid="login-form" noValidate>
          <div class="field">
            <label for="login-email">{t('login.email')}</label>
            <input
              id="login-email"
              data-testid="login-email"
              type="email"
              name="email"
              autocomplete="username"
              required
              maxLength={254}
              value={email}
              onInput={(event) => setEmail(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              data-testid="login-password"
              type="password"
              name="password"
              autocomplete="current-password"
              required
              maxLength={200}
              value={password}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </div>
          {error && (
            <p class="form-error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}
          <button type="submit" class="button primary" data-testid="login-submit" disabled={busy}>
            {busy ? t('login.signingIn') : t('login.signIn')}
          </button>
        </form>
      </main>
    </div>
  );
}

import { useState } from 'preact/hooks';
import type { AgentProfile } from '../../../protocol/agent.ts';
import { changePassword } from '../api.ts';

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
    if (!current) return setError('Enter the one-time password you signed in with.');
    if (next.length < MIN_LENGTH) return setError(`The new password needs at least ${MIN_LENGTH} characters.`);
    if (next !== repeat) return setError('The two new passwords are not the same.');
    if (next === current) return setError('Choose a password different from the one-time password.');
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
        <h1 class="brand-title">Set your password</h1>
        <p class="muted">Welcome, {agent.name}. You signed in with a one-time password; choose your own to continue.</p>
        <form class="stack" onSubmit={submit} data-testid="password-form" noValidate>
          <div class="field">
            <label for="pw-current">One-time (current) password</label>
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
            <label for="pw-new">New password</label>
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
              At least {MIN_LENGTH} characters.
            </p>
          </div>
          <div class="field">
            <label for="pw-repeat">Repeat the new password</label>
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
              {busy ? 'Saving…' : 'Save password'}
            </button>
            <button type="button" class="button ghost" onClick={onSignOut}>
              Log out
            </button>
          </div>
        </form>
      </main>
    </div>
  );
}

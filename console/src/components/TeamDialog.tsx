/** Admins add agents here; the one-time password is shown once, then never again. */
import { useState } from 'preact/hooks';
import type { AgentPresence, AgentRole } from '../../../protocol/agent.ts';
import { type CreatedAgent, createAgent } from '../api.ts';
import { type MessageKey, t } from '../i18n.ts';
import { Modal } from './Modal.tsx';

interface TeamDialogProps {
  agents: AgentPresence[];
  onClose: () => void;
}

const STATUS: Record<AgentPresence['status'], MessageKey> = { online: 'nav.online', away: 'nav.away', offline: 'team.offline' };

export function TeamDialog({ agents, onClose }: TeamDialogProps) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<AgentRole>('agent');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedAgent | null>(null);
  const [copied, setCopied] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setCreated(await createAgent(email.trim(), name.trim(), role));
      setEmail('');
      setName('');
      setRole('agent');
      setCopied(false);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.oneTimePassword);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <Modal title={t('team.title')} onClose={onClose} testId="team-dialog">
      <section aria-labelledby="team-list-title">
        <h3 id="team-list-title" class="subheading">
          {t('reports.agents')}
        </h3>
        <ul class="team-list">
          {agents.map((agent) => (
            <li key={agent.id}>
              <span class={`dot presence-${agent.status}`} aria-hidden="true" />
              <span class="team-name">{agent.name}</span>
              <span class="muted small">
                {t(STATUS[agent.status])} · {agent.activeChats === 1 ? t('chat.oneChat') : t('chat.nChats', { n: agent.activeChats })}
              </span>
            </li>
          ))}
        </ul>
      </section>

      {created && (
        <div class="one-time" role="status" data-testid="one-time-password-box">
          <p>
            <strong>{created.agent.name}</strong> ({created.agent.email}) can now sign in with this one-time password. It is shown only this once; they will
            choose their own password at first sign-in.
          </p>
          <p class="row">
            <output class="secret" data-testid="one-time-password">
              {created.oneTimePassword}
            </output>
            <button type="button" class="button small" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </p>
        </div>
      )}

      <form class="stack" onSubmit={submit} data-testid="add-agent-form">
        <h3 class="subheading">Add an agent</h3>
        <div class="field">
          <label for="team-name">Name</label>
          <input id="team-name" required maxLength={80} autocomplete="off" value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="team-email">E-mail</label>
          <input
            id="team-email"
            type="email"
            required
            maxLength={254}
            autocomplete="off"
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="team-role">Role</label>
          <select id="team-role" value={role} onChange={(event) => setRole(event.currentTarget.value === 'admin' ? 'admin' : 'agent')}>
            <option value="agent">Agent</option>
            <option value="admin">Admin (can add agents)</option>
          </select>
        </div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="row end">
          <button type="button" class="button" onClick={onClose}>
            Done
          </button>
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add agent'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Session gate: checks the cookie on load, then shows login, the password form, or the workspace. */
import { useEffect, useState } from 'preact/hooks';
import type { AgentProfile } from '../../../protocol/agent.ts';
import { fetchMe, logout } from '../api.ts';
import { t } from '../i18n.ts';
import { LoginForm } from './LoginForm.tsx';
import { PasswordForm } from './PasswordForm.tsx';
import { Workspace } from './Workspace.tsx';

type Session = { phase: 'loading' } | { phase: 'signed_out'; notice?: string } | { phase: 'signed_in'; agent: AgentProfile };

/** The site comes from `?site=` (default demo); only a well-formed id is used. */
export function siteFromUrl(search: string): string {
  const site = new URLSearchParams(search).get('site')?.trim().toLowerCase() ?? '';
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(site) ? site : 'demo';
}

export function App() {
  const site = siteFromUrl(window.location.search);
  const [session, setSession] = useState<Session>({ phase: 'loading' });

  useEffect(() => {
    let active = true;
    fetchMe().then(
      (agent) => active && setSession(agent ? { phase: 'signed_in', agent } : { phase: 'signed_out' }),
      (error: unknown) => active && setSession({ phase: 'signed_out', notice: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      active = false;
    };
  }, []);

  const signOut = async (notice?: string) => {
    if (!notice) {
      try {
        await logout();
      } catch {
        // The cookie may already be gone; the login form is the right place either way.
      }
    }
    setSession({ phase: 'signed_out', notice });
  };

  switch (session.phase) {
    case 'loading':
      return (
        <div class="center-page" aria-busy="true">
          <p class="muted" role="status">
            {t('app.loading')}
          </p>
        </div>
      );
    case 'signed_out':
      return <LoginForm site={site} notice={session.notice} onSignedIn={(agent) => setSession({ phase: 'signed_in', agent })} />;
    case 'signed_in':
      if (session.agent.mustChangePassword) {
        return (
          <PasswordForm
            agent={session.agent}
            onDone={() => setSession({ phase: 'signed_in', agent: { ...session.agent, mustChangePassword: false } })}
            onSignOut={() => void signOut()}
          />
        );
      }
      return <Workspace key={session.agent.id} agent={session.agent} onSignOut={(notice) => void signOut(notice)} />;
  }
}

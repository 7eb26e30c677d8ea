/** What a page shows while its data loads or after loading failed: a status line, or the error as an alert. */
import { t } from '../i18n.ts';

export function LoadStatus({ load, errorText }: { load: { phase: string; message?: string }; errorText?: (message: string) => string }) {
  if (load.phase === 'loading') {
    return (
      <p class="muted" role="status">
        {t('common.loading')}
      </p>
    );
  }
  if (load.phase === 'error' && load.message !== undefined) {
    return (
      <p class="form-error" role="alert">
        {errorText ? errorText(load.message) : load.message}
      </p>
    );
  }
  return null;
}

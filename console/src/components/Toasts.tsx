import { t } from '../i18n.ts';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
  action?: { label: string; run: () => void };
}

interface ToastsProps {
  toasts: Toast[];
  onDismiss: (id: number) => void;
}

/** Short-lived notices, in one polite live region so screen readers hear them too. */
export function Toasts({ toasts, onDismiss }: ToastsProps) {
  return (
    <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} class={`toast toast-${toast.tone}`} data-testid="toast">
          <p class="toast-text">{toast.text}</p>
          {toast.action && (
            <button
              type="button"
              class="button small"
              onClick={() => {
                toast.action?.run();
                onDismiss(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" class="button small ghost" aria-label={t('toast.dismiss')} onClick={() => onDismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/**
 * A console page's heading: its title (the h1 whose id the page's aria-labelledby names), the
 * lines under it, and a Refresh button when the page can reload.
 */
import type { ComponentChildren } from 'preact';
import { t } from '../i18n.ts';

export function PageHead(props: { id: string; title: string; children?: ComponentChildren; onRefresh?: () => void }) {
  return (
    <div class="page-head">
      <div class="page-head-text">
        <h1 id={props.id} class="page-title">
          {props.title}
        </h1>
        {props.children}
      </div>
      {props.onRefresh && (
        <button type="button" class="button small" onClick={props.onRefresh}>
          {t('common.refresh')}
        </button>
      )}
    </div>
  );
}

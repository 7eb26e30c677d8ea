/** The right panel: who the shopper is and where they are. Shopper-supplied text stays text. */
import type { ChatSummary, ShopperContext } from '../../../protocol/agent.ts';
import { reasonLabel, safeHttpUrl } from '../format.ts';

interface ShopperPanelProps {
  shopper: ShopperContext | null;
  summary: ChatSummary | undefined;
  rating: { score: number; comment: string } | null;
}

const LOCALES: Record<string, string> = { en: 'English', zh: '中文 (Chinese)' };

export function ShopperPanel({ shopper, summary, rating }: ShopperPanelProps) {
  const link = safeHttpUrl(shopper?.pageUrl);
  return (
    <aside class="context" aria-labelledby="context-title" data-testid="shopper-panel">
      <h2 id="context-title" class="section-title">
        Shopper
      </h2>
      {!shopper ? (
        <p class="muted small">Loading…</p>
      ) : (
        <dl class="facts">
          <dt>Name</dt>
          <dd data-testid="shopper-name">{shopper.name?.trim() || <span class="muted">Not identified</span>}</dd>
          <dt>E-mail</dt>
          <dd class="break" data-testid="shopper-email">
            {shopper.email || <span class="muted">Unknown</span>}
          </dd>
          <dt>VIP</dt>
          <dd>{shopper.vip ? <span class="badge badge-vip">VIP</span> : 'No'}</dd>
          <dt>Language</dt>
          <dd>{LOCALES[shopper.locale] ?? shopper.locale}</dd>
          <dt>Current page</dt>
          <dd class="break" data-testid="shopper-page">
            {shopper.pageTitle && <span class="page-title">{shopper.pageTitle}</span>}
            {shopper.pageUrl ? (
              link ? (
                <a href={link} target="_blank" rel="noopener noreferrer" class="page-url">
                  {shopper.pageUrl}
                </a>
              ) : (
                <span class="page-url">{shopper.pageUrl}</span>
              )
            ) : (
              !shopper.pageTitle && <span class="muted">Unknown</span>
            )}
          </dd>
          <dt>Visits</dt>
          <dd data-testid="shopper-visits">{shopper.visits}</dd>
          {summary && (
            <>
              <dt>Handoff reason</dt>
              <dd>{reasonLabel(summary.reason)}</dd>
            </>
          )}
          {rating && (
            <>
              <dt>Rating</dt>
              <dd data-testid="shopper-rating">
                {rating.score} / 5{rating.comment && <q class="rating-comment">{rating.comment}</q>}
              </dd>
            </>
          )}
        </dl>
      )}
    </aside>
  );
}

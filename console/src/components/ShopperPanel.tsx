/** The right panel: who the shopper is and where they are. Shopper-supplied text stays text. */
import type { ComponentChildren } from 'preact';
import type { ChatSummary, ProvenField, ShopperContext } from '../../../protocol/agent.ts';
import { reasonLabel, safeHttpUrl } from '../format.ts';

interface ShopperPanelProps {
  shopper: ShopperContext | null;
  summary: ChatSummary | undefined;
  rating: { score: number; comment: string } | null;
  /** more sections under the facts (labels, the shopper's timeline) */
  children?: ComponentChildren;
}

const LOCALES: Record<string, string> = { en: 'English', zh: '中文 (Chinese)' };

/** Whether the shop's server proved a field, or the page only claimed it (README, identity verification). */
function Proof({ shopper, field }: { shopper: ShopperContext; field: ProvenField | 'id' }) {
  // A leading space keeps it apart from the value in the text flow.
  const proven = field === 'id' ? shopper.verified === true : shopper.verified === true && (shopper.provenFields ?? []).includes(field);
  return proven ? (
    <>
      {' '}
      <span class="badge badge-proven" data-testid={`proof-${field}`} title="Signed by the shop's server">
        verified
      </span>
    </>
  ) : (
    <>
      {' '}
      <span class="muted small" data-testid={`proof-${field}`} title="Given by the page; nothing proves it">
        (claimed)
      </span>
    </>
  );
}

export function ShopperPanel({ shopper, summary, rating, children }: ShopperPanelProps) {
  // Only the site's own pages become links: any URL can be claimed, and a link from the console invites a click.
  const link = shopper?.pageOnSite ? safeHttpUrl(shopper.pageUrl) : null;
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
          <dd>
            <span data-testid="shopper-name">{shopper.name?.trim() || <span class="muted">Not identified</span>}</span>
            {shopper.name?.trim() && <Proof shopper={shopper} field="name" />}
          </dd>
          {shopper.userId && (
            <>
              <dt>User id</dt>
              <dd class="break">
                <span data-testid="shopper-user-id">{shopper.userId}</span>
                <Proof shopper={shopper} field="id" />
              </dd>
            </>
          )}
          <dt>E-mail</dt>
          <dd class="break">
            <span data-testid="shopper-email">{shopper.email || <span class="muted">Unknown</span>}</span>
            {shopper.email && <Proof shopper={shopper} field="email" />}
          </dd>
          <dt>VIP</dt>
          <dd>
            {shopper.vip ? (
              <>
                <span class="badge badge-vip">VIP</span>
                <Proof shopper={shopper} field="vip" />
              </>
            ) : (
              'No'
            )}
          </dd>
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
      {children}
    </aside>
  );
}

/** The right panel: who the shopper is and where they are. Shopper-supplied text stays text. */
import type { ComponentChildren } from 'preact';
import type { ChatSummary, ProvenField, ShopperContext } from '../../../protocol/agent.ts';
import { reasonLabel, safeHttpUrl } from '../format.ts';
import { t } from '../i18n.ts';

interface ShopperPanelProps {
  shopper: ShopperContext | null;
  summary: ChatSummary | undefined;
  rating: { score: number; comment: string } | null;
  /** more sections under the facts (labels, the shopper's timeline) */
  children?: ComponentChildren;
}

/** Whether the shop's server proved a field, or the page only claimed it (README, identity verification). */
function Proof({ shopper, field }: { shopper: ShopperContext; field: ProvenField | 'id' }) {
  // A leading space keeps it apart from the value in the text flow.
  const proven = field === 'id' ? shopper.verified === true : shopper.verified === true && (shopper.provenFields ?? []).includes(field);
  return proven ? (
    <>
      {' '}
      <span class="badge badge-proven" data-testid={`proof-${field}`} title={t('shopper.signed')}>
        {t('shopper.verified')}
      </span>
    </>
  ) : (
    <>
      {' '}
      <span class="muted small" data-testid={`proof-${field}`} title={t('shopper.claimedHint')}>
        {t('shopper.claimed')}
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
        {t('shopper.title')}
      </h2>
      {!shopper ? (
        <p class="muted small">{t('common.loading')}</p>
      ) : (
        <dl class="facts">
          <dt>{t('shopper.name')}</dt>
          <dd>
            <span data-testid="shopper-name">{shopper.name?.trim() || <span class="muted">{t('shopper.notIdentified')}</span>}</span>
            {shopper.name?.trim() && <Proof shopper={shopper} field="name" />}
          </dd>
          {shopper.userId && (
            <>
              <dt>{t('shopper.userId')}</dt>
              <dd class="break">
                <span data-testid="shopper-user-id">{shopper.userId}</span>
                <Proof shopper={shopper} field="id" />
              </dd>
            </>
          )}
          <dt>{t('login.email')}</dt>
          <dd class="break">
            <span data-testid="shopper-email">{shopper.email || <span class="muted">{t('shopper.unknown')}</span>}</span>
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
              t('shopper.no')
            )}
          </dd>
          <dt>{t('language.label')}</dt>
          <dd>{shopper.locale === 'zh' ? '中文' : shopper.locale === 'en' ? 'English' : shopper.locale}</dd>
          <dt>{t('shopper.page')}</dt>
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
              !shopper.pageTitle && <span class="muted">{t('shopper.unknown')}</span>
            )}
          </dd>
          <dt>{t('shopper.visits')}</dt>
          <dd data-testid="shopper-visits">{shopper.visits}</dd>
          {summary && (
            <>
              <dt>{t('shopper.reason')}</dt>
              <dd>{reasonLabel(summary.reason)}</dd>
            </>
          )}
          {rating && (
            <>
              <dt>{t('shopper.rating')}</dt>
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

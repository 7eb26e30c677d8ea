/**
 * "Try the bot": asks the bot a question against the saved drafts (or only what is published),
 * and shows its decision, the top articles with their confidence, and why. With it an owner sees
 * a question move from handoff to answer before publishing. Everything shown is text.
 */
import { useId, useState } from 'preact/hooks';
import type { BotTrialResponse } from '../../../protocol/site-admin.ts';
import { featureError, tryBot } from '../api.ts';
import type { ArticleLocale } from '../articles.ts';
import { confidence, localeName, reasonLabel } from '../format.ts';
import { type MessageKey, t } from '../i18n.ts';

const DECISIONS: Record<BotTrialResponse['decision'], MessageKey> = {
  answer: 'try.answer',
  suggest: 'try.suggest',
  handoff: 'try.handoff',
  smalltalk: 'try.smalltalk',
  none: 'try.none',
};

export function TryBotBox({ onOpenArticle }: { onOpenArticle: (locale: ArticleLocale, id: string) => void }) {
  const ids = useId();
  const [text, setText] = useState('');
  const [locale, setLocale] = useState<'' | ArticleLocale>('');
  const [drafts, setDrafts] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ question: string; drafts: boolean; trial: BotTrialResponse } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const question = text.trim();
    if (!question) {
      setError(t('try.typeQuestion'));
      return;
    }
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setResult({ question, drafts, trial: await tryBot(question, locale || undefined, drafts) });
    } catch (caught) {
      setError(featureError(caught, t('try.title')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page-section try-bot" aria-labelledby={`${ids}-title`} data-testid="try-bot">
      <h2 id={`${ids}-title`} class="page-section-title">
        {t('try.try-the-bot')}
      </h2>
      <form class="stack" noValidate onSubmit={submit}>
        <div class="field">
          <label for={`${ids}-question`}>{t('try.a-shopper-s-question')}</label>
          <input id={`${ids}-question`} data-testid="try-bot-question" maxLength={2000} value={text} onInput={(event) => setText(event.currentTarget.value)} />
        </div>
        <div class="row">
          <label class="inline-field">
            {t('try.language')}
            <select data-testid="try-bot-locale" value={locale} onChange={(event) => setLocale(event.currentTarget.value as '' | ArticleLocale)}>
              <option value="">{t('try.detect')}</option>
              <option value="en">{t('format.english')}</option>
              <option value="zh">{t('format.chinese')}</option>
            </select>
          </label>
          <label class="switch">
            <input type="checkbox" data-testid="try-bot-drafts" checked={drafts} onChange={(event) => setDrafts(event.currentTarget.checked)} />
            {t('try.include-unpublished-drafts')}
          </label>
          <button type="submit" class="button primary" data-testid="try-bot-submit" disabled={busy}>
            {busy ? t('try.asking') : t('try.ask')}
          </button>
        </div>
      </form>
      {error && (
        <p class="form-error" role="alert" data-testid="try-bot-error">
          {error}
        </p>
      )}
      <div aria-live="polite">
        {result && (
          <div class="try-bot-result" data-testid="try-bot-result" data-decision={result.trial.decision}>
            <p>
              <span class="visually-hidden">For “{result.question}”: </span>
              <strong data-testid="try-bot-decision">{DECISIONS[result.trial.decision] ? t(DECISIONS[result.trial.decision]) : result.trial.decision}</strong>
              {result.trial.handoffReason && <span data-testid="try-bot-handoff-reason"> ({reasonLabel(result.trial.handoffReason)})</span>}
              <span class="muted small">
                {' '}
                · {localeName(result.trial.locale)} · {result.drafts ? 'with drafts' : 'published articles only'}
              </span>
            </p>
            {result.trial.articles.length > 0 && (
              <table class="settings-table">
                <caption class="visually-hidden">{t('try.top-articles-with-the-bot-s-confidence')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('try.article')}</th>
                    <th scope="col" class="numeric">
                      {t('try.confidence')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {result.trial.articles.map((article) => (
                    <tr key={article.id} data-testid="try-bot-article" data-article-id={article.id}>
                      <td lang={result.trial.locale}>
                        <button type="button" class="link-button" onClick={() => onOpenArticle(result.trial.locale, article.id)}>
                          {article.title}
                        </button>
                      </td>
                      <td class="numeric" data-testid="try-bot-confidence">
                        {confidence(article.confidence)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {result.trial.reasons.length > 0 && (
              <>
                <h3 class="minor-heading">{t('try.why')}</h3>
                <ul class="reasons" data-testid="try-bot-reasons">
                  {result.trial.reasons.map((reason, index) => (
                    <li key={index}>{reason}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

/**
 * Agent assist: the bot's top three articles for the shopper's latest message. One click puts the
 * article's short answer and a reference to it into the composer, where the agent can edit it
 * before sending. Asked again only when the shopper writes something new.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type { AssistArticle } from '../../../protocol/site-admin.ts';
import { featureError, fetchAssist } from '../api.ts';
import { confidence } from '../format.ts';
import { t } from '../i18n.ts';

interface AssistPanelProps {
  /** The shopper's latest message, or null when they have not written yet. */
  message: { seq: number; text: string } | null;
  locale: 'en' | 'zh';
  onInsert: (text: string) => void;
}

type Load = { phase: 'idle' } | { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; articles: AssistArticle[] };

/** What goes into the composer: the short answer, then where the rest is, in the article's language. */
export function assistReply(article: AssistArticle): string {
  const reference = article.locale === 'zh' ? `详情请见帮助文章《${article.title}》。` : `More in our help article “${article.title}”.`;
  return `${article.excerpt.trim()}\n\n${reference}`;
}

const ASK_DELAY_MS = 300;

export function AssistPanel({ message, locale, onInsert }: AssistPanelProps) {
  const ids = useId();
  const [load, setLoad] = useState<Load>({ phase: 'idle' });
  const [open, setOpen] = useState(true);

  useEffect(() => {
    if (!message || !message.text.trim()) {
      setLoad({ phase: 'idle' });
      return;
    }
    let live = true;
    setLoad({ phase: 'loading' });
    const timer = setTimeout(() => {
      fetchAssist(message.text.slice(0, 2000), locale).then(
        (result) => live && setLoad({ phase: 'ready', articles: result.articles.slice(0, 3) }),
        (error: unknown) => live && setLoad({ phase: 'error', message: featureError(error, t('assist.feature')) }),
      );
    }, ASK_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [message?.seq, locale]);

  if (!message) return null;
  return (
    <section class="assist" aria-labelledby={`${ids}-title`} data-testid="assist">
      <div class="assist-head">
        <h2 id={`${ids}-title`} class="assist-title">
          {t('assist.title')}
        </h2>
        <button
          type="button"
          class="button small ghost"
          aria-expanded={open}
          aria-controls={`${ids}-body`}
          data-testid="assist-toggle"
          onClick={() => setOpen(!open)}
        >
          {open ? t('assist.hide') : t('assist.show')}
        </button>
      </div>
      {open && (
        <div id={`${ids}-body`} aria-live="polite">
          {load.phase === 'loading' && <p class="muted small">{t('assist.asking')}</p>}
          {load.phase === 'error' && (
            <p class="hint hint-warn" data-testid="assist-error">
              {load.message}
            </p>
          )}
          {load.phase === 'ready' && load.articles.length === 0 && (
            <p class="muted small" data-testid="assist-empty">
              {t('assist.empty')}
            </p>
          )}
          {load.phase === 'ready' && load.articles.length > 0 && (
            <ul class="assist-list">
              {load.articles.map((article) => (
                <li key={`${article.locale}:${article.id}`} class="assist-item" data-testid="assist-article" data-article-id={article.id}>
                  <div class="assist-text">
                    <span id={`${ids}-${article.locale}-${article.id}`} class="assist-article-title" lang={article.locale}>
                      {article.title}
                    </span>
                    <span class="muted small"> · {confidence(article.confidence)}</span>
                    <p class="assist-excerpt" lang={article.locale}>
                      {article.excerpt}
                    </p>
                  </div>
                  <button
                    type="button"
                    class="button small"
                    data-testid="assist-insert"
                    aria-describedby={`${ids}-${article.locale}-${article.id}`}
                    title={t('assist.insertHint')}
                    onClick={() => onInsert(assistReply(article))}
                  >
                    {t('assist.insert')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

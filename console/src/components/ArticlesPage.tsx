/**
 * Articles, for every agent: the site's help articles with search and a language filter, English
 * and Chinese side by side with a missing translation marked, and the Try-the-bot box. Admins
 * open an article in the editor; agents read it (the server refuses their writes as well).
 */
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import type { AgentProfile } from '../../../protocol/agent.ts';
import type { ArticleSummary } from '../../../protocol/site-admin.ts';
import { featureError, fetchArticles, fetchSiteSetup } from '../api.ts';
import { ARTICLE_LOCALES, type ArticleLocale, groupArticles, statusLabel } from '../articles.ts';
import { localeName } from '../format.ts';
import { t } from '../i18n.ts';
import { ArticleEditor, type ArticleTarget } from './ArticleEditor.tsx';
import { TryBotBox } from './TryBotBox.tsx';

interface ArticlesPageProps {
  me: AgentProfile;
  /** Opened from elsewhere (a knowledge gap's "new article from this question"). */
  initialTarget?: ArticleTarget | null;
  toast: (text: string, tone?: 'info' | 'error') => void;
}

/** A list as loaded, with the language filter it was loaded with (the columns follow the data, not the select). */
interface Loaded {
  articles: ArticleSummary[];
  locale: '' | ArticleLocale;
}
type Load = { phase: 'loading'; previous: Loaded | null } | { phase: 'error'; message: string } | ({ phase: 'ready' } & Loaded);

const SEARCH_DELAY_MS = 250;

export function ArticlesPage({ me, initialTarget = null, toast }: ArticlesPageProps) {
  const canEdit = me.role === 'admin';
  const ids = useId();
  const [target, setTarget] = useState<ArticleTarget | null>(initialTarget);
  const [query, setQuery] = useState('');
  const [locale, setLocale] = useState<'' | ArticleLocale>('');
  const [load, setLoad] = useState<Load>({ phase: 'loading', previous: null });
  const mainRef = useRef<HTMLElement>(null);
  const active = useRef(true);
  const seq = useRef(0);
  // The editor gets a fresh key each time it opens, so a reopened article is loaded again.
  const [editorKey, setEditorKey] = useState(0);

  const refresh = useCallback((q: string, loc: '' | ArticleLocale) => {
    const mine = ++seq.current;
    setLoad((current) => ({ phase: 'loading', previous: current.phase === 'ready' ? current : current.phase === 'loading' ? current.previous : null }));
    fetchArticles({ q: q.trim() || undefined, locale: loc || undefined }).then(
      (result) => active.current && mine === seq.current && setLoad({ phase: 'ready', articles: result.articles, locale: loc }),
      (error: unknown) => active.current && mine === seq.current && setLoad({ phase: 'error', message: featureError(error, t('nav.articles')) }),
    );
  }, []);

  useEffect(() => {
    active.current = true;
    return () => {
      active.current = false;
    };
  }, []);
  // Admins can read the site's theme colour (the setup endpoint is theirs only), for the preview.
  const [themeColor, setThemeColor] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!canEdit) return;
    fetchSiteSetup().then(
      (setup) => active.current && setThemeColor(setup.site.theme?.color),
      () => undefined, // the default colour is a fine preview
    );
  }, [canEdit]);
  useEffect(() => {
    const timer = setTimeout(() => refresh(query, locale), query ? SEARCH_DELAY_MS : 0);
    return () => clearTimeout(timer);
  }, [query, locale, refresh]);
  useEffect(() => {
    if (!target) mainRef.current?.focus();
  }, []);

  const open = (next: ArticleTarget) => {
    setEditorKey((key) => key + 1);
    setTarget(next);
  };
  const loaded = load.phase === 'ready' ? load : load.phase === 'loading' ? load.previous : null;
  const rows = loaded ? groupArticles(loaded.articles) : null;
  const shownLocales = loaded?.locale ? [loaded.locale] : ARTICLE_LOCALES;

  return (
    <main id="main-content" ref={mainRef} class="page articles-page" tabIndex={-1} aria-labelledby="articles-title" data-testid="articles-page">
      <header class="page-head row">
        <div class="page-head-text">
          <h1 id="articles-title" class="page-title">
            {t('nav.articles')}
          </h1>
          <p class="muted">{canEdit ? t('articles.introAdmin') : t('articles.introAgent')}</p>
        </div>
        {canEdit && !target && (
          <button type="button" class="button primary" data-testid="article-new" onClick={() => open({ kind: 'new', locale: locale || 'en' })}>
            {t('gaps.newArticle')}
          </button>
        )}
      </header>

      {target ? (
        <ArticleEditor
          key={editorKey}
          target={target}
          canEdit={canEdit}
          themeColor={themeColor}
          toast={toast}
          onOpen={open}
          onClose={(changed) => {
            setTarget(null);
            if (changed) refresh(query, locale);
            // Back on the list, focus returns to the page so the keyboard user is not lost.
            setTimeout(() => mainRef.current?.focus(), 0);
          }}
        />
      ) : (
        <section class="page-section" aria-labelledby={`${ids}-list-title`}>
          <h2 id={`${ids}-list-title`} class="visually-hidden">
            {t('articles.all')}
          </h2>
          <div class="row list-filters" role="search">
            <div class="field grow">
              <label for={`${ids}-search`}>{t('common.search')}</label>
              <input
                id={`${ids}-search`}
                type="search"
                data-testid="articles-search"
                value={query}
                placeholder={t('articles.searchHint')}
                onInput={(event) => setQuery(event.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for={`${ids}-locale`}>{t('language.label')}</label>
              <select
                id={`${ids}-locale`}
                data-testid="articles-locale"
                value={locale}
                onChange={(event) => setLocale(event.currentTarget.value as '' | ArticleLocale)}
              >
                <option value="">{t('articles.allLanguages')}</option>
                {ARTICLE_LOCALES.map((code) => (
                  <option key={code} value={code}>
                    {localeName(code)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p class="visually-hidden" role="status">
            {load.phase === 'loading'
              ? t('gaps.loadingArticles')
              : rows
                ? rows.length === 1
                  ? t('articles.one')
                  : t('articles.many', { n: rows.length })
                : ''}
          </p>
          {load.phase === 'error' && (
            <div class="stack">
              <p class="form-error" role="alert" data-testid="articles-error">
                {load.message}
              </p>
              <p>
                <button type="button" class="button" onClick={() => refresh(query, locale)}>
                  {t('setup.retry')}
                </button>
              </p>
            </div>
          )}
          {load.phase === 'loading' && !rows && <p class="muted">{t('nav.loading')}</p>}
          {rows && rows.length === 0 && (
            <div class="page-empty" data-testid="articles-empty">
              <p>
                <strong>{query ? t('articles.noMatch') : t('articles.none')}</strong>
              </p>
              {canEdit && !query && <p class="muted">{t('articles.first')}</p>}
            </div>
          )}
          {rows && rows.length > 0 && (
            <table class="settings-table articles-table" data-testid="articles-table" aria-busy={load.phase === 'loading'}>
              <thead>
                <tr>
                  <th scope="col">{t('gaps.article')}</th>
                  {shownLocales.map((code) => (
                    <th key={code} scope="col">
                      {localeName(code)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id} data-testid="article-row" data-article-id={row.id}>
                    <th scope="row" class="mono article-id">
                      {row.id}
                    </th>
                    {shownLocales.map((code) => {
                      const article = row.byLocale[code];
                      return (
                        <td key={code} data-locale={code} data-testid={`article-cell-${code}`}>
                          {article ? (
                            <div class="article-cell">
                              <button
                                type="button"
                                class="link-button"
                                lang={code}
                                data-testid="article-open"
                                onClick={() => open({ kind: 'existing', locale: code, id: row.id })}
                              >
                                {article.title}
                              </button>
                              <span class={`badge status-${article.status}`} data-testid="article-status-badge">
                                {statusLabel(article)}
                              </span>
                              {article.tags.length > 0 && <span class="muted small">{article.tags.join(', ')}</span>}
                            </div>
                          ) : (
                            <div class="article-cell">
                              <span class="badge badge-missing" data-testid="missing-translation">
                                {t('articles.missing')}
                              </span>
                              {canEdit && (
                                <button
                                  type="button"
                                  class="button small"
                                  data-testid="article-translate"
                                  title={t('articles.writeVersion', { language: localeName(code), id: row.id })}
                                  onClick={() => open({ kind: 'new', locale: code, id: row.id })}
                                >
                                  {t('articles.writeIt')}
                                </button>
                              )}
                            </div>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}

      <TryBotBox onOpenArticle={(code, id) => open({ kind: 'existing', locale: code, id })} />
    </main>
  );
}

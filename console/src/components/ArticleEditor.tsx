/**
 * One article in one language. Admins edit the title, tags, example questions and markdown body,
 * with a live preview drawn by the widget's own component and stylesheet from the server's
 * sanitised HTML; they save drafts, publish, unpublish, delete and restore earlier versions.
 * Every write names the revision it started from: when someone else saved in between, the server
 * answers 409 and the editor shows their version next to the owner's, never overwriting either
 * without a click. Agents get the same view read-only, with no edit controls.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ArticleDetail, ArticlePreviewResponse, ArticleVersion } from '../../../protocol/site-admin.ts';
import { ArticleContent } from '../../../widget/app/ArticleContent.tsx';
import {
  ApiError,
  deleteArticle,
  featureError,
  fetchArticle,
  fetchArticleVersions,
  previewArticle,
  publishArticle,
  restoreArticle,
  saveArticleDraft,
  unpublishArticle,
} from '../api.ts';
import {
  ARTICLE_LOCALES,
  type ArticleField,
  type ArticleForm,
  type ArticleLocale,
  articleFieldOf,
  BODY_LIMIT,
  draftFromForm,
  emptyForm,
  type FieldErrors,
  formFromArticle,
  sameForm,
  slugFromTitle,
  splitQuestions,
  splitTags,
  statusLabel,
  validateArticle,
} from '../articles.ts';
import { dateTime, isoTime, localeName } from '../format.ts';
import { t } from '../i18n.ts';
import { setUnsavedWork } from '../unsaved.ts';
import { Modal } from './Modal.tsx';
import { WidgetFrame, widgetThemeStyle } from './WidgetFrame.tsx';

/** What to open: an existing article, or a new one (perhaps prefilled from a knowledge gap). */
export type ArticleTarget = { kind: 'existing'; locale: ArticleLocale; id: string } | { kind: 'new'; locale: ArticleLocale; id?: string; question?: string };

interface ArticleEditorProps {
  target: ArticleTarget;
  canEdit: boolean;
  /** The site's theme colour, when known, so the preview's links have the widget's colour. */
  themeColor?: string;
  /** Back to the list; `changed` when something was saved, so the list reloads. */
  onClose: (changed: boolean) => void;
  /** Opens another article (the same one in the other language). */
  onOpen: (target: ArticleTarget) => void;
  toast: (text: string, tone?: 'info' | 'error') => void;
}

type Load = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready' };
type Busy = null | 'save' | 'publish' | 'unpublish' | 'delete' | 'restore';

const PREVIEW_DELAY_MS = 350;

export function ArticleEditor({ target, canEdit, themeColor, onClose, onOpen, toast }: ArticleEditorProps) {
  const ids = useId();
  const [load, setLoad] = useState<Load>(target.kind === 'existing' ? { phase: 'loading' } : { phase: 'ready' });
  const [article, setArticle] = useState<ArticleDetail | null>(null);
  const [form, setForm] = useState<ArticleForm>(() =>
    target.kind === 'new' ? emptyForm(target.locale, target.id ?? '', target.question ?? '') : emptyForm(target.locale, target.id),
  );
  const [idEdited, setIdEdited] = useState(target.kind === 'new' && !!target.id);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<Busy>(null);
  const [conflict, setConflict] = useState<ArticleDetail | null>(null);
  const [versions, setVersions] = useState<ArticleVersion[] | null>(null);
  const [versionsError, setVersionsError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<null | 'delete' | 'discard'>(null);
  const [changed, setChanged] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const active = useRef(true);
  useEffect(
    () => () => {
      active.current = false;
    },
    [],
  );

  const isNew = article === null;
  const saved = article ? formFromArticle(article) : emptyForm(form.locale);
  const dirty = isNew
    ? form.title !== '' || form.tags !== '' || form.body !== '' || (target.kind === 'new' && form.questions !== (target.question ?? ''))
    : !sameForm(form, saved);

  useEffect(() => {
    setUnsavedWork(canEdit && dirty ? t('ae.unsaved') : null);
  }, [canEdit, dirty]);
  useEffect(() => () => setUnsavedWork(null), []);

  const loadVersions = (locale: string, id: string) => {
    setVersionsError(null);
    fetchArticleVersions(locale, id).then(
      (list) => active.current && setVersions(list),
      (error: unknown) => active.current && setVersionsError(featureError(error, t('ae.versionsFeature'))),
    );
  };

  /** The article as the server has it now becomes what the editor shows. */
  const adopt = (next: ArticleDetail, keepForm = false) => {
    setArticle(next);
    if (!keepForm) setForm(formFromArticle(next));
    setErrors({});
    loadVersions(next.locale, next.id);
  };

  useEffect(() => {
    if (target.kind !== 'existing') return;
    fetchArticle(target.locale, target.id).then(
      (detail) => {
        if (!active.current) return;
        adopt(detail);
        setLoad({ phase: 'ready' });
      },
      (error: unknown) => active.current && setLoad({ phase: 'error', message: messageOf(error) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // A new article starts at its title; an opened one at its heading, so the whole page can be read.
  useEffect(() => {
    if (load.phase !== 'ready') return;
    if (target.kind === 'new' && canEdit) document.getElementById(`${ids}-title`)?.focus();
    else headingRef.current?.focus();
  }, [load.phase === 'ready']);

  // The live preview: the server renders and sanitises the markdown exactly as it will for the widget.
  const [preview, setPreview] = useState<
    { phase: 'idle' | 'loading' } | { phase: 'ready'; result: ArticlePreviewResponse } | { phase: 'error'; message: string }
  >({ phase: 'idle' });
  const previewSeq = useRef(0);
  useEffect(() => {
    const body = form.body;
    const seq = ++previewSeq.current;
    if (!body.trim()) {
      setPreview({ phase: 'idle' });
      return;
    }
    setPreview((current) => (current.phase === 'ready' ? current : { phase: 'loading' }));
    const timer = setTimeout(() => {
      previewArticle(body).then(
        (result) => active.current && seq === previewSeq.current && setPreview({ phase: 'ready', result }),
        (error: unknown) =>
          active.current && seq === previewSeq.current && setPreview({ phase: 'error', message: featureError(error, t('ae.previewFeature')) }),
      );
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [form.body]);

  const update = (field: keyof ArticleForm, value: string) => {
    setForm((current) => {
      const next = { ...current, [field]: value } as ArticleForm;
      // A new article's id follows its title until the owner types one.
      if (field === 'title' && isNew && !idEdited) next.id = slugFromTitle(value);
      return next;
    });
    if (field === 'id') setIdEdited(true);
    if (errors[field as ArticleField] || errors.form) setErrors((current) => ({ ...current, [field]: undefined, form: undefined }));
  };

  /** Handles what every write can answer: 409 (someone else saved), 400 (which field), or else a message. */
  const failed = (error: unknown) => {
    if (error instanceof ApiError && error.status === 409) {
      const current = error.conflictCurrent<ArticleDetail>();
      if (current && typeof current.revision === 'number') setConflict(current);
      else if (article)
        fetchArticle(article.locale, article.id).then(
          (fresh) => active.current && setConflict(fresh),
          () => undefined,
        );
      setErrors({ form: error.message });
      return;
    }
    if (error instanceof ApiError && error.status === 400) {
      const field = articleFieldOf(error.field);
      setErrors({ [field]: field === 'form' ? error.message : error.fieldMessage });
      if (field !== 'form') setTimeout(() => document.getElementById(`${ids}-${field}`)?.focus(), 0);
      return;
    }
    if (error instanceof ApiError && error.status === 404) {
      setErrors({ form: t('ae.noSuchArticle') });
      return;
    }
    setErrors({ form: messageOf(error) });
  };

  const focusFirstError = (found: FieldErrors) => {
    const first = (['id', 'title', 'tags', 'questions', 'body'] as const).find((field) => found[field]);
    if (first) document.getElementById(`${ids}-${first}`)?.focus();
  };

  /** Saves the draft when there is something to save; returns the stored article, or null on failure. */
  const saveDraft = async (): Promise<ArticleDetail | null> => {
    if (!isNew && !dirty) return article;
    const found = validateArticle(form, isNew);
    if (Object.values(found).some(Boolean)) {
      setErrors(found);
      focusFirstError(found);
      return null;
    }
    try {
      const stored = await saveArticleDraft(form.locale, form.id, draftFromForm(form, article?.revision ?? null));
      if (!active.current) return null;
      adopt(stored);
      setConflict(null);
      setChanged(true);
      return stored;
    } catch (error) {
      if (active.current) failed(error);
      return null;
    }
  };

  const run = async (kind: Exclude<Busy, null>, action: () => Promise<void>) => {
    if (busy) return;
    setBusy(kind);
    setErrors({});
    try {
      await action();
    } catch (error) {
      if (active.current) failed(error);
    } finally {
      if (active.current) setBusy(null);
    }
  };

  const save = () =>
    run('save', async () => {
      if (await saveDraft()) toast(t('ae.draftSaved'));
    });
  const publish = () =>
    run('publish', async () => {
      const stored = await saveDraft();
      if (!stored) return;
      adopt(await publishArticle(stored.locale, stored.id, stored.revision));
      setChanged(true);
      toast(t('ae.publishedToast'));
    });
  const unpublish = () =>
    run('unpublish', async () => {
      if (!article) return;
      adopt(await unpublishArticle(article.locale, article.id, article.revision));
      setChanged(true);
      toast(t('ae.unpublished'));
    });
  const remove = () =>
    run('delete', async () => {
      if (!article) return;
      setDialog(null);
      await deleteArticle(article.locale, article.id, article.revision);
      toast(t('ae.deleted', { title: article.title, language: localeName(article.locale) }));
      onClose(true);
    });
  const restore = (version: ArticleVersion) =>
    run('restore', async () => {
      if (!article) return;
      adopt(await restoreArticle(article.locale, article.id, version.revision, article.revision));
      setChanged(true);
      toast(t('ae.restored', { revision: version.revision }));
    });

  const leave = () => (canEdit && dirty ? setDialog('discard') : onClose(changed));

  if (load.phase === 'loading') {
    return (
      <p class="muted" role="status">
        {t('ae.loading-the-article')}
      </p>
    );
  }
  if (load.phase === 'error') {
    return (
      <div class="stack" data-testid="article-editor">
        <p class="form-error" role="alert" data-testid="article-error">
          {load.message}
        </p>
        <p>
          <button type="button" class="button" onClick={() => onClose(false)}>
            {t('ae.back-to-the-articles')}
          </button>
        </p>
      </div>
    );
  }

  const title = isNew ? (canEdit ? t('gaps.newArticle') : t('gaps.article')) : article!.title;
  const previewTitle = form.title.trim() || t('ae.title');
  const fieldProps = (field: Exclude<ArticleField, 'form' | 'locale'>) => ({
    id: `${ids}-${field}`,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': [errors[field] ? `${ids}-${field}-error` : '', `${ids}-${field}-hint`].filter(Boolean).join(' ') || undefined,
    'data-testid': `article-${field}`,
  });
  const fieldError = (field: ArticleField) =>
    errors[field] ? (
      <p id={`${ids}-${field}-error`} class="field-error" data-testid={`article-${field}-error`}>
        {errors[field]}
      </p>
    ) : null;

  return (
    <section
      class="article-editor"
      aria-labelledby={`${ids}-heading`}
      data-testid="article-editor"
      data-article-id={article?.id ?? ''}
      data-locale={form.locale}
    >
      <header class="row editor-head">
        <button type="button" class="button small ghost" data-testid="article-back" onClick={leave}>
          ← Articles
        </button>
        <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1} class="page-section-title editor-title" lang={form.locale}>
          {title}
        </h2>
        <span class="badge" data-testid="article-locale">
          {localeName(form.locale)}
        </span>
        {article && (
          <span class={`badge status-${article.status}`} data-testid="article-status">
            {statusLabel(article)}
          </span>
        )}
      </header>
      {article && (
        <p class="hint" data-testid="article-revision">
          Revision {article.revision}, saved {dateTime(article.updatedAt)} by {article.updatedBy}
          {article.publishedRevision !== null ? ` · ${t('ae.shoppersSee', { revision: article.publishedRevision })}` : ` · ${t('ae.notShown')}`}
        </p>
      )}

      {article && (
        <Translation
          article={article}
          canEdit={canEdit}
          onOpen={(next) => (canEdit && dirty ? setErrors({ form: t('ae.saveFirstLanguage') }) : onOpen(next))}
        />
      )}

      {conflict && (
        <ConflictNotice
          current={conflict}
          mine={form}
          onTakeTheirs={() => {
            adopt(conflict);
            setConflict(null);
          }}
          onKeepMine={() => {
            // The owner chose to write over it: the next save names their revision, deliberately.
            adopt(conflict, true);
            setConflict(null);
            setErrors({ form: t('ae.kept') });
          }}
        />
      )}

      {errors.form && !conflict && (
        <p class="form-error" role="alert" data-testid="article-form-error">
          {errors.form}
        </p>
      )}

      <div class="editor-columns">
        {canEdit ? (
          <form
            class="stack editor-form"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void save();
            }}
          >
            {isNew && (
              <div class="row field-row">
                <div class="field grow">
                  <label for={`${ids}-id`}>{t('ae.article-id')}</label>
                  <input
                    {...fieldProps('id')}
                    class="mono"
                    value={form.id}
                    maxLength={80}
                    autocomplete="off"
                    spellcheck={false}
                    onInput={(event) => update('id', event.currentTarget.value)}
                  />
                  <p id={`${ids}-id-hint`} class="hint">
                    Lower-case letters, digits and dashes; the same id in every language. It cannot change later.
                  </p>
                  {fieldError('id')}
                </div>
                <div class="field">
                  <label for={`${ids}-locale`}>{t('language.label')}</label>
                  <select
                    id={`${ids}-locale`}
                    data-testid="article-locale-select"
                    value={form.locale}
                    onChange={(event) => update('locale', event.currentTarget.value)}
                  >
                    {ARTICLE_LOCALES.map((locale) => (
                      <option key={locale} value={locale}>
                        {localeName(locale)}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            )}
            <div class="field">
              <label for={`${ids}-title`}>{t('ae.title')}</label>
              <input {...fieldProps('title')} lang={form.locale} value={form.title} onInput={(event) => update('title', event.currentTarget.value)} />
              <p id={`${ids}-title-hint`} class="hint visually-hidden">
                {t('ae.shown-above-the-answer-in-the-chat')}
              </p>
              {fieldError('title')}
            </div>
            <div class="field">
              <label for={`${ids}-tags`}>{t('ae.tags')}</label>
              <input {...fieldProps('tags')} lang={form.locale} value={form.tags} onInput={(event) => update('tags', event.currentTarget.value)} />
              <p id={`${ids}-tags-hint`} class="hint">
                {t('ae.comma-separated-words-shoppers-might-use')}
              </p>
              {fieldError('tags')}
            </div>
            <div class="field">
              <label for={`${ids}-questions`}>{t('ae.example-questions')}</label>
              <textarea
                {...fieldProps('questions')}
                lang={form.locale}
                rows={6}
                value={form.questions}
                onInput={(event) => update('questions', event.currentTarget.value)}
              />
              <p id={`${ids}-questions-hint`} class="hint">
                One per line, in your shoppers' words. {splitQuestions(form.questions).length}{' '}
                {splitQuestions(form.questions).length === 1 ? 'question' : 'questions'}.
              </p>
              {fieldError('questions')}
            </div>
            <div class="field">
              <label for={`${ids}-body`}>{t('ae.body-markdown')}</label>
              <textarea
                {...fieldProps('body')}
                lang={form.locale}
                class="mono"
                rows={14}
                value={form.body}
                onInput={(event) => update('body', event.currentTarget.value)}
              />
              <p id={`${ids}-body-hint`} class={`hint ${form.body.length > BODY_LIMIT ? 'hint-warn' : ''}`}>
                The first paragraph is the short answer the bot shows. Markdown only; raw HTML is refused. {form.body.length.toLocaleString('en')} of{' '}
                {BODY_LIMIT.toLocaleString('en')} characters.
              </p>
              {fieldError('body')}
            </div>
            <div class="row editor-actions" role="group" aria-label={t('ae.article-actions')}>
              <button type="submit" class="button" data-testid="article-save" disabled={busy !== null || (!isNew && !dirty)}>
                {busy === 'save' ? t('password.saving') : t('ae.saveDraft')}
              </button>
              <button
                type="button"
                class="button primary"
                data-testid="article-publish"
                disabled={busy !== null || (!dirty && article?.status === 'published' && !article.hasUnpublishedChanges)}
                onClick={() => void publish()}
              >
                {busy === 'publish' ? t('gaps.publishing') : dirty || isNew ? t('ae.saveAndPublish') : t('ae.publish')}
              </button>
              {article?.status === 'published' && (
                <button type="button" class="button" data-testid="article-unpublish" disabled={busy !== null} onClick={() => void unpublish()}>
                  {busy === 'unpublish' ? t('ae.unpublishing') : t('ae.unpublish')}
                </button>
              )}
              {article && (
                <button type="button" class="button danger" data-testid="article-delete" disabled={busy !== null} onClick={() => setDialog('delete')}>
                  {t('ae.deleteMenu')}
                </button>
              )}
              <span class="hint" aria-live="polite" data-testid="article-dirty">
                {dirty ? t('se.dirty') : ''}
              </span>
            </div>
          </form>
        ) : (
          <ReadOnlyArticle form={form} />
        )}

        <aside class="stack editor-preview" aria-labelledby={`${ids}-preview-title`}>
          <h3 id={`${ids}-preview-title`} class="subheading">
            {t('ae.preview-what-shoppers-see')}
          </h3>
          <div aria-live="polite" aria-busy={preview.phase === 'loading'}>
            {preview.phase === 'error' ? (
              <p class="form-error" data-testid="article-preview-error">
                Preview unavailable: {preview.message}
              </p>
            ) : preview.phase === 'ready' ? (
              <>
                <WidgetFrame label={t('ae.the-article-as-the-chat-widget-shows-it')} testId="article-preview">
                  <div class="kefu" lang={form.locale} style={widgetThemeStyle(themeColor)}>
                    <ol class="messages">
                      <li class="message bot">
                        <ArticleContent title={previewTitle} html={preview.result.html} />
                      </li>
                    </ol>
                  </div>
                </WidgetFrame>
                <p class="hint" data-testid="article-excerpt">
                  Short answer (what agent assist inserts): <span lang={form.locale}>{preview.result.excerpt || '—'}</span>
                </p>
              </>
            ) : (
              <p class="muted small">{preview.phase === 'loading' ? t('ae.rendering') : t('ae.writeBody')}</p>
            )}
          </div>
        </aside>
      </div>

      {article && (
        <Versions
          versions={versions}
          error={versionsError}
          current={article}
          canRestore={canEdit}
          restoreBlocked={dirty ? t('ae.saveFirstRestore') : busy !== null ? t('ae.busy') : null}
          onRestore={(version) => void restore(version)}
        />
      )}

      {dialog === 'delete' && article && (
        <Modal
          title={t('ae.deleteTitle', { title: article.title })}
          onClose={() => setDialog(null)}
          testId="article-delete-dialog"
          describedBy={`${ids}-delete-text`}
        >
          <p id={`${ids}-delete-text`}>
            The {localeName(article.locale)} version and its history are deleted, and the bot stops answering with it. The other language, if there is one,
            stays. This cannot be undone.
          </p>
          <div class="row end">
            <button type="button" class="button" data-testid="article-delete-cancel" onClick={() => setDialog(null)}>
              {t('ae.keep-it')}
            </button>
            <button type="button" class="button danger" data-testid="article-delete-confirm" onClick={() => void remove()}>
              {t('ae.delete')}
            </button>
          </div>
        </Modal>
      )}
      {dialog === 'discard' && (
        <Modal title={t('ae.discardTitle')} onClose={() => setDialog(null)} testId="article-discard-dialog">
          <p>{t('ae.unsaved')}</p>
          <div class="row end">
            <button type="button" class="button" data-testid="article-discard-cancel" onClick={() => setDialog(null)}>
              {t('ae.keep-editing')}
            </button>
            <button
              type="button"
              class="button danger"
              data-testid="article-discard-confirm"
              onClick={() => {
                setDialog(null);
                onClose(changed);
              }}
            >
              {t('ae.discard')}
            </button>
          </div>
        </Modal>
      )}
    </section>
  );
}

type OtherLoad = { phase: 'loading' } | { phase: 'missing' } | { phase: 'error'; message: string } | { phase: 'ready'; article: ArticleDetail };

/** The same article in the other language, side by side: its text, or a missing translation marked. */
function Translation({ article, canEdit, onOpen }: { article: ArticleDetail; canEdit: boolean; onOpen: (target: ArticleTarget) => void }) {
  const other: ArticleLocale = article.locale === 'en' ? 'zh' : 'en';
  const [load, setLoad] = useState<OtherLoad>({ phase: 'loading' });
  useEffect(() => {
    let live = true;
    setLoad({ phase: 'loading' });
    fetchArticle(other, article.id).then(
      (found) => live && setLoad({ phase: 'ready', article: found }),
      (error: unknown) =>
        live && setLoad(error instanceof ApiError && error.status === 404 ? { phase: 'missing' } : { phase: 'error', message: messageOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [article.id, other]);

  if (load.phase === 'loading') return null;
  if (load.phase === 'error')
    return (
      <p class="hint">
        The {localeName(other)} version could not be loaded: {load.message}
      </p>
    );
  if (load.phase === 'missing') {
    return (
      <p class="row translation" data-testid="article-translation" data-state="missing">
        <span class="badge badge-missing">{t('articles.missing')}</span>
        <span class="muted small">
          There is no {localeName(other)} version; shoppers writing in {localeName(other)} do not get this answer.
        </span>
        {canEdit && (
          <button
            type="button"
            class="button small"
            data-testid="article-translation-write"
            onClick={() => onOpen({ kind: 'new', locale: other, id: article.id })}
          >
            Write the {localeName(other)} version
          </button>
        )}
      </p>
    );
  }
  const found = load.article;
  return (
    <details class="translation" data-testid="article-translation" data-state="present">
      <summary>
        {localeName(other)} version: <span lang={other}>{found.title}</span> <span class={`badge status-${found.status}`}>{statusLabel(found)}</span>
      </summary>
      <div class="stack translation-body" lang={other}>
        <dl class="settings-list">
          <dt>{t('ae.tags')}</dt>
          <dd>{found.tags.join(', ') || '—'}</dd>
          <dt>{t('ae.example-questions')}</dt>
          <dd class="pre">{found.questions.join('\n') || '—'}</dd>
          <dt>{t('ae.body')}</dt>
          <dd class="pre mono">{found.body}</dd>
        </dl>
        <p>
          <button type="button" class="button small" onClick={() => onOpen({ kind: 'existing', locale: other, id: found.id })}>
            Open the {localeName(other)} version
          </button>
        </p>
      </div>
    </details>
  );
}

function ReadOnlyArticle({ form }: { form: ArticleForm }) {
  const tags = splitTags(form.tags);
  const questions = splitQuestions(form.questions);
  return (
    <div class="stack editor-form" data-testid="article-readonly">
      <p class="notice">{t('ae.only-the-site-s-admins-can-edit-articles')}</p>
      <dl class="settings-list">
        <dt>{t('ae.tags')}</dt>
        <dd lang={form.locale}>{tags.length > 0 ? tags.join(', ') : <span class="muted">{t('se.none')}</span>}</dd>
        <dt>{t('ae.example-questions')}</dt>
        <dd>
          {questions.length === 0 ? (
            <span class="muted">{t('se.none')}</span>
          ) : (
            <ul class="plain-list" lang={form.locale} data-testid="article-readonly-questions">
              {questions.map((question, index) => (
                <li key={index}>{question}</li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </div>
  );
}

interface ConflictNoticeProps {
  current: ArticleDetail;
  mine: ArticleForm;
  onTakeTheirs: () => void;
  onKeepMine: () => void;
}

/** Someone else saved: their version beside the owner's unsaved text, and an explicit choice. */
function ConflictNotice({ current, mine, onTakeTheirs, onKeepMine }: ConflictNoticeProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [current.revision]);
  const differs = (a: string, b: string) => (a.trim() === b.trim() ? 'same as yours' : 'differs from yours');
  return (
    <div ref={ref} class="conflict" role="alert" tabIndex={-1} data-testid="article-conflict">
      <p>
        <strong>
          {current.updatedBy} saved this article ({dateTime(current.updatedAt)}) while you were editing.
        </strong>{' '}
        Nothing of yours was saved, and nothing of theirs was overwritten. Their version is revision{' '}
        <span data-testid="article-conflict-revision">{current.revision}</span>:
      </p>
      <dl class="settings-list conflict-theirs" lang={current.locale}>
        <dt>Title ({differs(current.title, mine.title)})</dt>
        <dd data-testid="article-conflict-title">{current.title}</dd>
        <dt>Tags ({differs(current.tags.join(', '), mine.tags)})</dt>
        <dd>{current.tags.join(', ') || '—'}</dd>
        <dt>Example questions ({differs(current.questions.join('\n'), mine.questions)})</dt>
        <dd class="pre">{current.questions.join('\n') || '—'}</dd>
        <dt>Body ({differs(current.body, mine.body)})</dt>
        <dd class="pre mono">{current.body}</dd>
      </dl>
      <div class="row">
        <button type="button" class="button" data-testid="article-conflict-theirs" onClick={onTakeTheirs}>
          Load their version (drop my changes)
        </button>
        <button type="button" class="button" data-testid="article-conflict-mine" onClick={onKeepMine}>
          {t('ae.keep-my-text-to-save-over-theirs')}
        </button>
      </div>
    </div>
  );
}

interface VersionsProps {
  versions: ArticleVersion[] | null;
  error: string | null;
  current: ArticleDetail;
  canRestore: boolean;
  restoreBlocked: string | null;
  onRestore: (version: ArticleVersion) => void;
}

function Versions({ versions, error, current, canRestore, restoreBlocked, onRestore }: VersionsProps) {
  return (
    <section class="page-section" aria-labelledby="versions-title" data-testid="article-versions">
      <h3 id="versions-title" class="subheading">
        {t('ae.versions')} <span class="muted small">{t('ae.last20')}</span>
      </h3>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : !versions ? (
        <p class="muted small">{t('nav.loading')}</p>
      ) : versions.length === 0 ? (
        <p class="muted small">{t('ae.no-earlier-versions')}</p>
      ) : (
        <>
          {canRestore && restoreBlocked && <p class="hint hint-warn">{restoreBlocked}</p>}
          <table class="settings-table versions-table">
            <thead>
              <tr>
                <th scope="col" class="numeric">
                  {t('ae.revision')}
                </th>
                <th scope="col">{t('ae.title')}</th>
                <th scope="col">{t('ae.saved')}</th>
                <th scope="col">{t('ae.by')}</th>
                {canRestore && (
                  <th scope="col">
                    <span class="visually-hidden">{t('ae.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {[...versions]
                .sort((a, b) => b.revision - a.revision)
                .slice(0, 20)
                .map((version) => (
                  <tr key={version.revision} data-testid="article-version" data-revision={version.revision}>
                    <td class="numeric">
                      {version.revision}
                      {version.published && <span class="badge status-published">{t('ae.published')}</span>}
                    </td>
                    <td lang={current.locale}>{version.title}</td>
                    <td class="nowrap">
                      <time dateTime={isoTime(version.savedAt)}>{dateTime(version.savedAt)}</time>
                    </td>
                    <td>{version.savedBy}</td>
                    {canRestore && (
                      <td>
                        {version.revision === current.revision ? (
                          <span class="muted small">{t('ae.current-draft')}</span>
                        ) : (
                          <button
                            type="button"
                            class="button small"
                            data-testid="article-restore"
                            disabled={restoreBlocked !== null}
                            title={t('ae.restoreRevision', { revision: version.revision })}
                            onClick={() => onRestore(version)}
                          >
                            {t('ae.restore')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The site's settings, editable by its admins: every field of SiteConfigSchema, checked with that
 * same schema as the owner types (messages at the field), saved with the version the owner
 * started from. A 400 is shown at the field it names; a 409 (someone else saved meanwhile) shows
 * which sections they changed and lets the owner choose, never overwriting silently. The theme
 * has a live preview drawn with the widget's own stylesheet. Everything typed is rendered as text.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import type { SiteSetupResponse } from '../../../protocol/agent.ts';
import type { SiteSettingsResponse } from '../../../protocol/site-admin.ts';
import type { SiteConfig } from '../../../protocol/site-config.ts';
import { TICKET_KINDS } from '../../../protocol/tickets.ts';
import { phrasesFor } from '../../../widget/app/i18n.ts';
import { LauncherIcon } from '../../../widget/app/LauncherIcon.tsx';
import { ApiError, featureError, saveSiteSettings } from '../api.ts';
import { duration, localeName, safeHexColor } from '../format.ts';
import { t } from '../i18n.ts';
import { changedSections, errorUnder, getIn, type Path, pathKey, SECTION_NAMES, type SettingsErrors, setIn, validateSettings, WEEKDAYS } from '../settings.ts';
import { setUnsavedWork } from '../unsaved.ts';
import { WidgetFrame, widgetThemeStyle } from './WidgetFrame.tsx';
import '../history.css';

type Locale = 'en' | 'zh';
const LOCALES: readonly Locale[] = ['en', 'zh'];

interface SettingsEditorProps {
  setup: SiteSetupResponse;
  onSaved: (saved: SiteSettingsResponse) => void;
  toast: (text: string, tone?: 'info' | 'error') => void;
}

/** What every field needs: the draft, a setter by path, its error and a stable id. */
interface Ctx {
  draft: SiteConfig;
  set: (path: Path, value: unknown) => void;
  error: (path: Path) => string | undefined;
  id: (path: Path) => string;
}

export function SettingsEditor({ setup, onSaved, toast }: SettingsEditorProps) {
  const ids = useId();
  const [base, setBase] = useState<{ site: SiteConfig; version: number }>({ site: setup.site, version: setup.version });
  const [draft, setDraft] = useState<SiteConfig>(setup.site);
  const [serverErrors, setServerErrors] = useState<SettingsErrors>({});
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<{ site: SiteConfig; version: number } | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  const dirty = JSON.stringify(draft) !== JSON.stringify(base.site);
  useEffect(() => {
    setUnsavedWork(dirty ? t('se.unsaved') : null);
  }, [dirty]);
  useEffect(() => () => setUnsavedWork(null), []);
  const schemaErrors = useMemo(() => validateSettings(draft), [draft]);
  // Schema messages appear once the owner has tried to save (or for fields they have touched), server ones always.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const errors: SettingsErrors = { ...serverErrors };
  for (const [key, message] of Object.entries(schemaErrors)) {
    if (showErrors || [...touched].some((path) => key === path || key.startsWith(`${path}.`) || path.startsWith(`${key}.`))) errors[key] ??= message;
  }

  const ctx: Ctx = {
    draft,
    set: (path, value) => {
      setDraft((current) => setIn(current, path, value));
      const key = pathKey(path);
      setTouched((current) => (current.has(key) ? current : new Set(current).add(key)));
      if (Object.keys(serverErrors).length > 0) setServerErrors({});
      setFormError(null);
    },
    error: (path) => errorUnder(errors, pathKey(path)),
    id: (path) => `${ids}-${pathKey(path).replace(/[^a-zA-Z0-9_-]/g, '-')}`,
  };

  const focusField = (key: string) => {
    const element = document.getElementById(ctx.id(key.split('.'))) ?? document.querySelector<HTMLElement>(`[data-setting-path="${CSS.escape(key)}"]`);
    element?.focus();
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setShowErrors(true);
    const problems = Object.keys(schemaErrors);
    if (problems.length > 0) {
      setFormError(problems.length === 1 ? t('se.oneProblem') : t('se.problems', { n: problems.length }));
      setTimeout(() => summaryRef.current?.focus(), 0);
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      const saved = await saveWithRebase(draft, base);
      setBase({ site: saved.site, version: saved.version });
      setDraft(saved.site);
      setTouched(new Set());
      setShowErrors(false);
      setConflict(null);
      onSaved(saved);
      toast(t('se.saved'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        const current = error.conflictCurrent<{ site?: SiteConfig; settings?: SiteConfig; version?: number }>();
        const site = current?.site ?? current?.settings;
        if (site && typeof current?.version === 'number') setConflict({ site, version: current.version });
        setFormError(error.message);
      } else if (error instanceof ApiError && error.status === 400 && error.field) {
        setServerErrors({ [error.field]: error.fieldMessage });
        setFormError(t('se.notSavedField', { field: labelForPath(error.field), message: error.fieldMessage }));
        setTimeout(() => focusField(error.field!), 0);
      } else {
        setFormError(t('se.notSaved', { message: featureError(error, t('se.saving')) }));
      }
      setTimeout(() => summaryRef.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  const visibleErrors = Object.entries(errors);

  return (
    <form class="settings-editor stack" noValidate onSubmit={save} data-testid="settings-editor" aria-describedby={`${ids}-intro`}>
      <p id={`${ids}-intro`} class="hint">
        Changes reach open chat widgets and conversations within seconds of saving. Version <span data-testid="settings-version">{base.version}</span>.
      </p>

      {(formError || conflict) && (
        <div
          ref={summaryRef}
          tabIndex={-1}
          class={conflict ? 'conflict' : 'form-error'}
          role="alert"
          data-testid={conflict ? 'settings-conflict' : 'settings-error'}
        >
          <p>{formError}</p>
          {!conflict && showErrors && visibleErrors.length > 0 && (
            <ul class="error-summary">
              {visibleErrors.slice(0, 8).map(([key, message]) => (
                <li key={key}>
                  <button type="button" class="link-button" onClick={() => focusField(key)}>
                    {labelForPath(key)}
                  </button>
                  : {message}
                </li>
              ))}
            </ul>
          )}
          {conflict && (
            <>
              <p>
                Someone else saved the settings (now version <span data-testid="settings-conflict-version">{conflict.version}</span>) since you opened this
                page. Nothing of yours was saved. They changed:{' '}
                <strong data-testid="settings-conflict-sections">
                  {changedSections(base.site, conflict.site)
                    .map((key) => SECTION_NAMES[key] ?? key)
                    .join(', ') || 'nothing you can see'}
                </strong>
                .
              </p>
              <div class="row">
                <button
                  type="button"
                  class="button"
                  data-testid="settings-conflict-theirs"
                  onClick={() => {
                    setBase(conflict);
                    setDraft(conflict.site);
                    setConflict(null);
                    setFormError(null);
                    setTouched(new Set());
                  }}
                >
                  Load their settings (drop my changes)
                </button>
                <button
                  type="button"
                  class="button"
                  data-testid="settings-conflict-mine"
                  onClick={() => {
                    // Deliberately on top of theirs: the next save names their version.
                    setBase({ site: conflict.site, version: conflict.version });
                    setConflict(null);
                    setFormError(t('se.kept'));
                  }}
                >
                  {t('se.keepMine')}
                </button>
              </div>
            </>
          )}
        </div>
      )}

      <div class="settings-grid">
        <General ctx={ctx} />
        <Theme ctx={ctx} />
      </div>
      <BusinessHoursEditor ctx={ctx} />
      <div class="settings-grid">
        <ChatRules ctx={ctx} />
        <Access ctx={ctx} />
        <ServiceLevels ctx={ctx} />
      </div>
      <CannedRepliesEditor ctx={ctx} />
      <SynonymsEditor ctx={ctx} />
      <ConversationLabelsEditor ctx={ctx} />

      <div class="save-bar" role="group" aria-label={t('se.saveGroup')}>
        <button type="submit" class="button primary" data-testid="settings-save" disabled={busy || !dirty}>
          {busy ? t('password.saving') : t('se.save')}
        </button>
        <button
          type="button"
          class="button"
          data-testid="settings-discard"
          disabled={busy || !dirty}
          onClick={() => {
            setDraft(base.site);
            setTouched(new Set());
            setShowErrors(false);
            setServerErrors({});
            setFormError(null);
          }}
        >
          {t('se.discard-changes')}
        </button>
        <span class="hint" aria-live="polite" data-testid="settings-dirty">
          {dirty ? t('se.dirty') : t('se.clean')}
        </span>
      </div>
    </form>
  );
}

/**
 * The settings' version is the site's, which every article publish raises too. A 409 whose
 * current settings are exactly the ones this form started from means only articles changed:
 * saving on top of that version loses nothing, so it is retried once. Any other 409 is the owner's call.
 */
async function saveWithRebase(draft: SiteConfig, base: { site: SiteConfig; version: number }): Promise<SiteSettingsResponse> {
  try {
    return await saveSiteSettings(draft, base.version);
  } catch (error) {
    const current = error instanceof ApiError ? error.conflictCurrent<{ site?: SiteConfig; version?: number }>() : null;
    if (current?.site && typeof current.version === 'number' && changedSections(base.site, current.site).length === 0)
      return saveSiteSettings(draft, current.version);
    throw error;
  }
}

function labelForPath(key: string): string {
  const parts = key.split('.');
  const section = SECTION_NAMES[parts[0] ?? ''] ?? parts[0] ?? key;
  const rest = parts.slice(1).map((part) => (part === 'en' || part === 'zh' ? localeName(part) : /^\d+$/.test(part) ? `#${Number(part) + 1}` : part));
  return [section, ...rest].join(' › ');
}

// ---- field building blocks ------------------------------------------------------------------

function FieldError({ ctx, path }: { ctx: Ctx; path: Path }) {
  const message = ctx.error(path);
  return message ? (
    <p id={`${ctx.id(path)}-error`} class="field-error" data-testid={`setting-error-${pathKey(path)}`}>
      {message}
    </p>
  ) : null;
}

function describedBy(ctx: Ctx, path: Path, hint?: boolean): string | undefined {
  return [ctx.error(path) ? `${ctx.id(path)}-error` : '', hint ? `${ctx.id(path)}-hint` : ''].filter(Boolean).join(' ') || undefined;
}

interface TextFieldProps {
  ctx: Ctx;
  path: Path;
  label: string;
  hint?: ComponentChildren;
  multiline?: boolean;
  lang?: string;
  maxLength?: number;
  placeholder?: string;
  /** An emptied box removes the setting (an optional one, e.g. a link). */
  optional?: boolean;
}

function TextField({ ctx, path, label, hint, multiline, lang, maxLength, placeholder, optional }: TextFieldProps) {
  const value = (getIn(ctx.draft, path) as string | undefined) ?? '';
  const common = {
    id: ctx.id(path),
    lang,
    value,
    maxLength,
    placeholder,
    'data-setting-path': pathKey(path),
    'data-testid': `setting-${pathKey(path)}`,
    'aria-invalid': ctx.error(path) ? true : undefined,
    'aria-describedby': describedBy(ctx, path, !!hint),
  };
  // An emptied per-language text is removed, so the schema says which language is missing.
  const onInput = (event: Event) => {
    const text = (event.currentTarget as HTMLInputElement).value;
    const perLocale = typeof path[path.length - 1] === 'string' && LOCALES.includes(path[path.length - 1] as Locale);
    ctx.set(path, text.trim() === '' && (optional || perLocale) ? undefined : text);
  };
  return (
    <div class="field">
      <label for={ctx.id(path)}>{label}</label>
      {multiline ? <textarea {...common} rows={3} onInput={onInput} /> : <input {...common} onInput={onInput} />}
      {hint && (
        <p id={`${ctx.id(path)}-hint`} class="hint">
          {hint}
        </p>
      )}
      <FieldError ctx={ctx} path={path} />
    </div>
  );
}

function NumberField({
  ctx,
  path,
  label,
  hint,
  min,
  max,
  step = 1,
  scale = 1,
}: {
  ctx: Ctx;
  path: Path;
  label: string;
  hint?: ComponentChildren;
  min?: number;
  max?: number;
  step?: number;
  /** The stored value is this many times the one shown (bytes stored, MB shown). */
  scale?: number;
}) {
  const stored = getIn(ctx.draft, path);
  const value = typeof stored === 'number' ? stored / scale : stored;
  return (
    <div class="field">
      <label for={ctx.id(path)}>{label}</label>
      <input
        id={ctx.id(path)}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={step}
        class="number-input"
        value={typeof value === 'number' && Number.isFinite(value) ? String(value) : ''}
        data-setting-path={pathKey(path)}
        data-testid={`setting-${pathKey(path)}`}
        aria-invalid={ctx.error(path) ? true : undefined}
        aria-describedby={describedBy(ctx, path, !!hint)}
        // An empty or unparseable box stays visible to the schema as "not a number", never as 0.
        onInput={(event) => {
          const raw = event.currentTarget.value.trim();
          ctx.set(path, raw === '' ? Number.NaN : Math.round(Number(raw) * scale));
        }}
      />
      {hint && (
        <p id={`${ctx.id(path)}-hint`} class="hint">
          {hint}
        </p>
      )}
      <FieldError ctx={ctx} path={path} />
    </div>
  );
}

function CheckField({ ctx, path, label, hint }: { ctx: Ctx; path: Path; label: string; hint?: ComponentChildren }) {
  return (
    <div class="field">
      <label class="switch">
        <input
          type="checkbox"
          id={ctx.id(path)}
          data-testid={`setting-${pathKey(path)}`}
          checked={getIn(ctx.draft, path) === true}
          aria-describedby={describedBy(ctx, path, !!hint)}
          onChange={(event) => ctx.set(path, event.currentTarget.checked)}
        />
        {label}
      </label>
      {hint && (
        <p id={`${ctx.id(path)}-hint`} class="hint">
          {hint}
        </p>
      )}
      <FieldError ctx={ctx} path={path} />
    </div>
  );
}

/** One text per language the site offers. */
function PerLocale({ ctx, path, label, hint, multiline }: { ctx: Ctx; path: Path; label: string; hint?: ComponentChildren; multiline?: boolean }) {
  const locales = (ctx.draft.locales ?? []).filter((locale): locale is Locale => LOCALES.includes(locale));
  return (
    <>
      {locales.map((locale) => (
        <TextField
          key={locale}
          ctx={ctx}
          path={[...path, locale]}
          label={`${label} (${localeName(locale)})`}
          lang={locale}
          multiline={multiline}
          hint={locale === locales[0] ? hint : undefined}
        />
      ))}
    </>
  );
}

function Card({ title, children, wide, testId }: { title: string; children: ComponentChildren; wide?: boolean; testId?: string }) {
  const id = useId();
  return (
    <section class={`settings-card ${wide ? 'wide' : ''}`} aria-labelledby={id} data-testid={testId}>
      <h3 id={id} class="subheading">
        {title}
      </h3>
      {children}
    </section>
  );
}

// ---- sections -------------------------------------------------------------------------------

function General({ ctx }: { ctx: Ctx }) {
  const { draft } = ctx;
  return (
    <Card title={t('se.general')} testId="settings-general">
      <TextField ctx={ctx} path={['name']} label={t('se.shop-name')} hint={t('se.shown-at-the-top-of-the-chat')} maxLength={200} />
      <dl class="settings-list">
        <dt>{t('se.site-id')}</dt>
        <dd class="mono">{draft.id}</dd>
      </dl>
      <fieldset class="picker" data-setting-path="locales" aria-describedby={describedBy(ctx, ['locales'])}>
        <legend>{t('se.languages')}</legend>
        {LOCALES.map((locale) => (
          <label key={locale} class="picker-option">
            <input
              type="checkbox"
              data-testid={`setting-locales-${locale}`}
              checked={draft.locales.includes(locale)}
              onChange={(event) => {
                const on = event.currentTarget.checked;
                const next = on ? LOCALES.filter((code) => code === locale || draft.locales.includes(code)) : draft.locales.filter((code) => code !== locale);
                ctx.set(['locales'], next);
                if (!on && draft.defaultLocale === locale) ctx.set(['defaultLocale'], next[0]);
              }}
            />
            {localeName(locale)}
          </label>
        ))}
        <FieldError ctx={ctx} path={['locales']} />
      </fieldset>
      <div class="field">
        <label for={ctx.id(['defaultLocale'])}>{t('se.default-language')}</label>
        <select
          id={ctx.id(['defaultLocale'])}
          data-testid="setting-defaultLocale"
          value={draft.defaultLocale ?? draft.locales[0] ?? 'en'}
          onChange={(event) => ctx.set(['defaultLocale'], event.currentTarget.value)}
        >
          {draft.locales.map((locale) => (
            <option key={locale} value={locale}>
              {localeName(locale)}
            </option>
          ))}
        </select>
        <p class="hint">{t('se.for-shoppers-whose-page-and-browser-say')}</p>
      </div>
      <PerLocale ctx={ctx} path={['greeting']} label={t('se.greeting')} multiline hint={t('se.the-first-message-of-every-chat-name-bec')} />
      <TextField
        ctx={ctx}
        path={['privacyNoticeUrl']}
        label={t('se.privacy.label')}
        hint={t('se.privacy.hint')}
        maxLength={500}
        placeholder="https://shop.example/privacy"
        optional
      />
    </Card>
  );
}

function Theme({ ctx }: { ctx: Ctx }) {
  const theme = ctx.draft.theme ?? { color: '#1f6f5c', position: 'right', launcherLabel: {} };
  const valid = safeHexColor(theme.color) && /^#[0-9a-f]{6}$/i.test(theme.color) ? theme.color : null;
  const style = widgetThemeStyle(theme.color);
  const shown = style['--accent']!;
  const [previewLocale, setPreviewLocale] = useState<Locale>((ctx.draft.defaultLocale as Locale | undefined) ?? ctx.draft.locales[0] ?? 'en');
  const locale = ctx.draft.locales.includes(previewLocale) ? previewLocale : (ctx.draft.locales[0] ?? 'en');
  const phrases = phrasesFor(locale);
  const greeting = (ctx.draft.greeting?.[locale] ?? '').replace('{name}', '');
  const colourPath = ['theme', 'color'];
  return (
    <Card title={t('se.theme')} testId="settings-theme">
      <div class="field">
        <label for={ctx.id(colourPath)}>{t('se.colour')}</label>
        <div class="row">
          <input
            type="color"
            class="colour-picker"
            aria-label={t('se.pick-the-colour')}
            data-testid="setting-theme.color-picker"
            value={shown.toLowerCase()}
            onInput={(event) => ctx.set(colourPath, event.currentTarget.value)}
          />
          <input
            id={ctx.id(colourPath)}
            class="mono colour-text"
            data-testid="setting-theme.color"
            data-setting-path="theme.color"
            value={theme.color}
            maxLength={7}
            spellcheck={false}
            aria-invalid={ctx.error(colourPath) ? true : undefined}
            aria-describedby={describedBy(ctx, colourPath, true)}
            onInput={(event) => ctx.set(colourPath, event.currentTarget.value.trim())}
          />
        </div>
        <p id={`${ctx.id(colourPath)}-hint`} class="hint">
          #rrggbb. Text on it turns black or white, whichever reads better.
        </p>
        <FieldError ctx={ctx} path={colourPath} />
      </div>
      <fieldset class="picker">
        <legend>{t('se.position')}</legend>
        {(['right', 'left'] as const).map((position) => (
          <label key={position} class="picker-option">
            <input
              type="radio"
              name={`${ctx.id(['theme', 'position'])}`}
              data-testid={`setting-theme.position-${position}`}
              checked={theme.position === position}
              onChange={() => ctx.set(['theme', 'position'], position)}
            />
            {position === 'right' ? t('se.bottomRight') : t('se.bottomLeft')}
          </label>
        ))}
      </fieldset>
      <PerLocale
        ctx={ctx}
        path={['theme', 'launcherLabel']}
        label={t('se.launcher-label')}
        hint={`What screen readers say for the chat button. Empty: “${phrasesFor('en').launcherOpen}” / “${phrasesFor('zh').launcherOpen}”.`}
      />
      <div class="row preview-head">
        <h4 class="minor-heading">{t('se.preview')}</h4>
        {ctx.draft.locales.length > 1 && (
          <label class="inline-field">
            Language
            <select data-testid="theme-preview-locale" value={locale} onChange={(event) => setPreviewLocale(event.currentTarget.value as Locale)}>
              {ctx.draft.locales.map((code) => (
                <option key={code} value={code}>
                  {localeName(code)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <WidgetFrame label={t('se.the-chat-widget-with-this-theme')} testId="theme-preview">
        <div class={`kefu ${theme.position === 'left' ? 'left' : 'right'}`} style={style} lang={locale}>
          <section class="panel">
            <header class="header">
              <div>
                <h2 class="title">{ctx.draft.name || phrases.title}</h2>
                <p class="status">{phrases.online}</p>
              </div>
            </header>
            <ol class="messages">
              <li class="message bot">
                <p class="text">{greeting}</p>
              </li>
              <li class="message shopper">
                <p class="text">{locale === 'zh' ? '我想退货' : 'How do I return something?'}</p>
              </li>
            </ol>
          </section>
          <span class="launcher" role="img" aria-label={ctx.draft.theme?.launcherLabel?.[locale] || phrases.launcherOpen}>
            <LauncherIcon />
          </span>
        </div>
      </WidgetFrame>
      {!valid && <p class="hint hint-warn">{t('se.the-preview-keeps-the-default-colour-unt')}</p>}
    </Card>
  );
}

function BusinessHoursEditor({ ctx }: { ctx: Ctx }) {
  const hours = ctx.draft.businessHours;
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf('timeZone');
    } catch {
      return [];
    }
  }, []);
  const listId = useId();
  const [holiday, setHoliday] = useState('');
  const holidays = hours.holidays ?? [];
  return (
    <Card title={t('se.business-hours')} wide testId="business-hours">
      <p class="hint">{t('se.outside-these-hours-or-with-no-agent-onl')}</p>
      <div class="field timezone-field">
        <label for={ctx.id(['businessHours', 'timezone'])}>{t('se.time-zone')}</label>
        <input
          id={ctx.id(['businessHours', 'timezone'])}
          list={listId}
          data-testid="setting-businessHours.timezone"
          data-setting-path="businessHours.timezone"
          value={hours.timezone}
          spellcheck={false}
          aria-invalid={ctx.error(['businessHours', 'timezone']) ? true : undefined}
          aria-describedby={describedBy(ctx, ['businessHours', 'timezone'])}
          onInput={(event) => ctx.set(['businessHours', 'timezone'], event.currentTarget.value.trim())}
        />
        <datalist id={listId}>
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <FieldError ctx={ctx} path={['businessHours', 'timezone']} />
      </div>
      <table class="settings-table hours-table" data-testid="hours-table">
        <caption class="visually-hidden">{t('se.opening-hours-by-day-of-the-week-as-hh-m')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('se.day')}</th>
            <th scope="col">{t('se.open')}</th>
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map(([day, dayName]) => {
            const ranges = hours.weekly[day] ?? [];
            const dayPath = ['businessHours', 'weekly', day];
            return (
              <tr key={day} data-day={day}>
                <th scope="row">{dayName}</th>
                <td>
                  <div class="ranges">
                    {ranges.length === 0 && <span class="muted">{t('se.closed')}</span>}
                    {ranges.map(([from, to], index) => (
                      <span key={index} class="range" data-testid="hours-range">
                        <input
                          class="time-input"
                          value={from}
                          maxLength={5}
                          placeholder="09:00"
                          aria-label={`${dayName}, range ${index + 1}, opens`}
                          data-setting-path={pathKey([...dayPath, index])}
                          aria-invalid={ctx.error([...dayPath, index]) ? true : undefined}
                          onInput={(event) => ctx.set([...dayPath, index, 0], event.currentTarget.value.trim())}
                        />
                        –
                        <input
                          class="time-input"
                          value={to}
                          maxLength={5}
                          placeholder="18:00"
                          aria-label={`${dayName}, range ${index + 1}, closes`}
                          aria-invalid={ctx.error([...dayPath, index]) ? true : undefined}
                          onInput={(event) => ctx.set([...dayPath, index, 1], event.currentTarget.value.trim())}
                        />
                        <button
                          type="button"
                          class="button small ghost"
                          aria-label={`Remove ${dayName} ${from}–${to}`}
                          onClick={() =>
                            ctx.set(
                              dayPath,
                              ranges.filter((_, i) => i !== index),
                            )
                          }
                        >
                          ×
                        </button>
                      </span>
                    ))}
                    <button
                      type="button"
                      class="button small"
                      aria-label={`Add opening hours on ${dayName}`}
                      onClick={() => ctx.set(dayPath, [...ranges, ['09:00', '17:00']])}
                    >
                      + Hours
                    </button>
                  </div>
                  <FieldError ctx={ctx} path={dayPath} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h4 class="minor-heading">{t('se.holidays-closed-all-day')}</h4>
      {holidays.length === 0 ? (
        <p class="muted small">{t('se.none')}</p>
      ) : (
        <ul class="holidays plain-list" data-testid="holidays">
          {holidays.map((date, index) => (
            <li key={`${date}-${index}`} class="holiday">
              <time dateTime={date}>{date}</time>
              <button
                type="button"
                class="button small ghost"
                aria-label={`Remove the holiday ${date}`}
                onClick={() =>
                  ctx.set(
                    ['businessHours', 'holidays'],
                    holidays.filter((_, i) => i !== index),
                  )
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <FieldError ctx={ctx} path={['businessHours', 'holidays']} />
      <div class="row">
        <label class="inline-field">
          {t('se.add-a-holiday')}
          <input type="date" data-testid="holiday-date" value={holiday} onInput={(event) => setHoliday(event.currentTarget.value)} />
        </label>
        <button
          type="button"
          class="button small"
          data-testid="holiday-add"
          disabled={!/^\d{4}-\d{2}-\d{2}$/.test(holiday) || holidays.includes(holiday)}
          onClick={() => {
            ctx.set(['businessHours', 'holidays'], [...holidays, holiday].sort());
            setHoliday('');
          }}
        >
          {t('se.add')}
        </button>
      </div>
    </Card>
  );
}

function ChatRules({ ctx }: { ctx: Ctx }) {
  const idle = ctx.draft.idle;
  return (
    <Card title={t('se.chats')} testId="settings-chats">
      <PerLocale ctx={ctx} path={['promisedReplyTime']} label={t('se.promised-reply-time')} hint={t('se.shown-on-offline-tickets-e-g-we-reply-wi')} />
      <CheckField
        ctx={ctx}
        path={['assignment', 'autoAssign']}
        label={t('se.assign-new-chats-automatically')}
        hint={t('se.round-robin-among-online-agents-with-roo')}
      />
      <NumberField ctx={ctx} path={['assignment', 'maxChatsPerAgent']} label={t('se.max-chats-per-agent')} min={1} max={50} />
      <NumberField
        ctx={ctx}
        path={['agentGraceSeconds']}
        label={t('se.agent-grace-period-seconds')}
        min={5}
        max={3600}
        hint={`How long an agent may be disconnected before their chats go back to the queue: ${duration(ctx.draft.agentGraceSeconds)}.`}
      />
      <fieldset class="picker">
        <legend>{t('se.outside-business-hours-while-an-agent-is')}</legend>
        {(
          [
            ['take_chat', t('se.takeChat')],
            ['offline_form', t('se.offlineForm')],
          ] as const
        ).map(([value, label]) => (
          <label key={value} class="picker-option">
            <input
              type="radio"
              name={ctx.id(['outsideHoursWithAgentOnline'])}
              data-testid={`setting-outsideHoursWithAgentOnline-${value}`}
              checked={(ctx.draft.outsideHoursWithAgentOnline ?? 'take_chat') === value}
              onChange={() => ctx.set(['outsideHoursWithAgentOnline'], value)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <h4 class="minor-heading">{t('se.idle-shopper')}</h4>
      <p class="hint">{t('se.after-an-agent-s-message-a-silent-shoppe')}</p>
      <NumberField
        ctx={ctx}
        path={['idle', 'firstPromptSeconds']}
        label={t('se.first-prompt-after-seconds')}
        min={1}
        hint={duration(idle.firstPromptSeconds)}
      />
      <NumberField
        ctx={ctx}
        path={['idle', 'secondPromptSeconds']}
        label={t('se.second-prompt-after-seconds')}
        min={1}
        hint={duration(idle.secondPromptSeconds)}
      />
      <NumberField ctx={ctx} path={['idle', 'closeSeconds']} label={t('se.close-after-seconds')} min={1} hint={duration(idle.closeSeconds)} />
      {ctx.error(['idle']) && !ctx.error(['idle', 'prompts']) && (
        <p class="field-error" data-testid="setting-error-idle">
          {ctx.error(['idle'])}
        </p>
      )}
      <PerLocale ctx={ctx} path={['idle', 'prompts', 'first']} label={t('se.first-prompt')} multiline />
      <PerLocale ctx={ctx} path={['idle', 'prompts', 'second']} label={t('se.second-prompt')} multiline />
      <PerLocale ctx={ctx} path={['idle', 'prompts', 'close']} label={t('se.closing-message')} multiline />
    </Card>
  );
}

/** The promises the Reports page measures. */
function ServiceLevels({ ctx }: { ctx: Ctx }) {
  return (
    <Card title={t('se.service-levels')} testId="settings-service-levels">
      <NumberField ctx={ctx} path={['serviceLevels', 'takenWithinSeconds']} label={t('se.a-person-takes-a-chat-within-seconds')} min={1} max={600} />
      <NumberField
        ctx={ctx}
        path={['serviceLevels', 'takenShareTarget']}
        label={t('se.share-of-chats-taken-in-time-target-0-1')}
        min={0}
        max={1}
        step={0.01}
        hint={t('se.the-target-line-on-the-reports-chart-e-g')}
      />
      <NumberField ctx={ctx} path={['serviceLevels', 'complaintCloseHours']} label={t('se.complaints-closed-within-hours')} min={1} max={720} />
      <NumberField
        ctx={ctx}
        path={['serviceLevels', 'ticketReplyHours']}
        label={t('se.offline-tickets-answered-within-hours')}
        min={1}
        max={720}
        hint={t('se.what-the-promised-reply-time-says-as-a-n')}
      />
      <NumberField ctx={ctx} path={['serviceLevels', 'handoverRetentionDays']} label={t('se.keep-handover-notes-days')} min={1} max={3650} />
      <TicketDueHours ctx={ctx} />
    </Card>
  );
}

/** Hours per ticket kind; an empty box falls back to the complaint or reply time (protocol/site-config.ts). */
function TicketDueHours({ ctx }: { ctx: Ctx }) {
  return (
    <fieldset class="picker" data-testid="setting-ticketDueHours">
      <legend>{t('se.ticketDue.label')}</legend>
      <p class="hint">{t('se.ticketDue.hint')}</p>
      {TICKET_KINDS.map((kind) => {
        const path = ['serviceLevels', 'ticketDueHours', kind];
        const value = getIn(ctx.draft, path);
        return (
          <div class="field inline" key={kind}>
            <label for={ctx.id(path)}>{t(`tickets.kind.${kind}`)}</label>
            <input
              id={ctx.id(path)}
              type="number"
              inputMode="numeric"
              min={1}
              max={720}
              class="number-input"
              value={typeof value === 'number' && Number.isFinite(value) ? String(value) : ''}
              data-setting-path={pathKey(path)}
              aria-invalid={ctx.error(path) ? true : undefined}
              onInput={(event) => {
                const raw = event.currentTarget.value.trim();
                ctx.set(path, raw === '' ? undefined : Number(raw));
              }}
            />
            <FieldError ctx={ctx} path={path} />
          </div>
        );
      })}
    </fieldset>
  );
}

function Access({ ctx }: { ctx: Ctx }) {
  const origins = ctx.draft.allowedOrigins ?? [];
  // The textarea keeps what the owner types (blank lines included); the setting gets the non-empty lines.
  const [originsText, setOriginsText] = useState(origins.join('\n'));
  useEffect(() => {
    if (
      originsText
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .join('\n') !== origins.join('\n')
    )
      setOriginsText(origins.join('\n'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [origins.join('\n')]);
  const path = ['allowedOrigins'];
  return (
    <Card title={t('se.access-and-limits')} testId="settings-access">
      <div class="field">
        <label for={ctx.id(path)}>{t('se.allowed-origins')}</label>
        <textarea
          id={ctx.id(path)}
          class="mono"
          rows={4}
          spellcheck={false}
          data-testid="setting-allowedOrigins"
          data-setting-path="allowedOrigins"
          value={originsText}
          aria-invalid={ctx.error(path) ? true : undefined}
          aria-describedby={describedBy(ctx, path, true)}
          onInput={(event) => {
            setOriginsText(event.currentTarget.value);
            ctx.set(
              path,
              event.currentTarget.value
                .split(/\r?\n/)
                .map((line) => line.trim())
                .filter(Boolean),
            );
          }}
        />
        <p id={`${ctx.id(path)}-hint`} class="hint">
          {t('se.one-per-line-e-g-https-shop-example-page')}
        </p>
        <FieldError ctx={ctx} path={path} />
      </div>
      <CheckField
        ctx={ctx}
        path={['identityVerification']}
        label={t('se.require-identity-verification')}
        hint="identify() calls must carry a userHash signed with your site's secret (IDENTITY_SECRETS on the Worker); without it they are refused."
      />
      <NumberField
        ctx={ctx}
        path={['limits', 'newConversationsPerIpPerHour']}
        label={t('se.new-chats-per-address-per-hour')}
        min={1}
        max={100_000}
        hint={t('se.resumed-chats-are-not-counted')}
      />
    </Card>
  );
}

/** One column of a list setting: its header and the control for one row's field. */
interface RowField {
  key: string;
  header: string;
  maxLength: number;
  multiline?: boolean;
  /** the input's look: `shortcut-input` is narrow, `canned-text-input` takes the row's width */
  className: string;
  /** what the value becomes as it is typed (e.g. a shortcut loses its leading slash) */
  clean?: (value: string) => string;
}

/**
 * A list setting edited as a table, one row per item: text fields, a language, a remove button,
 * and an add button that takes the focus back after a removal. Canned replies and the shop's own
 * words are both such lists.
 */
function RowsEditor<Row extends { locale: string }>(props: {
  ctx: Ctx;
  path: Path;
  rows: Row[];
  title: string;
  hint: ComponentChildren;
  /** the noun for one row, e.g. "canned reply" */
  noun: string;
  testPrefix: string;
  fields: RowField[];
  removeLabel: (row: Row, index: number) => string;
  addLabel: string;
  newRow: (locale: Locale) => Row;
}) {
  const { ctx, path, rows, noun, testPrefix, fields } = props;
  const addRef = useRef<HTMLButtonElement>(null);
  const [first, ...rest] = fields;
  const input = (field: RowField, row: Row, index: number) => {
    const fieldPath = [...path, index, field.key];
    const common = {
      value: String((row as Record<string, unknown>)[field.key] ?? ''),
      maxLength: field.maxLength,
      lang: row.locale,
      'aria-label': `${field.header} of ${noun} ${index + 1}`,
      'data-setting-path': pathKey(fieldPath),
      'data-testid': `${testPrefix}-${field.key}`,
      'aria-invalid': ctx.error(fieldPath) ? true : undefined,
      onInput: (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
        ctx.set(fieldPath, field.clean ? field.clean(event.currentTarget.value) : event.currentTarget.value),
    };
    return (
      <td key={field.key}>
        {field.multiline ? <textarea class={field.className} rows={2} {...common} /> : <input class={field.className} {...common} />}
        <FieldError ctx={ctx} path={fieldPath} />
      </td>
    );
  };
  return (
    <Card title={`${props.title} (${rows.length})`} wide testId={`settings-${testPrefix}`}>
      <p class="hint">{props.hint}</p>
      {rows.length > 0 && (
        <table class={`settings-table ${testPrefix}-table`} data-testid={`${testPrefix}-table`}>
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              {first && <th scope="col">{first.header}</th>}
              <th scope="col">Language</th>
              {rest.map((field) => (
                <th key={field.key} scope="col">
                  {field.header}
                </th>
              ))}
              <th scope="col">
                <span class="visually-hidden">{t('se.remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index} data-testid={`${testPrefix}-row`}>
                {first && input(first, row, index)}
                <td>
                  <select
                    aria-label={`Language of ${noun} ${index + 1}`}
                    value={row.locale}
                    onChange={(event) => ctx.set([...path, index, 'locale'], event.currentTarget.value)}
                  >
                    {LOCALES.map((locale) => (
                      <option key={locale} value={locale}>
                        {localeName(locale)}
                      </option>
                    ))}
                  </select>
                </td>
                {rest.map((field) => input(field, row, index))}
                <td>
                  <button
                    type="button"
                    class="button small ghost"
                    aria-label={props.removeLabel(row, index)}
                    onClick={() => {
                      ctx.set(
                        path,
                        rows.filter((_, i) => i !== index),
                      );
                      addRef.current?.focus();
                    }}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <button
          ref={addRef}
          type="button"
          class="button small"
          data-testid={`${testPrefix}-add`}
          onClick={() => ctx.set(path, [...rows, props.newRow((ctx.draft.defaultLocale as Locale | undefined) ?? ctx.draft.locales[0] ?? 'en')])}
        >
          {props.addLabel}
        </button>
      </p>
    </Card>
  );
}

function CannedRepliesEditor({ ctx }: { ctx: Ctx }) {
  return (
    <RowsEditor
      ctx={ctx}
      path={['cannedReplies']}
      rows={ctx.draft.cannedReplies ?? []}
      title={t('se.canned-replies')}
      hint={
        <>
          Agents type / and the shortcut in the reply box. {'{name}'} becomes the shopper's name and {'{agent}'} the agent's.
        </>
      }
      noun="canned reply"
      testPrefix="canned"
      fields={[
        { key: 'shortcut', header: t('se.shortcut'), maxLength: 32, className: 'mono shortcut-input', clean: (value) => value.trim().replace(/^\//, '') },
        { key: 'text', header: t('se.text'), maxLength: 2000, multiline: true, className: 'canned-text-input' },
      ]}
      removeLabel={(reply) => `Remove the canned reply /${reply.shortcut}`}
      addLabel="+ Canned reply"
      newRow={(locale) => ({ shortcut: '', locale, text: '' })}
    />
  );
}

/** The shop's own words: the bot reads a message that uses one as if it also said what it means. */
function SynonymsEditor({ ctx }: { ctx: Ctx }) {
  return (
    <RowsEditor
      ctx={ctx}
      path={['synonyms']}
      rows={ctx.draft.synonyms ?? []}
      title={t('se.your-shop-s-words')}
      hint={t('se.abbreviations-and-names-your-shoppers-us')}
      noun="word"
      testPrefix="synonym"
      fields={[
        { key: 'term', header: t('se.word'), maxLength: 40, className: 'shortcut-input' },
        { key: 'means', header: t('se.means'), maxLength: 200, className: 'canned-text-input' },
      ]}
      removeLabel={(synonym, index) => `Remove the word ${synonym.term || index + 1}`}
      addLabel="+ Word"
      newRow={(locale) => ({ term: '', locale, means: '' })}
    />
  );
}

/** Labels agents put on conversations (the list filters by them), and how long a closed chat can be reopened. */
function ConversationLabelsEditor({ ctx }: { ctx: Ctx }) {
  const labels = ctx.draft.labels ?? [];
  const [typed, setTyped] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const path = ['labels'];
  const add = () => {
    const label = typed.trim();
    if (!label) return;
    if (!labels.some((own) => own.toLowerCase() === label.toLowerCase())) ctx.set(path, [...labels, label]);
    setTyped('');
  };
  return (
    <Card title={t('se.labels.title', { n: labels.length })} wide testId="settings-labels">
      <p class="hint">{t('se.labels.hint')}</p>
      {labels.length > 0 && (
        <ul class="label-chips" aria-label={t('se.labels.list')} data-setting-path="labels" data-testid="settings-label-chips">
          {labels.map((label, index) => (
            <li key={`${index}:${label}`} class="label-chip" data-testid="settings-label">
              {label}
              <button
                type="button"
                aria-label={t('history.removeLabel', { label })}
                onClick={() => {
                  ctx.set(
                    path,
                    labels.filter((_, i) => i !== index),
                  );
                  inputRef.current?.focus();
                }}
              >
                ×
              </button>
              <FieldError ctx={ctx} path={[...path, index]} />
            </li>
          ))}
        </ul>
      )}
      <div class="field">
        <label for={ctx.id(path)}>{t('se.labels.new')}</label>
        <div class="row label-new">
          <input
            id={ctx.id(path)}
            ref={inputRef}
            value={typed}
            maxLength={32}
            data-testid="settings-label-input"
            aria-invalid={ctx.error(path) ? true : undefined}
            aria-describedby={describedBy(ctx, path)}
            onInput={(event) => setTyped(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                add();
              }
            }}
          />
          <button type="button" class="button small" data-testid="settings-label-add" disabled={!typed.trim() || labels.length >= 50} onClick={add}>
            {t('se.labels.add')}
          </button>
        </div>
        {ctx.error(path) && !labels.some((_, index) => ctx.error([...path, index])) && <FieldError ctx={ctx} path={path} />}
      </div>
      <NumberField ctx={ctx} path={['reopenWindowDays']} label={t('se.reopen.label')} min={0} max={90} hint={t('se.reopen.hint')} />
      <NumberField
        ctx={ctx}
        path={['attachments', 'maxBytes']}
        label={t('se.attachments.label')}
        min={1}
        max={25}
        step={0.5}
        scale={1024 * 1024}
        hint={t('se.attachments.hint')}
      />
    </Card>
  );
}

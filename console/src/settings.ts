/**
 * View helpers for the Settings editor: immutable updates by path, and the protocol's own
 * SiteConfigSchema turned into messages keyed by field path ("theme.color", "idle.prompts.first.en"),
 * the same keys the server's 400 `field` uses. Pure functions.
 */
import { type SiteConfig, SiteConfigSchema } from '../../protocol/site-config.ts';

export type Path = readonly (string | number)[];
export type SettingsErrors = Record<string, string>;

export function pathKey(path: Path): string {
  return path.map(String).join('.');
}

export function getIn(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A copy of `value` with `path` set; arrays stay arrays. A value of undefined removes the key. */
export function setIn<T>(value: T, path: Path, next: unknown): T {
  if (path.length === 0) return next as T;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  const source = (value ?? (typeof key === 'number' ? [] : {})) as Record<string | number, unknown>;
  const child = setIn(source[key], rest, next);
  if (Array.isArray(source)) {
    const copy = [...source];
    copy[key as number] = child;
    return copy as T;
  }
  const copy = { ...source };
  if (child === undefined) delete copy[key];
  else copy[key] = child;
  return copy as T;
}

/** Every problem the schema finds, first message per field path. */
export function validateSettings(settings: unknown): SettingsErrors {
  const parsed = SiteConfigSchema.safeParse(settings);
  if (parsed.success) return {};
  const errors: SettingsErrors = {};
  for (const issue of parsed.error.issues) {
    const key = pathKey(issue.path as (string | number)[]) || 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

/** The first error at `key` or inside it (`businessHours.weekly.mon` covers `…mon.0`). */
export function errorUnder(errors: SettingsErrors, key: string): string | undefined {
  if (errors[key]) return errors[key];
  const inside = Object.keys(errors).find((candidate) => candidate.startsWith(`${key}.`));
  return inside ? errors[inside] : undefined;
}

/** The top-level settings that differ between two versions, for the conflict notice. */
export function changedSections(a: SiteConfig, b: SiteConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => JSON.stringify((a as Record<string, unknown>)[key]) !== JSON.stringify((b as Record<string, unknown>)[key])).sort();
}

export const WEEKDAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

/** Friendly names for the top-level settings, for summaries. */
export const SECTION_NAMES: Record<string, string> = {
  name: 'Shop name',
  locales: 'Languages',
  defaultLocale: 'Default language',
  greeting: 'Greeting',
  allowedOrigins: 'Allowed origins',
  businessHours: 'Business hours',
  promisedReplyTime: 'Promised reply time',
  cannedReplies: 'Canned replies',
  assignment: 'Assignment',
  idle: 'Idle shopper',
  agentGraceSeconds: 'Agent grace period',
  identityVerification: 'Identity verification',
  limits: 'Limits',
  theme: 'Theme',
  synonyms: "Your shop's words",
  outsideHoursWithAgentOnline: 'Outside hours with an agent online',
  serviceLevels: 'Service levels',
  labels: 'Conversation labels',
  reopenWindowDays: 'Reopen window',
  privacyNoticeUrl: 'Privacy notice link',
};

import type { Context } from 'hono';

interface ValidationIssue {
  path: PropertyKey[];
  message: string;
}

/** zValidator hook: a bad body gets 400 with the first problem in words, never a stack. */
export function validationError(result: { success: boolean; error?: { issues: readonly ValidationIssue[] } }, c: Context) {
  if (result.success || !result.error) return;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return c.json({ error: 'invalid_body', message: `${where}${issue?.message ?? 'invalid body'}` }, 400);
}

/** zValidator hook for owner forms: 400 with the field the console marks inline (FieldErrorResponse). */
export function fieldValidationError(kind: 'invalid_article' | 'invalid_settings') {
  return (result: { success: boolean; error?: { issues: readonly ValidationIssue[] } }, c: Context) => {
    if (result.success || !result.error) return;
    const issue = result.error.issues[0];
    const field = issue ? issue.path.map(String).join('.') : '';
    return c.json({ error: kind, message: `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`, field }, 400);
  };
}

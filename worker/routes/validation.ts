import type { Context } from 'hono';
import { describeIssue } from '../../protocol/parse.ts';

interface ValidationIssue {
  path: PropertyKey[];
  message: string;
}
type ValidationResult = { success: boolean; error?: { issues: readonly ValidationIssue[] } };

/** zValidator hook: a bad body gets 400 with the first problem in words, never a stack. */
export function validationError(result: ValidationResult, c: Context) {
  if (result.success || !result.error) return;
  return c.json({ error: 'invalid_body', message: describeIssue(result.error.issues, 'invalid body').message }, 400);
}

/** zValidator hook for owner forms: 400 with the field the console marks inline (FieldErrorResponse). */
export function fieldValidationError(kind: 'invalid_article' | 'invalid_settings' | 'invalid_query') {
  return (result: ValidationResult, c: Context) => {
    if (result.success || !result.error) return;
    return c.json({ error: kind, ...describeIssue(result.error.issues, 'invalid') }, 400);
  };
}

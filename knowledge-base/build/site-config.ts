/**
 * site.json schema. Minimal for now (id, name, locales, greeting); unknown keys are kept
 * (loose object) so the Worker can add its own settings (allowedOrigins, hours, …).
 */
import { z } from 'zod';

export const LocaleSchema = z.enum(['en', 'zh']);

export const SiteConfigSchema = z.looseObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes'),
  name: z.string().min(1),
  locales: z.array(LocaleSchema).min(1),
  defaultLocale: LocaleSchema.optional(),
  /** per-locale greeting; `{name}` is replaced with ", <name>"/"，<name>" or removed */
  greeting: z.record(LocaleSchema, z.string().min(1)),
  /** Pages allowed to open chats for this site, as exact origins (scheme://host[:port]). */
  allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'each allowed origin must look like https://shop.example')).default([]),
});

export type SiteConfig = z.infer<typeof SiteConfigSchema>;

/** The settings a new shop starts with (`npm run site:create`): valid, English, open on weekdays. */
import { type SiteConfig, SiteConfigSchema } from '../../protocol/site-config.ts';

export function defaultSiteSettings(input: { id: string; name: string; origins: string[] }): SiteConfig {
  const weekday: [string, string][] = [['09:00', '17:00']];
  return SiteConfigSchema.parse({
    id: input.id,
    name: input.name,
    locales: ['en'],
    defaultLocale: 'en',
    greeting: { en: `Hi{name}! Welcome to ${input.name}. How can we help?` },
    allowedOrigins: input.origins,
    businessHours: { timezone: 'UTC', weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [], sun: [] }, holidays: [] },
    promisedReplyTime: { en: 'within one working day' },
    cannedReplies: [],
    idle: {
      firstPromptSeconds: 120,
      secondPromptSeconds: 240,
      closeSeconds: 420,
      prompts: {
        first: { en: 'Are you still there?' },
        second: { en: 'Is there anything else I can help with?' },
        close: { en: 'I will close this chat now. Write again any time!' },
      },
    },
  });
}

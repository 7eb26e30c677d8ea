/**
 * A site's settings (site.json): everything a site owner configures. Validated wherever settings
 * enter (the folder import, the console's Settings page, the admin API), so a typo is refused
 * with the field and reason instead of misbehaving in production.
 */
import * as z from 'zod';
import { ATTACHMENT_MAX_BYTES_CEILING, DEFAULT_ATTACHMENT_MAX_BYTES } from './attachments.ts';
import { TICKET_KINDS } from './tickets.ts';

export const LocaleSchema = z.enum(['en', 'zh']);

const perLocaleText = z.partialRecord(LocaleSchema, z.string().min(1));
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'times are HH:MM, 24-hour');
const dayHours = z.array(z.tuple([clock, clock]).refine(([from, to]) => from < to, 'an opening range must end after it starts'));

export const BusinessHoursSchema = z.strictObject({
  /** IANA time zone the hours are written in, e.g. Europe/London. */
  timezone: z.string().refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'unknown IANA time zone'),
  weekly: z.strictObject({ mon: dayHours, tue: dayHours, wed: dayHours, thu: dayHours, fri: dayHours, sat: dayHours, sun: dayHours }),
  /** Closed all day, as YYYY-MM-DD in the site's time zone. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holidays are YYYY-MM-DD')).default([]),
});

/** A site's label on conversations (e.g. "damaged", "VIP", "refund"). */
export const labelSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _&'-]*$/u, "labels are letters, digits, spaces and - _ & '");

export const SiteConfigSchema = z
  .looseObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes'),
    name: z.string().min(1),
    locales: z.array(LocaleSchema).min(1),
    defaultLocale: LocaleSchema.optional(),
    /** per-locale greeting; `{name}` is replaced with ", <name>"/"，<name>" or removed */
    greeting: perLocaleText,
    /** Pages allowed to open chats for this site, as exact origins (scheme://host[:port]). */
    allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'each allowed origin must look like https://shop.example')).default([]),
    /** When people answer. Outside these hours, or with no agent online, shoppers get the offline form. */
    businessHours: BusinessHoursSchema,
    /** The reply time promised on an offline ticket: the same words for every shopper. */
    promisedReplyTime: perLocaleText,
    /** Standard phrases agents insert with /shortcut. */
    cannedReplies: z
      .array(
        z.strictObject({
          shortcut: z.string().regex(/^[a-z0-9-]{1,32}$/, 'shortcuts are lower-case letters, digits and dashes'),
          locale: LocaleSchema,
          text: z.string().min(1).max(2000),
        }),
      )
      .default([]),
    assignment: z
      .strictObject({
        /** Give waiting chats to online agents round robin instead of waiting for a claim. */
        autoAssign: z.boolean().default(false),
        maxChatsPerAgent: z.number().int().min(1).max(50).default(4),
      })
      .default({ autoAssign: false, maxChatsPerAgent: 4 }),
    /** A silent shopper after an agent's message: two polite prompts, then a polite close. */
    idle: z
      .strictObject({
        firstPromptSeconds: z.number().int().min(1),
        secondPromptSeconds: z.number().int().min(1),
        closeSeconds: z.number().int().min(1),
        prompts: z.strictObject({ first: perLocaleText, second: perLocaleText, close: perLocaleText }),
      })
      .refine(
        (idle) => idle.firstPromptSeconds < idle.secondPromptSeconds && idle.secondPromptSeconds < idle.closeSeconds,
        'idle timings must grow: first < second < close',
      ),
    /** How long an agent may be disconnected before their chats go back to the queue. */
    agentGraceSeconds: z.number().int().min(5).max(3600).default(60),
    /** Outside business hours, while an agent is online: the agent takes the chat, or the shopper gets the offline form. */
    outsideHoursWithAgentOnline: z.enum(['take_chat', 'offline_form']).default('take_chat'),
    /** Identity verification: identify() calls must carry a userHash signed with the site's secret
     * (Worker secret IDENTITY_SECRETS, a JSON object {"<site id>": "<secret>"}). */
    identityVerification: z.boolean().default(false),
    limits: z
      .strictObject({
        /** New conversations one IP address may start per hour (resumes are not counted). */
        newConversationsPerIpPerHour: z.number().int().min(1).max(100_000).default(60),
      })
      .default({ newConversationsPerIpPerHour: 60 }),
    /** Photos and PDFs in chat: the largest file either side may send, in bytes. */
    attachments: z
      .strictObject({
        maxBytes: z.number().int().min(1024).max(ATTACHMENT_MAX_BYTES_CEILING).default(DEFAULT_ATTACHMENT_MAX_BYTES),
      })
      .default({ maxBytes: DEFAULT_ATTACHMENT_MAX_BYTES }),
    /** The shop's own words, e.g. "COD" = "cash on delivery": the bot reads a message that uses one as if it also said what it means. */
    synonyms: z
      .array(
        z.strictObject({
          locale: LocaleSchema,
          term: z
            .string()
            .trim()
            .min(1)
            .max(40)
            .refine((text) => !/[<>]/.test(text), 'must be plain text'),
          means: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .refine((text) => !/[<>]/.test(text), 'must be plain text'),
        }),
      )
      .max(200)
      .default([]),
    /** Labels agents may put on conversations; the conversation list filters by them. */
    labels: z
      .array(labelSchema)
      .max(50)
      .refine((labels) => new Set(labels.map((label) => label.toLowerCase())).size === labels.length, 'each label once')
      .default([]),
    /**
     * A shopper who writes into a closed chat within this many days reopens it: back to the agent
     * who closed it if online, else the queue. Later, a new conversation starts (linked to the old
     * one in the shopper's timeline). 0: a closed chat is never reopened.
     */
    reopenWindowDays: z.number().int().min(0).max(90).default(7),
    /** Conversations (transcripts, tickets, the history's copy) with no activity for this many days are erased. 0: kept. */
    retentionDays: z.number().int().min(0).max(3650).default(0),
    /** The service levels the shop promises, measured on the Reports page. */
    serviceLevels: z
      .strictObject({
        /** A handoff counts as taken in time when a person takes it within this many seconds. */
        takenWithinSeconds: z.number().int().min(1).max(600).default(10),
        /** The share of handoffs that should be taken in time (the target line on the chart). */
        takenShareTarget: z.number().min(0).max(1).default(0.9),
        /** Complaints should be closed within this many hours. */
        complaintCloseHours: z.number().int().min(1).max(720).default(48),
        /** Offline tickets should be answered within this many hours (what promisedReplyTime says in words). */
        ticketReplyHours: z.number().int().min(1).max(720).default(24),
        /** Shift handover notes are kept this many days. */
        handoverRetentionDays: z.number().int().min(1).max(3650).default(90),
        /**
         * A ticket is due this many hours after it is opened, per kind. A kind not listed: complaints
         * use complaintCloseHours, the others ticketReplyHours.
         */
        ticketDueHours: z.partialRecord(z.enum(TICKET_KINDS), z.number().int().min(1).max(720)).default({}),
      })
      .default({ takenWithinSeconds: 10, takenShareTarget: 0.9, complaintCloseHours: 48, ticketReplyHours: 24, handoverRetentionDays: 90, ticketDueHours: {} }),
    /** The shop's privacy notice (https), linked from the widget. */
    privacyNoticeUrl: z
      .url({ protocol: /^https$/, error: 'the privacy notice must be an https:// address' })
      .max(500)
      .optional(),
    /** The widget's look. Text on the launcher and header is black or white, whichever reads better on `color`. */
    theme: z
      .strictObject({
        color: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, 'color must be #rrggbb')
          .default('#1f6f5c'),
        position: z.enum(['right', 'left']).default('right'),
        launcherLabel: perLocaleText.default({}),
      })
      .default({ color: '#1f6f5c', position: 'right', launcherLabel: {} }),
  })
  .superRefine((site, ctx) => {
    // Every phrase a shopper can see must exist in every language the site offers.
    const texts: [string[], Partial<Record<string, string>>][] = [
      [['greeting'], site.greeting],
      [['promisedReplyTime'], site.promisedReplyTime],
      [['idle', 'prompts', 'first'], site.idle.prompts.first],
      [['idle', 'prompts', 'second'], site.idle.prompts.second],
      [['idle', 'prompts', 'close'], site.idle.prompts.close],
    ];
    for (const locale of site.locales) {
      for (const [path, text] of texts) {
        if (!text[locale])
          ctx.addIssue({ code: 'custom', path: [...path, locale], message: `missing the ${locale} text (the site lists ${locale} in "locales")` });
      }
    }
  });

export type SiteConfig = z.infer<typeof SiteConfigSchema>;
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

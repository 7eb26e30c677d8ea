/** The one source of truth for kefu's wire format. */

export * from './agent.ts';
export * from './attachments.ts';
export * from './client.ts';
export * from './conversation-sync.ts';
export * from './data-rights.ts';
export * from './history.ts';
export * from './limits.ts';
export * from './parse.ts';
export * from './site-admin.ts';
export * from './site-config.ts';
export * from './tickets.ts';
export * from './visitor.ts';

/**
 * Fixed phrases the Conversation stores in the transcript, in the shopper's language. Standard
 * wording for everyone, as customer-service practice wants.
 */
export type PhraseLocale = 'en' | 'zh';

const phrases = {
  en: {
    suggest: 'I found a few articles that might help. Which one fits your question?',
    handoffNotice: "I'll bring in a member of our team to help you.",
    queued: "You're in the queue. A member of our team will be with you shortly.",
    agentJoined: '{agent} joined the chat.',
    transferred: '{agent} is taking over your chat.',
    backToBot: "You're back with the shop assistant. Ask me anything, or ask for a person at any time.",
    closed: 'This chat has ended. Thank you for contacting us! How did we do?',
    offline: "No one from our team is available right now. Leave your e-mail and your question, and we'll get back to you. {promise}",
    ticketCreated: "Thank you! We've received your message and will reply to {email}. {promise}",
    rated: 'Thank you for your feedback!',
    requeued: 'Your agent was disconnected. You are back at the front of the queue.',
    unknownArticle: 'That article is no longer available.',
  },
  zh: {
    suggest: '我找到了几篇可能有帮助的文章，请问哪一篇符合您的问题？',
    handoffNotice: '我为您转接人工客服。',
    queued: '您已进入排队，客服人员将很快为您服务。',
    agentJoined: '{agent} 已加入对话。',
    transferred: '{agent} 将继续为您服务。',
    backToBot: '您已回到店铺助手。有任何问题都可以问我，也可以随时要求人工客服。',
    closed: '本次对话已结束，感谢您的咨询！请为我们的服务评分。',
    offline: '目前没有客服人员在线。请留下您的电子邮件和问题，我们会尽快回复您。{promise}',
    ticketCreated: '谢谢！我们已收到您的留言，会回复到 {email}。{promise}',
    rated: '感谢您的评价！',
    requeued: '客服连接已断开，您已回到队列最前面。',
    unknownArticle: '该文章已不可用。',
  },
} satisfies Record<PhraseLocale, Record<string, string>>;

export type PhraseKey = keyof (typeof phrases)['en'];

export function phrase(locale: PhraseLocale, key: PhraseKey, values: Record<string, string> = {}): string {
  return phrases[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '').trim();
}

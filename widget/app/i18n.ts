/** The widget's fixed phrases. Shoppers see their own language, never a mix. */
export type WidgetLocale = 'en' | 'zh';

const phrases = {
  en: {
    launcherOpen: 'Chat with us',
    launcherClose: 'Close chat',
    title: 'Customer service',
    online: 'Ask us anything',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    placeholder: 'Type your message…',
    attach: 'Attach a file',
    send: 'Send',
    sending: 'Sending…',
    sent: 'Sent',
    failed: 'Not sent',
    helpfulQuestion: 'Was this helpful?',
    yes: 'Yes',
    no: 'No',
    thanksFeedback: 'Thanks for telling us.',
    notQuite: 'Not quite?',
    messages: 'Messages',
    talkToPerson: 'Talk to a person',
    queuePosition: 'You are number {position} in the queue · about {minutes} min',
    agentTyping: '{agent} is typing…',
    seen: 'Seen',
    offlineTitle: 'Leave us a message',
    email: 'Your e-mail',
    yourMessage: 'Your message',
    sendTicket: 'Send message',
    ratingQuestion: 'How would you rate our service?',
    ratingLabel: 'Rate {score} out of 5',
    ratingComment: 'Anything you would like to add? (optional)',
    sendRating: 'Send rating',
    privacy: 'Privacy notice',
  },
  zh: {
    launcherOpen: '在线客服',
    launcherClose: '关闭对话',
    title: '客户服务',
    online: '有问题随时问我们',
    connecting: '正在连接…',
    reconnecting: '正在重新连接…',
    placeholder: '请输入您的问题…',
    attach: '添加附件',
    send: '发送',
    sending: '发送中…',
    sent: '已发送',
    failed: '未发送',
    helpfulQuestion: '这个回答有帮助吗？',
    yes: '有帮助',
    no: '没帮助',
    thanksFeedback: '感谢您的反馈。',
    notQuite: '不是这个？',
    messages: '消息',
    talkToPerson: '转人工客服',
    queuePosition: '您前面还有 {ahead} 位，排在第 {position} 位 · 预计约 {minutes} 分钟',
    agentTyping: '{agent} 正在输入…',
    seen: '已读',
    offlineTitle: '给我们留言',
    email: '您的电子邮件',
    yourMessage: '您的留言',
    sendTicket: '提交留言',
    ratingQuestion: '请为我们的服务打分',
    ratingLabel: '评 {score} 分（满分 5 分）',
    ratingComment: '还有什么想告诉我们的吗？（选填）',
    sendRating: '提交评价',
    privacy: '隐私声明',
  },
} satisfies Record<WidgetLocale, Record<string, string>>;

export type Phrases = (typeof phrases)['en'];

export function phrasesFor(locale: WidgetLocale): Phrases {
  return phrases[locale];
}

/** Fills {placeholders} in a phrase. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
}

/** The page's lang, then the browser's, decides the widget's language. */
export function detectLocale(doc: Document, nav: Navigator): WidgetLocale {
  const candidates = [doc.documentElement.lang, ...(nav.languages ?? []), nav.language];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const lang = candidate.toLowerCase();
    if (lang.startsWith('zh')) return 'zh';
    if (lang.startsWith('en')) return 'en';
  }
  return 'en';
}

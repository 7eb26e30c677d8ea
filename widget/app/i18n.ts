/** The widget's fixed phrases. Shoppers see their own language, never a mix. */
export type WidgetLocale = 'en' | 'zh';

const phrases = {
  en: {
    launcherOpen: 'Chat with us',
    launcherClose: 'Close chat',
    title: 'Customer service',
    online: 'We reply in a few minutes',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    placeholder: 'Type your message…',
    send: 'Send',
    sending: 'Sending…',
    sent: 'Sent',
    failed: 'Not sent',
    helpfulQuestion: 'Was this helpful?',
    yes: 'Yes',
    no: 'No',
    thanksFeedback: 'Thanks for telling us.',
    messages: 'Messages',
  },
  zh: {
    launcherOpen: '在线客服',
    launcherClose: '关闭对话',
    title: '客户服务',
    online: '我们通常几分钟内回复',
    connecting: '正在连接…',
    reconnecting: '正在重新连接…',
    placeholder: '请输入您的问题…',
    send: '发送',
    sending: '发送中…',
    sent: '已发送',
    failed: '未发送',
    helpfulQuestion: '这个回答有帮助吗？',
    yes: '有帮助',
    no: '没帮助',
    thanksFeedback: '感谢您的反馈。',
    messages: '消息',
  },
} satisfies Record<WidgetLocale, Record<string, string>>;

export type Phrases = (typeof phrases)['en'];

export function phrasesFor(locale: WidgetLocale): Phrases {
  return phrases[locale];
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

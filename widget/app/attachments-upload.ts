/**
 * The widget's file upload, a chunk of its own (dist/public/widget/attachments.js): the shop page
 * pays for it only when the shopper picks a file (ChatConnection.attach loads it). No Preact, no
 * zod: an XMLHttpRequest for the progress events, and the shopper's own language.
 *
 * The server decides what is accepted (the bytes, the size, the rate: protocol/attachments.ts);
 * this only says what happened. The file's message reaches the chat over the socket like any other.
 */

import type { ChatConnection } from './connection.ts';

const PHRASES = {
  en: {
    uploading: 'Sending {name}… {percent}%',
    notReady: 'The chat is still connecting. Please try again in a moment.',
    network: 'could not be sent. Please check your connection and try again.',
    empty: 'is empty.',
    tooLarge: 'is too large.',
    errors: {} as Record<string, string>,
  },
  zh: {
    uploading: '正在发送 {name}… {percent}%',
    notReady: '正在连接，请稍后再试。',
    network: '发送失败，请检查网络后重试。',
    empty: '是空文件。',
    tooLarge: '文件太大。',
    errors: {
      unsupported_type: '只能发送图片（JPEG、PNG、WebP、GIF）和 PDF 文件。',
      not_an_image: '这不是有效的图片文件。',
      file_too_large: '文件太大。',
      empty_file: '是空文件。',
      rate_limited: '发送文件过于频繁，请稍候再试。',
    } as Record<string, string>,
  },
};

let sequence = 0;

/** Uploads the file picked in `input` for the chat of `chat`, and says how it goes in the widget's notice line. */
export function upload(input: HTMLInputElement, chat: ChatConnection): void {
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  const show = (notice: string | null) => {
    chat.notice = notice;
    chat.publish();
  };
  const t = PHRASES[chat.locale] ?? PHRASES.en;
  const name = file.name || 'file';
  const token = chat.load<string>('token');
  const { base, site } = chat.options;
  if (!token) return show(t.notReady);
  if (file.size === 0) return show(`${name} ${t.empty}`);
  sequence += 1;
  const clientMsgId = `f${Date.now().toString(36)}${sequence}${Math.random().toString(36).slice(2, 10)}`;
  const url = new URL('../v1/attachments', base);
  url.search = new URLSearchParams({ site, name, clientMsgId }).toString();

  const request = new XMLHttpRequest();
  request.open('POST', url.href);
  request.setRequestHeader('Authorization', `Bearer ${token}`);
  // The notice is a live region: progress is told in steps of ten, not every event.
  let shown = -1;
  const progress = (percent: number) => {
    if (percent - shown < 10 && percent !== 0) return;
    shown = percent;
    show(t.uploading.replace('{name}', name).replace('{percent}', String(percent)));
  };
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) progress(Math.min(90, Math.floor((event.loaded / event.total) * 10) * 10));
  };
  request.onload = () => {
    if (request.status >= 200 && request.status < 300) return show(null);
    let body: { error?: string; message?: string } = {};
    try {
      body = JSON.parse(request.responseText) as typeof body;
    } catch {
      // not our JSON (a proxy's page): the generic sentence below
    }
    const words = (body.error && t.errors[body.error]) || body.message || (request.status === 413 ? t.tooLarge : t.network);
    show(`${name}: ${words}`);
  };
  request.onerror = () => show(`${name} ${t.network}`);
  progress(0);
  request.send(file);
}

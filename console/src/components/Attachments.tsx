/**
 * Files in the console: a photo's thumbnail (opens full size in a new tab), a PDF's name (the
 * server sends it as a download), and the agent's attach button with its progress and errors.
 * File names are text nodes, never markup.
 */
import { useRef, useState } from 'preact/hooks';
import type { AttachmentRef } from '../../../protocol/index.ts';
import { ApiError } from '../api.ts';
import { uploadAttachment } from '../attachments.ts';
import { type MessageKey, t } from '../i18n.ts';

export function AttachmentView({ attachment }: { attachment: AttachmentRef }) {
  // The link is relative to /console/ (../v1/…), as the Worker writes it.
  const href = attachment.url;
  const image = attachment.type.startsWith('image/');
  const size = attachment.size >= 1024 * 1024 ? `${(attachment.size / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(attachment.size / 1024))} KB`;
  if (!href) {
    return (
      <p class="msg-text attachment" data-testid="attachment">
        {attachment.name} <span class="muted">({size})</span>
      </p>
    );
  }
  return (
    <a
      class={`attachment ${image ? 'attachment-image' : 'attachment-file'}`}
      data-testid="attachment"
      data-type={attachment.type}
      href={href}
      target={image ? '_blank' : undefined}
      rel="noopener noreferrer"
      download={image ? undefined : attachment.name}
      title={image ? t('attach.openLarger', { name: attachment.name }) : t('attach.download', { name: attachment.name })}
    >
      {image && <img src={href} alt={attachment.name} loading="lazy" />}
      <span class="attachment-name">{attachment.name}</span> <span class="muted">({size})</span>
    </a>
  );
}

/** The server's refusal in the console's language (its own message is English). */
const REFUSALS: Record<string, MessageKey> = {
  unsupported_type: 'attach.error.unsupportedType',
  not_an_image: 'attach.error.notAnImage',
  file_too_large: 'attach.error.tooLarge',
  empty_file: 'attach.error.empty',
  rate_limited: 'attach.error.rateLimited',
};
function refusalText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('attach.failedGeneric');
  const key = REFUSALS[error.code];
  return key ? t(key) : error.message;
}

type UploadState = { kind: 'idle' } | { kind: 'sending'; name: string; percent: number } | { kind: 'failed'; name: string; message: string };

export function AttachButton({ conversationId, blocked }: { conversationId: string; blocked: string | null }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<UploadState>({ kind: 'idle' });
  const send = async (file: File) => {
    const name = file.name || 'file';
    setState({ kind: 'sending', name, percent: 0 });
    try {
      await uploadAttachment(conversationId, file, (percent) => setState({ kind: 'sending', name, percent }));
      setState({ kind: 'idle' });
    } catch (error) {
      setState({ kind: 'failed', name, message: refusalText(error) });
    }
  };
  return (
    <div class="attach-bar">
      <input
        ref={input}
        type="file"
        class="visually-hidden"
        data-testid="attach-input"
        aria-label={t('attach.button')}
        accept="image/jpeg,image/png,image/webp,image/gif,application/pdf"
        tabIndex={-1}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = '';
          if (file) void send(file);
        }}
      />
      <button
        type="button"
        class="button small"
        data-testid="attach-button"
        disabled={blocked !== null || state.kind === 'sending'}
        title={blocked ?? undefined}
        onClick={() => input.current?.click()}
      >
        {t('attach.button')}
      </button>
      <span class={`hint ${state.kind === 'failed' ? 'hint-warn' : ''}`} role="status" data-testid="attach-status">
        {state.kind === 'sending'
          ? t('attach.sending', { name: state.name, percent: state.percent })
          : state.kind === 'failed'
            ? t('attach.failed', { name: state.name, message: state.message })
            : ''}
      </span>
    </div>
  );
}

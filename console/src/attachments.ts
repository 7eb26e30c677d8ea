/**
 * Sending a photo or PDF into a chat (POST /v1/agent/conversations/<id>/attachments). An
 * XMLHttpRequest rather than fetch: it reports upload progress. The server reads the type from
 * the bytes and strips metadata (protocol/attachments.ts); the file's message then arrives over
 * the chat's socket like any other.
 */
import type { ApiError as ApiErrorBody, AttachmentUploadResponse } from '../../protocol/index.ts';
import { ApiError } from './api.ts';
import { t } from './i18n.ts';

export function uploadAttachment(conversationId: string, file: File, onProgress: (percent: number) => void): Promise<AttachmentUploadResponse> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const query = new URLSearchParams({ name: file.name || 'file' });
    request.open('POST', `/v1/agent/conversations/${encodeURIComponent(conversationId)}/attachments?${query}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.min(99, Math.floor((event.loaded / event.total) * 100)));
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // a proxy's page, not ours: the generic sentence below
      }
      if (request.status >= 200 && request.status < 300) return resolve(body as AttachmentUploadResponse);
      const error = body as Partial<ApiErrorBody> | null;
      reject(new ApiError(request.status, error?.error ?? 'upload_failed', error?.message ?? t('attach.failedGeneric'), body));
    };
    request.onerror = () => reject(new ApiError(0, 'network', t('attach.failedGeneric')));
    request.send(file);
  });
}

/** The session link to a file, for views whose messages carry no signed link (or an expired one). */
export const sessionFileUrl = (conversationId: string, attachmentId: string) =>
  `/v1/agent/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(attachmentId)}`;

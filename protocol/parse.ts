/**
 * Turns one raw inbound WebSocket frame into a validated frame or a typed error.
 * The checks run cheapest first: binary, size, JSON, then the schema.
 */
import type * as z from 'zod';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from './limits.ts';
import { clientMsgIdSchema, type ErrorCode, LONE_SURROGATE } from './visitor.ts';

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; code: ErrorCode; message: string; clientMsgId?: string };

const encoder = new TextEncoder();

export function parseFrame<T>(schema: z.ZodType<T>, raw: string | ArrayBuffer): ParseResult<T> {
  if (typeof raw !== 'string') {
    return { ok: false, code: 'binary_not_supported', message: 'Binary frames are not supported; send JSON text.' };
  }
  // A UTF-16 string is at most 3 bytes per code unit in UTF-8, so skip encoding small frames.
  if (raw.length * 3 > MAX_FRAME_BYTES && encoder.encode(raw).byteLength > MAX_FRAME_BYTES) {
    return { ok: false, code: 'frame_too_large', message: `Frame is larger than ${MAX_FRAME_BYTES} bytes.` };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_json', message: 'Frame is not valid JSON.' };
  }
  if (hasLoneSurrogate(data)) {
    return { ok: false, code: 'invalid_frame', message: 'Frame contains invalid UTF-16 (a lone surrogate).', clientMsgId: pickClientMsgId(data) };
  }
  const clientMsgId = pickClientMsgId(data);
  if (isObject(data) && 'v' in data && data.v !== PROTOCOL_VERSION) {
    return { ok: false, code: 'unsupported_version', message: `Protocol version must be ${PROTOCOL_VERSION}.`, clientMsgId };
  }
  const result = schema.safeParse(data);
  if (!result.success) return { ok: false, code: 'invalid_frame', message: describeIssue(result.error.issues, 'invalid frame').message, clientMsgId };
  return { ok: true, frame: result.data };
}

/**
 * The one wording of a validation failure, for frames and HTTP bodies alike: the first problem,
 * prefixed with where it is ("settings.idle.firstPromptSeconds: Too big…"). `field` is the
 * dotted path alone, for forms that mark the field.
 */
export function describeIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[], fallback: string): { message: string; field: string } {
  const issue = issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  return { message: `${field ? `${field}: ` : ''}${issue?.message ?? fallback}`, field };
}

/**
 * A lone surrogate cannot be stored or shown faithfully, in any field or key of any frame.
 * Walks the parsed value with an explicit stack: a deeply nested frame must not exhaust the call stack.
 */
function hasLoneSurrogate(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return true;
    } else if (Array.isArray(value)) {
      stack.push(...value);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Echo the clientMsgId back on an error so the sender can mark that message as failed. */
function pickClientMsgId(data: unknown): string | undefined {
  if (!isObject(data)) return undefined;
  const id = clientMsgIdSchema.safeParse(data.clientMsgId);
  return id.success ? id.data : undefined;
}

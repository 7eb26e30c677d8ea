/**
 * The signature of a delivery: hex HMAC-SHA256(secret, timestamp + "." + body), sent as
 * `kefu-signature: v1=<hex>` beside `kefu-webhook-timestamp` (Unix seconds). The scheme is
 * versioned so a future one can be sent beside it while receivers move over.
 */
import { toBase64Url } from '../signed-token.ts';

const encoder = new TextEncoder();

export async function webhookSignature(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${timestamp}.${body}`)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export const signatureHeaderValue = (hex: string) => `v1=${hex}`;

/** A new endpoint secret: 32 random bytes, base64url, with a prefix that says what it is. */
export function newWebhookSecret(): string {
  return `whsec_${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** An id with a kind prefix (`whe_` endpoint, `evt_` event) and 12 random bytes in hex. */
export function newWebhookId(prefix: 'whe' | 'evt'): string {
  return `${prefix}_${Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

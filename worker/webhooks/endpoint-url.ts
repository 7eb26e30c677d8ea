/**
 * Where a deployment lets webhooks go, beyond the shape protocol/webhooks.ts checks: https only,
 * and never this machine or a private network, unless ALLOW_HTTP_WEBHOOKS=true (local
 * development and tests, where the receiver is on 127.0.0.1). Null when the URL may be used.
 */
const PRIVATE_IPV4 = [/^127\./, /^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./, /^0\./];

export function endpointUrlProblem(text: string, allowHttp: boolean): string | null {
  const url = new URL(text);
  if (allowHttp) return null;
  if (url.protocol !== 'https:') return 'url: must start with https://';
  const host = url.hostname.toLowerCase();
  const local = host === 'localhost' || host.endsWith('.localhost') || host.startsWith('[') || PRIVATE_IPV4.some((range) => range.test(host));
  return local ? 'url: must be a public address, not this machine or a private network' : null;
}

/** The console's calls for the Webhooks page (worker/routes/webhooks.ts). */
import type {
  WebhookDeliveriesResponse,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
  WebhookListResponse,
  WebhookSecretResponse,
} from '../../protocol/webhooks.ts';
import { ApiError, request } from './api.ts';

function present<T>(result: T | null): T {
  if (result === null || typeof result !== 'object') throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result;
}

const path = (id?: string, tail = '') => `/v1/agent/webhooks${id ? `/${encodeURIComponent(id)}` : ''}${tail}`;

export async function fetchWebhooks(): Promise<WebhookListResponse> {
  return present(await request<WebhookListResponse>('GET', path()));
}

export async function createWebhook(input: WebhookEndpointCreate): Promise<WebhookSecretResponse> {
  return present(await request<WebhookSecretResponse>('POST', path(), input));
}

export async function updateWebhook(id: string, change: WebhookEndpointUpdate): Promise<WebhookEndpoint> {
  return present(await request<WebhookEndpoint>('PUT', path(id), change));
}

export async function deleteWebhook(id: string): Promise<void> {
  await request('DELETE', path(id));
}

export async function revealWebhookSecret(id: string): Promise<string> {
  return present(await request<WebhookSecretResponse>('GET', path(id, '/secret'))).secret;
}

export async function rotateWebhookSecret(id: string): Promise<string> {
  return present(await request<WebhookSecretResponse>('POST', path(id, '/secret'))).secret;
}

export async function pingWebhook(id: string): Promise<WebhookDelivery> {
  return present(await request<WebhookDelivery>('POST', path(id, '/ping')));
}

export async function fetchWebhookDeliveries(id: string): Promise<WebhookDelivery[]> {
  return present(await request<WebhookDeliveriesResponse>('GET', path(id, '/deliveries'))).deliveries;
}

export async function resendWebhookDelivery(id: string, deliveryId: string): Promise<WebhookDelivery> {
  return present(await request<WebhookDelivery>('POST', path(id, `/deliveries/${encodeURIComponent(deliveryId)}/resend`)));
}

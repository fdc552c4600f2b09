import { createHmac } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import type { OutboxEvent } from '../../platform/outbox/relay.js';

/** A receiver that keeps failing is given up on after a day (the outbox retries with backoff until then). */
const GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** The relay waits on each delivery; a slow receiver must not hold everyone's events for long. */
const TIMEOUT_MS = 5_000;

export const SIGNATURE_HEADER = 'x-huiliu-signature';
export const TIMESTAMP_HEADER = 'x-huiliu-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: a receiver recomputes it and rejects old timestamps (replays). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers one automation webhook from the outbox. A non-2xx answer or a network error throws,
 * and the relay retries with exponential backoff; the body (with the event id as `id`) is the
 * same on every attempt, so a receiver can drop duplicates.
 */
export async function deliverWebhook(ctx: Pick<AppContext, 'secrets' | 'logger'>, event: OutboxEvent, now = Date.now()): Promise<void> {
  const { url, sealedSecret, firstAttemptAt, body } = event.payload as {
    url: string;
    sealedSecret: string;
    firstAttemptAt: string;
    body: Record<string, unknown>;
  };
  if (now - new Date(firstAttemptAt).getTime() > GIVE_UP_AFTER_MS) {
    ctx.logger.warn({ url, outboxId: event.id }, 'automation webhook given up after a day of failures');
    return;
  }
  const text = JSON.stringify({ id: String(event.id), ...body });
  const timestamp = String(Math.floor(now / 1000));
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Huiliu-Automation/1',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhook(ctx.secrets.decrypt(sealedSecret), timestamp, text),
    },
    body: text,
    signal: AbortSignal.timeout(TIMEOUT_MS),
    redirect: 'manual',
  });
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new Error(`webhook ${url} answered ${response.status}`);
}

import { lang, t, type StringKey } from './i18n.js';

/** A failure with the server's error code (or one of the widget's own: network, timeout, offline). */
export class WidgetError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes worth an automatic retry with the same client message id: the server may not have stored the message. */
const TRANSIENT = new Set(['timeout', 'network', 'offline', 'internal']);

export function isTransient(code: string): boolean {
  return TRANSIENT.has(code);
}

/** Server error codes (see docs/realtime.md) and the widget's own, each with a sentence in both languages. */
const EXPLAINED: Record<string, StringKey> = {
  rate_limited: 'rate_limited',
  message_too_long: 'message_too_long',
  attachment_too_large: 'attachment_too_large',
  attachment_type_not_allowed: 'attachment_type_not_allowed',
  unsupported_media_type: 'attachment_type_not_allowed',
  attachment_type_mismatch: 'attachment_type_mismatch',
  empty_message: 'empty_message',
  validation_failed: 'validation_failed',
  not_found: 'not_found',
  not_resolved: 'not_resolved',
  conflict: 'conflict',
  identity_required: 'identity_required',
  identity_invalid: 'identity_invalid',
  identity_expired: 'identity_expired',
  too_many_codes: 'too_many_codes',
  too_many_attempts: 'too_many_attempts',
  code_invalid: 'code_invalid',
  code_expired: 'code_expired',
  no_code: 'code_expired',
  verification_unavailable: 'verification_unavailable',
  not_verified: 'not_verified',
  origin_not_allowed: 'origin_not_allowed',
  timeout: 'timeout',
  network: 'network',
  offline: 'reconnecting',
  internal: 'internal',
};

/** What to tell the visitor about a failure, in their language: errors are shown, never swallowed. */
export function describeError(code: string, serverMessage = ''): string {
  const key = EXPLAINED[code];
  if (key) return t(key);
  // A code we have no words for: English visitors get the server's own sentence, others a generic one.
  return lang === 'en' && serverMessage ? serverMessage.charAt(0).toUpperCase() + serverMessage.slice(1) : t('unknown');
}

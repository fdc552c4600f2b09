import { localizeVisitorLabel } from '@huiliu/contracts/visitor-label';
import type { Conversation } from './api';

/**
 * What an agent calls the customer: their name, else their readable label ("访客 4821 · 上海 ·
 * Chrome", "Visitor 4821 · …" in English), else "visitor".
 */
export function customerTitle(
  conversation: Pick<Conversation, 'customerName' | 'customerLabel'> | undefined | null,
  translate: (key: string) => string,
): string {
  if (conversation?.customerName) return conversation.customerName;
  if (conversation?.customerLabel) return localizeVisitorLabel(conversation.customerLabel, translate('customer.anonymous'));
  return translate('customer.anonymous');
}

/** A customer's label from the directory or the 360 (their name when they have one), in the reader's language. */
export function customerLabelText(customer: { name: string | null; label: string }, translate: (key: string) => string): string {
  return customer.name ? customer.label : localizeVisitorLabel(customer.label, translate('customer.anonymous'));
}

/** The list's preview: the customer's own last words, so a bot's greeting does not hide what they asked. */
export function previewOf(conversation: Pick<Conversation, 'lastCustomerMessagePreview' | 'lastMessagePreview'>): string | null {
  return conversation.lastCustomerMessagePreview ?? conversation.lastMessagePreview;
}

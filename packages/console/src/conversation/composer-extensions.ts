import type { Conversation } from '../lib/api';

/** One suggestion offered while the agent types `/…` in the composer. */
export interface SlashSuggestion {
  key: string;
  label: string;
  /** Inserted in place of the `/…` the agent typed (variables already filled in). */
  text: string;
}

/**
 * Where canned responses (快捷回复) plug into the composer: a provider receives what follows the
 * `/` and the conversation (for variables such as {{customer.name}}) and returns suggestions.
 * None is registered yet; the canned-responses module registers its own when it lands.
 */
export type SlashProvider = (query: string, conversation: Conversation, workspaceId: string) => Promise<SlashSuggestion[]>;

export const slashProviders: SlashProvider[] = [];

export function registerSlashProvider(provider: SlashProvider): void {
  slashProviders.push(provider);
}

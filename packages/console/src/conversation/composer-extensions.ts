import type { Conversation } from '../lib/api';
import { Store } from '../lib/store';

/** One suggestion offered while the agent types `/…` in the composer. */
export interface SlashSuggestion {
  key: string;
  label: string;
  /** Shown beside the label, and inserted unless `resolve` gives the final text. */
  text: string;
  /**
   * The text to insert, asked for only when the agent picks this suggestion (canned responses
   * have their variables rendered by the server then, not for every suggestion shown).
   */
  resolve?: () => Promise<string>;
}

/**
 * Where canned responses (快捷回复) plug into the composer: a provider receives what follows the
 * `/` and the conversation (for variables such as {{customer.name}}) and returns suggestions.
 * The canned-responses provider registers itself in `canned/slash-provider.ts`.
 */
export type SlashProvider = (query: string, conversation: Conversation, workspaceId: string) => Promise<SlashSuggestion[]>;

export const slashProviders: SlashProvider[] = [];

export function registerSlashProvider(provider: SlashProvider): void {
  slashProviders.push(provider);
}

/**
 * Text other panels (suggested answers) ask the open conversation's composer to insert. The
 * composer owns its text; this is how something outside it hands text in.
 */
export const composerInserts = new Store<{ conversationId: string; text: string; id: number } | null>(null);

let insertCount = 0;

export function insertIntoComposer(conversationId: string, text: string): void {
  insertCount += 1;
  composerInserts.set({ conversationId, text, id: insertCount });
}

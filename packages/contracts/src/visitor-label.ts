/**
 * The word an anonymous customer's label starts with, as the server builds it
 * ("访客 4821 · 上海 · Chrome"). One label is built and exported (CSV, API); a console shows it
 * with the word in its reader's language. Kept apart from customer-label.ts so a browser bundle
 * that only translates labels does not take the user-agent parser along.
 */
export const VISITOR_WORD = '访客';

const GENERATED = new RegExp(`^${VISITOR_WORD} \\d+( · |$)`);

/** A generated label with `visitorWord` in place of 访客; any other text (a name) as it is. */
export function localizeVisitorLabel(label: string, visitorWord: string): string {
  return GENERATED.test(label) ? visitorWord + label.slice(VISITOR_WORD.length) : label;
}

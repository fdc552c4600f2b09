import Bowser from 'bowser';
import { VISITOR_WORD } from './visitor-label.js';

export interface LabelInput {
  /** The customer's readable number (customers.number). */
  number: number;
  /** A city known for the customer (from the host site, the agent, or a geo-IP header in front of the server). */
  city?: string | null;
  /** The user agent of the customer's browser, when they came by web chat. */
  userAgent?: string | null;
}

/** The browser's family name (Chrome, Safari, 微信…), or null when the user agent says nothing useful. */
export function browserName(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  // WeChat's in-app browser reports itself as Chrome or Safari; agents know it as WeChat.
  if (/MicroMessenger/i.test(userAgent)) return 'WeChat';
  const name = Bowser.getParser(userAgent).getBrowserName();
  return name || null;
}

/**
 * A label an agent can tell anonymous customers apart by: "访客 4821 · 上海 · Chrome".
 * The parts that are unknown are left out, so a label is never longer than it is useful.
 */
export function customerLabel(input: LabelInput): string {
  const parts = [`${VISITOR_WORD} ${input.number}`];
  const city = input.city?.trim();
  if (city) parts.push(city.slice(0, 40));
  const browser = browserName(input.userAgent);
  if (browser) parts.push(browser);
  return parts.join(' · ');
}

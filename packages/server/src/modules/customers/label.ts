import { customerLabel } from '@huiliu/contracts/customer-label';
import { sql } from 'drizzle-orm';
import type { Executor } from '../users/service.js';

export interface LabelFacts {
  city: string | null;
  userAgent: string | null;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

/** The city the workspace knows for a customer: one set on the profile wins over one a web chat reported. */
export function cityOf(attributes: Record<string, unknown>, context: Record<string, unknown> = {}): string | null {
  return text(attributes.city) ?? text(context.city);
}

/** The name when there is one, else the readable label ("访客 4821 · 上海 · Chrome"). */
export function displayLabel(
  customer: { number: number; name: string | null; attributes: Record<string, unknown> },
  context: Record<string, unknown> = {},
): string {
  if (customer.name) return customer.name;
  return customerLabel({ number: customer.number, city: cityOf(customer.attributes, context), userAgent: text(context.userAgent) });
}

/**
 * The browser facts behind customers' labels: the context (city, user agent) of each one's newest
 * conversation. One query for a page of customers.
 */
export async function latestContexts(
  db: Executor,
  workspaceId: string,
  customerIds: string[],
): Promise<Map<string, Record<string, unknown>>> {
  if (customerIds.length === 0) return new Map();
  const result = await db.execute<{ customer_id: string; context: Record<string, unknown> }>(sql`
    select distinct on (customer_id) customer_id, context
    from conversations
    where workspace_id = ${workspaceId} and customer_id in (${sql.join(
      customerIds.map((id) => sql`${id}`),
      sql`, `,
    )})
    order by customer_id, created_at desc`);
  return new Map(result.rows.map((row) => [row.customer_id, row.context]));
}

import type { Executor } from '../users/service.js';
import { routingEvents } from './schema.js';

export type RoutingEvent = typeof routingEvents.$inferInsert;

export async function recordRoutingEvent(db: Executor, event: RoutingEvent): Promise<void> {
  await db.insert(routingEvents).values(event);
}

import type { SlaChangedEvent } from '@huiliu/contracts';
import type { AppContext } from '../../platform/context.js';
import { rooms, type Realtime } from '../../platform/realtime.js';
import type { Subject } from './clocks.js';

/** The outbox topics the sweep writes when a clock warns or breaches. */
const SWEEP_TOPICS = ['sla.warning', 'sla.breached'] as const;

/**
 * Tells the workspace's consoles that a case's SLA clocks changed (`sla:changed` on `/agent`).
 * Ids only, like `ticket:changed`: the console refetches through the API, which decides who
 * may see the case. Consoles count the time down themselves; this is for state changes only.
 */
export function announceSlaChange(realtime: Realtime, subject: Subject, metric?: string): void {
  const event: SlaChangedEvent = { subjectType: subject.type, subjectId: subject.id, ...(metric ? { metric } : {}) };
  realtime.agents.to(rooms.workspace(subject.workspaceId)).emit('sla:changed', event);
}

/** Warnings and breaches reach the consoles from the outbox (one process handles each event; the adapter fans it out). */
export function subscribeSlaLive(ctx: Pick<AppContext, 'outbox' | 'realtime'>): void {
  for (const topic of SWEEP_TOPICS)
    ctx.outbox.subscribe(topic, async (event) => {
      const { subjectType, subjectId, metric } = event.payload as { subjectType: Subject['type']; subjectId: string; metric: string };
      announceSlaChange(ctx.realtime, { workspaceId: event.workspaceId, type: subjectType, id: subjectId }, metric);
    });
}

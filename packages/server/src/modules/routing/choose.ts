export type Algorithm = 'least_busy' | 'longest_idle' | 'round_robin' | 'skills_first' | 'manual';

export interface Candidate {
  userId: string;
  /** Open conversations of this channel assigned to the agent now. */
  load: number;
  capacity: number;
  /** 1–5 in the conversation's team. */
  proficiency: number;
  lastAssignedAt: Date | null;
}

const idleOrder = (a: Candidate, b: Candidate) =>
  (a.lastAssignedAt?.getTime() ?? -Infinity) - (b.lastAssignedAt?.getTime() ?? -Infinity) || a.userId.localeCompare(b.userId);

const busyOrder = (a: Candidate, b: Candidate) => a.load / a.capacity - b.load / b.capacity || idleOrder(a, b);

/**
 * Picks the agent for a conversation among the team's online members, or none. Pure, so every
 * algorithm's order is tested exactly; the router supplies candidates it has locked.
 */
export function chooseAgent(candidates: Candidate[], algorithm: Algorithm, roundRobinLastUserId: string | null): Candidate | undefined {
  const free = candidates.filter((candidate) => candidate.load < candidate.capacity);
  if (free.length === 0 || algorithm === 'manual') return undefined;
  switch (algorithm) {
    case 'least_busy':
      return [...free].sort(busyOrder)[0];
    case 'longest_idle':
      return [...free].sort(idleOrder)[0];
    case 'skills_first':
      return [...free].sort((a, b) => b.proficiency - a.proficiency || busyOrder(a, b))[0];
    case 'round_robin': {
      const ring = [...free].sort((a, b) => a.userId.localeCompare(b.userId));
      return (roundRobinLastUserId ? ring.find((candidate) => candidate.userId > roundRobinLastUserId) : undefined) ?? ring[0];
    }
  }
}

export const DEFAULT_CAPACITY: Record<string, number> = { widget: 5, sms: 5, wechat: 5, wecom: 5, api: 5, email: 20, voice: 1 };

/** Queue order weight: a VIP waits less than anyone normal; priority breaks ties before wait time. */
export const QUEUE_WEIGHTS = { vip: 100, urgent: 30, high: 20, normal: 10, low: 0 } as const;

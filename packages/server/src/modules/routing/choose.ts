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
 * The team's online members with room, best first, by the team's algorithm. Pure, so every
 * algorithm's order is tested exactly; the router tries them in this order.
 */
export function rankAgents<T extends Candidate>(candidates: T[], algorithm: Algorithm, roundRobinLastUserId: string | null): T[] {
  const free = candidates.filter((candidate) => candidate.load < candidate.capacity);
  switch (algorithm) {
    case 'manual':
      return [];
    case 'least_busy':
      return [...free].sort(busyOrder);
    case 'longest_idle':
      return [...free].sort(idleOrder);
    case 'skills_first':
      return [...free].sort((a, b) => b.proficiency - a.proficiency || busyOrder(a, b));
    case 'round_robin': {
      const ring = [...free].sort((a, b) => a.userId.localeCompare(b.userId));
      const next = roundRobinLastUserId ? ring.findIndex((candidate) => candidate.userId > roundRobinLastUserId) : 0;
      return next <= 0 ? ring : [...ring.slice(next), ...ring.slice(0, next)];
    }
  }
}

/** The agent the algorithm would pick first, if any has room. */
export function chooseAgent(candidates: Candidate[], algorithm: Algorithm, roundRobinLastUserId: string | null): Candidate | undefined {
  return rankAgents(candidates, algorithm, roundRobinLastUserId)[0];
}

export const DEFAULT_CAPACITY: Record<string, number> = { widget: 5, sms: 5, wechat: 5, wecom: 5, api: 5, email: 20, voice: 1 };

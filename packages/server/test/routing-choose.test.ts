import { describe, expect, it } from 'vitest';
import { chooseAgent, type Candidate } from '../src/modules/routing/choose.js';

const at = (minutesAgo: number | null) => (minutesAgo === null ? null : new Date(Date.UTC(2026, 10, 22, 12, 0) - minutesAgo * 60_000));
const agent = (userId: string, load: number, capacity: number, proficiency: number, idleMinutes: number | null): Candidate => ({
  userId,
  load,
  capacity,
  proficiency,
  lastAssignedAt: at(idleMinutes),
});

// a: half busy, idle 5 min; b: 1/5 busy, idle 1 min; c: full; d: 1/5 busy, idle 10 min, expert
const team = [agent('a', 1, 2, 3, 5), agent('b', 1, 5, 2, 1), agent('c', 3, 3, 5, 60), agent('d', 1, 5, 5, 10)];

describe('routing algorithms pick exactly', () => {
  it('least busy: lowest load ÷ capacity, ties to the longest idle', () => {
    expect(chooseAgent(team, 'least_busy', null)?.userId).toBe('d');
    expect(chooseAgent([agent('x', 0, 5, 1, 1), agent('y', 0, 5, 1, null)], 'least_busy', null)?.userId).toBe('y');
  });

  it('longest idle: longest since the last assignment, among those with room', () => {
    expect(chooseAgent(team, 'longest_idle', null)?.userId).toBe('d');
    expect(chooseAgent([agent('x', 4, 5, 1, 30), agent('y', 0, 5, 1, 2)], 'longest_idle', null)?.userId).toBe('x');
  });

  it('round robin: the next in the ring after the last one, skipping the full, wrapping around', () => {
    expect(chooseAgent(team, 'round_robin', null)?.userId).toBe('a');
    expect(chooseAgent(team, 'round_robin', 'a')?.userId).toBe('b');
    expect(chooseAgent(team, 'round_robin', 'b')?.userId).toBe('d');
    expect(chooseAgent(team, 'round_robin', 'd')?.userId).toBe('a');
  });

  it('skills first: highest proficiency with room, then least busy', () => {
    expect(chooseAgent(team, 'skills_first', null)?.userId).toBe('d');
    expect(chooseAgent([agent('x', 2, 5, 4, 1), agent('y', 1, 5, 4, 1), agent('z', 0, 5, 3, 1)], 'skills_first', null)?.userId).toBe('y');
  });

  it('never an agent at capacity; nobody for manual teams or when all are full', () => {
    expect(chooseAgent([agent('c', 3, 3, 5, 60)], 'least_busy', null)).toBeUndefined();
    expect(chooseAgent([agent('z', 0, 0, 5, 60)], 'longest_idle', null)).toBeUndefined();
    expect(chooseAgent(team, 'manual', null)).toBeUndefined();
  });
});

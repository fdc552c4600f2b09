/*
 * Erlang C, computed without factorials: the Erlang B blocking probability by its recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)) stays in [0, 1] for any traffic, so a 2,000-Erlang
 * interval is as exact as a 2-Erlang one (A^N / N! would overflow a double near N = 170).
 */

/** Erlang B blocking probability for `agents` servers offered `erlangs` of traffic. */
export function erlangB(agents: number, erlangs: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n += 1) b = (erlangs * b) / (n + erlangs * b);
  return b;
}

/** Probability that a contact waits (Erlang C); 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(agents: number, erlangs: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return 1;
  const b = erlangB(agents, erlangs);
  return (agents * b) / (agents - erlangs * (1 - b));
}

export interface ErlangFigures {
  agents: number;
  probabilityOfWaiting: number;
  /** Share answered within the target time, 0–1. */
  serviceLevel: number;
  /** Average speed of answer in seconds. */
  asaSeconds: number;
  /** Erlangs ÷ agents. */
  occupancy: number;
}

/** The figures `agents` would achieve for `erlangs` of traffic with this AHT and target time. */
export function erlangFigures(agents: number, erlangs: number, ahtSeconds: number, targetSeconds: number): ErlangFigures {
  if (erlangs <= 0) return { agents, probabilityOfWaiting: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0 };
  if (agents <= erlangs) return { agents, probabilityOfWaiting: 1, serviceLevel: 0, asaSeconds: Number.POSITIVE_INFINITY, occupancy: 1 };
  const pw = erlangC(agents, erlangs);
  return {
    agents,
    probabilityOfWaiting: pw,
    serviceLevel: 1 - pw * Math.exp((-(agents - erlangs) * targetSeconds) / ahtSeconds),
    asaSeconds: (pw * ahtSeconds) / (agents - erlangs),
    occupancy: erlangs / agents,
  };
}

export interface StaffingTarget {
  /** Contacts arriving in the interval. */
  volume: number;
  intervalSeconds: number;
  ahtSeconds: number;
  /** Wanted share answered within targetSeconds, 0–1 (exclusive of 1: Erlang C never reaches it). */
  serviceLevel?: number;
  targetSeconds: number;
  /** Wanted average speed of answer, seconds. */
  targetAsaSeconds?: number;
}

/**
 * The fewest agents meeting every given target (service level and/or ASA), with the figures they
 * achieve. Zero volume needs zero agents. Searching upward from ⌈A⌉ is enough: both the service
 * level and the ASA improve monotonically with each added agent.
 */
export function agentsRequired(target: StaffingTarget): ErlangFigures & { erlangs: number } {
  const erlangs = (target.volume * target.ahtSeconds) / target.intervalSeconds;
  if (erlangs <= 0) return { erlangs: 0, ...erlangFigures(0, 0, target.ahtSeconds, target.targetSeconds) };
  const meets = (figures: ErlangFigures) =>
    (target.serviceLevel === undefined || figures.serviceLevel >= target.serviceLevel) &&
    (target.targetAsaSeconds === undefined || figures.asaSeconds <= target.targetAsaSeconds);
  // Past A + 50·√A + 50 agents waiting is vanishingly rare: a bound that only guards the loop.
  const limit = Math.ceil(erlangs + 50 * Math.sqrt(erlangs) + 50);
  let agents = Math.max(1, Math.floor(erlangs) + 1);
  let figures = erlangFigures(agents, erlangs, target.ahtSeconds, target.targetSeconds);
  while (!meets(figures) && agents < limit) {
    agents += 1;
    figures = erlangFigures(agents, erlangs, target.ahtSeconds, target.targetSeconds);
  }
  return { erlangs, ...figures };
}

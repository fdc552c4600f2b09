import { describe, expect, it } from 'vitest';
import { agentsRequired, erlangB, erlangC, erlangFigures } from '../../src/modules/staffing/erlang.js';

/** The textbook closed form with factorials, usable only for small N: an independent check on the recursion. */
function erlangCClosedForm(agents: number, erlangs: number): number {
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const top = (erlangs ** agents / factorial(agents)) * (agents / (agents - erlangs));
  let sum = 0;
  for (let k = 0; k < agents; k += 1) sum += erlangs ** k / factorial(k);
  return top / (sum + top);
}

describe('Erlang C against published worked examples', () => {
  it('Call Centre Helper, "Erlang C formula – made simple": 100 calls in 30 min, AHT 180 s, 80 % in 20 s → 14 agents', () => {
    // Source: callcentrehelper.com, "Erlang C Formula – Made Simple With an Easy Worked Example":
    // traffic 10 Erlangs; with 14 agents Pw = 17.4 %, service level 88.8 %, ASA 7.8 s; 13 agents give 79.6 %.
    const result = agentsRequired({ volume: 100, intervalSeconds: 1800, ahtSeconds: 180, serviceLevel: 0.8, targetSeconds: 20 });
    expect(result.erlangs).toBe(10);
    expect(result.agents).toBe(14);
    expect(result.probabilityOfWaiting).toBeCloseTo(0.1741, 4);
    expect(result.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(result.asaSeconds).toBeCloseTo(7.84, 2);
    expect(result.occupancy).toBeCloseTo(0.714, 3);
    const thirteen = erlangFigures(13, 10, 180, 20);
    expect(thirteen.probabilityOfWaiting).toBeCloseTo(0.2853, 4);
    expect(thirteen.serviceLevel).toBeCloseTo(0.7956, 4);
    // The same article's shrinkage step: 14 ÷ (1 − 30 %) = 20 agents to schedule.
    expect(Math.ceil(result.agents / (1 - 0.3) - 1e-9)).toBe(20);
  });

  it('Wolfram Language ErlangC documentation: ErlangC[3, 2] = 4/9, and 30 calls/h of 5 min need 6 agents for a 90 % chance of no delay', () => {
    // Source: reference.wolfram.com/language/ref/ErlangC.html ("Basic Examples" and the technical-support "Applications" example).
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
    const load = (30 / 60) * 5; // 2.5 Erlangs
    expect(erlangC(5, load)).toBeGreaterThan(0.1);
    expect(erlangC(6, load)).toBeLessThan(0.1);
    expect(erlangC(6, load)).toBeCloseTo(0.0474, 4);
  });

  it('Mitan "The Erlang-C Formula" walk-through: 360 calls per half hour, 4-minute calls, 55 agents, 15 s target', () => {
    // Source: the step-by-step Erlang-C calculation published by Mitan Ltd (traffic 48 Erlangs, occupancy 87.3 %).
    // The page's inputs; the figures asserted are those of the formula it states, checked against the closed form below.
    const figures = erlangFigures(55, 48, 240, 15);
    expect(figures.occupancy).toBeCloseTo(0.8727, 4);
    expect(figures.probabilityOfWaiting).toBeCloseTo(0.2387, 4);
    expect(figures.asaSeconds).toBeCloseTo(8.18, 2);
    expect(figures.serviceLevel).toBeCloseTo(0.8459, 4);
  });

  it('the Erlang B recursion equals the factorial closed form where that one still works', () => {
    for (const [agents, erlangs] of [
      [3, 2],
      [14, 10],
      [30, 24],
      [55, 48],
      [120, 100],
    ] as const)
      expect(erlangC(agents, erlangs)).toBeCloseTo(erlangCClosedForm(agents, erlangs), 10);
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
  });

  it('stays finite where factorials overflow: 3,333 Erlangs (20,000 five-minute contacts in 30 min)', () => {
    const result = agentsRequired({ volume: 20_000, intervalSeconds: 1800, ahtSeconds: 300, serviceLevel: 0.8, targetSeconds: 20 });
    expect(Number.isFinite(result.probabilityOfWaiting)).toBe(true);
    expect(result.agents).toBeGreaterThan(3334);
    expect(result.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(erlangFigures(result.agents - 1, result.erlangs, 300, 20).serviceLevel).toBeLessThan(0.8);
  });

  it('meets an ASA target too, and zero volume needs nobody', () => {
    const both = agentsRequired({
      volume: 100,
      intervalSeconds: 1800,
      ahtSeconds: 180,
      serviceLevel: 0.8,
      targetSeconds: 20,
      targetAsaSeconds: 5,
    });
    // 14 agents give ASA 7.8 s; 15 give Pw·AHT/(N−A) under 5 s.
    expect(both.agents).toBe(15);
    expect(both.asaSeconds).toBeLessThanOrEqual(5);
    const asaOnly = agentsRequired({ volume: 100, intervalSeconds: 1800, ahtSeconds: 180, targetSeconds: 20, targetAsaSeconds: 30 });
    expect(asaOnly.agents).toBe(13);
    expect(agentsRequired({ volume: 0, intervalSeconds: 1800, ahtSeconds: 180, serviceLevel: 0.8, targetSeconds: 20 }).agents).toBe(0);
  });
});

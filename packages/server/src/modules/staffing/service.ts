import type { StaffingForecast, StaffingForecastQuery } from '@huiliu/contracts';
import type { z } from 'zod';
import type { Executor } from '../users/service.js';
import { getWorkspace, workspaceSettings } from '../workspaces/service.js';
import { actualAgents, slotBoundaries } from './actual.js';
import { agentsRequired } from './erlang.js';
import { contactsBySlot, handledSpans, historyDays, INTERVAL_MINUTES, localDate, measureHandling, SLOTS_PER_DAY } from './history.js';

type Query = z.output<typeof StaffingForecastQuery>;

/** Used only when neither history nor the request gives a handle time. */
export const DEFAULT_AHT_SECONDS = 300;

const NOTES = {
  method: (weeks: number, method: string) =>
    `Volume: contacts first queued for an agent per 30-minute local interval, ${method === 'weighted' ? 'weighted (newest week N … oldest 1)' : 'averaged'} over the last ${weeks} same weekdays; a day with no contacts counts as zero.`,
  erlang:
    'Agents: the fewest meeting the service level (and ASA, if set) by Erlang C (Poisson arrivals, exponential handle times, no abandonment).',
  chat: 'Chat approximation: Erlang C assumes one contact per agent at a time, so its agents are divided by the average concurrent chats per agent.',
  shrinkage: 'Scheduled agents = required agents ÷ (1 − shrinkage).',
  actual: 'Actual agents: time-weighted average of agents online or busy in the interval, over all channels (presence is not per channel).',
};

/** The weights of the history days, newest first. */
const weightsFor = (weeks: number, method: Query['method']) =>
  Array.from({ length: weeks }, (_, index) => (method === 'weighted' ? weeks - index : 1));

/** Forecast volume, handle time, Erlang C agents and actual agents for each 30-minute interval of a day. */
export async function staffingForecast(
  db: Executor,
  workspaceId: string,
  query: Query,
  now: Date = new Date(),
): Promise<z.infer<typeof StaffingForecast>> {
  const workspace = await getWorkspace(db, workspaceId);
  const timezone = workspace.timezone;
  const targetSeconds = query.targetSeconds ?? workspaceSettings(workspace).serviceLevelTargetSeconds;
  const today = localDate(now, timezone);
  const date = query.date ?? today;
  const days = historyDays(date, query.weeks, today);
  const weights = weightsFor(query.weeks, query.method);
  const weightSum = weights.reduce((a, b) => a + b, 0);

  const counts = await contactsBySlot(db, workspaceId, timezone, query.channel, days);
  const volumes = new Array<number>(SLOTS_PER_DAY).fill(0);
  const perDay = new Map<string, number>();
  for (const row of counts) {
    const weight = weights[days.indexOf(row.day)]!;
    volumes[row.slot] = volumes[row.slot]! + (row.count * weight) / weightSum;
    perDay.set(row.day, (perDay.get(row.day) ?? 0) + row.count);
  }

  const measured = measureHandling(await handledSpans(db, workspaceId, timezone, query.channel, days));
  const aht =
    query.ahtSeconds !== undefined
      ? { value: query.ahtSeconds, source: 'override' as const }
      : measured.ahtSeconds !== null
        ? { value: measured.ahtSeconds, source: 'history' as const }
        : { value: DEFAULT_AHT_SECONDS, source: 'default' as const };
  const concurrency =
    query.channel === 'voice'
      ? { value: 1, source: 'voice' as const }
      : query.concurrency !== undefined
        ? { value: query.concurrency, source: 'override' as const }
        : measured.concurrency !== null
          ? { value: Math.max(1, measured.concurrency), source: 'history' as const }
          : { value: 1, source: 'default' as const };

  const bounds = await slotBoundaries(db, date, timezone);
  const actual = await actualAgents(db, workspaceId, bounds, now);
  const round = (value: number, places = 4) => Math.round(value * 10 ** places) / 10 ** places;

  const intervals = volumes.map((volume, slot) => {
    const figures = agentsRequired({
      volume,
      intervalSeconds: INTERVAL_MINUTES * 60,
      ahtSeconds: aht.value,
      serviceLevel: query.serviceLevel,
      targetSeconds,
      targetAsaSeconds: query.targetAsaSeconds,
    });
    const required = figures.agents / concurrency.value;
    const minutes = slot * INTERVAL_MINUTES;
    return {
      start: bounds[slot]!.toISOString(),
      label: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
      forecastVolume: round(volume, 2),
      ahtSeconds: round(aht.value, 1),
      erlangs: round(figures.erlangs),
      erlangAgents: figures.agents,
      probabilityOfWaiting: round(figures.probabilityOfWaiting),
      serviceLevel: round(figures.serviceLevel),
      asaSeconds: round(figures.asaSeconds, 1),
      // A hair of tolerance so 14 ÷ 1 ÷ 0.7 = 20.000000000000004 stays 20.
      requiredAgents: Math.max(0, Math.ceil(required - 1e-9)),
      scheduledAgents: Math.max(0, Math.ceil(required / (1 - query.shrinkage) - 1e-9)),
      actualAgents: actual[slot] ?? null,
    };
  });

  return {
    date,
    timezone,
    channel: query.channel,
    intervalMinutes: INTERVAL_MINUTES,
    method: query.method,
    history: days.map((date, index) => ({ date, weight: weights[index]!, contacts: perDay.get(date) ?? 0 })),
    serviceLevel: query.serviceLevel,
    targetSeconds,
    targetAsaSeconds: query.targetAsaSeconds ?? null,
    shrinkage: query.shrinkage,
    ahtSeconds: round(aht.value, 1),
    ahtSource: aht.source,
    concurrency: round(concurrency.value, 2),
    concurrencySource: concurrency.source,
    notes: [
      NOTES.method(query.weeks, query.method),
      NOTES.erlang,
      ...(query.channel === 'voice' ? [] : [NOTES.chat]),
      NOTES.shrinkage,
      NOTES.actual,
    ],
    intervals,
  };
}

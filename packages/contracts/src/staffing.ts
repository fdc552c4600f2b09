import { z } from 'zod';
import { Timestamp } from './common.js';
import { ChannelKind } from './conversations.js';

const ForecastDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
  }, 'not a real date')
  .refine((value) => value >= '2000-01-01' && value <= '2100-12-31', 'a date between 2000 and 2100');

export const StaffingMethod = z.enum(['average', 'weighted']);

export const StaffingForecastQuery = z.object({
  date: ForecastDate.optional().describe('The day to forecast, in the workspace time zone (default: today there)'),
  channel: ChannelKind.default('widget'),
  serviceLevel: z.coerce.number().min(0.01).max(0.99).default(0.8).describe('Share to answer within targetSeconds, 0.01–0.99'),
  targetSeconds: z.coerce.number().int().min(1).max(3600).optional().describe('Service-level answer time (default: the workspace’s)'),
  targetAsaSeconds: z.coerce.number().min(1).max(3600).optional().describe('Also keep the average speed of answer at or under this'),
  shrinkage: z.coerce
    .number()
    .min(0)
    .max(0.9)
    .default(0.3)
    .describe('Share of paid time not available for contacts (breaks, training), 0–0.9'),
  weeks: z.coerce.number().int().min(1).max(12).default(4).describe('How many past same weekdays the forecast averages'),
  method: StaffingMethod.default('average').describe('average: equal weights; weighted: the newest week weighs N, the oldest 1'),
  ahtSeconds: z.coerce.number().min(1).max(86_400).optional().describe('Override the average handle time measured from history'),
  concurrency: z.coerce.number().min(1).max(50).optional().describe('Override the average concurrent chats per agent (ignored for voice)'),
});

export const StaffingInterval = z.object({
  start: Timestamp,
  /** Local clock time the interval starts at, HH:MM in the workspace time zone. */
  label: z.string(),
  forecastVolume: z.number(),
  ahtSeconds: z.number(),
  erlangs: z.number(),
  /** Erlang C agents for the targets, before concurrency and shrinkage. */
  erlangAgents: z.number().int(),
  probabilityOfWaiting: z.number(),
  serviceLevel: z.number(),
  asaSeconds: z.number(),
  /** erlangAgents ÷ concurrency, rounded up: agents handling contacts. */
  requiredAgents: z.number().int(),
  /** requiredAgents ÷ (1 − shrinkage), rounded up: agents to schedule. */
  scheduledAgents: z.number().int(),
  /** Time-weighted average of agents online or busy in the interval; null for an interval not yet begun. */
  actualAgents: z.number().nullable(),
});

export const StaffingForecast = z.object({
  date: z.string(),
  timezone: z.string(),
  channel: ChannelKind,
  intervalMinutes: z.number().int(),
  method: StaffingMethod,
  /** The past days averaged, newest first, with the weight each got. */
  history: z.array(z.object({ date: z.string(), weight: z.number(), contacts: z.number().int() })),
  serviceLevel: z.number(),
  targetSeconds: z.number().int(),
  targetAsaSeconds: z.number().nullable(),
  shrinkage: z.number(),
  ahtSeconds: z.number(),
  ahtSource: z.enum(['history', 'override', 'default']),
  concurrency: z.number(),
  concurrencySource: z.enum(['history', 'override', 'default', 'voice']),
  /** How the numbers are made; chat figures are an approximation (Erlang C assumes one contact per agent at a time). */
  notes: z.array(z.string()),
  /** Actual agents count every agent online or busy, whatever the channel: presence is not per channel. */
  intervals: z.array(StaffingInterval),
});

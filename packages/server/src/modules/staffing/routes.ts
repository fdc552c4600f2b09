import { ErrorBody, StaffingForecast, StaffingForecastQuery, WorkspaceParams } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { sendCsv } from '../../platform/http/csv.js';
import { memberOf } from '../auth/access.js';
import { staffingForecast } from './service.js';

const errors = { '4xx': ErrorBody };

const HEADER = [
  'interval_start',
  'local_time',
  'forecast_volume',
  'aht_seconds',
  'erlangs',
  'erlang_agents',
  'probability_of_waiting',
  'service_level',
  'asa_seconds',
  'required_agents',
  'scheduled_agents',
  'actual_agents',
];

export const staffingRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/staffing/forecast',
      {
        config: { access: 'staffing.read' },
        schema: {
          tags: ['supervision'],
          summary:
            'Forecast contacts, Erlang C agents required (with shrinkage; chat divided by concurrency, an approximation) and actual agents online, per 30-minute interval',
          params: WorkspaceParams,
          querystring: StaffingForecastQuery,
          response: { 200: StaffingForecast, ...errors },
        },
      },
      async (request) => staffingForecast(ctx.db, memberOf(request).workspaceId, request.query),
    );

    app.get(
      '/workspaces/:workspaceId/staffing/forecast.csv',
      {
        config: { access: 'staffing.read' },
        schema: {
          tags: ['supervision'],
          summary: 'The staffing forecast as CSV, one line per 30-minute interval',
          params: WorkspaceParams,
          querystring: StaffingForecastQuery,
          produces: ['text/csv'],
          response: { '4xx': ErrorBody },
        },
      },
      async (request, reply) => {
        const forecast = await staffingForecast(ctx.db, memberOf(request).workspaceId, request.query);
        async function* rows() {
          for (const item of forecast.intervals)
            yield [
              item.start,
              item.label,
              item.forecastVolume,
              item.ahtSeconds,
              item.erlangs,
              item.erlangAgents,
              item.probabilityOfWaiting,
              item.serviceLevel,
              item.asaSeconds,
              item.requiredAgents,
              item.scheduledAgents,
              item.actualAgents,
            ];
        }
        return sendCsv(reply, `staffing-${forecast.channel}-${forecast.date}.csv`, HEADER, rows());
      },
    );
  };

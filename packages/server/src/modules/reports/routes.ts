import { ErrorBody, METRIC_SETS, Report, ReportQuery, WorkspaceParams, type MetricSet } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { sendCsv } from '../../platform/http/csv.js';
import { memberOf } from '../auth/access.js';
import { runReport } from './query.js';

const errors = { '4xx': ErrorBody };

const SUMMARIES: Record<MetricSet, string> = {
  overview: 'Contact center overview: volume, speed, resolution, satisfaction, SLA, tickets',
  channels: 'The overview figures per channel',
  inboxes: 'The contact figures per inbox',
  teams: 'The contact figures per team',
  agents: 'The contact figures per agent, with occupancy',
  bot: 'Bot conversations, containment and hand-offs',
  sla: 'SLA targets achieved and breached, and compliance, per target kind',
  csat: 'Satisfaction: responses, % satisfied (4–5 of 5), average',
  'agent-activity': 'Time in each presence state, occupied time and occupancy per agent',
};

/** A report as CSV rows: per group, one line for the period and one per bucket. */
async function* csvRows(report: Report) {
  for (const row of report.rows) {
    yield [row.key, row.label, 'total', report.period.start, ...report.metrics.map((name) => row.totals[name])];
    if (row.previous)
      yield [row.key, row.label, 'previous', report.previousPeriod?.start, ...report.metrics.map((name) => row.previous![name])];
    for (const bucket of row.buckets)
      yield [row.key, row.label, bucket.label, bucket.start, ...report.metrics.map((name) => bucket.metrics[name])];
  }
}

/** `/reports/{metricSet}`: one route per metric set, each in the OpenAPI document with the same filters. */
export const reportRoutes = (ctx: AppContext, clock: () => Date = () => new Date()): FastifyPluginAsyncZod =>
  async function (app) {
    for (const metricSet of METRIC_SETS) {
      app.get(
        `/workspaces/:workspaceId/reports/${metricSet}`,
        {
          config: { access: 'reports.read' },
          schema: {
            tags: ['reports'],
            summary: `${SUMMARIES[metricSet]} (JSON, or CSV with Accept: text/csv or ?format=csv; definitions in docs/metrics.md)`,
            params: WorkspaceParams,
            querystring: ReportQuery,
            produces: ['application/json', 'text/csv'],
            response: { 200: Report, ...errors },
          },
        },
        async (request, reply) => {
          const { workspaceId } = memberOf(request);
          const report = await runReport(ctx.db, workspaceId, metricSet, request.query, clock());
          const csv = request.query.format === 'csv' || (!request.query.format && /\btext\/csv\b/.test(request.headers.accept ?? ''));
          if (!csv) return report;
          const name = `report-${metricSet}-${report.period.from}-${report.period.to}.csv`;
          return sendCsv(reply, name, ['group', 'group_label', 'bucket', 'bucket_start', ...report.metrics], csvRows(report));
        },
      );
    }
  };

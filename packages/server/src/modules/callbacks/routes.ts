import {
  AssignCallbackTaskRequest,
  CallbackAttemptRequest,
  CallbackSettings,
  CallbackTask,
  CallbackTaskQuery,
  CancelCallbackTaskRequest,
  CompleteCallbackTaskRequest,
  CreateCallbackTaskRequest,
  ErrorBody,
  PageQuery,
  TimelineItem,
  UpdateCallbackSettingsRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
  roleHas,
} from '@huiliu/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audited } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { getCustomer } from '../customers/service.js';
import {
  assignCallbackTask,
  callbackViews,
  closeCallbackTask,
  createCallbackTask,
  customerCallbackTasks,
  getCallbackTask,
  listCallbackTasks,
  publishCallbackChanged,
  recordAttempt,
  type CallbackTaskRow,
  type CallbackViewer,
} from './service.js';
import { loadCallbackSettings, updateCallbackSettings } from './settings.js';
import { randomUUID } from 'node:crypto';

const errors = { '4xx': ErrorBody };
const tags = ['callback-tasks'];

function viewerOf(request: FastifyRequest): CallbackViewer {
  const member = memberOf(request);
  return { workspaceId: member.workspaceId, userId: member.userId, readAll: roleHas(member.role, 'callbacks.read_all') };
}

const TIMELINE_CHANNEL = { phone: 'voice', sms: 'sms', email: 'email', wechat: 'wechat' } as const;

export const callbackRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/callback-tasks';
    const one = async (row: CallbackTaskRow) => (await callbackViews(ctx.db, [row], new Date()))[0]!;
    /** Writes in one transaction with the task's outbox event; every console hears of it after the commit. */
    const change = async (work: (tx: Parameters<Parameters<AppContext['db']['transaction']>[0]>[0]) => Promise<CallbackTaskRow>) => {
      const row = await ctx.db.transaction(work);
      publishCallbackChanged(ctx.realtime, [row]);
      return one(row);
    };

    app.get(
      base,
      {
        config: { access: 'callbacks.read' },
        schema: {
          tags,
          summary: 'Callback tasks (回访), soonest due first: mine, my teams’ unheld ones, or all I may see; by status, overdue, customer',
          params: WorkspaceParams,
          querystring: CallbackTaskQuery,
          response: { 200: page(CallbackTask), ...errors },
        },
      },
      async (request) => {
        const now = new Date();
        const result = await listCallbackTasks(ctx.db, viewerOf(request), request.query, now);
        return { items: await callbackViews(ctx.db, result.items, now), nextCursor: result.nextCursor };
      },
    );

    app.post(
      base,
      {
        config: { access: 'callbacks.manage' },
        schema: {
          tags,
          summary: 'Create a callback task by hand (source `agent`); without an assignee or team it is yours',
          params: WorkspaceParams,
          body: CreateCallbackTaskRequest,
          response: { 201: CallbackTask, ...errors },
        },
      },
      async (request, reply) => {
        const viewer = viewerOf(request);
        const body = request.body;
        const mine = body.assigneeId === undefined && body.teamId === undefined;
        const view = await change(async (tx) => {
          const { task } = await createCallbackTask(tx, {
            workspaceId: viewer.workspaceId,
            customerId: body.customerId,
            reason: body.reason,
            source: 'agent',
            // Each hand-made task is its own trigger.
            sourceItem: randomUUID(),
            conversationId: body.conversationId ?? null,
            ticketId: body.ticketId ?? null,
            assigneeId: mine ? viewer.userId : (body.assigneeId ?? null),
            teamId: body.teamId ?? null,
            channel: body.channel,
            ...(body.dueAt ? { dueAt: new Date(body.dueAt) } : {}),
            dueInMinutes: body.dueInMinutes ?? 60,
            createdById: viewer.userId,
            now: new Date(),
          });
          return task;
        });
        return reply.code(201).send(view);
      },
    );

    app.get(
      `/workspaces/:workspaceId/callback-settings`,
      {
        config: { access: 'callbacks.read' },
        schema: {
          tags,
          summary: 'Which events create callback tasks, and how many business minutes later each is due',
          params: WorkspaceParams,
          response: { 200: CallbackSettings, ...errors },
        },
      },
      async (request) => loadCallbackSettings(ctx.db, memberOf(request).workspaceId),
    );

    app.patch(
      `/workspaces/:workspaceId/callback-settings`,
      {
        config: { access: 'callbacks.configure' },
        schema: {
          tags,
          summary: 'Switch automatic callback triggers on or off, set their due minutes, calendar and team (only what is sent changes)',
          params: WorkspaceParams,
          body: UpdateCallbackSettingsRequest,
          response: { 200: CallbackSettings, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'callback_settings.update', targetType: 'workspace' }, async (tx) => {
          const before = await loadCallbackSettings(tx, workspaceId);
          const after = await updateCallbackSettings(tx, workspaceId, request.body);
          return { before: { id: workspaceId, ...before }, after: { id: workspaceId, ...after } };
        });
        const { id: _id, ...settings } = after;
        return settings;
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'callbacks.read' },
        schema: {
          tags,
          summary: 'One callback task with its attempts',
          params: WorkspaceEntityParams,
          response: { 200: CallbackTask, ...errors },
        },
      },
      async (request) => one(await getCallbackTask(ctx.db, viewerOf(request), request.params.id)),
    );

    app.patch(
      `${base}/:id/assignment`,
      {
        config: { access: 'callbacks.manage' },
        schema: {
          tags,
          summary: 'Give an open task to an agent and/or a team (null clears)',
          params: WorkspaceEntityParams,
          body: AssignCallbackTaskRequest,
          response: { 200: CallbackTask, ...errors },
        },
      },
      async (request) => change((tx) => assignCallbackTask(tx, viewerOf(request), request.params.id, request.body)),
    );

    app.post(
      `${base}/:id/attempts`,
      {
        config: { access: 'callbacks.manage' },
        schema: {
          tags,
          summary: 'Record a try to reach the customer: reached, not reached, or retry at a time (which becomes the due time)',
          params: WorkspaceEntityParams,
          body: CallbackAttemptRequest,
          response: { 201: CallbackTask, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await change((tx) => recordAttempt(tx, viewerOf(request), request.params.id, request.body, new Date()))),
    );

    app.post(
      `${base}/:id/complete`,
      {
        config: { access: 'callbacks.manage' },
        schema: {
          tags,
          summary: 'Close an open task as done, with an outcome note',
          params: WorkspaceEntityParams,
          body: CompleteCallbackTaskRequest,
          response: { 200: CallbackTask, ...errors },
        },
      },
      async (request) => change((tx) => closeCallbackTask(tx, viewerOf(request), request.params.id, 'done', request.body.note, new Date())),
    );

    app.post(
      `${base}/:id/cancel`,
      {
        config: { access: 'callbacks.manage' },
        schema: {
          tags,
          summary: 'Cancel an open task (no callback needed any more), with a note',
          params: WorkspaceEntityParams,
          body: CancelCallbackTaskRequest,
          response: { 200: CallbackTask, ...errors },
        },
      },
      async (request) =>
        change((tx) => closeCallbackTask(tx, viewerOf(request), request.params.id, 'cancelled', request.body.note, new Date())),
    );

    app.get(
      '/workspaces/:workspaceId/customers/:id/callback-tasks',
      {
        config: { access: 'callbacks.read' },
        schema: {
          tags,
          summary: "The customer's callback tasks for the customer 360 timeline, newest first (the ones you may see)",
          params: WorkspaceEntityParams,
          querystring: PageQuery.pick({ limit: true }),
          response: { 200: page(TimelineItem), ...errors },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        const customer = await getCustomer(ctx.db, viewer.workspaceId, request.params.id);
        const rows = await customerCallbackTasks(ctx.db, viewer, customer.id, request.query.limit);
        const views = await callbackViews(ctx.db, rows, new Date());
        return {
          items: views.map((task) => ({
            kind: 'callback' as const,
            id: task.id,
            number: null,
            channel: TIMELINE_CHANNEL[task.channel],
            inboxId: null,
            inboxName: null,
            state: task.status,
            subject: null,
            preview: task.reason.slice(0, 140),
            startedAt: task.createdAt,
            endedAt: task.closedAt,
            assigneeId: task.assigneeId,
            assigneeName: task.assigneeName,
            teamId: task.teamId,
            disposition: null,
          })),
          nextCursor: null,
        };
      },
    );
  };

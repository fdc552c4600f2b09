import {
  BusinessTimeAnswer,
  BusinessTimeQuery,
  Calendar,
  CreateCalendarRequest,
  ErrorBody,
  ImportHolidaysRequest,
  ImportHolidaysResult,
  NoContent,
  UpdateCalendarRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import { recalendarClocks } from '../sla/adjust.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audited } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { addBusinessMinutes, businessMinutesBetween, isOpenAt, nextOpeningAt } from './business-time.js';
import {
  businessCalendarOf,
  calendarView,
  createCalendar,
  deleteCalendar,
  getCalendar,
  importHolidays,
  listCalendars,
  updateCalendar,
} from './service.js';

const errors = { '4xx': ErrorBody };
const targetType = 'calendar';
const tags = ['calendars'];

export const calendarRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/calendars';

    app.get(
      base,
      {
        config: { access: 'calendars.read' },
        schema: {
          tags,
          summary: 'Business calendars (time zone, weekly hours, holidays), by name',
          params: WorkspaceParams,
          response: { 200: z.object({ items: z.array(Calendar) }), ...errors },
        },
      },
      async (request) => ({ items: (await listCalendars(ctx.db, memberOf(request).workspaceId)).map(calendarView) }),
    );

    app.post(
      base,
      {
        config: { access: 'calendars.manage' },
        schema: {
          tags,
          summary: 'Add a business calendar (name unique in the workspace)',
          params: WorkspaceParams,
          body: CreateCalendarRequest,
          response: { 201: Calendar, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'calendar.create', targetType }, async (tx) => ({
          after: calendarView(await createCalendar(tx, workspaceId, request.body)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'calendars.read' },
        schema: { tags, summary: 'One business calendar', params: WorkspaceEntityParams, response: { 200: Calendar, ...errors } },
      },
      async (request) => calendarView(await getCalendar(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'calendars.manage' },
        schema: {
          tags,
          summary: 'Change a calendar; due times computed from now on follow the new hours',
          params: WorkspaceEntityParams,
          body: UpdateCalendarRequest,
          response: { 200: Calendar, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'calendar.update', targetType }, async (tx) => {
          const before = await getCalendar(tx, workspaceId, request.params.id, { lock: true });
          const updated = await updateCalendar(tx, workspaceId, request.params.id, request.body);
          // Running SLA clocks on this calendar count their remaining time on the new hours.
          await recalendarClocks(tx, workspaceId, updated.id, businessCalendarOf(before), businessCalendarOf(updated), new Date());
          return { before: calendarView(before), after: calendarView(updated) };
        });
        return after;
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: { access: 'calendars.manage' },
        schema: { tags, summary: 'Delete a business calendar', params: WorkspaceEntityParams, response: { 204: NoContent, ...errors } },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        await audited(ctx.db, request, { action: 'calendar.delete', targetType }, async (tx) => ({
          before: calendarView(await deleteCalendar(tx, workspaceId, request.params.id)),
        }));
        return reply.code(204).send(null);
      },
    );

    app.post(
      `${base}/:id/holidays/import`,
      {
        config: { access: 'calendars.manage' },
        schema: {
          tags,
          summary: 'Import holidays from an iCalendar (.ics) file: all-day events, multi-day ranges and yearly dates',
          params: WorkspaceEntityParams,
          body: ImportHolidaysRequest,
          response: { 200: ImportHolidaysResult, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const result = await audited(ctx.db, request, { action: 'calendar.import_holidays', targetType }, async (tx) => {
          const before = await getCalendar(tx, workspaceId, request.params.id, { lock: true });
          const imported = await importHolidays(tx, workspaceId, request.params.id, request.body.ics, request.body.mode);
          // As for an edit: running SLA clocks on this calendar count what is left around the new holidays.
          await recalendarClocks(tx, workspaceId, before.id, businessCalendarOf(before), businessCalendarOf(imported.row), new Date());
          return { before: calendarView(before), after: calendarView(imported.row), imported };
        });
        return { imported: result.imported.imported, skipped: result.imported.skipped, calendar: result.after };
      },
    );

    app.get(
      `${base}/:id/business-time`,
      {
        config: { access: 'calendars.read' },
        schema: {
          tags,
          summary: 'Ask the calendar: from + N business minutes, or the business minutes between two instants',
          params: WorkspaceEntityParams,
          querystring: BusinessTimeQuery,
          response: { 200: BusinessTimeAnswer, ...errors },
        },
      },
      async (request) => {
        const calendar = businessCalendarOf(await getCalendar(ctx.db, memberOf(request).workspaceId, request.params.id));
        const from = request.query.from ? new Date(request.query.from) : new Date();
        const due = request.query.minutes === undefined ? null : addBusinessMinutes(calendar, from, request.query.minutes);
        const minutes = request.query.to === undefined ? null : businessMinutesBetween(calendar, from, new Date(request.query.to));
        return {
          from: from.toISOString(),
          due: due?.toISOString() ?? null,
          minutes,
          openNow: isOpenAt(calendar, from),
          nextOpening: nextOpeningAt(calendar, from)?.toISOString() ?? null,
        };
      },
    );
  };

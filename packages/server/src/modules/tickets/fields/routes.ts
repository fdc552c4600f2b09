import {
  ArchivedQuery,
  CreateTicketFieldRequest,
  CreateTicketFormRequest,
  ErrorBody,
  TicketField,
  TicketForm,
  UpdateTicketFieldRequest,
  UpdateTicketFormRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { audited } from '../../audit/service.js';
import { memberOf } from '../../auth/access.js';
import {
  createField,
  createForm,
  fieldView,
  formView,
  getField,
  getForm,
  listFields,
  listForms,
  updateField,
  updateForm,
} from './service.js';

const errors = { '4xx': ErrorBody };
const tags = ['tickets'];

/** Custom ticket fields and ticket forms: everyone reads them (to fill them in), admins define them. */
export const ticketFieldRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const fields = '/workspaces/:workspaceId/ticket-fields';
    const forms = '/workspaces/:workspaceId/ticket-forms';

    app.get(
      fields,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Custom ticket fields, oldest first (archived=false: the ones that take values)',
          params: WorkspaceParams,
          querystring: ArchivedQuery,
          response: { 200: z.object({ items: z.array(TicketField) }), ...errors },
        },
      },
      async (request) => ({
        items: (await listFields(ctx.db, memberOf(request).workspaceId, request.query.archived)).map(fieldView),
      }),
    );

    app.post(
      fields,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'Define a custom ticket field (key and type are fixed once created)',
          params: WorkspaceParams,
          body: CreateTicketFieldRequest,
          response: { 201: TicketField, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'ticket_field.create', targetType: 'ticket_field' }, async (tx) => ({
          after: fieldView(await createField(tx, workspaceId, request.body)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.get(
      `${fields}/:id`,
      {
        config: { access: 'tickets.read' },
        schema: { tags, summary: 'Read a custom ticket field', params: WorkspaceEntityParams, response: { 200: TicketField, ...errors } },
      },
      async (request) => fieldView(await getField(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${fields}/:id`,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'Relabel a field, change its options or pattern (only new writes are checked against them), archive or restore it',
          params: WorkspaceEntityParams,
          body: UpdateTicketFieldRequest,
          response: { 200: TicketField, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'ticket_field.update', targetType: 'ticket_field' }, async (tx) => {
          const change = await updateField(tx, workspaceId, request.params.id, request.body);
          return { before: fieldView(change.before), after: fieldView(change.after) };
        });
        return after;
      },
    );

    app.post(
      `${fields}/:id/archive`,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'Archive a field: tickets keep its values, shown as no longer defined; it takes no new values',
          params: WorkspaceEntityParams,
          response: { 200: TicketField, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'ticket_field.archive', targetType: 'ticket_field' }, async (tx) => {
          const change = await updateField(tx, workspaceId, request.params.id, { archived: true });
          return { before: fieldView(change.before), after: fieldView(change.after) };
        });
        return after;
      },
    );

    app.get(
      forms,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Ticket forms, oldest first (archived=false: the ones a new ticket can use)',
          params: WorkspaceParams,
          querystring: ArchivedQuery,
          response: { 200: z.object({ items: z.array(TicketForm) }), ...errors },
        },
      },
      async (request) => ({
        items: (await listForms(ctx.db, memberOf(request).workspaceId, request.query.archived)).map(formView),
      }),
    );

    app.post(
      forms,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'Create a ticket form: which fields, in which order, which of them required',
          params: WorkspaceParams,
          body: CreateTicketFormRequest,
          response: { 201: TicketForm, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'ticket_form.create', targetType: 'ticket_form' }, async (tx) => ({
          after: formView(await createForm(tx, workspaceId, request.body)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.get(
      `${forms}/:id`,
      {
        config: { access: 'tickets.read' },
        schema: { tags, summary: 'Read a ticket form', params: WorkspaceEntityParams, response: { 200: TicketForm, ...errors } },
      },
      async (request) => formView(await getForm(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${forms}/:id`,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'Rename a form, change its fields, order or required flags, archive or restore it',
          params: WorkspaceEntityParams,
          body: UpdateTicketFormRequest,
          response: { 200: TicketForm, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'ticket_form.update', targetType: 'ticket_form' }, async (tx) => {
          const change = await updateForm(tx, workspaceId, request.params.id, request.body);
          return { before: formView(change.before), after: formView(change.after) };
        });
        return after;
      },
    );

    app.post(
      `${forms}/:id/archive`,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'Archive a form: tickets on it keep it, new tickets cannot choose it',
          params: WorkspaceEntityParams,
          response: { 200: TicketForm, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'ticket_form.archive', targetType: 'ticket_form' }, async (tx) => {
          const change = await updateForm(tx, workspaceId, request.params.id, { archived: true });
          return { before: formView(change.before), after: formView(change.after) };
        });
        return after;
      },
    );
  };

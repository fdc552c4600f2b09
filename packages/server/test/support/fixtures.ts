import { randomBytes } from 'node:crypto';
import type { Role } from '@huiliu/contracts';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createTeam, addTeamMember } from '../../src/modules/teams/service.js';
import { addMembership, createUser } from '../../src/modules/users/service.js';
import { createWorkspace } from '../../src/modules/workspaces/service.js';
import type { Database } from '../../src/platform/db/pool.js';
import { HttpClient } from './http.js';
import { receiveInbound } from '../../src/modules/conversations/inbound.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { listUnanswered, recordUnanswered } from '../../src/modules/knowledge/learning.js';
import { emailFailedImports, emailMessages } from '../../src/channels/email/schema.js';

export const PASSWORD = 'correct horse battery';

export interface WorkspaceFixture {
  workspaceId: string;
  slug: string;
  users: Record<Role, { id: string; email: string }>;
  teamId: string;
  /** Logged-in clients, one per role. */
  clients: Record<Role, HttpClient>;
  /** API-token clients, one per role. */
  tokenClients: Record<Role, HttpClient>;
  /** Every id this workspace owns, by kind (workspace, team, users, tokens, invite, inbox, customer, conversation, message, file, ticket…): for isolation tests. */
  ids: Record<string, string>;
}

let hashed: Promise<string> | undefined;

/** A workspace with an admin, a supervisor and an agent (logged in), a team, an invite and tokens. */
export async function createWorkspaceFixture(
  db: Database,
  baseUrl: string,
  label = randomBytes(4).toString('hex'),
): Promise<WorkspaceFixture> {
  hashed ??= hashPassword(PASSWORD);
  const passwordHash = await hashed;
  const workspace = await createWorkspace(db, { name: `测试工作区 ${label}`, slug: `ws-${label}` });
  const team = await createTeam(db, workspace.id, { name: '售后服务', description: '' });
  const users = {} as WorkspaceFixture['users'];
  for (const role of ['admin', 'supervisor', 'agent'] as const) {
    const user = await createUser(db, { email: `${role}-${label}@example.test`, name: `${role} ${label}`, passwordHash });
    await addMembership(db, { workspaceId: workspace.id, userId: user.id, role });
    users[role] = { id: user.id, email: user.email };
  }
  await addTeamMember(db, workspace.id, team.id, users.agent.id);

  const clients = {} as WorkspaceFixture['clients'];
  for (const role of ['admin', 'supervisor', 'agent'] as const) {
    clients[role] = new HttpClient(baseUrl);
    await clients[role].login(users[role].email, PASSWORD);
  }
  const tokenClients = {} as WorkspaceFixture['tokenClients'];
  const ids: Record<string, string> = {
    workspace: workspace.id,
    team: team.id,
    admin: users.admin.id,
    supervisor: users.supervisor.id,
    agent: users.agent.id,
  };
  for (const role of ['admin', 'supervisor', 'agent'] as const) {
    const created = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/api-tokens`, { name: `${role} token`, role });
    if (created.status !== 201) throw new Error(`token creation failed: ${JSON.stringify(created.body)}`);
    tokenClients[role] = new HttpClient(baseUrl).withToken(created.body.token);
    ids[`token_${role}`] = created.body.id;
  }
  const invite = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/invites`, {
    email: `invitee-${label}@example.test`,
    role: 'agent',
  });
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`);
  ids.invite = invite.body.id;

  const inbox = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/inboxes`, {
    kind: 'widget',
    name: `官网 ${label}`,
    defaultTeamId: team.id,
  });
  if (inbox.status !== 201) throw new Error(`inbox failed: ${JSON.stringify(inbox.body)}`);
  ids.inbox = inbox.body.id;
  const inboxRow = await getInbox(db, workspace.id, inbox.body.id);
  const first = await receiveInbound(db, {
    inbox: inboxRow,
    identity: { kind: 'email', value: `customer-${label}@example.test` },
    idempotencyKey: `fixture-${label}`,
    text: '你好，我的订单还没发货',
    senderName: `顾客 ${label}`,
  });
  ids.customer = first.conversation.customerId;
  ids.conversation = first.conversation.id;
  ids.message = first.message.id;
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4 fixture')], { type: 'application/pdf' }), '发票.pdf');
  const upload = await fetch(`${baseUrl}/api/v1/workspaces/${workspace.id}/files`, {
    method: 'POST',
    headers: { cookie: clients.admin.cookie! },
    body: form,
  });
  if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
  ids.file = ((await upload.json()) as { id: string }).id;
  const rule = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/routing-rules`, {
    name: 'VIP 专线',
    conditions: { tiers: ['vip'] },
    priority: 'high',
  });
  if (rule.status !== 201) throw new Error(`routing rule failed: ${JSON.stringify(rule.body)}`);
  ids.routingRule = rule.body.id;
  const canned = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/canned-responses`, {
    shortcut: 'hi',
    title: '问候',
    text: '{{customer.name}}您好，我是{{agent.name}}',
    teamId: team.id,
  });
  if (canned.status !== 201) throw new Error(`canned response failed: ${JSON.stringify(canned.body)}`);
  ids.cannedResponse = canned.body.id;
  const disposition = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/disposition-codes`, { code: '已解答', label: '已解答' });
  if (disposition.status !== 201) throw new Error(`disposition code failed: ${JSON.stringify(disposition.body)}`);
  ids.dispositionCode = disposition.body.id;
  const calendar = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/calendars`, {
    name: `工作日 ${label}`,
    timezone: 'Asia/Shanghai',
    weekly: {
      mon: [['09:00', '18:00']],
      tue: [['09:00', '18:00']],
      wed: [['09:00', '18:00']],
      thu: [['09:00', '18:00']],
      fri: [['09:00', '18:00']],
    },
  });
  if (calendar.status !== 201) throw new Error(`calendar failed: ${JSON.stringify(calendar.body)}`);
  ids.calendar = calendar.body.id;
  const kb = `/api/v1/workspaces/${workspace.id}/knowledge`;
  const category = await clients.admin.post(`${kb}/categories`, { name: `售后 ${label}` });
  if (category.status !== 201) throw new Error(`category failed: ${JSON.stringify(category.body)}`);
  ids.kbCategory = category.body.id;
  const article = await clients.admin.post(`${kb}/articles`, { title: '退货政策', body: '七天无理由', categoryId: category.body.id });
  if (article.status !== 201) throw new Error(`article failed: ${JSON.stringify(article.body)}`);
  ids.kbArticle = article.body.id;
  const faq = await clients.admin.post(`${kb}/faqs`, {
    question: '怎么退货',
    similarQuestions: ['我想退货'],
    answer: '七天无理由退货',
    categoryId: category.body.id,
  });
  if (faq.status !== 201) throw new Error(`faq failed: ${JSON.stringify(faq.body)}`);
  ids.kbFaq = faq.body.id;
  await recordUnanswered(db, workspace.id, `火星能发货吗 ${label}`, 'unanswered');
  ids.kbUnanswered = (await listUnanswered(db, workspace.id, { status: 'open', limit: 1 }))[0]!.id;
  const emailInbox = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/inboxes`, {
    kind: 'email',
    name: `客服邮箱 ${label}`,
    settings: {
      smtp: { host: '127.0.0.1', port: 25, security: 'none', fromAddress: `support-${label}@example.test`, password: 'smtp-secret' },
    },
  });
  if (emailInbox.status !== 201) throw new Error(`email inbox failed: ${JSON.stringify(emailInbox.body)}`);
  const emailInboxRow = await getInbox(db, workspace.id, emailInbox.body.id);
  // The email side of the fixture message (an email's details live beside its message).
  await db.insert(emailMessages).values({
    workspaceId: workspace.id,
    inboxId: emailInboxRow.id,
    conversationId: first.conversation.id,
    messageId: first.message.id,
    direction: 'in',
    headerMessageId: `fixture-${label}@example.test`,
    subject: '发票',
    fromAddress: `customer-${label}@example.test`,
  });
  const [failedImport] = await db
    .insert(emailFailedImports)
    .values({
      workspaceId: workspace.id,
      inboxId: emailInboxRow.id,
      source: 'smtp',
      reason: 'missing or invalid From address',
      size: 10,
      rawHash: `fixture-${label}`,
      rawStorageKey: `${workspace.id}/email/missing`,
    })
    .returning();
  ids.failedImport = failedImport!.id;
  // A WeChat inbox, so the generated route tests walk its routes with a real id of each workspace.
  const wechat = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/wechat-inboxes`, {
    kind: 'wechat',
    name: `公众号 ${label}`,
    appId: 'wx5823bf96d3bd56c7',
    appSecret: 'fixture-app-secret',
    token: 'fixtureToken',
    encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    mode: 'safe',
  });
  if (wechat.status !== 201) throw new Error(`wechat inbox failed: ${JSON.stringify(wechat.body)}`);
  ids.wechatInbox = wechat.body.inbox.id;
  // A ticket (no conversation: the fixture conversation's timeline stays as other tests expect it).
  const ticket = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/tickets`, {
    subject: `发票抬头开错了 ${label}`,
    requesterId: ids.customer,
    teamId: team.id,
  });
  if (ticket.status !== 201) throw new Error(`ticket failed: ${JSON.stringify(ticket.body)}`);
  ids.ticket = ticket.body.id;
  const field = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/ticket-fields`, {
    key: 'order_no',
    type: 'text',
    label: { 'zh-CN': '订单号', en: 'Order number' },
  });
  if (field.status !== 201) throw new Error(`ticket field failed: ${JSON.stringify(field.body)}`);
  ids.ticketField = field.body.id;
  const ticketForm = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/ticket-forms`, {
    name: '退换货',
    fields: [{ fieldId: field.body.id, required: true }],
  });
  if (ticketForm.status !== 201) throw new Error(`ticket form failed: ${JSON.stringify(ticketForm.body)}`);
  ids.ticketForm = ticketForm.body.id;
  const automation = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/automations`, {
    name: `VIP 加急 ${label}`,
    enabled: false,
    trigger: { type: 'ticket.created' },
    actions: [{ kind: 'set_priority', priority: 'high' }],
  });
  if (automation.status !== 201) throw new Error(`automation failed: ${JSON.stringify(automation.body)}`);
  ids.automation = automation.body.id;
  const view = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/views`, {
    name: '未分配的紧急工单',
    shared: true,
    filter: { assignee: ['none'], priority: ['urgent'] },
  });
  if (view.status !== 201) throw new Error(`ticket view failed: ${JSON.stringify(view.body)}`);
  ids.ticketView = view.body.id;
  const macro = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/macros`, {
    name: '转售后技术组',
    shared: true,
    actions: [
      { type: 'team', teamId: team.id },
      { type: 'tags_add', tags: ['售后'] },
    ],
  });
  if (macro.status !== 201) throw new Error(`macro failed: ${JSON.stringify(macro.body)}`);
  ids.macro = macro.body.id;
  const callback = await clients.admin.post(`/api/v1/workspaces/${workspace.id}/callback-tasks`, {
    customerId: ids.customer,
    reason: '物流问题未解决，电话回访',
    teamId: team.id,
    dueInMinutes: 60,
  });
  if (callback.status !== 201) throw new Error(`callback task failed: ${JSON.stringify(callback.body)}`);
  ids.callbackTask = callback.body.id;
  return { workspaceId: workspace.id, slug: workspace.slug, users, teamId: team.id, clients, tokenClients, ids };
}

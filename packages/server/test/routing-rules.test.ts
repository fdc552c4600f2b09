import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { ruleMatches } from '../src/modules/routing/rules.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('rule conditions', () => {
  const facts = { channel: 'widget', inboxId: 'i1', tier: 'vip', tags: ['老客户'], language: 'en-US', topic: '售后' };
  it('every listed condition must hold; a list matches any of its values', () => {
    expect(ruleMatches({}, facts)).toBe(true);
    expect(ruleMatches({ channels: ['email', 'widget'], tiers: ['vip'] }, facts)).toBe(true);
    expect(ruleMatches({ channels: ['email'] }, facts)).toBe(false);
    expect(ruleMatches({ tagsAny: ['投诉', '老客户'] }, facts)).toBe(true);
    expect(ruleMatches({ tagsAny: ['投诉'] }, facts)).toBe(false);
    expect(ruleMatches({ languages: ['en'] }, facts)).toBe(true);
    expect(ruleMatches({ languages: ['zh'] }, facts)).toBe(false);
    expect(ruleMatches({ topics: ['售后'], tiers: ['normal'] }, facts)).toBe(false);
    expect(ruleMatches({ languages: ['en'] }, { ...facts, language: undefined })).toBe(false);
  });
});

describe('routing rules pick team and priority for new conversations, first match wins', () => {
  let server: TestServer;
  let ws: WorkspaceFixture;
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'rules');
  });
  afterAll(() => server?.stop());

  it('language, topic and tier route to the right team with the right priority', async () => {
    const english = (await ws.clients.admin.post(api('/teams'), { name: 'English desk' })).body.id;
    const afterSales = (await ws.clients.admin.post(api('/teams'), { name: '售后二组' })).body.id;
    // The fixture's rule (position 100): VIP → high priority, no team change.
    expect(
      (
        await ws.clients.supervisor.post(api('/routing-rules'), {
          name: '英文',
          position: 10,
          conditions: { languages: ['en'] },
          teamId: english,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await ws.clients.supervisor.post(api('/routing-rules'), {
          name: '售后咨询',
          position: 20,
          conditions: { topics: ['售后'] },
          teamId: afterSales,
          priority: 'urgent',
        })
      ).status,
    ).toBe(201);
    expect((await ws.clients.agent.get(api('/routing-rules'))).status).toBe(403);
    expect((await ws.clients.admin.post(api('/routing-rules'), { name: '空规则' })).status).toBe(400);

    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const arrive = (phone: string, extra: Record<string, unknown>) =>
      receiveInbound(server.ctx.db, {
        inbox,
        identity: { kind: 'phone', value: phone },
        idempotencyKey: randomUUID(),
        text: '你好',
        ...extra,
      });

    const en = await arrive('+15550001', { context: { language: 'en-GB' }, preChat: { topic: '售后' } });
    expect(en.conversation).toMatchObject({ teamId: english, priority: 'normal' });
    const sales = await arrive('+15550002', { context: { language: 'zh-CN' }, preChat: { topic: '售后' } });
    expect(sales.conversation).toMatchObject({ teamId: afterSales, priority: 'urgent' });
    const plain = await arrive('+15550003', { context: { language: 'zh-CN' } });
    expect(plain.conversation).toMatchObject({ teamId: ws.teamId, priority: 'normal' });

    // A VIP customer matches the fixture's rule on their next conversation.
    await ws.clients.admin.patch(api(`/customers/${plain.conversation.customerId}`), { tier: 'vip' });
    await ws.clients.admin.post(api(`/conversations/${plain.conversation.id}/resolve`), {});
    const vip = await arrive('+15550003', { context: { language: 'zh-CN' } });
    expect(vip.conversation).toMatchObject({ teamId: ws.teamId, priority: 'high' });
    expect(vip.conversation.queuePriority).toBe(120);

    const timeline = await ws.clients.admin.get(api('/audit-log?action=routing_rule.create'));
    expect(timeline.body.items.length).toBeGreaterThanOrEqual(3);
  });
});

import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SLUG } from '../src/demo/seed.js';
import { firstWidgetInbox } from '../src/modules/inboxes/service.js';
import { workspaces } from '../src/modules/workspaces/schema.js';
import { emitAck, startVisitor } from './support/chat.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ HUILIU_DEMO: 'true' });
});
afterAll(() => server?.stop());

describe('the demo shop', () => {
  it('has a Chinese FAQ knowledge base and the bot on its widget', async () => {
    const [demo] = await server.ctx.db.select().from(workspaces).where(eq(workspaces.slug, DEMO_SLUG));
    const inbox = await firstWidgetInbox(server.ctx.db, demo!.id);
    const visitor = await startVisitor(server.url, inbox!.publicKey);
    try {
      const ack = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '退款多久能到账' });
      expect(ack.ok).toBe(true);
      const bot = () => visitor.inbox.of('message', (p) => p.message.senderType === 'bot').map((p) => p.message);
      await visitor.inbox.waitFor('message', () => bot().length >= 3);
      const [greeting, answer, vote] = bot();
      expect(greeting.text).toContain('小流');
      expect(greeting.payload.options.map((o: { label: string }) => o.label)).toContain('怎么申请退货？');
      expect(answer.text).toContain('工作日');
      expect(vote.payload.type).toBe('vote');
    } finally {
      visitor.socket.close();
    }
    const help = await fetch(`${server.url}/help/${DEMO_SLUG}`);
    expect(help.status).toBe(200);
    expect(await help.text()).toContain('退货政策');
  });
});

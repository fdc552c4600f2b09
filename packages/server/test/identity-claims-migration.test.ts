import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/platform/db/migrate.js';
import { databaseBeforeMigration, type DatabaseBeforeMigration } from './support/migrations.js';

/**
 * The identity-claims migration on a database from before it: what the channels proved becomes
 * a proven identity, what a visitor typed becomes a claim — including an address typed before
 * its owner's first mail was (wrongly) filed under the visitor.
 */
describe('migration: identities before claims existed', () => {
  let client: pg.Client;
  let old: DatabaseBeforeMigration | undefined;

  beforeAll(async () => {
    old = await databaseBeforeMigration('_identity_claims');
    ({ client } = old);
  }, 120_000);
  afterAll(async () => {
    await old?.close();
  });

  it('backfills verified_via and turns typed addresses into claims', async () => {
    const one = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await client.query<T>(text, values)).rows[0]!;
    const { id: ws } = await one<{ id: string }>(`insert into workspaces (name, slug) values ('迁移', 'migrate') returning id`);
    const inbox = async (kind: string) =>
      (
        await one<{ id: string }>(
          `insert into inboxes (workspace_id, kind, name, secret, public_key) values ($1, $2, $2, 's', $3) returning id`,
          [ws, kind, `k-${kind}`],
        )
      ).id;
    const widget = await inbox('widget');
    const email = await inbox('email');
    const customer = async () => (await one<{ id: string }>(`insert into customers (workspace_id) values ($1) returning id`, [ws])).id;
    const identity = (customerId: string, kind: string, value: string, verified = false, at = 'now()') =>
      client.query(
        `insert into customer_identities (workspace_id, customer_id, kind, value, verified, created_at) values ($1, $2, $3, $4, $5, ${at})`,
        [ws, customerId, kind, value, verified],
      );
    /** An inbound mail from `from` on the customer's conversation, stored at `at`. */
    const mail = async (customerId: string, from: string, at: string) => {
      const { id: conversation } = await one<{ id: string }>(
        `insert into conversations (workspace_id, inbox_id, state, customer_id, channel) values ($1, $2, 'queued', $3, 'email') returning id`,
        [ws, email, customerId],
      );
      const { id: message } = await one<{ id: string }>(
        `insert into messages (workspace_id, conversation_id, seq, kind, sender_type) values ($1, $2, 1, 'in', 'customer') returning id`,
        [ws, conversation],
      );
      await client.query(
        `insert into email_messages (workspace_id, inbox_id, conversation_id, message_id, direction, header_message_id, from_address, created_at)
         values ($1, $2, $3, $4, 'in', $5, $6, ${at})`,
        [ws, email, conversation, message, `${message}@example.com`, from],
      );
    };

    // A visitor who typed the victim's address; the victim's mail came later and was filed under them.
    const claimant = await customer();
    await identity(claimant, 'visitor', 'v_abc');
    await identity(claimant, 'email', 'victim@example.com', false, `now() - interval '1 day'`);
    await identity(claimant, 'phone', '+8613800138000');
    await mail(claimant, 'victim@example.com', 'now()');
    // A customer made by their own mail (identity and mail in one transaction).
    const mailer = await customer();
    await client.query('begin');
    await identity(mailer, 'email', 'sender@example.com');
    await mail(mailer, 'sender@example.com', 'now()');
    await client.query('commit');
    // A signed-in member whose site passed an unsigned profile email.
    const member = await customer();
    await identity(member, 'external', 'member-1', true);
    await identity(member, 'email', 'member@example.com');
    // WeChat and WeCom followers.
    const follower = await customer();
    await identity(follower, 'wechat_openid', 'o-123');
    await identity(follower, 'wechat_unionid', 'u-123');
    await identity(follower, 'external', 'wecom:corp:ext-1');
    void widget;

    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });

    const identities = (
      await client.query<{ customer_id: string; kind: string; value: string; verified: boolean; verified_via: string | null }>(
        'select customer_id, kind, value, verified, verified_via from customer_identities order by kind, value',
      )
    ).rows;
    const view = (id: string) =>
      identities
        .filter((row) => row.customer_id === id)
        .map(({ kind, value, verified, verified_via }) => [kind, value, verified, verified_via]);
    expect(view(claimant)).toEqual([['visitor', 'v_abc', true, 'channel']]);
    expect(view(mailer)).toEqual([['email', 'sender@example.com', true, 'channel']]);
    expect(view(member)).toEqual([['external', 'member-1', true, 'hmac']]);
    expect(view(follower)).toEqual([
      ['external', 'wecom:corp:ext-1', true, 'channel'],
      ['wechat_openid', 'o-123', true, 'channel'],
      ['wechat_unionid', 'u-123', true, 'channel'],
    ]);
    const claims = (
      await client.query<{ customer_id: string; kind: string; value: string; source: string }>(
        'select customer_id, kind, value, source from customer_identity_claims order by value',
      )
    ).rows.map(({ customer_id, kind, value, source }) => [customer_id, kind, value, source]);
    expect(claims).toEqual([
      [claimant, 'phone', '+8613800138000', 'pre_chat'],
      [member, 'email', 'member@example.com', 'host_profile'],
      [claimant, 'email', 'victim@example.com', 'pre_chat'],
    ]);
  });
});

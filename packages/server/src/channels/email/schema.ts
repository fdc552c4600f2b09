import { bigint, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations, messages } from '../../modules/conversations/schema.js';
import { inboxes } from '../../modules/inboxes/schema.js';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../../modules/workspaces/schema.js';

/**
 * Every email Huiliu received or sent, by its Message-ID: threading looks replies up here, and
 * the console shows the email side of a message (subject, CC, sanitised HTML, quoted history).
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    /** The Message-ID header, without angle brackets. */
    headerMessageId: text('header_message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    references: text('references').array().notNull().default([]),
    subject: text('subject').notNull().default(''),
    fromAddress: text('from_address'),
    toAddresses: text('to_addresses').array().notNull().default([]),
    ccAddresses: text('cc_addresses').array().notNull().default([]),
    html: text('html'),
    quotedText: text('quoted_text').notNull().default(''),
    autoSubmitted: boolean('auto_submitted').notNull().default(false),
    /** The original message in file storage (inbound), downloadable as .eml. */
    rawStorageKey: text('raw_storage_key'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('email_messages_header_unique').on(table.workspaceId, table.inboxId, table.headerMessageId),
    uniqueIndex('email_messages_message_unique').on(table.messageId),
    index('email_messages_conversation_idx').on(table.conversationId, table.createdAt),
    index('email_messages_sender_idx').on(table.workspaceId, table.fromAddress, table.createdAt),
  ],
);

/** How far an inbox's IMAP mailbox has been imported: a restart neither re-imports nor skips. */
export const emailMailboxState = pgTable(
  'email_mailbox_state',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    mailbox: text('mailbox').notNull(),
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    lastUid: bigint('last_uid', { mode: 'number' }).notNull().default(0),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('email_mailbox_state_unique').on(table.inboxId, table.mailbox)],
);

/** Inbound mail that could not be imported (malformed, no sender, too large), kept raw with the reason. */
export const emailFailedImports = pgTable(
  'email_failed_imports',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    /** Where it came from: `imap:<mailbox>:<uid>` or `smtp`. */
    source: text('source').notNull(),
    reason: text('reason').notNull(),
    subject: text('subject'),
    fromAddress: text('from_address'),
    size: integer('size').notNull(),
    /** SHA-256 of the raw bytes: the same message failing twice is stored once. */
    rawHash: text('raw_hash').notNull(),
    rawStorageKey: text('raw_storage_key').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('email_failed_imports_raw_unique').on(table.inboxId, table.rawHash)],
);

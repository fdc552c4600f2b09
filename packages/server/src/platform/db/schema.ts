// Every module's tables, gathered for drizzle-kit and the typed client. Each module owns its own.
export * from '../../modules/workspaces/schema.js';
export * from '../../modules/users/schema.js';
export * from '../../modules/teams/schema.js';
export * from '../../modules/auth/schema.js';
export * from '../../modules/audit/schema.js';
export * from '../../modules/customers/schema.js';
export * from '../../modules/inboxes/schema.js';
export * from '../../modules/conversations/schema.js';
export * from '../../modules/files/schema.js';
export * from '../../channels/widget/schema.js';
export * from '../outbox/schema.js';
export * from '../../modules/routing/schema.js';
export * from '../../channels/email/schema.js';

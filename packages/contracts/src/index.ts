export * from './common.js';
export * from './permissions.js';
export * from './auth.js';
export * from './workspaces.js';
export * from './customers.js';
export * from './conversations.js';
export * from './inboxes.js';
export * from './widget.js';

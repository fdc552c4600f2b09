export * from './common.js';
export * from './permissions.js';
export * from './auth.js';
export * from './workspaces.js';

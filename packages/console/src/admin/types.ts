import type { ApiToken, AuditEntry, CreatedApiToken, CreatedInvite, Invite, RoutingRule, Workspace } from '@huiliu/contracts';
import type { z } from 'zod';

export type WorkspaceView = z.infer<typeof Workspace>;
export type InviteView = z.infer<typeof Invite>;
export type CreatedInviteView = z.infer<typeof CreatedInvite>;
export type ApiTokenView = z.infer<typeof ApiToken>;
export type CreatedApiTokenView = z.infer<typeof CreatedApiToken>;
export type AuditEntryView = z.infer<typeof AuditEntry>;
export type RoutingRuleView = z.infer<typeof RoutingRule>;
export type ChannelKind = 'widget' | 'email' | 'sms' | 'wechat' | 'wecom' | 'api' | 'voice';
export const CHANNELS: ChannelKind[] = ['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice'];
export const ROLES = ['admin', 'supervisor', 'agent'] as const;

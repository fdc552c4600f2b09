import { z } from 'zod';
import { Email, Id, Locale, Timestamp } from './common.js';
import { Role } from './permissions.js';

export const WorkspaceParams = z.object({ workspaceId: Id });
export const WorkspaceEntityParams = z.object({ workspaceId: Id, id: Id });

export const IanaTimezone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone such as Asia/Shanghai');

const CapacityChannel = z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice']);
const QueueWeightKey = z.enum(['vip', 'urgent', 'high', 'normal', 'low']);

export const PresenceOnLogin = z.enum(['remember', 'offline']);

/** Settings the console and routing read; every one has a default. */
export const WorkspaceSettings = z.object({
  /** Answered within this many seconds of starting to wait counts toward the service level (teams may override). */
  serviceLevelTargetSeconds: z.number().int(),
  /** Open conversations an agent takes at once, per channel (agents may have overrides). */
  defaultCapacities: z.record(CapacityChannel, z.number().int()),
  /** Queue order: a conversation's weight is its customer's tier weight plus its priority's; higher waits less. */
  queueWeights: z.record(QueueWeightKey, z.number().int()),
  /** At login an agent gets back the status they last chose ('remember'), or starts offline ('offline'). */
  presenceOnLogin: PresenceOnLogin,
  /** How long an agent may be without a console connection before going offline; null: the server's PRESENCE_GRACE_SECONDS. */
  presenceGraceSeconds: z.number().int().nullable(),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettings>;

export const DEFAULT_WORKSPACE_SETTINGS: WorkspaceSettings = {
  serviceLevelTargetSeconds: 60,
  defaultCapacities: { widget: 5, email: 20, sms: 5, wechat: 5, wecom: 5, api: 5, voice: 1 },
  // A VIP waits less than anyone normal; priority breaks ties before wait time.
  queueWeights: { vip: 100, urgent: 30, high: 20, normal: 10, low: 0 },
  presenceOnLogin: 'remember',
  presenceGraceSeconds: null,
};

export const Workspace = z.object({
  id: Id,
  name: z.string(),
  slug: z.string(),
  timezone: z.string(),
  locale: Locale,
  settings: WorkspaceSettings,
  createdAt: Timestamp,
});

export const Slug = z
  .string()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and hyphens, e.g. acme-support');

export const CreateWorkspaceRequest = z.object({
  name: z.string().trim().min(1).max(100),
  slug: Slug,
  timezone: IanaTimezone.default('Asia/Shanghai'),
  locale: Locale.default('zh-CN'),
});

export const UpdateWorkspaceRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    timezone: IanaTimezone,
    locale: Locale,
    serviceLevelTargetSeconds: z.number().int().min(1).max(86_400),
    /** Only the channels named change. */
    defaultCapacities: z.partialRecord(CapacityChannel, z.number().int().min(0).max(100)),
    /** Only the weights named change; they apply to conversations queued from then on. */
    queueWeights: z.partialRecord(QueueWeightKey, z.number().int().min(0).max(1000)),
    presenceOnLogin: PresenceOnLogin,
    /** null goes back to the server's default. */
    presenceGraceSeconds: z.number().int().min(5).max(86_400).nullable(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const Member = z.object({
  userId: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  active: z.boolean(),
  teamIds: z.array(Id),
  joinedAt: Timestamp,
});

export const UpdateMemberRequest = z
  .object({ role: Role, active: z.boolean() })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const CreateInviteRequest = z.object({
  email: Email,
  role: Role,
  teamIds: z.array(Id).max(50).default([]),
});

export const Invite = z.object({
  id: Id,
  email: z.string(),
  role: Role,
  teamIds: z.array(Id),
  expiresAt: Timestamp,
  acceptedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

export const CreatedInvite = Invite.extend({
  /** The one-time link; shown only in this response. */
  url: z.string(),
  emailed: z.boolean(),
});

export const PasswordResetLink = z.object({ url: z.string(), expiresAt: Timestamp });

export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time such as 09:00');

export const BusinessHours = z.object({
  timezone: IanaTimezone,
  weekly: z.partialRecord(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), z.array(z.tuple([ClockTime, ClockTime])).max(6)),
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01'))
    .max(366)
    .default([]),
});

export const RoutingAlgorithm = z.enum(['least_busy', 'longest_idle', 'round_robin', 'skills_first', 'manual']);

export const Team = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  algorithm: RoutingAlgorithm,
  overflowTeamId: Id.nullable(),
  overflowAfterSeconds: z.number().int().nullable(),
  stickyHours: z.number().int(),
  /** The team's hours as before calendars: its calendar's zone, weekly hours and one-off holiday dates (null: always open). */
  businessHours: BusinessHours.nullable(),
  /** The business calendar the team's hours come from (holidays included); null: always open. */
  calendarId: Id.nullable(),
  /** Service-level target of this team; null: the workspace default. */
  serviceLevelTargetSeconds: z.number().int().nullable(),
  memberIds: z.array(Id),
  members: z.array(z.object({ userId: Id, proficiency: z.number().int() })),
  createdAt: Timestamp,
});

export const CreateTeamRequest = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).default(''),
  /** A business calendar of the workspace for the team's hours; left out: always open. */
  calendarId: Id.nullable().optional(),
});

export const UpdateTeamRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000),
    algorithm: RoutingAlgorithm,
    /** Let this team's agents also take conversations after overflowAfterSeconds (null: no overflow). */
    overflowTeamId: Id.nullable(),
    overflowAfterSeconds: z.number().int().min(0).max(86_400).nullable(),
    /** Send a returning customer to their last agent within this many hours (0: off). */
    stickyHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 90),
    /**
     * Writes the team's calendar (one is made, "<team> 营业时间", if it has none): zone, weekly
     * hours and its one-off holiday dates; the calendar's yearly dates and ranges are kept.
     * null: always open (the team leaves its calendar, which stays).
     */
    businessHours: BusinessHours.nullable(),
    /** The business calendar for the team's hours (shared with SLAs and other teams); null: always open. */
    calendarId: Id.nullable(),
    /** null: use the workspace's default target. */
    serviceLevelTargetSeconds: z.number().int().min(1).max(86_400).nullable(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const TeamMemberParams = z.object({ workspaceId: Id, id: Id, userId: Id });

export const TeamMemberRequest = z.object({ proficiency: z.number().int().min(1).max(5).default(3) }).default({ proficiency: 3 });

export const PresenceStatus = z.enum(['online', 'busy', 'away', 'offline']);

export const SetPresenceRequest = z.object({ status: PresenceStatus });

export const AgentPresence = z.object({ userId: Id, status: PresenceStatus, statusSince: Timestamp, lastAssignedAt: Timestamp.nullable() });

export const SetCapacityRequest = z.object({
  channel: z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice']),
  capacity: z.number().int().min(0).max(100),
});

export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  role: Role,
  prefix: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});

export const CreateApiTokenRequest = z.object({
  name: z.string().trim().min(1).max(100),
  role: Role,
});

export const CreatedApiToken = ApiToken.extend({
  /** The secret; shown only in this response, stored hashed. */
  token: z.string(),
});

export const AuditEntry = z.object({
  id: Id,
  actorUserId: Id.nullable(),
  actorTokenId: Id.nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  ip: z.string().nullable(),
  createdAt: Timestamp,
});

export const AuditQuery = z.object({
  action: z.string().max(100).optional(),
  targetType: z.string().max(100).optional(),
});

export const RoutingConditions = z
  .object({
    channels: z.array(z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice'])).max(7),
    inboxIds: z.array(Id).max(50),
    tiers: z.array(z.enum(['normal', 'vip'])).max(2),
    tagsAny: z.array(z.string().min(1).max(50)).max(50),
    languages: z.array(z.string().min(2).max(35)).max(20),
    topics: z.array(z.string().min(1).max(50)).max(50),
    /** Set when the bot hands off: the detected FAQ id, its category id or category name. */
    intents: z.array(z.string().min(1).max(100)).max(50),
  })
  .partial();

export const RoutingRule = z.object({
  id: Id,
  position: z.number().int(),
  name: z.string(),
  enabled: z.boolean(),
  conditions: RoutingConditions,
  teamId: Id.nullable(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable(),
  createdAt: Timestamp,
});

export const CreateRoutingRuleRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    position: z.number().int().min(0).max(10_000).default(100),
    enabled: z.boolean().default(true),
    conditions: RoutingConditions.default({}),
    teamId: Id.nullable().default(null),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable().default(null),
  })
  .refine((rule) => rule.teamId || rule.priority, 'a rule must set a team, a priority, or both');

export const UpdateRoutingRuleRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    position: z.number().int().min(0).max(10_000),
    enabled: z.boolean(),
    conditions: RoutingConditions,
    teamId: Id.nullable(),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

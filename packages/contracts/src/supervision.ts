import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { ChannelKind } from './conversations.js';
import { Role } from './permissions.js';
import { PresenceStatus } from './workspaces.js';

/** The numbers of one team (or of the whole workspace) on the wallboard. */
export const WallboardStats = z.object({
  /** Conversations waiting for an agent now. */
  waiting: z.number().int(),
  /** How long the longest-waiting of them has waited, in seconds (0 when none waits). */
  longestWaitSeconds: z.number().int(),
  agents: z.object({ online: z.number().int(), busy: z.number().int(), away: z.number().int(), offline: z.number().int() }),
  /** Conversations assigned to an agent and not resolved. */
  inProgress: z.number().int(),
  /** Conversations that started waiting for an agent today. */
  offered: z.number().int(),
  /** Conversations given to an agent today (their first assignment today). */
  answered: z.number().int(),
  /** …of which within the service-level target after they started waiting. */
  answeredWithinTarget: z.number().int(),
  /** Conversations whose customer left before an agent took them, today. */
  abandoned: z.number().int(),
  /** answeredWithinTarget ÷ offered, 0–1; null when nothing was offered today. */
  serviceLevel: z.number().nullable(),
});

export const Wallboard = z.object({
  generatedAt: Timestamp,
  /** The workspace time zone "today" is counted in, and when today began. */
  timezone: z.string(),
  dayStartedAt: Timestamp,
  serviceLevelTargetSeconds: z.number().int(),
  overall: WallboardStats,
  teams: z.array(WallboardStats.extend({ teamId: Id, name: z.string(), serviceLevelTargetSeconds: z.number().int() })),
});

export const AgentLoad = z.object({
  channel: ChannelKind,
  /** Open (assigned or waiting-on-customer) conversations of this channel. */
  active: z.number().int(),
  capacity: z.number().int(),
});

export const AgentState = z.object({
  userId: Id,
  name: z.string(),
  email: z.string(),
  role: Role,
  teamIds: z.array(Id),
  status: PresenceStatus,
  statusSince: Timestamp.nullable(),
  /** Seconds in the current presence state (null: never set, so offline since joining). */
  secondsInStatus: z.number().int().nullable(),
  lastAssignedAt: Timestamp.nullable(),
  activeConversations: z.number().int(),
  load: z.array(AgentLoad),
});

export const AgentStateQuery = z.object({ teamId: Id.optional().describe('Only this team’s members') });

/** Real-time (namespace `/agent`, supervisors and admins): the wallboard's numbers changed; fetch them again. Throttled to one a second per workspace. */
export const WallboardChangedEvent = z.object({ workspaceId: Id, at: Timestamp });

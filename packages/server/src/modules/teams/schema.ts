import { index, integer, jsonb, pgTable, primaryKey, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId } from '../../platform/db/columns.js';
import { calendars } from '../calendars/schema.js';
import type { BusinessHours } from '../routing/business-hours.js';
import { userIdColumn } from '../users/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

export const teams = pgTable(
  'teams',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** How queued conversations of this team are given to its agents. */
    algorithm: text('algorithm', { enum: ['least_busy', 'longest_idle', 'round_robin', 'skills_first', 'manual'] })
      .notNull()
      .default('least_busy'),
    /** Round robin's position: the member who got the last conversation. */
    roundRobinLastUserId: uuid('round_robin_last_user_id'),
    /** After waiting this long, a conversation may also go to the overflow team's agents. */
    overflowTeamId: uuid('overflow_team_id'),
    overflowAfterSeconds: integer('overflow_after_seconds'),
    /** A returning customer goes to their last agent within this many hours (熟人服务); 0 turns it off. */
    stickyHours: integer('sticky_hours').notNull().default(72),
    /**
     * Opening hours from before calendars; no longer read (migrated onto `calendar_id`), kept
     * so that the change stays additive.
     */
    businessHours: jsonb('business_hours').$type<BusinessHours>(),
    /** The business calendar of the team's hours (closed-hours reply, widget offline state); null: always open. */
    calendarId: uuid('calendar_id').references(() => calendars.id, { onDelete: 'restrict' }),
    /** Service-level target in seconds for the wallboard; null: the workspace default. */
    serviceLevelTargetSeconds: integer('service_level_target_seconds'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('teams_workspace_name_unique').on(table.workspaceId, table.name)],
);

export const teamMembers = pgTable(
  'team_members',
  {
    workspaceId: workspaceIdColumn(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: userIdColumn(),
    /** Skill level in this team, 1–5: the skills-first algorithm prefers higher. */
    proficiency: smallint('proficiency').notNull().default(3),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.userId] }), index('team_members_user_idx').on(table.workspaceId, table.userId)],
);

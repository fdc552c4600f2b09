import { z } from 'zod';
import { Email, Id, Locale, Password, Timestamp } from './common.js';
import { Role } from './permissions.js';

export const LoginRequest = z.object({
  email: Email,
  password: z.string().min(1).max(256),
});

export const Membership = z.object({
  workspaceId: Id,
  workspaceName: z.string(),
  workspaceSlug: z.string(),
  role: Role,
});

/** Per-user console settings, stored on the server so they follow the user between browsers. */
export const UserPreferences = z.object({
  notifications: z.object({
    /** Browser (desktop) notifications. */
    desktop: z.boolean(),
    /** A sound with each notification. */
    sound: z.boolean(),
    /** Notify when a conversation is assigned to me. */
    onAssignment: z.boolean(),
    /** Notify when a customer writes in one of my conversations. */
    onCustomerMessage: z.boolean(),
  }),
  /** Enter sends and Shift+Enter makes a new line (false: Ctrl/⌘+Enter sends). */
  enterToSend: z.boolean(),
});
export type UserPreferences = z.infer<typeof UserPreferences>;

export const DEFAULT_USER_PREFERENCES: UserPreferences = {
  notifications: { desktop: true, sound: true, onAssignment: true, onCustomerMessage: true },
  enterToSend: true,
};

/** A change to some preferences; the others keep their values. Unknown keys are refused. */
export const UserPreferencesUpdate = z
  .strictObject({
    notifications: z
      .strictObject({ desktop: z.boolean(), sound: z.boolean(), onAssignment: z.boolean(), onCustomerMessage: z.boolean() })
      .partial(),
    enterToSend: z.boolean(),
  })
  .partial();

export const CurrentUser = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  locale: Locale,
  preferences: UserPreferences,
  memberships: z.array(Membership),
});
export type CurrentUser = z.infer<typeof CurrentUser>;

export const SessionResponse = z.object({
  user: CurrentUser,
  /** The API-token workspace when authenticated by token, otherwise null. */
  tokenWorkspaceId: Id.nullable(),
});

export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: Password,
});

export const PasswordResetRequest = z.object({ email: Email });

export const PasswordResetConfirm = z.object({
  token: z.string().min(10).max(200),
  newPassword: Password,
});

export const UpdateProfileRequest = z
  .object({ name: z.string().trim().min(1).max(100), locale: Locale, preferences: UserPreferencesUpdate })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const InviteInfo = z.object({
  email: z.string(),
  role: Role,
  workspaceName: z.string(),
  expiresAt: Timestamp,
});

/** For a new account the password must meet the policy; for an existing one it is that account's password, whatever its age. */
export const AcceptInviteRequest = z.object({
  name: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(256),
});

export const TokenParams = z.object({ token: z.string().min(10).max(200) });

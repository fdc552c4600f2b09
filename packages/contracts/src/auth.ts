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

export const CurrentUser = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  locale: Locale,
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
  .object({ name: z.string().trim().min(1).max(100), locale: Locale })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const InviteInfo = z.object({
  email: z.string(),
  role: Role,
  workspaceName: z.string(),
  expiresAt: Timestamp,
});

export const AcceptInviteRequest = z.object({
  name: z.string().trim().min(1).max(100),
  password: Password,
});

export const TokenParams = z.object({ token: z.string().min(10).max(200) });

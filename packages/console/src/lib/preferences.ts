import type { UserPreferences } from '@huiliu/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, type CurrentUser, type SessionResponse } from './api';
import { useMe } from './session';

// The server's defaults (contracts' DEFAULT_USER_PREFERENCES), repeated so the bundle does not pull in zod.
const DEFAULTS: UserPreferences = {
  notifications: { desktop: true, sound: true, onAssignment: true, onCustomerMessage: true },
  enterToSend: true,
};

type PreferencesChange = { notifications?: Partial<UserPreferences['notifications']>; enterToSend?: boolean };

/** The logged-in user's console settings, kept on the server (`/auth/me`) so they follow them between browsers. */
export function usePreferences(): UserPreferences {
  const me = useMe();
  return me.data?.preferences ?? DEFAULTS;
}

/**
 * Saves a change at once in the cached user (the switch moves without waiting) and on the
 * server; on failure the server's answer is fetched back and the error is passed on.
 */
export function useSavePreferences(): (change: PreferencesChange) => Promise<void> {
  const client = useQueryClient();
  return useCallback(
    async (change) => {
      client.setQueryData<CurrentUser | null>(['me'], (user) =>
        user
          ? {
              ...user,
              preferences: {
                ...user.preferences,
                ...(change.enterToSend === undefined ? {} : { enterToSend: change.enterToSend }),
                notifications: { ...user.preferences.notifications, ...change.notifications },
              },
            }
          : user,
      );
      try {
        const answer = await api.patch<SessionResponse>('/auth/me', { preferences: change });
        client.setQueryData(['me'], answer.user);
      } catch (error) {
        void client.invalidateQueries({ queryKey: ['me'] });
        throw error;
      }
    },
    [client],
  );
}

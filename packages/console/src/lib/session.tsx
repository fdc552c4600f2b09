import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { ApiError, api, type CurrentUser, type Role, type SessionResponse } from './api';

export interface Session {
  user: CurrentUser;
  workspaceId: string;
  workspaceName: string;
  role: Role;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a logged-in page');
  return session;
}

export const SessionProvider = SessionContext.Provider;

const WORKSPACE_KEY = 'huiliu.workspace';

export function chooseWorkspace(user: CurrentUser): Session | null {
  const wanted = localStorage.getItem(WORKSPACE_KEY);
  const membership = user.memberships.find((m) => m.workspaceId === wanted) ?? user.memberships[0];
  if (!membership) return null;
  return { user, workspaceId: membership.workspaceId, workspaceName: membership.workspaceName, role: membership.role };
}

export function rememberWorkspace(workspaceId: string): void {
  localStorage.setItem(WORKSPACE_KEY, workspaceId);
}

/** The logged-in user, or null when nobody is logged in (401). */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return (await api.get<SessionResponse>('/auth/me')).user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Infinity,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}

export function useSetMe() {
  const client = useQueryClient();
  return (user: CurrentUser | null) => client.setQueryData(['me'], user);
}

export function SessionBoundary({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionProvider value={session}>{children}</SessionProvider>;
}

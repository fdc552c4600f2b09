import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { getAll, type InboxView, type MemberView, type TeamView } from './api';
import { useSession } from './session';

/** The workspace's people, teams and inboxes: short lists, read once and kept. */
export function useMembers() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ['members', workspaceId],
    queryFn: () => getAll<MemberView>(`/workspaces/${workspaceId}/members`),
    staleTime: 5 * 60_000,
  });
}

export function useTeams() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ['teams', workspaceId],
    queryFn: () => getAll<TeamView>(`/workspaces/${workspaceId}/teams`),
    staleTime: 5 * 60_000,
  });
}

export function useInboxes() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ['inboxes', workspaceId],
    queryFn: () => getAll<InboxView>(`/workspaces/${workspaceId}/inboxes`),
    staleTime: 5 * 60_000,
  });
}

export function useMemberName(): (id: string | null | undefined) => string | null {
  const members = useMembers();
  return (id) => (id ? (members.data?.find((member) => member.userId === id)?.name ?? null) : null);
}

/** Re-renders every `ms` so that waiting times move on. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

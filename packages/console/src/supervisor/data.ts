import type { AgentState, Wallboard } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../lib/api';
import { useSession } from '../lib/session';

export type WallboardView = z.infer<typeof Wallboard>;
export type WallboardStatsView = WallboardView['overall'];
export type AgentStateView = z.infer<typeof AgentState>;

export const supervisorKeys = {
  wallboard: (workspaceId: string) => ['wallboard', workspaceId] as const,
  agents: (workspaceId: string) => ['agent-states', workspaceId] as const,
};

/** Roles that see the wallboard (the server's `wallboard.read`). */
export const canSupervise = (role: string) => role === 'admin' || role === 'supervisor';

/*
 * Both are refetched when the server says `wallboard:changed` (see SupervisorPage); the slow
 * interval only backs that up, e.g. for today's figures after midnight.
 */
export function useWallboard() {
  const { workspaceId, role } = useSession();
  return useQuery({
    enabled: canSupervise(role),
    queryKey: supervisorKeys.wallboard(workspaceId),
    queryFn: () => api.get<WallboardView>(`/workspaces/${workspaceId}/wallboard`),
    staleTime: 0,
    refetchInterval: 60_000,
  });
}

export function useAgentStates() {
  const { workspaceId, role } = useSession();
  return useQuery({
    enabled: canSupervise(role),
    queryKey: supervisorKeys.agents(workspaceId),
    queryFn: async () => (await api.get<{ items: AgentStateView[] }>(`/workspaces/${workspaceId}/agents`)).items,
    staleTime: 0,
    refetchInterval: 60_000,
  });
}

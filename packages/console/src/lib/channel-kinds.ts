import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import type { Conversation } from './api';
import { useSession } from './session';

export type ChannelKind = Conversation['channel'];

/** The channel kinds this server has a connector for: the console offers only these. */
export function useChannelKinds() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ['channel-kinds', workspaceId],
    queryFn: () => api.get<{ items: ChannelKind[] }>(`/workspaces/${workspaceId}/channel-kinds`).then((result) => result.items),
    staleTime: Infinity,
  });
}

import type { SlaChangedEvent, Ticket, TicketDetail } from '@huiliu/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { io } from 'socket.io-client';
import { api, type Page } from '../lib/api';
import { useSession } from '../lib/session';

export type { Ticket, TicketDetail };
export type TicketStatus = Ticket['status'];
export const STATUSES: TicketStatus[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const PRIORITIES: Ticket['priority'][] = ['low', 'normal', 'high', 'urgent'];
export const STATUS_COLORS: Record<TicketStatus, string> = {
  new: 'gold',
  open: 'red',
  pending: 'blue',
  on_hold: 'default',
  solved: 'green',
  closed: 'default',
};

export const ticketKeys = {
  all: (workspaceId: string) => ['tickets', workspaceId] as const,
  list: (workspaceId: string, filter: Record<string, string | undefined>) => ['tickets', workspaceId, 'list', filter] as const,
  detail: (workspaceId: string, id: string) => ['tickets', workspaceId, 'detail', id] as const,
};

export function useTicket(id: string) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ticketKeys.detail(workspaceId, id),
    queryFn: () => api.get<TicketDetail>(`/workspaces/${workspaceId}/tickets/${id}`),
  });
}

export function useTicketList(filter: Record<string, string | undefined>) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ticketKeys.list(workspaceId, filter),
    queryFn: () => api.get<Page<Ticket>>(`/workspaces/${workspaceId}/tickets`, { ...filter, limit: 100 }),
  });
}

/**
 * `ticket:changed` and `sla:changed` carry ids only (who may see what is the API's decision): refetch what is
 * on screen. Its own socket, so the tickets pages stay live outside the inbox too.
 */
export function useTicketUpdates() {
  const { workspaceId } = useSession();
  const client = useQueryClient();
  useEffect(() => {
    const socket = io('/agent', { withCredentials: true, transports: ['websocket', 'polling'] });
    const refresh = () => void client.invalidateQueries({ queryKey: ticketKeys.all(workspaceId) });
    socket.on('ticket:changed', refresh);
    // Events sent while the socket was down are lost: every (re)connection refetches what is shown.
    socket.on('connect', refresh);
    // A warning or a breach from the SLA sweep: the badges (lists, the ticket's clocks) refetch.
    socket.on('sla:changed', (event: SlaChangedEvent) => {
      if (event.subjectType === 'ticket') refresh();
    });
    return () => {
      socket.close();
    };
  }, [client, workspaceId]);
}

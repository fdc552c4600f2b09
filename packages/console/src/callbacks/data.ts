import type { CallbackChannel, CallbackTask } from '@huiliu/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { io } from 'socket.io-client';
import { useSession } from '../lib/session';

export type { CallbackTask };
export const CHANNELS: CallbackChannel[] = ['phone', 'sms', 'email', 'wechat'];
/** Within this long of its due time an open task is highlighted as due soon. */
export const DUE_SOON_MS = 60 * 60_000;

export const callbackKeys = {
  all: (workspaceId: string) => ['callbacks', workspaceId] as const,
  customer: (workspaceId: string, customerId: string) => ['callbacks', workspaceId, 'customer', customerId] as const,
};

/** `callback:changed` carries ids only (who may see what is the API's call): every callback query refetches. */
export function useCallbackUpdates() {
  const { workspaceId } = useSession();
  const client = useQueryClient();
  useEffect(() => {
    const socket = io('/agent', { withCredentials: true, transports: ['websocket', 'polling'] });
    const refresh = () => void client.invalidateQueries({ queryKey: callbackKeys.all(workspaceId) });
    socket.on('callback:changed', refresh);
    // Events sent while the socket was down are lost: a (re)connection refetches.
    socket.on('connect', refresh);
    return () => {
      socket.close();
    };
  }, [client, workspaceId]);
}

export function dueState(task: Pick<CallbackTask, 'status' | 'dueAt' | 'overdue'>, now: number): 'overdue' | 'soon' | null {
  if (task.status !== 'open') return null;
  if (task.overdue || new Date(task.dueAt).getTime() < now) return 'overdue';
  return new Date(task.dueAt).getTime() - now < DUE_SOON_MS ? 'soon' : null;
}

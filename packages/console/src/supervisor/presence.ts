import type { PresenceStatus } from '../lib/api';

export const PRESENCES: PresenceStatus[] = ['online', 'busy', 'away', 'offline'];

/** The same colours as the header's presence switch. */
export const PRESENCE_COLORS: Record<PresenceStatus, string> = { online: '#52c41a', busy: '#fa541c', away: '#faad14', offline: '#bfbfbf' };

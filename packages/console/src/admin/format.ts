import dayjs from 'dayjs';

/** Admin tables show full dates: an audit entry from last year must not read like today's. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—';
}

import type { TicketNotification } from '@huiliu/contracts';
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Dropdown, Empty, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { io } from 'socket.io-client';
import { useSession } from '../lib/session';

const KEEP = 30;
type Entry = TicketNotification & { read: boolean };

/**
 * The header bell: tickets assigned to me and customers replying on my tickets, live from my
 * own room (`ticket:notification`). The list lives in this tab's session storage, so a reload
 * keeps it; what happened while no tab was open the tickets list ("mine") shows anyway.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const navigate = useNavigate();
  const storageKey = `huiliu.ticketNotifications.${user.id}.${workspaceId}`;
  const [entries, setEntries] = useState<Entry[]>(() => {
    try {
      return JSON.parse(sessionStorage.getItem(storageKey) ?? '[]') as Entry[];
    } catch {
      return [];
    }
  });
  useEffect(() => {
    sessionStorage.setItem(storageKey, JSON.stringify(entries));
  }, [entries, storageKey]);
  useEffect(() => {
    const socket = io('/agent', { withCredentials: true, transports: ['websocket', 'polling'] });
    socket.on('ticket:notification', (notification: TicketNotification) => {
      if (notification.workspaceId !== workspaceId) return;
      setEntries((old) => [{ ...notification, read: false }, ...old].slice(0, KEEP));
    });
    return () => {
      socket.close();
    };
  }, [workspaceId]);
  const unread = entries.filter((entry) => !entry.read).length;
  return (
    <Dropdown
      trigger={['click']}
      onOpenChange={(open) => {
        if (!open) setEntries((old) => old.map((entry) => ({ ...entry, read: true })));
      }}
      popupRender={() => (
        <div
          data-testid="notification-list"
          style={{
            background: 'white',
            borderRadius: 8,
            boxShadow: '0 6px 16px rgba(0,0,0,0.12)',
            width: 320,
            maxHeight: 420,
            overflow: 'auto',
          }}
        >
          {entries.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ticketLinks.notifications.empty')} style={{ padding: 16 }} />
          ) : (
            entries.map((entry, index) => (
              <div
                key={`${entry.ticketId}-${entry.at}-${index}`}
                role="link"
                tabIndex={0}
                data-testid="notification"
                onClick={() => void navigate(`/tickets/${entry.ticketId}`)}
                onKeyDown={(event) => event.key === 'Enter' && void navigate(`/tickets/${entry.ticketId}`)}
                style={{
                  padding: '8px 12px',
                  cursor: 'pointer',
                  background: entry.read ? undefined : '#e6f4ff',
                  borderBottom: '1px solid #f0f0f0',
                }}
              >
                <div>{t(`ticketLinks.notifications.${entry.kind}`, { number: entry.number })}</div>
                <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, display: 'block' }}>
                  {entry.subject} · {new Date(entry.at).toLocaleTimeString()}
                </Typography.Text>
              </div>
            ))
          )}
        </div>
      )}
    >
      <Button type="text" aria-label={t('ticketLinks.notifications.title')} data-testid="notification-bell" style={{ color: 'white' }}>
        <Badge count={unread} size="small" offset={[4, -2]}>
          <BellOutlined style={{ color: 'white', fontSize: 16 }} />
        </Badge>
      </Button>
    </Dropdown>
  );
}

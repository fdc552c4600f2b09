import { InboxOutlined, LogoutOutlined, QuestionCircleOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Dropdown, Layout, Modal, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { pagesFor } from '../admin/pages';
import { LanguageSwitch } from '../pages/AuthLayout';
import { ConsoleNav } from './ConsoleNav';
import { HeaderMenu } from './HeaderMenu';
import { useIsPhone } from './responsive';
import { api, type PresenceStatus, type PresenceView, type SessionResponse } from '../lib/api';
import { errorText } from '../lib/errors';
import { liveStatus } from '../lib/live';
import { usePreferences } from '../lib/preferences';
import { useSession } from '../lib/session';
import { useStore } from '../lib/store';
import { PreferencesPopover } from '../settings/PreferencesPopover';
import { NotificationBell } from '../tickets/NotificationBell';

const PRESENCE_COLORS: Record<PresenceStatus, string> = { online: '#52c41a', busy: '#fa541c', away: '#faad14', offline: '#bfbfbf' };

function PresenceSwitch() {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const presence = useQuery({
    queryKey: ['presence', workspaceId],
    queryFn: () => api.get<{ items: PresenceView[] }>(`/workspaces/${workspaceId}/presence`),
    refetchInterval: 60_000,
  });
  const mine = presence.data?.items.find((item) => item.userId === user.id)?.status ?? 'offline';
  const change = useMutation({
    mutationFn: (status: PresenceStatus) => api.put<PresenceView>(`/workspaces/${workspaceId}/presence/me`, { status }),
    // A periodic refetch still in flight was read before this change: its answer would land
    // after ours and show the old status until the next refetch, a minute later.
    onMutate: () => client.cancelQueries({ queryKey: ['presence', workspaceId] }),
    onSuccess: (row) => {
      client.setQueryData<{ items: PresenceView[] }>(['presence', workspaceId], (old) => ({
        items: [...(old?.items.filter((item) => item.userId !== row.userId) ?? []), row],
      }));
      void message.success(t('presence.changed', { status: t(`presence.${row.status}`) }));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  return (
    <span data-testid="presence" data-status={mine}>
      <Select<PresenceStatus>
        aria-label={t('header.presence')}
        value={mine}
        loading={presence.isPending || change.isPending}
        onChange={(status) => change.mutate(status)}
        style={{ width: 120 }}
        options={(['online', 'busy', 'away', 'offline'] as const).map((status) => ({
          value: status,
          label: (
            <Space size={6}>
              <Badge color={PRESENCE_COLORS[status]} />
              {t(`presence.${status}`)}
            </Space>
          ),
        }))}
      />
    </span>
  );
}

export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { enterToSend } = usePreferences();
  const rows: [string, string][] = [
    ['j', t('shortcuts.next')],
    ['k', t('shortcuts.prev')],
    ['Enter', t('shortcuts.open')],
    ['r', t('shortcuts.reply')],
    [enterToSend ? 'Enter' : 'Ctrl/⌘ + Enter', t('shortcuts.send')],
    [enterToSend ? 'Shift + Enter' : 'Enter', t('shortcuts.newline')],
    ['/', t('composerAssist.slashShortcut')],
    ['?', t('shortcuts.help')],
  ];
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('shortcuts.title')}>
      <table style={{ width: '100%' }}>
        <tbody>
          {rows.map(([key, what], index) => (
            <tr key={index}>
              <td style={{ padding: 4, width: 140 }}>
                <Tag>{key}</Tag>
              </td>
              <td style={{ padding: 4 }}>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

/** `area`: the inbox links to the admin area (for roles that have admin pages), the admin area back to the inbox. */
export function Header({ area = 'inbox' }: { area?: 'inbox' | 'admin' }) {
  const { t } = useTranslation();
  const session = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const live = useStore(liveStatus);
  const [help, setHelp] = useState(false);
  const phone = useIsPhone();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== '?' || !target || target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      setHelp(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const logout = async () => {
    await api.post('/auth/logout').catch(() => undefined);
    client.clear();
    client.setQueryData(['me'], null);
    void navigate('/login', { replace: true });
  };

  return (
    <Layout.Header
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: phone ? 8 : 12,
        padding: phone ? '0 8px' : '0 16px',
        height: 52,
        lineHeight: '52px',
        background: '#001529',
      }}
    >
      <Typography.Text strong style={{ color: 'white', fontSize: 18 }}>
        {t('app.name')}
      </Typography.Text>
      {!phone && (
        <Typography.Text style={{ color: 'rgba(255,255,255,0.85)' }} data-testid="workspace-name">
          {session.workspaceName}
        </Typography.Text>
      )}
      {area === 'inbox' && (
        <Tag color={live === 'live' ? 'green' : 'orange'} style={{ marginInlineStart: 4 }}>
          {live === 'live' ? t('inbox.live') : t('inbox.offline')}
        </Tag>
      )}
      {!phone && <ConsoleNav />}
      <div style={{ flex: 1 }} />
      {phone && <PresenceSwitch />}
      <HeaderMenu>
        {phone && <ConsoleNav />}
        {area === 'admin' ? (
          <Link to="/inbox">
            <Button type="text" icon={<InboxOutlined />} style={{ color: 'white' }} data-testid="nav-inbox">
              {t('admin.toInbox')}
            </Button>
          </Link>
        ) : (
          pagesFor(session.role).length > 0 && (
            <Link to="/admin">
              <Button type="text" icon={<SettingOutlined />} style={{ color: 'white' }} data-testid="nav-admin">
                {t('admin.title')}
              </Button>
            </Link>
          )
        )}
        {!phone && <PresenceSwitch />}
        <LanguageSwitch
          onChange={(locale) => {
            api
              .patch<SessionResponse>('/auth/me', { locale })
              .then((answer) => client.setQueryData(['me'], answer.user))
              .catch((error: unknown) => void message.error(errorText(t, error)));
          }}
        />
        <NotificationBell />
        <PreferencesPopover />
        <Tooltip title={t('header.shortcuts')}>
          <Button
            type="text"
            aria-label={t('header.shortcuts')}
            icon={<QuestionCircleOutlined />}
            style={{ color: 'white' }}
            onClick={() => setHelp(true)}
          />
        </Tooltip>
        <Dropdown
          menu={{
            items: [
              { key: 'role', label: `${session.user.email} · ${t(`roles.${session.role}`)}`, disabled: true },
              { type: 'divider' },
              { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout'), onClick: () => void logout() },
            ],
          }}
        >
          <Button type="text" icon={<UserOutlined />} style={{ color: 'white' }} data-testid="user-menu">
            {session.user.name}
          </Button>
        </Dropdown>
      </HeaderMenu>
      <ShortcutsHelp open={help} onClose={() => setHelp(false)} />
    </Layout.Header>
  );
}

import { Badge, Progress, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../lib/api';
import { ChannelIcon } from '../lib/channel';
import { useNow, useTeams } from '../lib/directory';
import { duration } from '../lib/format';
import type { AgentStateView } from './data';
import { PRESENCE_COLORS, PRESENCES } from './presence';

/**
 * Every member with their presence, how long they have been in it (ticking), and their load
 * against capacity on each channel the workspace uses.
 */
export function AgentTable({
  agents,
  loading,
  fetchedAt,
  channels,
}: {
  agents: AgentStateView[];
  loading: boolean;
  fetchedAt: number;
  channels: Conversation['channel'][];
}) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const teams = useTeams();
  const teamName = (id: string) => teams.data?.find((team) => team.id === id)?.name ?? '';
  return (
    <Table<AgentStateView>
      size="small"
      rowKey="userId"
      loading={loading}
      dataSource={agents}
      pagination={{ pageSize: 8, hideOnSinglePage: true, size: 'small' }}
      scroll={{ x: 'max-content' }}
      onRow={(row) => ({ 'data-testid': 'agent-row', 'data-user-id': row.userId, 'data-status': row.status }) as object}
      columns={[
        {
          title: t('supervisor.agent'),
          key: 'name',
          render: (_, row) => (
            <span>
              <Typography.Text strong>{row.name}</Typography.Text>
              {row.role !== 'agent' && (
                <Tag style={{ marginInlineStart: 6 }} bordered={false}>
                  {t(`roles.${row.role}`)}
                </Tag>
              )}
            </span>
          ),
        },
        {
          title: t('supervisor.teams'),
          key: 'teams',
          render: (_, row) =>
            row.teamIds.length === 0 ? (
              <Typography.Text type="secondary">—</Typography.Text>
            ) : (
              row.teamIds.map((id) => (
                <Tag key={id} bordered={false} style={{ marginBottom: 2 }}>
                  {teamName(id)}
                </Tag>
              ))
            ),
        },
        {
          title: t('supervisor.presence'),
          key: 'status',
          width: 100,
          sorter: (a, b) => PRESENCES.indexOf(a.status) - PRESENCES.indexOf(b.status),
          render: (_, row) => <Badge color={PRESENCE_COLORS[row.status]} text={t(`presence.${row.status}`)} />,
        },
        {
          title: t('supervisor.inState'),
          key: 'since',
          width: 110,
          render: (_, row) =>
            row.secondsInStatus === null ? (
              <Typography.Text type="secondary">—</Typography.Text>
            ) : (
              <span data-testid="time-in-state">{duration(t, row.secondsInStatus * 1000 + Math.max(0, now - fetchedAt))}</span>
            ),
        },
        ...channels.map((channel) => ({
          title: (
            <span>
              <ChannelIcon channel={channel} /> {t(`channels.${channel}`)}
            </span>
          ),
          key: `load-${channel}`,
          width: 130,
          render: (_: unknown, row: AgentStateView) => {
            const load = row.load.find((item) => item.channel === channel);
            if (!load) return null;
            const full = load.capacity > 0 && load.active >= load.capacity;
            return (
              <Tooltip title={t('supervisor.loadOf', { active: load.active, capacity: load.capacity })}>
                <div data-testid={`load-${channel}`} data-active={load.active} data-capacity={load.capacity}>
                  <Progress
                    size="small"
                    percent={load.capacity > 0 ? Math.round((load.active / load.capacity) * 100) : 0}
                    status={full ? 'exception' : 'normal'}
                    format={() => `${load.active}/${load.capacity}`}
                  />
                </div>
              </Tooltip>
            );
          },
        })),
        {
          title: t('supervisor.total'),
          key: 'active',
          width: 70,
          align: 'right' as const,
          render: (_, row) => <span data-testid="agent-active">{row.activeConversations}</span>,
        },
      ]}
    />
  );
}

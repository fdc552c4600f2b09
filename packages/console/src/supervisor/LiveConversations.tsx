import { EyeOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Select, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Conversation, type Page } from '../lib/api';
import { ChannelIcon, STATE_COLORS } from '../lib/channel';
import { useMembers, useNow, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { duration } from '../lib/format';
import { keys } from '../lib/live';
import { useSession } from '../lib/session';
import type { AgentStateView } from './data';
import { PRESENCE_COLORS } from './presence';
import { customerTitle, previewOf } from '../lib/customer-title';

const LIVE_STATES = ['queued', 'assigned', 'waiting'] as const;

export const liveConversationsKey = (workspaceId: string) => ['supervisor-conversations', workspaceId] as const;

/** What is going on now: waiting conversations first (longest wait on top), then those in progress. */
export function useLiveConversations(teamId: string | null) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: [...liveConversationsKey(workspaceId), teamId],
    queryFn: async () => {
      const lists = await Promise.all(
        LIVE_STATES.map((state) => api.get<Page<Conversation>>(`/workspaces/${workspaceId}/conversations`, { state, teamId, limit: 100 })),
      );
      const [queued, ...rest] = lists.map((list) => list.items);
      return [...(queued ?? []).reverse(), ...rest.flat()];
    },
    staleTime: 0,
  });
}

export function LiveConversations({
  teamId,
  agents,
  onView,
}: {
  teamId: string | null;
  agents: AgentStateView[];
  onView: (conversationId: string) => void;
}) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const now = useNow(1000);
  const members = useMembers();
  const teams = useTeams();
  const list = useLiveConversations(teamId);
  const reassign = useMutation({
    mutationFn: ({ id, assigneeId }: { id: string; assigneeId: string | null }) =>
      api.post<Conversation>(`/workspaces/${workspaceId}/conversations/${id}/assign`, { assigneeId }),
    onSuccess: (updated) => {
      void client.invalidateQueries({ queryKey: liveConversationsKey(workspaceId) });
      void client.invalidateQueries({ queryKey: keys.lists(workspaceId) });
      client.setQueryData<Conversation>(keys.conversation(workspaceId, updated.id), (old) =>
        old
          ? {
              ...updated,
              customerName: updated.customerName ?? old.customerName,
              customerLabel: updated.customerLabel ?? old.customerLabel,
            }
          : old,
      );
      const name = members.data?.find((member) => member.userId === updated.assigneeId)?.name;
      void message.success(name ? t('actions.assigned', { name }) : t('actions.done'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  if (list.isError)
    return (
      <Alert
        type="error"
        showIcon
        title={t('errors.loadFailed')}
        description={errorText(t, list.error)}
        action={<Button onClick={() => void list.refetch()}>{t('common.retry')}</Button>}
      />
    );
  const stateOf = (userId: string) => agents.find((agent) => agent.userId === userId);
  const assigneeOptions = [
    { value: 'none', label: t('inbox.unassigned') },
    ...(members.data ?? [])
      .filter((member) => member.active)
      .map((member) => {
        const state = stateOf(member.userId);
        const status = state?.status ?? 'offline';
        return {
          value: member.userId,
          label: member.name,
          display: (
            <span>
              <Badge color={PRESENCE_COLORS[status]} /> {member.name}{' '}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(`presence.${status}`)} · {state?.activeConversations ?? 0}
              </Typography.Text>
            </span>
          ),
        };
      }),
  ];

  return (
    <Table<Conversation>
      size="small"
      rowKey="id"
      loading={list.isPending}
      dataSource={list.data ?? []}
      pagination={{ pageSize: 8, hideOnSinglePage: true, size: 'small' }}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('supervisor.noLive') }}
      onRow={(row) => ({ 'data-testid': 'live-conversation', 'data-conversation-id': row.id, 'data-state': row.state }) as object}
      columns={[
        {
          title: t('conversation.customer'),
          key: 'customer',
          render: (_, row) => (
            <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6, maxWidth: 220 }}>
              <ChannelIcon channel={row.channel} />
              <Typography.Text ellipsis>{customerTitle(row, t)}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                #{row.number}
              </Typography.Text>
            </span>
          ),
        },
        {
          title: t('inbox.state'),
          key: 'state',
          width: 120,
          render: (_, row) => (
            <span>
              <Tag color={STATE_COLORS[row.state]}>{t(`states.${row.state}`)}</Tag>
              {row.state === 'queued' && (
                <Typography.Text type="warning" style={{ fontSize: 12 }}>
                  {duration(t, now - new Date(row.createdAt).getTime())}
                </Typography.Text>
              )}
            </span>
          ),
        },
        {
          title: t('supervisor.team'),
          key: 'team',
          width: 110,
          render: (_, row) => teams.data?.find((team) => team.id === row.teamId)?.name ?? '—',
        },
        {
          title: t('supervisor.lastMessage'),
          key: 'preview',
          ellipsis: true,
          render: (_, row) => <Typography.Text type="secondary">{previewOf(row) ?? t('inbox.noMessages')}</Typography.Text>,
        },
        {
          title: t('inbox.assignee'),
          key: 'assignee',
          width: 220,
          render: (_, row) => (
            <Select<string>
              size="small"
              style={{ width: 200 }}
              aria-label={t('supervisor.reassign')}
              data-testid="reassign"
              value={row.assigneeId ?? 'none'}
              disabled={reassign.isPending}
              showSearch={{ optionFilterProp: 'label' }}
              optionRender={(option) => option.data.display ?? option.label}
              options={assigneeOptions}
              onChange={(value) => reassign.mutate({ id: row.id, assigneeId: value === 'none' ? null : value })}
            />
          ),
        },
        {
          key: 'view',
          width: 80,
          render: (_, row) => (
            <Button size="small" icon={<EyeOutlined />} onClick={() => onView(row.id)}>
              {t('supervisor.view')}
            </Button>
          ),
        },
      ]}
    />
  );
}

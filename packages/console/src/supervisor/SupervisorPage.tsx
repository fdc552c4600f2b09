import { ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Layout, Result, Row, Segmented, Skeleton, Space, Table, Tabs, Tooltip, Typography } from 'antd';
import { Suspense, lazy, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Conversation, Message } from '../lib/api';
import { CHANNELS } from '../lib/channel';
import { useInboxes, useNow } from '../lib/directory';
import { errorText } from '../lib/errors';
import { duration, timeOfDay } from '../lib/format';
import { connectLive, withMessage } from '../lib/live';
import { notify } from '../lib/notify';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { useIsPhone, withOneLineHeaders } from '../shell/responsive';
import { AgentTable } from './AgentTable';
import { ConversationDrawer } from './ConversationDrawer';
import { canSupervise, supervisorKeys, useAgentStates, useWallboard, type WallboardStatsView, type WallboardView } from './data';
import { LiveConversations, liveConversationsKey } from './LiveConversations';
import { PRESENCE_COLORS, PRESENCES } from './presence';
import { customerTitle } from '../lib/customer-title';

// ECharts comes in its own chunk after the numbers are on screen.
const ServiceLevelGauge = lazy(() => import('./WallboardCharts').then((module) => ({ default: module.ServiceLevelGauge })));
const PresenceBar = lazy(() => import('./WallboardCharts').then((module) => ({ default: module.PresenceBar })));

type TeamRow = WallboardView['teams'][number];

const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 1000) / 10}%`);

/** One figure on the wallboard; `data-value` carries the raw number for tests and scripts. */
function Figure({
  id,
  title,
  value,
  shown,
  hint,
  warn,
}: {
  id: string;
  title: string;
  value: number | string;
  shown?: ReactNode;
  hint?: ReactNode;
  warn?: boolean;
}) {
  return (
    <Card size="small" style={{ height: '100%' }} styles={{ body: { padding: '10px 14px' } }}>
      <Typography.Text type="secondary">{title}</Typography.Text>
      <div
        data-testid={`wallboard-${id}`}
        data-value={value}
        style={{ fontSize: 28, fontWeight: 600, lineHeight: '38px', color: warn ? '#fa541c' : undefined }}
      >
        {shown ?? value}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {hint ?? ' '}
      </Typography.Text>
    </Card>
  );
}

/** The supervisor's live view: the queue, agents, today's service level, per team and overall; updated on `wallboard:changed`. */
export default function SupervisorPage() {
  const { t, i18n } = useTranslation();
  const phone = useIsPhone();
  const session = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [teamId, setTeamId] = useState<string | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const wallboard = useWallboard();
  const agents = useAgentStates();
  const inboxes = useInboxes();
  const now = useNow(1000);
  const tRef = useRef(t);
  tRef.current = t;
  const allowed = canSupervise(session.role);

  useEffect(() => {
    document.title = `${session.workspaceName} · ${tRef.current('supervisor.title')}`;
    if (!allowed) return;
    const socket = connectLive(client, session.workspaceId, session.user.id, {
      onAssignedToMe: (conversation) =>
        notify(
          tRef.current('notify.assignedTitle'),
          tRef.current('notify.assignedBody', {
            customer: customerTitle(conversation, tRef.current),
            preview: conversation.lastMessagePreview ?? '',
          }),
          `assigned-${conversation.id}`,
          () => void navigate(`/inbox/${conversation.id}`),
        ),
      onCustomerMessage: () => undefined,
    });
    const refresh = () => {
      void client.invalidateQueries({ queryKey: supervisorKeys.wallboard(session.workspaceId) });
      void client.invalidateQueries({ queryKey: supervisorKeys.agents(session.workspaceId) });
      void client.invalidateQueries({ queryKey: liveConversationsKey(session.workspaceId) });
    };
    socket.on('wallboard:changed', refresh);
    // Assignments and state changes reorder the conversation table even when the figures stay the same.
    socket.on('conversation', () => void client.invalidateQueries({ queryKey: liveConversationsKey(session.workspaceId) }));
    // A message changes its row's preview in place (no 'conversation' event comes for it). A list
    // fetch already under way may have read the tables before the message: that one starts over.
    socket.on('message', (event: { conversationId: string; message: Message }) => {
      const live = liveConversationsKey(session.workspaceId);
      client.setQueriesData<Conversation[]>({ queryKey: live }, (rows) =>
        rows?.map((row) => (row.id === event.conversationId ? withMessage(row, event.message) : row)),
      );
      if (client.isFetching({ queryKey: live }) > 0) void client.invalidateQueries({ queryKey: live });
    });
    // After a reconnect connectLive refetches everything, these included.
    return () => {
      socket.close();
    };
  }, [allowed, client, navigate, session.workspaceId, session.user.id, session.workspaceName]);

  const board = wallboard.data;
  const team = board?.teams.find((row) => row.teamId === teamId);
  const stats: WallboardStatsView | undefined = teamId ? team : board?.overall;
  const target = team?.serviceLevelTargetSeconds ?? board?.serviceLevelTargetSeconds ?? 0;
  // The server counts the longest wait when it answered; the clock keeps it moving until the next answer.
  const since = (fetchedAt: number) => Math.max(0, Math.floor((now - fetchedAt) / 1000));
  const longest = (row: WallboardStatsView) => (row.waiting > 0 ? row.longestWaitSeconds + since(wallboard.dataUpdatedAt) : 0);
  const channels = useMemo(() => {
    const used = new Set<Conversation['channel']>((inboxes.data ?? []).map((inbox) => inbox.kind));
    for (const agent of agents.data ?? []) for (const load of agent.load) if (load.active > 0) used.add(load.channel);
    return CHANNELS.filter((channel) => used.has(channel));
  }, [inboxes.data, agents.data]);
  const shownAgents = useMemo(
    () => (agents.data ?? []).filter((agent) => !teamId || agent.teamIds.includes(teamId)),
    [agents.data, teamId],
  );

  if (!allowed)
    return (
      <Layout style={{ height: '100%' }}>
        <Header />
        <Result
          status="403"
          title={t('supervisor.forbidden')}
          extra={<Button onClick={() => void navigate('/inbox')}>{t('notFound.home')}</Button>}
        />
      </Layout>
    );

  // Headers stay on one line (English ones broke mid-word in narrow fixed columns); the table scrolls sideways instead.
  const teamColumns = withOneLineHeaders([
    { title: t('supervisor.team'), dataIndex: 'name', key: 'name', ellipsis: true },
    { title: t('wallboard.waiting'), dataIndex: 'waiting', key: 'waiting', align: 'right' as const },
    {
      title: t('wallboard.longestWait'),
      key: 'longest',

      align: 'right' as const,
      render: (_: unknown, row: TeamRow) => (row.waiting > 0 ? duration(t, longest(row) * 1000) : '—'),
    },
    {
      title: t('presence.online'),
      key: 'online',

      align: 'right' as const,
      render: (_: unknown, row: TeamRow) => `${row.agents.online}/${PRESENCES.reduce((sum, status) => sum + row.agents[status], 0)}`,
    },
    { title: t('wallboard.inProgress'), dataIndex: 'inProgress', key: 'inProgress', align: 'right' as const },
    {
      title: t('wallboard.serviceLevel'),
      key: 'sl',

      align: 'right' as const,
      render: (_: unknown, row: TeamRow) => percent(row.serviceLevel),
    },
  ]);

  return (
    <Layout style={{ height: '100%', minHeight: 600 }}>
      <Header />
      <Layout.Content style={{ overflowY: 'auto', padding: phone ? 8 : 16 }} data-testid="wallboard">
        <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap', marginBottom: 12 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('supervisor.title')}
          </Typography.Title>
          <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
            <Segmented<string>
              value={teamId ?? 'all'}
              onChange={(value) => setTeamId(value === 'all' ? null : value)}
              options={[
                { value: 'all', label: t('wallboard.overall') },
                ...(board?.teams ?? []).map((row) => ({ value: row.teamId, label: row.name })),
              ]}
              data-testid="wallboard-scope"
            />
          </div>
          <div style={{ flex: 1 }} />
          {board && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('wallboard.updated', { time: timeOfDay(board.generatedAt, i18n.language), timezone: board.timezone })}
            </Typography.Text>
          )}
          <Tooltip title={t('wallboard.refresh')}>
            <Button
              size="small"
              aria-label={t('wallboard.refresh')}
              icon={<ReloadOutlined />}
              loading={wallboard.isFetching}
              onClick={() => {
                void wallboard.refetch();
                void agents.refetch();
              }}
            />
          </Tooltip>
        </div>

        {wallboard.isError ? (
          <Alert
            type="error"
            showIcon
            title={t('errors.loadFailed')}
            description={errorText(t, wallboard.error)}
            action={<Button onClick={() => void wallboard.refetch()}>{t('common.retry')}</Button>}
          />
        ) : !stats ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : (
          <>
            <Row gutter={[12, 12]}>
              <Col xs={12} sm={8} xl={{ flex: '1 1 0' }}>
                <Figure
                  id="waiting"
                  title={t('wallboard.waiting')}
                  value={stats.waiting}
                  warn={stats.waiting > 0}
                  hint={t('wallboard.waitingHint')}
                />
              </Col>
              <Col xs={12} sm={8} xl={{ flex: '1 1 0' }}>
                <Figure
                  id="longest"
                  title={t('wallboard.longestWait')}
                  value={longest(stats)}
                  shown={stats.waiting > 0 ? duration(t, longest(stats) * 1000) : '—'}
                  warn={longest(stats) > target}
                  hint={t('wallboard.target', { time: duration(t, target * 1000) })}
                />
              </Col>
              <Col xs={12} sm={8} xl={{ flex: '1 1 0' }}>
                <Figure id="in-progress" title={t('wallboard.inProgress')} value={stats.inProgress} hint={t('wallboard.inProgressHint')} />
              </Col>
              <Col xs={12} sm={8} xl={{ flex: '1 1 0' }}>
                <Figure
                  id="offered"
                  title={t('wallboard.offered')}
                  value={stats.offered}
                  hint={
                    <span>
                      {t('wallboard.answered')}{' '}
                      <span data-testid="wallboard-answered" data-value={stats.answered}>
                        {stats.answered}
                      </span>{' '}
                      · {t('wallboard.abandoned')}{' '}
                      <span data-testid="wallboard-abandoned" data-value={stats.abandoned}>
                        {stats.abandoned}
                      </span>
                    </span>
                  }
                />
              </Col>
              <Col xs={12} sm={8} xl={{ flex: '1 1 0' }}>
                <Figure
                  id="service-level"
                  title={t('wallboard.serviceLevel')}
                  value={stats.serviceLevel ?? ''}
                  shown={percent(stats.serviceLevel)}
                  hint={t('wallboard.serviceLevelHint', {
                    within: stats.answeredWithinTarget,
                    offered: stats.offered,
                    time: duration(t, target * 1000),
                  })}
                />
              </Col>
            </Row>

            <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
              <Col xs={24} md={12} xl={6}>
                <Card size="small" title={t('wallboard.serviceLevelToday')} style={{ height: '100%' }}>
                  <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 190 }} />}>
                    <ServiceLevelGauge stats={stats} />
                  </Suspense>
                </Card>
              </Col>
              <Col xs={24} md={12} xl={6}>
                <Card size="small" title={t('wallboard.agentsByPresence')} style={{ height: '100%' }}>
                  <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 190 }} />}>
                    <PresenceBar stats={stats} />
                  </Suspense>
                  <Space size={12} wrap style={{ justifyContent: 'center', width: '100%', fontSize: 12 }}>
                    {PRESENCES.map((status) => (
                      <span key={status}>
                        <span style={{ color: PRESENCE_COLORS[status] }}>●</span> {t(`presence.${status}`)}{' '}
                        <strong data-testid={`wallboard-agents-${status}`} data-value={stats.agents[status]}>
                          {stats.agents[status]}
                        </strong>
                      </span>
                    ))}
                  </Space>
                </Card>
              </Col>
              <Col xs={24} xl={12}>
                <Card size="small" title={t('wallboard.byTeam')} style={{ height: '100%' }} styles={{ body: { padding: 0 } }}>
                  <Table<TeamRow>
                    size="small"
                    rowKey="teamId"
                    pagination={false}
                    dataSource={board?.teams ?? []}
                    columns={teamColumns}
                    scroll={{ x: 'max-content', y: 200 }}
                    locale={{ emptyText: t('wallboard.noTeams') }}
                    onRow={(row) => ({
                      onClick: () => setTeamId(row.teamId === teamId ? null : row.teamId),
                      style: { cursor: 'pointer', background: row.teamId === teamId ? '#e6f4ff' : undefined },
                    })}
                  />
                </Card>
              </Col>
            </Row>
          </>
        )}

        <Card size="small" style={{ marginTop: 12 }} styles={{ body: { paddingTop: 0 } }}>
          <Tabs
            items={[
              {
                key: 'conversations',
                label: t('supervisor.liveConversations'),
                children: <LiveConversations teamId={teamId} agents={agents.data ?? []} onView={setViewing} />,
              },
              {
                key: 'agents',
                label: t('supervisor.agents'),
                children: agents.isError ? (
                  <Alert type="error" showIcon title={errorText(t, agents.error)} />
                ) : (
                  <AgentTable agents={shownAgents} loading={agents.isPending} fetchedAt={agents.dataUpdatedAt} channels={channels} />
                ),
              },
            ]}
          />
        </Card>
      </Layout.Content>
      <ConversationDrawer conversationId={viewing} onClose={() => setViewing(null)} />
    </Layout>
  );
}

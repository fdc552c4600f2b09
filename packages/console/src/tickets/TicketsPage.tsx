import { Input, Layout, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useMemberName, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { Header } from '../shell/Header';
import { SlaBadge } from '../sla/SlaBadge';
import { PRIORITIES, STATUS_COLORS, STATUSES, useTicketList, useTicketUpdates, type Ticket } from './data';
import { TicketView } from './TicketView';

/** `/tickets` lists and filters tickets; `/tickets/:ticketId` is one ticket. */
export default function TicketsPage() {
  const { ticketId } = useParams();
  useTicketUpdates();
  return (
    <Layout style={{ height: '100%' }}>
      <Header />
      <Layout.Content style={{ overflow: 'auto', padding: 16, background: '#f5f5f5' }}>
        {ticketId ? <TicketView id={ticketId} /> : <TicketList />}
      </Layout.Content>
    </Layout>
  );
}

/** The orders the list offers: the newest first, or the SLA due soonest (overdue first, paused and none last). */
type TicketSort = 'newest' | 'sla_due';
const LIST_SORTS: TicketSort[] = ['newest', 'sla_due'];

function TicketList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const nameOf = useMemberName();
  const teams = useTeams();
  const [status, setStatus] = useState<string | undefined>();
  const [priority, setPriority] = useState<string | undefined>();
  const [q, setQ] = useState<string | undefined>();
  const [sort, setSort] = useState<TicketSort>('newest');
  const list = useTicketList({ status, priority, q, sort });
  const teamName = (id: string | null) => (id ? (teams.data?.find((team) => team.id === id)?.name ?? '') : t('tickets.noTeam'));
  return (
    <div style={{ background: 'white', padding: 16, borderRadius: 8 }}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('tickets.list')}
        </Typography.Title>
        <Input.Search
          allowClear
          aria-label={t('tickets.search')}
          placeholder={t('tickets.search')}
          style={{ width: 280 }}
          onSearch={(value) => setQ(value.trim() || undefined)}
        />
        <Select
          allowClear
          aria-label={t('tickets.status')}
          placeholder={t('tickets.anyStatus')}
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={STATUSES.map((value) => ({ value, label: t(`tickets.statuses.${value}`) }))}
        />
        <Select
          allowClear
          aria-label={t('tickets.priority')}
          placeholder={t('tickets.anyPriority')}
          style={{ width: 140 }}
          value={priority}
          onChange={setPriority}
          options={PRIORITIES.map((value) => ({ value, label: t(`priorities.${value}`) }))}
        />
        <Select<TicketSort>
          aria-label={t('sla.sort.label')}
          data-testid="ticket-sort"
          style={{ width: 160 }}
          value={sort}
          onChange={setSort}
          options={LIST_SORTS.map((value) => ({ value, label: t(`sla.sort.${value}`) }))}
        />
      </Space>
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<Ticket>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('tickets.empty') }}
        onRow={(row) => ({ onClick: () => void navigate(`/tickets/${row.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('tickets.number'), dataIndex: 'number', width: 90, render: (value: number) => `#${value}` },
          { title: t('tickets.subject'), dataIndex: 'subject', ellipsis: true },
          {
            title: t('tickets.status'),
            dataIndex: 'status',
            width: 100,
            render: (value: Ticket['status']) => <Tag color={STATUS_COLORS[value]}>{t(`tickets.statuses.${value}`)}</Tag>,
          },
          { title: t('tickets.priority'), dataIndex: 'priority', width: 90, render: (value: string) => t(`priorities.${value}`) },
          {
            title: 'SLA',
            dataIndex: 'sla',
            width: 200,
            render: (value: Ticket['sla'], row) => (value ? <SlaBadge subject={{ type: 'ticket', id: row.id }} summary={value} /> : null),
          },
          {
            title: t('tickets.assignee'),
            dataIndex: 'assigneeId',
            width: 120,
            render: (value: string | null) => nameOf(value) ?? t('tickets.unassigned'),
          },
          { title: t('tickets.team'), dataIndex: 'teamId', width: 120, render: teamName },
          {
            title: t('tickets.updatedAt'),
            dataIndex: 'updatedAt',
            width: 160,
            render: (value: string) => new Date(value).toLocaleString(),
          },
        ]}
      />
    </div>
  );
}

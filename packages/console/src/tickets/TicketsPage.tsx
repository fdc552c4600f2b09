import { QuestionCircleOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Input, Layout, Select, Space, Table, Tag, Tooltip, Typography, type InputRef } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useMemberName, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { useIsPhone } from '../shell/responsive';
import { BulkBar, BulkJobProgress } from './BulkBar';
import { PRIORITIES, STATUS_COLORS, STATUSES, ticketKeys, useTicketList, useTicketUpdates, type Ticket } from './data';
import { ShortcutsHelp, useShortcuts } from './shortcuts';
import { ticketOrder } from './ticket-order';
import { SlaBadge } from '../sla/SlaBadge';
import { TicketView } from './TicketView';
import { recordBulkProgress, useViews, type BulkJob, type TicketFilter } from './views-data';
import { ViewsSidebar } from './ViewsSidebar';
import './views-macros-locale';

/** `/tickets` lists and filters tickets; `/tickets/:ticketId` is one ticket. */
export default function TicketsPage() {
  const { ticketId } = useParams();
  useTicketUpdates(recordBulkProgress);
  return (
    <Layout style={{ height: '100%' }}>
      <Header />
      <Layout.Content style={{ overflow: 'auto', padding: 16, background: '#f5f5f5' }}>
        {ticketId ? <TicketView id={ticketId} /> : <TicketList />}
      </Layout.Content>
    </Layout>
  );
}

/** Clicks on the selection checkbox select; anywhere else on the row opens the ticket. */
const inSelectionCell = (target: EventTarget) => target instanceof Element && !!target.closest('.ant-table-selection-column');

/** The orders the list offers: the newest first, or the SLA due soonest (overdue first, paused and none last). */
type TicketSort = 'newest' | 'sla_due';
const LIST_SORTS: TicketSort[] = ['newest', 'sla_due'];

function TicketList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const nameOf = useMemberName();
  const teams = useTeams();
  const views = useViews();
  const [params, setParams] = useSearchParams();
  const viewId = params.get('view') ?? undefined;
  const [status, setStatus] = useState<string | undefined>();
  const [priority, setPriority] = useState<string | undefined>();
  const [q, setQ] = useState<string | undefined>();
  const [selected, setSelected] = useState<string[]>([]);
  const [cursor, setCursor] = useState(0);
  const [help, setHelp] = useState(false);
  const [job, setJob] = useState<BulkJob | null>(null);
  const search = useRef<InputRef>(null);
  const phone = useIsPhone();
  // Unset, a view's own order applies (and the newest first without one).
  const [sort, setSort] = useState<TicketSort | undefined>();
  const list = useTicketList({ status, priority, q, viewId, sort });
  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const view = views.data?.find((entry) => entry.id === viewId);
  // A view that is gone (deleted in another tab) is dropped rather than showing its 404 for ever.
  useEffect(() => {
    if (viewId && views.data && !views.isFetching && !view) setParams({}, { replace: true });
  }, [viewId, views.data, views.isFetching, view, setParams]);
  useEffect(() => {
    ticketOrder.set(items.map((item) => item.id));
    setCursor((old) => Math.min(old, Math.max(items.length - 1, 0)));
    // Selected tickets that left the list (another filter, a change elsewhere) are no longer selected.
    setSelected((old) => {
      const kept = old.filter((id) => items.some((item) => item.id === id));
      return kept.length === old.length ? old : kept;
    });
  }, [items]);
  const currentFilter = useMemo<TicketFilter>(() => {
    const filter: TicketFilter = { ...(view?.filter ?? {}) };
    if (status) filter.status = [status as Ticket['status']];
    if (priority) filter.priority = [priority as Ticket['priority']];
    if (q) filter.q = q;
    return filter;
  }, [view, status, priority, q]);
  const chooseView = useCallback(
    (id: string | undefined) => {
      setSelected([]);
      setCursor(0);
      setParams(id ? { view: id } : {});
    },
    [setParams],
  );
  const toggle = (id: string) => setSelected((old) => (old.includes(id) ? old.filter((entry) => entry !== id) : [...old, id]));
  const focused = items[cursor];
  useShortcuts({
    j: () => setCursor((old) => Math.min(old + 1, items.length - 1)),
    k: () => setCursor((old) => Math.max(old - 1, 0)),
    x: () => focused && toggle(focused.id),
    A: () => setSelected((old) => (old.length === items.length ? [] : items.map((item) => item.id))),
    o: () => focused && void navigate(`/tickets/${focused.id}`),
    Enter: () => focused && void navigate(`/tickets/${focused.id}`),
    '/': () => search.current?.focus(),
    '?': () => setHelp(true),
  });
  const teamName = (id: string | null) => (id ? (teams.data?.find((team) => team.id === id)?.name ?? '') : t('tickets.noTeam'));
  return (
    <div style={{ display: 'flex', flexDirection: phone ? 'column' : 'row', gap: 16, alignItems: phone ? 'stretch' : 'flex-start' }}>
      <div style={{ width: phone ? '100%' : 240, flexShrink: 0 }}>
        <ViewsSidebar selected={viewId} onSelect={chooseView} currentFilter={currentFilter} />
      </div>
      <div style={{ background: 'white', padding: 16, borderRadius: 8, flex: 1, minWidth: 0 }}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="ticket-list-title">
            {view?.name ?? t('tickets.list')}
          </Typography.Title>
          <Input.Search
            ref={search}
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
            value={sort ?? 'newest'}
            onChange={setSort}
            options={LIST_SORTS.map((value) => ({ value, label: t(`sla.sort.${value}`) }))}
          />
          <Button icon={<ThunderboltOutlined />} onClick={() => void navigate('/tickets/macros')}>
            {t('ticketViews.macros.manage')}
          </Button>
          <Tooltip title={t('ticketViews.shortcuts.title')}>
            <Button
              type="text"
              icon={<QuestionCircleOutlined />}
              aria-label={t('ticketViews.shortcuts.open')}
              onClick={() => setHelp(true)}
            />
          </Tooltip>
        </Space>
        {selected.length > 0 && <BulkBar ticketIds={selected} onClear={() => setSelected([])} onStarted={setJob} />}
        {job && (
          <BulkJobProgress
            job={job}
            onClose={() => {
              setJob(null);
              setSelected([]);
              void client.invalidateQueries({ queryKey: ticketKeys.all(workspaceId) });
            }}
          />
        )}
        {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
        <Table<Ticket>
          rowKey="id"
          size="small"
          data-testid="ticket-table"
          loading={list.isLoading}
          dataSource={items}
          pagination={false}
          locale={{ emptyText: t('tickets.empty') }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys.map(String)),
            getCheckboxProps: (row) => ({ 'aria-label': t('ticketViews.bulk.selectRow', { number: row.number }) }),
          }}
          onRow={(row, index) => ({
            onClick: (event) => {
              if (!inSelectionCell(event.target)) void navigate(`/tickets/${row.id}`);
            },
            style: { cursor: 'pointer', ...(index === cursor ? { boxShadow: 'inset 3px 0 0 #1677ff' } : {}) },
            'data-focused': index === cursor ? 'true' : undefined,
          })}
          columns={[
            { title: t('tickets.number'), dataIndex: 'number', width: 90, render: (value: number) => `#${value}` },
            { title: t('tickets.subject'), dataIndex: 'subject', ellipsis: true, className: 'ticket-subject' },
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
      <ShortcutsHelp scope="list" open={help} onClose={() => setHelp(false)} />
    </div>
  );
}

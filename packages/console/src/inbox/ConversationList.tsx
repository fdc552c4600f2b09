import { ClockCircleOutlined, DownloadOutlined, FilterOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Empty, Input, Popover, Segmented, Select, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, apiUrl, type Conversation, type Page } from '../lib/api';
import { CHANNELS, ChannelIcon, PRIORITY_COLORS, STATE_COLORS } from '../lib/channel';
import { useChannelKinds } from '../lib/channel-kinds';
import { useInboxes, useMemberName, useMembers, useNow } from '../lib/directory';
import { errorText } from '../lib/errors';
import { duration, shortWhen } from '../lib/format';
import { keys, unread } from '../lib/live';
import { useSession } from '../lib/session';
import { useStore } from '../lib/store';
import { canSupervise } from '../supervisor/data';
import { customerTitle, previewOf } from '../lib/customer-title';
import { useIsPhone } from '../shell/responsive';
import { SlaBadge } from '../sla/SlaBadge';

type View = 'mine' | 'unassigned' | 'teams' | 'all';

interface Filters {
  channel?: Conversation['channel'];
  inboxId?: string;
  state?: Conversation['state'];
  assigneeId?: string;
  tag?: string;
  tier?: 'normal' | 'vip';
  q?: string;
}

/** A key typed into a field is text, not a shortcut. */
function typingInField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || !!target.closest('[role="dialog"]');
}

export function focusReplyBox(): boolean {
  const box = document.getElementById('reply-box') as HTMLTextAreaElement | null;
  if (!box || box.disabled) return false;
  box.focus();
  return true;
}

export function ConversationList({ selectedId }: { selectedId: string | undefined }) {
  const { t, i18n } = useTranslation();
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const phone = useIsPhone();
  // Agents start with their own conversations; supervisors and admins with everything.
  const [view, setView] = useState<View>(() => (localStorage.getItem('huiliu.view') as View | null) ?? (role === 'agent' ? 'mine' : 'all'));
  const [filters, setFilters] = useState<Filters>({});
  // Not a filter: the export takes the filters, and its order is its own.
  const [sort, setSort] = useState<'newest' | 'sla_due'>('newest');
  const [search, setSearch] = useState('');
  const [cursor, setCursor] = useState(0);
  const counts = useStore(unread);
  const now = useNow();
  const memberName = useMemberName();
  const members = useMembers();
  const inboxes = useInboxes();
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => localStorage.setItem('huiliu.view', view), [view]);

  const query = useMemo(() => {
    const assigneeId = view === 'mine' ? 'me' : view === 'unassigned' ? 'none' : filters.assigneeId;
    return { ...filters, assigneeId, ...(view === 'teams' ? { teamId: 'mine' } : {}) };
  }, [view, filters]);

  const list = useInfiniteQuery({
    queryKey: [...keys.lists(workspaceId), view, filters, sort],
    queryFn: ({ pageParam }) =>
      api.get<Page<Conversation>>(`/workspaces/${workspaceId}/conversations`, { ...query, sort, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);

  useEffect(() => {
    const index = items.findIndex((item) => item.id === selectedId);
    if (index >= 0) setCursor(index);
  }, [items, selectedId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event)) return;
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        setCursor((current) => {
          const next = Math.max(0, Math.min(items.length - 1, current + (event.key === 'j' ? 1 : -1)));
          listRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.scrollIntoView({ block: 'nearest' });
          return next;
        });
      } else if (event.key === 'Enter') {
        const item = items[cursor];
        if (item) {
          event.preventDefault();
          void navigate(`/inbox/${item.id}`);
        }
      } else if (event.key === 'r') {
        if (focusReplyBox()) event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, cursor, navigate]);

  // Only the channels this server has: no filter for SMS or phone conversations that cannot exist.
  const channelKinds = useChannelKinds();
  const channelOptions = CHANNELS.filter((channel) => (channelKinds.data ?? []).includes(channel)).map((channel) => ({
    value: channel,
    label: t(`channels.${channel}`),
  }));
  const activeFilters = Object.entries(filters).filter(([key, value]) => key !== 'q' && value).length;
  const filterForm = (
    <Space orientation="vertical" style={{ width: 260 }}>
      <Select<'newest' | 'sla_due'>
        aria-label={t('sla.sort.label')}
        data-testid="conversation-sort"
        style={{ width: '100%' }}
        value={sort}
        onChange={setSort}
        options={(['newest', 'sla_due'] as const).map((value) => ({ value, label: t(`sla.sort.${value}`) }))}
      />
      <Select
        allowClear
        placeholder={t('inbox.channel')}
        aria-label={t('inbox.channel')}
        style={{ width: '100%' }}
        value={filters.channel}
        onChange={(channel) => setFilters({ ...filters, channel })}
        options={channelOptions}
      />
      <Select
        allowClear
        placeholder={t('inbox.inbox')}
        aria-label={t('inbox.inbox')}
        style={{ width: '100%' }}
        value={filters.inboxId}
        onChange={(inboxId) => setFilters({ ...filters, inboxId })}
        options={(inboxes.data ?? []).map((inbox) => ({ value: inbox.id, label: inbox.name }))}
      />
      <Select
        allowClear
        placeholder={t('inbox.state')}
        aria-label={t('inbox.state')}
        style={{ width: '100%' }}
        value={filters.state}
        onChange={(state) => setFilters({ ...filters, state })}
        options={(['bot', 'queued', 'assigned', 'waiting', 'resolved'] as const).map((state) => ({
          value: state,
          label: t(`states.${state}`),
        }))}
      />
      {(view === 'all' || view === 'teams') && (
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('inbox.assignee')}
          aria-label={t('inbox.assignee')}
          style={{ width: '100%' }}
          value={filters.assigneeId}
          onChange={(assigneeId) => setFilters({ ...filters, assigneeId })}
          options={[
            { value: 'none', label: t('inbox.unassigned') },
            ...(members.data ?? []).filter((member) => member.active).map((member) => ({ value: member.userId, label: member.name })),
          ]}
        />
      )}
      <Input
        allowClear
        placeholder={t('inbox.tag')}
        aria-label={t('inbox.tag')}
        value={filters.tag}
        onChange={(event) => setFilters({ ...filters, tag: event.target.value.trim() || undefined })}
      />
      <Select
        allowClear
        placeholder={t('inbox.tier')}
        aria-label={t('inbox.tier')}
        style={{ width: '100%' }}
        value={filters.tier}
        onChange={(tier) => setFilters({ ...filters, tier })}
        options={(['normal', 'vip'] as const).map((tier) => ({ value: tier, label: t(`tiers.${tier}`) }))}
      />
      <Button block onClick={() => setFilters({ q: filters.q })} disabled={activeFilters === 0}>
        {t('inbox.clear')}
      </Button>
    </Space>
  );

  return (
    <aside
      aria-label={t('inbox.title')}
      style={{
        width: phone ? '100%' : 320,
        flex: phone ? '1 1 auto' : '0 0 320px',
        borderRight: '1px solid #f0f0f0',
        background: 'white',
        display: 'flex',
        flexDirection: 'column',
      }}
    >
      <div style={{ padding: 12, borderBottom: '1px solid #f0f0f0' }}>
        <Segmented<View>
          block
          // Four views in 320 px: each as wide as its label, so none is cut off in either language.
          styles={{ item: { flex: 'auto' }, label: { paddingInline: 6 } }}
          value={view}
          onChange={(next) => {
            setView(next);
            setFilters((current) => ({ ...current, assigneeId: undefined }));
          }}
          options={(['mine', 'unassigned', 'teams', 'all'] as const).map((value) => ({ value, label: t(`inbox.views.${value}`) }))}
        />
        <Space.Compact style={{ width: '100%', marginTop: 8 }}>
          <Input.Search
            allowClear
            aria-label={t('inbox.search')}
            placeholder={t('inbox.search')}
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              if (!event.target.value) setFilters({ ...filters, q: undefined });
            }}
            onSearch={(value) => setFilters({ ...filters, q: value.trim() || undefined })}
          />
          <Popover content={filterForm} title={t('inbox.filters')} trigger="click" placement="bottomLeft">
            <Badge count={activeFilters} size="small">
              <Button icon={<FilterOutlined />} aria-label={t('inbox.filters')} />
            </Badge>
          </Popover>
          {/* Exports are for supervisors and admins (conversations.export). */}
          {canSupervise(role) && (
            <Tooltip title={t('inbox.export')}>
              <Button
                icon={<DownloadOutlined />}
                aria-label={t('inbox.export')}
                data-testid="export-conversations"
                href={apiUrl(`/workspaces/${workspaceId}/conversations/export.csv`, query)}
                download
              />
            </Tooltip>
          )}
        </Space.Compact>
      </div>
      <div ref={listRef} role="listbox" aria-label={t('inbox.title')} style={{ flex: 1, overflowY: 'auto' }}>
        {list.isPending ? (
          <div style={{ padding: 12 }}>
            <Skeleton active avatar paragraph={{ rows: 1 }} />
            <Skeleton active avatar paragraph={{ rows: 1 }} />
            <Skeleton active avatar paragraph={{ rows: 1 }} />
          </div>
        ) : list.isError ? (
          <Alert
            style={{ margin: 12 }}
            type="error"
            showIcon
            title={t('errors.loadFailed')}
            description={errorText(t, list.error)}
            action={<Button onClick={() => void list.refetch()}>{t('common.retry')}</Button>}
          />
        ) : items.length === 0 ? (
          <Empty
            style={{ marginTop: 48, padding: '0 16px' }}
            description={activeFilters || filters.q ? t('inbox.emptyFiltered') : view === 'mine' ? t('inbox.emptyMine') : t('inbox.empty')}
          />
        ) : (
          items.map((item, index) => {
            const selected = item.id === selectedId;
            const count = selected ? 0 : (counts[item.id] ?? 0);
            const waitingSince = item.state === 'queued' ? item.createdAt : null;
            return (
              <div
                key={item.id}
                role="option"
                aria-selected={selected}
                data-index={index}
                data-testid="conversation-item"
                data-conversation-id={item.id}
                onClick={() => void navigate(`/inbox/${item.id}`)}
                style={{
                  padding: '10px 12px',
                  cursor: 'pointer',
                  borderBottom: '1px solid #f5f5f5',
                  borderLeft: `3px solid ${index === cursor ? '#1677ff' : 'transparent'}`,
                  background: selected ? '#e6f4ff' : undefined,
                }}
              >
                <div style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
                  <ChannelIcon channel={item.channel} />
                  <Typography.Text strong={count > 0} ellipsis style={{ flex: 1 }}>
                    {customerTitle(item, t)}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {shortWhen(item.lastMessageAt ?? item.createdAt, i18n.language)}
                  </Typography.Text>
                </div>
                <div style={{ display: 'flex', alignItems: 'center', gap: 6, marginTop: 4 }}>
                  <Typography.Text type="secondary" ellipsis style={{ flex: 1, fontSize: 13 }}>
                    {previewOf(item) ?? t('inbox.noMessages')}
                  </Typography.Text>
                  {count > 0 && <Badge count={count} aria-label={t('inbox.unread', { count })} data-testid="unread" />}
                </div>
                <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 4, marginTop: 6 }}>
                  <Tag color={STATE_COLORS[item.state]} style={{ marginInlineEnd: 0 }}>
                    {t(`states.${item.state}`)}
                  </Tag>
                  {item.priority !== 'normal' && (
                    <Tag color={PRIORITY_COLORS[item.priority]} style={{ marginInlineEnd: 0 }}>
                      {t(`priorities.${item.priority}`)}
                    </Tag>
                  )}
                  {item.sla && <SlaBadge subject={{ type: 'conversation', id: item.id }} summary={item.sla} />}
                  {waitingSince && (
                    <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="waiting">
                      <ClockCircleOutlined /> {t('inbox.waiting', { time: duration(t, now - new Date(waitingSince).getTime()) })}
                    </Typography.Text>
                  )}
                  {item.assigneeId && view !== 'mine' && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      · {memberName(item.assigneeId) ?? ''}
                    </Typography.Text>
                  )}
                </div>
              </div>
            );
          })
        )}
        {list.hasNextPage && (
          <div style={{ padding: 12, textAlign: 'center' }}>
            <Button loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('inbox.loadMore')}
            </Button>
          </div>
        )}
      </div>
    </aside>
  );
}

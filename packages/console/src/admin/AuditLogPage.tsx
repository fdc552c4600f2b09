import { useQuery } from '@tanstack/react-query';
import { Button, Empty, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, getAll, type Page } from '../lib/api';
import { useMembers } from '../lib/directory';
import { useSession } from '../lib/session';
import { AdminPage, LoadError, TableSkeleton } from './common';
import { formatTime } from './format';
import type { ApiTokenView, AuditEntryView } from './types';

const PAGE_SIZE = 25;
/** The actions the server records today; the filter also takes any other code typed in. */
const KNOWN_ACTIONS = [
  'member.update',
  'member.remove',
  'member.capacity',
  'member.password_reset_link',
  'invite.create',
  'invite.revoke',
  'api_token.create',
  'api_token.revoke',
  'team.create',
  'team.update',
  'team.delete',
  'team.member.add',
  'team.member.remove',
  'routing_rule.create',
  'routing_rule.update',
  'routing_rule.delete',
  'workspace.update',
  'inbox.create',
  'inbox.update',
  'inbox.secret.rotate',
  'canned_response.create',
  'canned_response.update',
  'canned_response.delete',
  'disposition.create',
  'disposition.update',
  'disposition.delete',
  'customer.update',
  'customer.merge',
  'faq.create',
  'faq.import',
  'bot.configure',
  'auth.login_throttled',
];
const TARGET_TYPES = [
  'user',
  'invite',
  'api_token',
  'team',
  'routing_rule',
  'workspace',
  'inbox',
  'canned_response',
  'disposition_code',
  'customer',
  'faq',
] as const;

function Details({ entry }: { entry: AuditEntryView }) {
  const { t } = useTranslation();
  const show = (label: string, value: unknown) =>
    value === null || value === undefined ? null : (
      <div style={{ flex: 1, minWidth: 0 }}>
        <Typography.Text strong>{label}</Typography.Text>
        <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12, margin: 0 }}>{JSON.stringify(value, null, 2)}</pre>
      </div>
    );
  return (
    <Space align="start" style={{ width: '100%' }}>
      {show(t('admin.audit.before'), entry.before)}
      {show(t('admin.audit.after'), entry.after)}
      {entry.before === null && entry.after === null && <Typography.Text type="secondary">{t('admin.audit.noDetails')}</Typography.Text>}
    </Space>
  );
}

export default function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const { workspaceId } = useSession();
  const members = useMembers();
  const tokens = useQuery({
    queryKey: ['api-tokens', workspaceId],
    queryFn: () => getAll<ApiTokenView>(`/workspaces/${workspaceId}/api-tokens`),
  });
  const [action, setAction] = useState<string | undefined>();
  const [targetType, setTargetType] = useState<string | undefined>();
  // Cursor pagination: the cursors of the pages seen so far, to go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const entries = useQuery({
    queryKey: ['audit-log', workspaceId, action, targetType, cursor],
    queryFn: () => api.get<Page<AuditEntryView>>(`/workspaces/${workspaceId}/audit-log`, { action, targetType, cursor, limit: PAGE_SIZE }),
    staleTime: 0,
  });
  const filter = (change: () => void) => {
    change();
    setCursors([undefined]);
  };
  const actor = (entry: AuditEntryView) => {
    if (entry.actorTokenId)
      return t('admin.audit.byToken', { name: tokens.data?.find((token) => token.id === entry.actorTokenId)?.name ?? entry.actorTokenId });
    if (entry.actorUserId) return members.data?.find((member) => member.userId === entry.actorUserId)?.name ?? entry.actorUserId;
    return t('admin.audit.system');
  };
  const actionLabel = (code: string) => {
    // i18next reads dots as nesting, so the codes' dots are underscores in the locale files.
    const key = `admin.auditActions.${code.replaceAll('.', '_')}`;
    return i18n.exists(key) ? t(key) : code;
  };

  return (
    <AdminPage title={t('admin.menu.auditLog')} description={t('admin.audit.description')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          showSearch
          aria-label={t('admin.audit.action')}
          placeholder={t('admin.audit.allActions')}
          style={{ width: 260 }}
          value={action}
          onChange={(value) => filter(() => setAction(value))}
          options={KNOWN_ACTIONS.map((value) => ({ value, label: `${actionLabel(value)} (${value})` }))}
        />
        <Select
          allowClear
          aria-label={t('admin.audit.targetType')}
          placeholder={t('admin.audit.allTargets')}
          style={{ width: 200 }}
          value={targetType}
          onChange={(value) => filter(() => setTargetType(value))}
          options={TARGET_TYPES.map((value) => ({ value, label: t(`admin.auditTargets.${value}`) }))}
        />
        <Button onClick={() => void entries.refetch()}>{t('admin.audit.refresh')}</Button>
      </Space>
      {entries.isPending ? (
        <TableSkeleton />
      ) : entries.isError ? (
        <LoadError error={entries.error} retry={() => void entries.refetch()} />
      ) : (
        <>
          <Table<AuditEntryView>
            rowKey="id"
            size="small"
            data-testid="audit-table"
            dataSource={entries.data.items}
            pagination={false}
            expandable={{ expandedRowRender: (entry) => <Details entry={entry} /> }}
            locale={{ emptyText: <Empty description={action || targetType ? t('admin.audit.emptyFiltered') : t('admin.audit.empty')} /> }}
            columns={[
              { title: t('admin.audit.time'), dataIndex: 'createdAt', width: 160, render: formatTime },
              { title: t('admin.audit.actor'), key: 'actor', render: (_, entry) => actor(entry) },
              {
                title: t('admin.audit.action'),
                dataIndex: 'action',
                render: (code: string) => (
                  <span data-testid="audit-action" data-action={code}>
                    {actionLabel(code)}
                  </span>
                ),
              },
              {
                title: t('admin.audit.target'),
                key: 'target',
                render: (_, entry) => (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {i18n.exists(`admin.auditTargets.${entry.targetType}`) ? t(`admin.auditTargets.${entry.targetType}`) : entry.targetType}
                    {entry.targetId ? ` · ${entry.targetId.slice(0, 8)}` : ''}
                  </Typography.Text>
                ),
              },
              { title: 'IP', dataIndex: 'ip', width: 130, render: (ip: string | null) => ip ?? '—' },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button disabled={cursors.length < 2} onClick={() => setCursors((list) => list.slice(0, -1))}>
              {t('admin.audit.newer')}
            </Button>
            <Typography.Text type="secondary">{t('admin.audit.page', { n: cursors.length })}</Typography.Text>
            <Button
              disabled={!entries.data.nextCursor}
              onClick={() => entries.data.nextCursor && setCursors((list) => [...list, entries.data.nextCursor!])}
            >
              {t('admin.audit.older')}
            </Button>
          </Space>
        </>
      )}
    </AdminPage>
  );
}

import { CloseOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Modal, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api';
import { useMembers } from '../lib/directory';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { PRIORITIES, STATUSES, type Ticket } from './data';
import { newIdempotencyKey, useBulkJob, useMacros, type BulkJob, type BulkJobDetail, type MacroAction } from './views-data';
import './views-macros-locale';

interface Draft {
  assignee?: string;
  status?: Ticket['status'];
  priority?: Ticket['priority'];
  tagsAdd: string[];
  tagsRemove: string[];
  macroId?: string;
}

const EMPTY: Draft = { tagsAdd: [], tagsRemove: [] };
const NOBODY = 'none';

function actionsOf(draft: Draft): MacroAction[] {
  const actions: MacroAction[] = [];
  if (draft.assignee) actions.push({ type: 'assignee', assigneeId: draft.assignee === NOBODY ? null : draft.assignee });
  if (draft.status && draft.status !== 'closed') actions.push({ type: 'status', status: draft.status });
  if (draft.priority) actions.push({ type: 'priority', priority: draft.priority });
  if (draft.tagsAdd.length) actions.push({ type: 'tags_add', tags: draft.tagsAdd });
  if (draft.tagsRemove.length) actions.push({ type: 'tags_remove', tags: draft.tagsRemove });
  return actions;
}

/**
 * Shown while tickets are selected: what to do to all of them (assign, status, priority, tags, a
 * macro), started as one bulk job. One idempotency key per request, kept until it succeeds, so a
 * retry after a lost answer returns the job already started instead of starting another.
 */
export function BulkBar({
  ticketIds,
  onClear,
  onStarted,
}: {
  ticketIds: string[];
  onClear: () => void;
  onStarted: (job: BulkJob) => void;
}) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const members = useMembers();
  const macros = useMacros(false);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const request = useMemo(() => {
    const actions = actionsOf(draft);
    return {
      ticketIds,
      ...(actions.length ? { actions } : {}),
      ...(draft.macroId ? { macroId: draft.macroId } : {}),
    };
  }, [draft, ticketIds]);
  const empty = !('actions' in request) && !('macroId' in request);
  // A new request gets a new key; the same one, retried, keeps it.
  const key = useMemo(() => newIdempotencyKey(), [request]);
  const start = useMutation({
    mutationFn: () => api.post<BulkJob>(`/workspaces/${workspaceId}/tickets/bulk`, request, { 'idempotency-key': key }),
    onSuccess: (started) => {
      setDraft(EMPTY);
      onStarted(started);
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const set = (patch: Partial<Draft>) => setDraft((old) => ({ ...old, ...patch }));
  const agents = (members.data ?? []).filter((member) => member.active);
  return (
    <div
      data-testid="bulk-bar"
      style={{ background: '#e6f4ff', border: '1px solid #91caff', borderRadius: 8, padding: '8px 12px', marginBottom: 12 }}
    >
      <Space wrap>
        <Typography.Text strong data-testid="bulk-selected">
          {t('ticketViews.bulk.selected', { count: ticketIds.length })}
        </Typography.Text>
        <Select
          allowClear
          aria-label={t('ticketViews.bulk.assignee')}
          placeholder={t('ticketViews.bulk.assignee')}
          style={{ width: 150 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={draft.assignee}
          onChange={(assignee) => set({ assignee })}
          options={[
            { value: 'me', label: t('ticketViews.bulk.me') },
            { value: NOBODY, label: t('ticketViews.bulk.unassigned') },
            ...agents.map((member) => ({ value: member.userId, label: member.name })),
          ]}
        />
        <Select
          allowClear
          aria-label={t('ticketViews.bulk.status')}
          placeholder={t('ticketViews.bulk.status')}
          style={{ width: 130 }}
          value={draft.status}
          onChange={(status) => set({ status })}
          options={STATUSES.filter((value) => value !== 'closed').map((value) => ({ value, label: t(`tickets.statuses.${value}`) }))}
        />
        <Select
          allowClear
          aria-label={t('ticketViews.bulk.priority')}
          placeholder={t('ticketViews.bulk.priority')}
          style={{ width: 130 }}
          value={draft.priority}
          onChange={(priority) => set({ priority })}
          options={PRIORITIES.map((value) => ({ value, label: t(`priorities.${value}`) }))}
        />
        <Select
          mode="tags"
          aria-label={t('ticketViews.bulk.tagsAdd')}
          placeholder={t('ticketViews.bulk.tagsAdd')}
          style={{ minWidth: 140 }}
          value={draft.tagsAdd}
          onChange={(tagsAdd: string[]) => set({ tagsAdd })}
          tokenSeparators={[',', '，']}
        />
        <Select
          mode="tags"
          aria-label={t('ticketViews.bulk.tagsRemove')}
          placeholder={t('ticketViews.bulk.tagsRemove')}
          style={{ minWidth: 140 }}
          value={draft.tagsRemove}
          onChange={(tagsRemove: string[]) => set({ tagsRemove })}
          tokenSeparators={[',', '，']}
        />
        <Select
          allowClear
          aria-label={t('ticketViews.bulk.macro')}
          placeholder={t('ticketViews.bulk.macro')}
          style={{ width: 170 }}
          value={draft.macroId}
          onChange={(macroId) => set({ macroId })}
          options={(macros.data ?? []).map((macro) => ({ value: macro.id, label: macro.name }))}
        />
        <Button
          type="primary"
          icon={<ThunderboltOutlined />}
          disabled={empty}
          loading={start.isPending}
          onClick={() => start.mutate()}
          title={empty ? t('ticketViews.bulk.nothing') : undefined}
        >
          {t('ticketViews.bulk.apply', { count: ticketIds.length })}
        </Button>
        <Button icon={<CloseOutlined />} onClick={onClear}>
          {t('ticketViews.bulk.clear')}
        </Button>
      </Space>
    </div>
  );
}

/**
 * A running job's progress, live, then each ticket's outcome with the reason of any failure. Kept
 * by the list, not the bar: the tickets may leave the list (and the selection) as the job changes them.
 */
export function BulkJobProgress({ job, onClose }: { job: BulkJob; onClose: () => void }) {
  const { t } = useTranslation();
  const { progress, detail } = useBulkJob(job);
  const done = progress?.status === 'done';
  const percent = progress && progress.total ? Math.round((progress.processed / progress.total) * 100) : 0;
  return (
    <Modal
      open
      title={t('ticketViews.bulk.resultTitle')}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose} data-testid="bulk-close">
          {t('ticketViews.bulk.close')}
        </Button>
      }
      width={640}
    >
      <div data-testid="bulk-progress" data-status={progress?.status} data-processed={progress?.processed} data-total={progress?.total}>
        <Typography.Paragraph>
          {done
            ? t('ticketViews.bulk.done', {
                changed: progress.changed,
                failed: progress.failed,
                unchanged: progress.processed - progress.changed - progress.failed,
              })
            : t('ticketViews.bulk.running')}
        </Typography.Paragraph>
        {/* Failed tickets are listed below; the job itself went through, so no red bar. */}
        <Progress percent={percent} status={done ? (progress.failed ? 'normal' : 'success') : 'active'} />
        <Typography.Text type="secondary">
          {t('ticketViews.bulk.progress', { processed: progress?.processed ?? 0, total: progress?.total ?? job.total })}
        </Typography.Text>
      </div>
      {detail && <BulkOutcomes detail={detail} />}
    </Modal>
  );
}

const OUTCOME_COLORS = { pending: 'default', changed: 'green', unchanged: 'blue', failed: 'red' } as const;

function BulkOutcomes({ detail }: { detail: BulkJobDetail }) {
  const { t } = useTranslation();
  // Failures first: they are what the agent has to act on.
  const items = [...detail.items].sort((a, b) => Number(b.outcome === 'failed') - Number(a.outcome === 'failed') || a.number - b.number);
  return (
    <>
      {detail.failed > 0 && (
        <Alert type="warning" showIcon style={{ margin: '12px 0' }} title={t('ticketViews.bulk.failedHint', { count: detail.failed })} />
      )}
      <Table
        data-testid="bulk-outcomes"
        rowKey="ticketId"
        size="small"
        style={{ marginTop: 12 }}
        pagination={items.length > 10 ? { pageSize: 10, size: 'small' } : false}
        dataSource={items}
        columns={[
          { title: t('ticketViews.bulk.ticket'), dataIndex: 'number', width: 90, render: (value: number) => `#${value}` },
          {
            title: t('ticketViews.bulk.outcome'),
            dataIndex: 'outcome',
            width: 110,
            render: (value: keyof typeof OUTCOME_COLORS) => (
              <Tag color={OUTCOME_COLORS[value]}>{t(`ticketViews.bulk.outcomes.${value}`)}</Tag>
            ),
          },
          {
            title: t('ticketViews.bulk.reason'),
            key: 'reason',
            // Known refusals in the agent's language; anything else as the server words it.
            render: (_, row) => (row.error ? t(`ticketViews.bulk.errors.${row.error.code}`, { defaultValue: row.error.message }) : ''),
          },
        ]}
      />
    </>
  );
}

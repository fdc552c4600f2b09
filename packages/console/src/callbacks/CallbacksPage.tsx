import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Form,
  Input,
  Layout,
  Modal,
  Radio,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { CHANNELS, callbackKeys, dueState, useCallbackUpdates, type CallbackTask } from './data';

type Scope = 'mine' | 'team' | 'all';
type Dialog = { kind: 'attempt' | 'complete'; task: CallbackTask } | null;
interface AttemptValues {
  outcome: 'reached' | 'not_reached' | 'retry_at';
  retryAt?: Dayjs;
  channel: CallbackTask['channel'];
  note?: string;
}

const DUE_COLORS = { overdue: 'red', soon: 'orange' } as const;

/** An agent's callback tasks (回访), soonest due first: overdue ones in red, due within the hour in orange. */
export default function CallbacksPage() {
  const { t, i18n } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [scope, setScope] = useState<Scope>('mine');
  const [status, setStatus] = useState<CallbackTask['status'] | undefined>('open');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm();
  useCallbackUpdates();
  const filters = { scope, ...(status ? { status } : {}), ...(overdueOnly ? { overdue: 'true' } : {}) };
  const list = useInfiniteQuery({
    queryKey: [...callbackKeys.all(workspaceId), 'list', filters],
    queryFn: ({ pageParam }) =>
      api.get<Page<CallbackTask>>(`/workspaces/${workspaceId}/callback-tasks`, { ...filters, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const now = Date.now();
  const done = (text: string) => {
    void client.invalidateQueries({ queryKey: callbackKeys.all(workspaceId) });
    void message.success(text);
    setDialog(null);
    form.resetFields();
  };
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const attempt = useMutation({
    mutationFn: ({ id, values }: { id: string; values: AttemptValues }) =>
      api.post<CallbackTask>(`/workspaces/${workspaceId}/callback-tasks/${id}/attempts`, {
        outcome: values.outcome,
        channel: values.channel,
        note: values.note ?? '',
        ...(values.outcome === 'retry_at' && values.retryAt ? { retryAt: values.retryAt.toISOString() } : {}),
      }),
    onSuccess: () => done(t('callbacks.recorded')),
    onError,
  });
  const complete = useMutation({
    mutationFn: ({ id, note }: { id: string; note: string }) =>
      api.post<CallbackTask>(`/workspaces/${workspaceId}/callback-tasks/${id}/complete`, { note }),
    onSuccess: () => done(t('callbacks.completed')),
    onError,
  });
  const outcome = Form.useWatch('outcome', form) as AttemptValues['outcome'] | undefined;
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' });

  return (
    <Layout style={{ height: '100%' }}>
      <Header />
      <Layout.Content style={{ padding: 24, overflow: 'auto' }} data-testid="callbacks-page">
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('callbacks.title')}
          </Typography.Title>
          <Space wrap>
            <Segmented<Scope>
              value={scope}
              onChange={setScope}
              options={(['mine', 'team', 'all'] as const).map((value) => ({ value, label: t(`callbacks.scopes.${value}`) }))}
            />
            <Select
              allowClear
              style={{ width: 130 }}
              value={status}
              onChange={setStatus}
              placeholder={t('common.all')}
              aria-label={t('callbacks.statuses.open')}
              options={(['open', 'done', 'cancelled'] as const).map((value) => ({ value, label: t(`callbacks.statuses.${value}`) }))}
            />
            <Space size={4}>
              <Switch size="small" checked={overdueOnly} onChange={setOverdueOnly} aria-label={t('callbacks.overdueOnly')} />
              {t('callbacks.overdueOnly')}
            </Space>
          </Space>
        </Space>
        {list.isError && <Alert type="error" showIcon title={errorText(t, list.error)} style={{ marginBottom: 12 }} />}
        <Table<CallbackTask>
          rowKey="id"
          size="middle"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('callbacks.empty') }}
          onRow={(task) => ({ 'data-testid': 'callback-row', 'data-due': dueState(task, now) ?? 'later' }) as never}
          expandable={{
            rowExpandable: (task) => task.attempts.length > 0,
            expandedRowRender: (task) => (
              <Space orientation="vertical" size={2}>
                {task.attempts.map((item) => (
                  <Typography.Text key={item.id} style={{ fontSize: 12 }}>
                    {when(item.at)} · {t(`callbacks.outcomes.${item.outcome}`)}
                    {item.retryAt ? ` ${when(item.retryAt)}` : ''} · {t(`callbacks.channels.${item.channel}`)} · {item.byName ?? ''}{' '}
                    {item.note}
                  </Typography.Text>
                ))}
              </Space>
            ),
          }}
          columns={[
            { title: t('callbacks.customer'), render: (_, task) => task.customerName ?? '—', width: 140 },
            { title: t('callbacks.reason'), dataIndex: 'reason', ellipsis: true },
            { title: t('callbacks.source'), render: (_, task) => <Tag>{t(`callbacks.sources.${task.source}`)}</Tag>, width: 120 },
            { title: t('callbacks.channel'), render: (_, task) => t(`callbacks.channels.${task.channel}`), width: 80 },
            {
              title: t('callbacks.due'),
              width: 190,
              render: (_, task) => {
                const state = dueState(task, now);
                return (
                  <Space size={4}>
                    <span style={state === 'overdue' ? { color: '#cf1322', fontWeight: 600 } : undefined}>{when(task.dueAt)}</span>
                    {state && <Tag color={DUE_COLORS[state]}>{t(state === 'overdue' ? 'callbacks.overdue' : 'callbacks.dueSoon')}</Tag>}
                  </Space>
                );
              },
            },
            { title: t('callbacks.attempts'), dataIndex: 'attemptCount', width: 90 },
            { title: t('callbacks.assignee'), render: (_, task) => task.assigneeName ?? '—', width: 110 },
            {
              title: '',
              width: 220,
              render: (_, task) =>
                task.status === 'open' ? (
                  <Space>
                    <Button
                      size="small"
                      onClick={() => {
                        form.setFieldsValue({ outcome: 'not_reached', channel: task.channel, note: '' });
                        setDialog({ kind: 'attempt', task });
                      }}
                    >
                      {t('callbacks.record')}
                    </Button>
                    <Button size="small" type="primary" onClick={() => setDialog({ kind: 'complete', task })}>
                      {t('callbacks.complete')}
                    </Button>
                  </Space>
                ) : (
                  <Tag>{t(`callbacks.statuses.${task.status}`)}</Tag>
                ),
            },
          ]}
        />
        {list.hasNextPage && (
          <Button style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('callbacks.more')}
          </Button>
        )}
        <Modal
          open={dialog?.kind === 'attempt'}
          title={t('callbacks.record')}
          okText={t('common.save')}
          cancelText={t('common.cancel')}
          confirmLoading={attempt.isPending}
          onOk={() => form.submit()}
          onCancel={() => setDialog(null)}
          forceRender
        >
          <Form
            form={form}
            layout="vertical"
            onFinish={(values: AttemptValues) => dialog && attempt.mutate({ id: dialog.task.id, values })}
          >
            <Form.Item name="outcome" label={t('callbacks.outcome')}>
              <Radio.Group
                options={(['reached', 'not_reached', 'retry_at'] as const).map((value) => ({
                  value,
                  label: t(`callbacks.outcomes.${value}`),
                }))}
              />
            </Form.Item>
            {outcome === 'retry_at' && (
              <Form.Item name="retryAt" label={t('callbacks.retryAt')} rules={[{ required: true }]}>
                <DatePicker showTime style={{ width: '100%' }} />
              </Form.Item>
            )}
            <Form.Item name="channel" label={t('callbacks.channel')}>
              <Select options={CHANNELS.map((value) => ({ value, label: t(`callbacks.channels.${value}`) }))} />
            </Form.Item>
            <Form.Item name="note" label={t('callbacks.note')}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
            </Form.Item>
          </Form>
        </Modal>
        <CompleteDialog
          task={dialog?.kind === 'complete' ? dialog.task : null}
          pending={complete.isPending}
          onCancel={() => setDialog(null)}
          onComplete={(note) => dialog && complete.mutate({ id: dialog.task.id, note })}
        />
      </Layout.Content>
    </Layout>
  );
}

function CompleteDialog({
  task,
  pending,
  onCancel,
  onComplete,
}: {
  task: CallbackTask | null;
  pending: boolean;
  onCancel: () => void;
  onComplete: (note: string) => void;
}) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  return (
    <Modal
      open={task !== null}
      title={t('callbacks.completeTitle')}
      okText={t('callbacks.complete')}
      cancelText={t('common.cancel')}
      confirmLoading={pending}
      onOk={() => onComplete(note.trim())}
      onCancel={onCancel}
      afterClose={() => setNote('')}
    >
      <Typography.Paragraph type="secondary">{task?.reason}</Typography.Paragraph>
      <Input.TextArea
        autoSize={{ minRows: 2 }}
        maxLength={2000}
        value={note}
        onChange={(event) => setNote(event.target.value)}
        placeholder={t('callbacks.outcomeNote')}
        aria-label={t('callbacks.outcomeNote')}
      />
    </Modal>
  );
}

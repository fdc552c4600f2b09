import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  EditOutlined,
  ExperimentOutlined,
  MinusCircleOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import type { Automation, AutomationRun, CreateAutomationRequest, DryRunResult } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ADMIN_PAGE_STYLE, AdminPageTitle, LoadFailed, remove, useWorkspacePath } from '../admin/content-common';
import { api } from '../lib/api';
import { useMembers, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { RunList } from './RunList';
import './locales';

type Subject = 'ticket' | 'conversation';
/** What each subject's rules offer (the server refuses the rest with the reason: `automationMisfits`). */
const SHARED_TRIGGERS = ['customer.message', 'agent.message', 'sla.warning', 'sla.breached', 'csat.received'] as const;
const TRIGGERS: Record<Subject, readonly string[]> = {
  ticket: ['ticket.created', 'ticket.updated', ...SHARED_TRIGGERS, 'time'],
  conversation: ['conversation.created', 'conversation.updated', ...SHARED_TRIGGERS],
};
const WATCHED: Record<Subject, readonly string[]> = {
  ticket: ['status', 'priority', 'assigneeId', 'teamId', 'tags', 'type', 'subject', 'fields'],
  conversation: ['status', 'priority', 'assigneeId', 'teamId', 'tags'],
};
const FIELDS: Record<Subject, readonly string[]> = {
  ticket: ['status', 'priority', 'type', 'assigneeId', 'teamId', 'sourceChannel', 'subject', 'tags'],
  conversation: ['status', 'priority', 'assigneeId', 'teamId', 'sourceChannel', 'inboxId', 'tags'],
};
const CONDITION_KINDS: Record<Subject, readonly string[]> = {
  ticket: ['field', 'custom_field', 'customer', 'text', 'business_hours'],
  conversation: ['field', 'customer', 'text', 'business_hours'],
};
const OPERATORS = ['is', 'is_not', 'in', 'not_in', 'set', 'not_set', 'contains', 'not_contains'] as const;
const ACTIONS: Record<Subject, readonly string[]> = {
  ticket: [
    'set_status',
    'set_priority',
    'set_type',
    'set_team',
    'set_assignee',
    'set_tags',
    'set_field',
    'send_reply',
    'add_note',
    'notify',
    'escalate',
    'apply_macro',
    'create_callback',
    'webhook',
  ],
  conversation: [
    'set_priority',
    'set_team',
    'set_assignee',
    'set_tags',
    'send_reply',
    'add_note',
    'notify',
    'create_ticket',
    'create_callback',
    'webhook',
  ],
};
const FIRST_TRIGGER: Record<Subject, CreateAutomationRequest['trigger']> = {
  ticket: { type: 'ticket.created' },
  conversation: { type: 'conversation.created' },
};
const CALLBACK_CHANNELS = ['phone', 'sms', 'email', 'wechat'] as const;
const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TYPES = ['question', 'incident', 'problem', 'task'];
const VARIABLES: Record<Subject, string> = {
  ticket: '{{ticket.number}} {{ticket.subject}} {{ticket.status}} {{customer.name}} {{ticket.fields.key}}',
  conversation: '{{conversation.number}} {{conversation.priority}} {{customer.name}}',
};

type Draft = CreateAutomationRequest;

const NEW_DRAFT: Draft = {
  subject: 'ticket',
  name: '',
  description: '',
  enabled: true,
  trigger: { type: 'ticket.created' },
  conditions: { match: 'all', groups: [] },
  actions: [{ kind: 'add_note', text: '' }],
};

/** The automations admin page: the ordered list with enable switches, the builder, dry runs and the log. */
export default function AutomationsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const canManage = useSession().role === 'admin';
  const [editing, setEditing] = useState<{ id: string | null; draft: Draft } | null>(null);
  const [dryRun, setDryRun] = useState<DryRunResult | null>(null);
  const list = useQuery({ queryKey: ['automations', base], queryFn: () => api.get<{ items: Automation[] }>(`${base}/automations`) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['automations', base] });
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const change = useMutation({
    mutationFn: ({ id, ...patch }: Partial<Draft> & { id: string }) => api.patch<Automation>(`${base}/automations/${id}`, patch),
    onSuccess: () => {
      void message.success(t('automations.saved'));
      refresh();
    },
    onError,
  });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api.put(`${base}/automations/order`, { ids }),
    onSuccess: refresh,
    onError,
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/automations/${id}`),
    onSuccess: () => {
      void message.success(t('automations.deleted'));
      refresh();
    },
    onError,
  });
  const tryAll = useMutation({
    mutationFn: () => api.post<DryRunResult>(`${base}/automations/dry-run`, {}),
    onSuccess: setDryRun,
    onError,
  });
  const items = list.data?.items ?? [];
  const move = (index: number, by: number) => {
    const ids = items.map((item) => item.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    reorder.mutate(ids);
  };

  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle
        title={t('automations.title')}
        hint={t('automations.hint')}
        extra={
          <>
            <Button
              icon={<ExperimentOutlined />}
              onClick={() => tryAll.mutate()}
              loading={tryAll.isPending}
              data-testid="automations-dry-run-all"
            >
              {t('automations.dryRun')}
            </Button>
            {canManage && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setEditing({ id: null, draft: NEW_DRAFT })}
                data-testid="automation-create"
              >
                {t('automations.create')}
              </Button>
            )}
          </>
        }
      />
      {list.isError && <LoadFailed error={list.error} onRetry={() => void list.refetch()} />}
      <Tabs
        items={[
          {
            key: 'rules',
            label: t('automations.title'),
            children: (
              <>
                <Table<Automation>
                  rowKey="id"
                  size="middle"
                  loading={list.isPending}
                  dataSource={items}
                  pagination={false}
                  data-testid="automations-table"
                  locale={{ emptyText: <Empty description={t('automations.empty')} /> }}
                  columns={[
                    {
                      title: t('automations.order'),
                      width: 110,
                      render: (_, row, index) => (
                        <Space size={0}>
                          <Typography.Text style={{ width: 24, display: 'inline-block' }}>{index + 1}</Typography.Text>
                          {canManage && (
                            <>
                              <Button
                                size="small"
                                type="text"
                                icon={<ArrowUpOutlined />}
                                disabled={index === 0}
                                aria-label={t('automations.moveUp')}
                                onClick={() => move(index, -1)}
                              />
                              <Button
                                size="small"
                                type="text"
                                icon={<ArrowDownOutlined />}
                                disabled={index === items.length - 1}
                                aria-label={t('automations.moveDown')}
                                onClick={() => move(index, 1)}
                              />
                            </>
                          )}
                        </Space>
                      ),
                    },
                    {
                      title: t('automations.name'),
                      dataIndex: 'name',
                      render: (value: string) => <Typography.Text strong>{value}</Typography.Text>,
                    },
                    { title: t('automations.subject'), width: 90, render: (_, row) => t(`automations.subjects.${row.subject}`) },
                    { title: t('automations.trigger'), render: (_, row) => <Tag>{t(`automations.triggers.${row.trigger.type}`)}</Tag> },
                    {
                      title: t('automations.actions'),
                      render: (_, row) => row.actions.map((action, i) => <Tag key={i}>{t(`automations.actionKinds.${action.kind}`)}</Tag>),
                    },
                    {
                      title: t('automations.enabled'),
                      width: 90,
                      render: (_, row) => (
                        <Switch
                          checked={row.enabled}
                          disabled={!canManage}
                          aria-label={t('automations.enabledFor', { name: row.name })}
                          onChange={(enabled) => change.mutate({ id: row.id, enabled })}
                        />
                      ),
                    },
                    {
                      title: '',
                      width: 100,
                      render: (_, row) =>
                        canManage && (
                          <Space size={0}>
                            <Button
                              size="small"
                              type="text"
                              icon={<EditOutlined />}
                              aria-label={t('automations.edit')}
                              onClick={() => setEditing({ id: row.id, draft: { ...row } })}
                            />
                            <Popconfirm
                              title={t('automations.confirmDelete')}
                              onConfirm={() => del.mutate(row.id)}
                              okText={t('common.remove')}
                              cancelText={t('common.cancel')}
                            >
                              <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} />
                            </Popconfirm>
                          </Space>
                        ),
                    },
                  ]}
                />
                {dryRun && <DryRunView result={dryRun} />}
              </>
            ),
          },
          { key: 'log', label: t('automations.log'), children: <WorkspaceLog /> },
        ]}
      />
      {editing && (
        <Builder
          id={editing.id}
          initial={editing.draft}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refresh();
          }}
        />
      )}
    </div>
  );
}

function WorkspaceLog() {
  const base = useWorkspacePath();
  const runs = useQuery({
    queryKey: ['automation-runs', base],
    queryFn: () => api.get<{ items: AutomationRun[] }>(`${base}/automations/runs?limit=100`),
  });
  return <RunList runs={runs.data?.items ?? []} loading={runs.isPending} showTicket />;
}

function DryRunView({ result }: { result: DryRunResult }) {
  const { t } = useTranslation();
  return (
    <Card size="small" style={{ marginTop: 16 }} data-testid="dry-run-result" title={t('automations.dryRun')}>
      <Typography.Paragraph type="secondary">
        {result.matches.length
          ? t('automations.dryRunResult', { checked: result.checked, count: result.matches.length })
          : t('automations.dryRunNone', { checked: result.checked })}
      </Typography.Paragraph>
      {result.matches.length > 0 && (
        <Table
          size="small"
          rowKey={(row) => `${row.subjectId}:${row.automationId ?? 'draft'}`}
          pagination={false}
          dataSource={result.matches}
          columns={[
            {
              title: t('automations.item'),
              render: (_, row) => `${t(`automations.subjects.${row.subjectType}`)} #${row.number} ${row.title}`,
            },
            { title: t('automations.rule'), dataIndex: 'automationName' },
            { title: t('automations.wouldDo'), render: (_, row) => row.actions.map((action, i) => <div key={i}>{action.summary}</div>) },
          ]}
        />
      )}
    </Card>
  );
}

/** The rule builder: trigger, condition groups, actions; a dry run tries the draft before it is saved. */
function Builder({ id, initial, onClose, onSaved }: { id: string | null; initial: Draft; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const base = useWorkspacePath();
  const [form] = Form.useForm<Draft>();
  const [result, setResult] = useState<DryRunResult | null>(null);
  const teams = useTeams();
  const members = useMembers();
  const calendars = useQuery({
    queryKey: ['calendars', base],
    queryFn: () => api.get<{ items: { id: string; name: string }[] }>(`${base}/calendars`),
  });
  const teamOptions = (teams.data ?? []).map((team) => ({ value: team.id, label: team.name }));
  const memberOptions = (members.data ?? []).map((member) => ({ value: member.userId, label: member.name }));
  const calendarOptions = (calendars.data?.items ?? []).map((calendar) => ({ value: calendar.id, label: calendar.name }));
  const macros = useQuery({
    queryKey: ['macros', base],
    queryFn: () => api.get<{ items: { id: string; name: string; shared: boolean; archived: boolean }[] }>(`${base}/macros`),
  });
  // An automation applies shared macros only: a personal one is its owner's.
  const macroOptions = (macros.data?.items ?? [])
    .filter((macro) => macro.shared && !macro.archived)
    .map((macro) => ({ value: macro.id, label: macro.name }));
  const enumOptions = (values: readonly string[], prefix: string) =>
    values.map((value) => ({ value, label: t(`${prefix}.${value}`, value) }));
  const triggerType = Form.useWatch(['trigger', 'type'], form) ?? initial.trigger.type;
  const subject: Subject = Form.useWatch('subject', form) ?? initial.subject ?? 'ticket';
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const save = useMutation({
    mutationFn: (draft: Draft) => (id ? api.patch(`${base}/automations/${id}`, draft) : api.post(`${base}/automations`, draft)),
    onSuccess: () => {
      void message.success(t('automations.saved'));
      onSaved();
    },
    onError,
  });
  const tryDraft = useMutation({
    mutationFn: (draft: Draft) => api.post<DryRunResult>(`${base}/automations/dry-run`, { automation: draft }),
    onSuccess: setResult,
    onError,
  });
  const values = () => form.validateFields().then((draft) => ({ ...initial, ...draft }) as Draft);

  return (
    <Modal
      open
      width={860}
      title={id ? t('automations.edit') : t('automations.create')}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button
            icon={<ExperimentOutlined />}
            onClick={() => void values().then((draft) => tryDraft.mutate(draft))}
            loading={tryDraft.isPending}
            data-testid="automation-dry-run"
          >
            {t('automations.dryRun')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            onClick={() => void values().then((draft) => save.mutate(draft))}
            loading={save.isPending}
            data-testid="automation-save"
          >
            {t('automations.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" initialValues={initial} data-testid="automation-builder">
        <Form.Item
          name="name"
          label={t('automations.name')}
          rules={[{ required: true, whitespace: true, message: t('automations.nameRequired') }, { max: 100 }]}
        >
          <Input aria-label={t('automations.name')} />
        </Form.Item>
        <Form.Item name="description" label={t('automations.description')}>
          <Input.TextArea autoSize={{ minRows: 1 }} maxLength={1000} />
        </Form.Item>
        <Form.Item name="subject" label={t('automations.subject')} extra={t('automations.subjectHint')}>
          <Radio.Group
            optionType="button"
            options={(['ticket', 'conversation'] as const).map((value) => ({ value, label: t(`automations.subjects.${value}`) }))}
            data-testid="automation-subject"
            // A trigger or action of the other subject would be refused: start from this subject's first trigger.
            onChange={(event) => form.setFieldValue('trigger', FIRST_TRIGGER[event.target.value as Subject])}
          />
        </Form.Item>
        <Card size="small" title={t('automations.trigger')} style={{ marginBottom: 12 }}>
          <Space wrap align="start">
            <Form.Item name={['trigger', 'type']} noStyle>
              <Select
                style={{ width: 220 }}
                options={enumOptions(TRIGGERS[subject], 'automations.triggers')}
                aria-label={t('automations.trigger')}
                data-testid="automation-trigger"
              />
            </Form.Item>
            {(triggerType === 'ticket.updated' || triggerType === 'conversation.updated') && (
              <>
                <Form.Item name={['trigger', 'field']} noStyle>
                  <Select
                    allowClear
                    style={{ width: 200 }}
                    placeholder={t('automations.watchedField')}
                    options={WATCHED[subject].map((value) => ({ value, label: value }))}
                  />
                </Form.Item>
                <Form.Item name={['trigger', 'to']} noStyle>
                  <Input style={{ width: 160 }} placeholder={t('automations.changedTo')} />
                </Form.Item>
              </>
            )}
            {(triggerType === 'sla.warning' || triggerType === 'sla.breached') && (
              <Form.Item name={['trigger', 'metric']} noStyle>
                <Select
                  allowClear
                  style={{ width: 200 }}
                  placeholder={t('automations.metric')}
                  options={enumOptions(['first_response', 'next_response', 'resolution'], 'automations.metrics')}
                />
              </Form.Item>
            )}
            {triggerType === 'csat.received' && (
              <Form.Item name={['trigger', 'maxRating']} noStyle>
                <InputNumber min={1} max={5} placeholder={t('automations.maxRating')} style={{ width: 200 }} />
              </Form.Item>
            )}
            {triggerType === 'time' && (
              <>
                <Form.Item name={['trigger', 'anchor']} noStyle initialValue="status_changed">
                  <Select
                    style={{ width: 180 }}
                    options={enumOptions(['created', 'updated', 'status_changed'], 'automations.anchors')}
                    aria-label={t('automations.anchor')}
                  />
                </Form.Item>
                <Form.Item name={['trigger', 'hours']} noStyle initialValue={72}>
                  <InputNumber min={0.25} addonAfter={t('automations.hours')} style={{ width: 160 }} />
                </Form.Item>
                <Form.Item name={['trigger', 'calendarId']} noStyle initialValue={null}>
                  <Select allowClear style={{ width: 260 }} placeholder={t('automations.calendar')} options={calendarOptions} />
                </Form.Item>
              </>
            )}
          </Space>
        </Card>

        <Card
          size="small"
          title={t('automations.conditions')}
          style={{ marginBottom: 12 }}
          extra={
            <Space>
              <Typography.Text type="secondary">{t('automations.groupsMatch')}</Typography.Text>
              <Form.Item name={['conditions', 'match']} noStyle>
                <Select style={{ width: 120 }} options={enumOptions(['all', 'any'], 'automations.match')} />
              </Form.Item>
            </Space>
          }
        >
          <Form.List name={['conditions', 'groups']}>
            {(groups, groupOps) => (
              <>
                {groups.length === 0 && <Typography.Paragraph type="secondary">{t('automations.noConditions')}</Typography.Paragraph>}
                {groups.map((group) => (
                  <Card
                    key={group.key}
                    size="small"
                    type="inner"
                    style={{ marginBottom: 8 }}
                    title={
                      <Form.Item name={[group.name, 'match']} noStyle>
                        <Select style={{ width: 120 }} options={enumOptions(['all', 'any'], 'automations.match')} />
                      </Form.Item>
                    }
                    extra={
                      <Button
                        type="text"
                        icon={<MinusCircleOutlined />}
                        onClick={() => groupOps.remove(group.name)}
                        aria-label={t('common.remove')}
                      />
                    }
                  >
                    <Form.List name={[group.name, 'items']}>
                      {(items, itemOps) => (
                        <>
                          {items.map((item) => (
                            <ConditionRow
                              key={item.key}
                              path={['conditions', 'groups', group.name, 'items', item.name]}
                              name={item.name}
                              onRemove={() => itemOps.remove(item.name)}
                              calendarOptions={calendarOptions}
                            />
                          ))}
                          <Button
                            size="small"
                            icon={<PlusOutlined />}
                            onClick={() => itemOps.add({ kind: 'text', source: 'subject', op: 'contains', value: '' })}
                            data-testid="automation-add-condition"
                          >
                            {t('automations.addCondition')}
                          </Button>
                        </>
                      )}
                    </Form.List>
                  </Card>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => groupOps.add({ match: 'all', items: [{ kind: 'text', source: 'subject', op: 'contains', value: '' }] })}
                  data-testid="automation-add-group"
                >
                  {t('automations.addGroup')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card size="small" title={t('automations.actions')}>
          <Form.List name="actions">
            {(actions, ops) => (
              <>
                {actions.map((action, index) => (
                  <ActionRow
                    key={action.key}
                    name={action.name}
                    index={index}
                    onRemove={actions.length > 1 ? () => ops.remove(action.name) : undefined}
                    teamOptions={teamOptions}
                    memberOptions={memberOptions}
                  />
                ))}
                <Button icon={<PlusOutlined />} onClick={() => ops.add({ kind: 'add_note', text: '' })}>
                  {t('automations.addAction')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
      </Form>
      {result && <DryRunView result={result} />}
    </Modal>
  );

  function ConditionRow({
    path,
    name,
    onRemove,
    calendarOptions: calendarsShown,
  }: {
    path: (string | number)[];
    name: number;
    onRemove: () => void;
    calendarOptions: { value: string; label: string }[];
  }) {
    const kind = Form.useWatch([...path, 'kind'], form) as string | undefined;
    const op = Form.useWatch([...path, 'op'], form) as string | undefined;
    const attribute = Form.useWatch([...path, 'attribute'], form) as string | undefined;
    const needsValue = op !== 'set' && op !== 'not_set';
    const list = op === 'in' || op === 'not_in';
    return (
      <Space wrap style={{ display: 'flex', marginBottom: 8 }} align="start" data-testid="automation-condition">
        <Form.Item name={[name, 'kind']} noStyle>
          <Select
            style={{ width: 130 }}
            options={enumOptions(CONDITION_KINDS[subject], 'automations.conditionKinds')}
            aria-label={t('automations.conditions')}
          />
        </Form.Item>
        {kind === 'field' && (
          <Form.Item name={[name, 'field']} noStyle initialValue="status">
            <Select style={{ width: 140 }} options={FIELDS[subject].map((value) => ({ value, label: value }))} />
          </Form.Item>
        )}
        {kind === 'custom_field' && (
          <Form.Item name={[name, 'key']} noStyle rules={[{ required: true }]}>
            <Input style={{ width: 140 }} placeholder={t('automations.fieldKey')} />
          </Form.Item>
        )}
        {kind === 'customer' && (
          <Form.Item name={[name, 'attribute']} noStyle initialValue="tier">
            <Select style={{ width: 110 }} options={enumOptions(['tier', 'tags', 'attribute'], 'automations.customerAttributes')} />
          </Form.Item>
        )}
        {kind === 'customer' && attribute === 'attribute' && (
          <Form.Item name={[name, 'name']} noStyle>
            <Input style={{ width: 120 }} placeholder={t('automations.attributeName')} />
          </Form.Item>
        )}
        {kind === 'text' && (
          <Form.Item name={[name, 'source']} noStyle initialValue="subject">
            <Select style={{ width: 130 }} options={enumOptions(['message', 'subject', 'any'], 'automations.textSources')} />
          </Form.Item>
        )}
        {kind !== 'business_hours' && (
          <Form.Item name={[name, 'op']} noStyle initialValue="is">
            <Select
              style={{ width: 110 }}
              options={enumOptions(kind === 'text' ? ['contains', 'not_contains'] : OPERATORS, 'automations.operators')}
            />
          </Form.Item>
        )}
        {kind !== 'business_hours' && needsValue && !list && (
          <Form.Item name={[name, 'value']} noStyle rules={[{ required: true, whitespace: true }]}>
            <Input style={{ width: 180 }} placeholder={t('automations.value')} aria-label={t('automations.value')} />
          </Form.Item>
        )}
        {kind !== 'business_hours' && list && (
          <Form.Item name={[name, 'values']} noStyle>
            <Select mode="tags" style={{ width: 220 }} placeholder={t('automations.value')} />
          </Form.Item>
        )}
        {kind === 'business_hours' && (
          <>
            <Form.Item name={[name, 'calendarId']} noStyle rules={[{ required: true }]}>
              <Select style={{ width: 180 }} options={calendarsShown} placeholder={t('automations.calendar')} />
            </Form.Item>
            <Form.Item name={[name, 'inside']} noStyle initialValue={true}>
              <Select
                style={{ width: 150 }}
                options={[
                  { value: true, label: t('automations.inside') },
                  { value: false, label: t('automations.outside') },
                ]}
              />
            </Form.Item>
          </>
        )}
        <Button type="text" icon={<MinusCircleOutlined />} onClick={onRemove} aria-label={t('common.remove')} />
      </Space>
    );
  }

  function ActionRow({
    name,
    index,
    onRemove,
    teamOptions: teamsShown,
    memberOptions: membersShown,
  }: {
    name: number;
    index: number;
    onRemove?: () => void;
    teamOptions: { value: string; label: string }[];
    memberOptions: { value: string; label: string }[];
  }) {
    const kind = Form.useWatch(['actions', name, 'kind'], form) as string | undefined;
    const text = (
      <Form.Item name={[name, 'text']} noStyle rules={[{ required: true, whitespace: true }]}>
        <Input.TextArea
          autoSize={{ minRows: 1 }}
          style={{ width: 420 }}
          placeholder={`${t('automations.template')} ${VARIABLES[subject]}`}
          aria-label={`${t('automations.actions')} ${index + 1}`}
        />
      </Form.Item>
    );
    return (
      <Space wrap style={{ display: 'flex', marginBottom: 8 }} align="start" data-testid="automation-action">
        <Form.Item name={[name, 'kind']} noStyle>
          <Select
            style={{ width: 170 }}
            options={enumOptions(ACTIONS[subject], 'automations.actionKinds')}
            aria-label={t('automations.actions')}
          />
        </Form.Item>
        {kind === 'set_status' && (
          <Form.Item name={[name, 'status']} noStyle initialValue="solved">
            <Select style={{ width: 140 }} options={enumOptions(STATUSES, 'tickets.statuses')} />
          </Form.Item>
        )}
        {kind === 'set_priority' && (
          <Form.Item name={[name, 'priority']} noStyle initialValue="high">
            <Select style={{ width: 140 }} options={enumOptions(PRIORITIES, 'priorities')} />
          </Form.Item>
        )}
        {kind === 'set_type' && (
          <Form.Item name={[name, 'type']} noStyle initialValue="incident">
            <Select style={{ width: 140 }} options={TYPES.map((value) => ({ value, label: value }))} />
          </Form.Item>
        )}
        {kind === 'apply_macro' && (
          <Form.Item name={[name, 'macroId']} noStyle rules={[{ required: true }]}>
            <Select style={{ width: 220 }} options={macroOptions} placeholder={t('automations.macro')} />
          </Form.Item>
        )}
        {kind === 'create_ticket' && (
          <>
            <Form.Item name={[name, 'priority']} noStyle>
              <Select
                allowClear
                style={{ width: 180 }}
                options={enumOptions(PRIORITIES, 'priorities')}
                placeholder={t('automations.priorityUnchanged')}
              />
            </Form.Item>
            <Form.Item name={[name, 'notifyCustomer']} noStyle valuePropName="checked" initialValue={false}>
              <Checkbox>{t('automations.notifyCustomer')}</Checkbox>
            </Form.Item>
          </>
        )}
        {(kind === 'set_team' || kind === 'escalate' || kind === 'create_ticket') && (
          <Form.Item name={[name, 'teamId']} noStyle rules={[{ required: kind === 'escalate' }]}>
            <Select allowClear style={{ width: 180 }} options={teamsShown} placeholder={t('automations.team')} />
          </Form.Item>
        )}
        {kind === 'escalate' && (
          <Form.Item name={[name, 'reason']} noStyle rules={[{ required: true, whitespace: true }]}>
            <Input style={{ width: 200 }} placeholder={t('automations.reason')} />
          </Form.Item>
        )}
        {kind === 'set_assignee' && (
          <Form.Item name={[name, 'assigneeId']} noStyle initialValue={null}>
            <Select allowClear style={{ width: 180 }} options={membersShown} placeholder={t('automations.agent')} />
          </Form.Item>
        )}
        {kind === 'set_tags' && (
          <>
            <Form.Item name={[name, 'add']} noStyle initialValue={[]}>
              <Select mode="tags" style={{ width: 200 }} placeholder={t('automations.addTags')} />
            </Form.Item>
            <Form.Item name={[name, 'remove']} noStyle initialValue={[]}>
              <Select mode="tags" style={{ width: 200 }} placeholder={t('automations.removeTags')} />
            </Form.Item>
          </>
        )}
        {kind === 'set_field' && (
          <>
            <Form.Item name={[name, 'key']} noStyle rules={[{ required: true }]}>
              <Input style={{ width: 140 }} placeholder={t('automations.fieldKey')} />
            </Form.Item>
            <Form.Item name={[name, 'value']} noStyle>
              <Input style={{ width: 180 }} placeholder={t('automations.value')} />
            </Form.Item>
          </>
        )}
        {(kind === 'send_reply' || kind === 'add_note') && text}
        {kind === 'notify' && (
          <>
            <Form.Item name={[name, 'userId']} noStyle>
              <Select allowClear style={{ width: 150 }} options={membersShown} placeholder={t('automations.agent')} />
            </Form.Item>
            <Form.Item name={[name, 'teamId']} noStyle>
              <Select allowClear style={{ width: 150 }} options={teamsShown} placeholder={t('automations.team')} />
            </Form.Item>
            {text}
          </>
        )}
        {kind === 'create_callback' && (
          <>
            <Form.Item name={[name, 'reason']} noStyle rules={[{ required: true, whitespace: true }]}>
              <Input style={{ width: 240 }} placeholder={`${t('automations.reason')} ${VARIABLES}`} aria-label={t('automations.reason')} />
            </Form.Item>
            <Form.Item name={[name, 'channel']} noStyle initialValue="phone">
              <Select
                style={{ width: 110 }}
                options={enumOptions(CALLBACK_CHANNELS, 'callbacks.channels')}
                aria-label={t('callbacks.channel')}
              />
            </Form.Item>
            <Form.Item name={[name, 'dueMinutes']} noStyle initialValue={60}>
              <InputNumber
                min={0}
                max={525600}
                style={{ width: 150 }}
                suffix={t('callbacks.businessMinutes')}
                aria-label={t('callbacks.dueMinutes')}
              />
            </Form.Item>
            <Form.Item name={[name, 'teamId']} noStyle>
              <Select allowClear style={{ width: 150 }} options={teamsShown} placeholder={t('automations.team')} />
            </Form.Item>
          </>
        )}
        {kind === 'webhook' && (
          <>
            <Form.Item name={[name, 'url']} noStyle rules={[{ required: true, type: 'url' }]}>
              <Input style={{ width: 260 }} placeholder={t('automations.url')} />
            </Form.Item>
            <Form.Item name={[name, 'secret']} noStyle rules={[{ required: true, min: 16 }]}>
              <Input.Password style={{ width: 200 }} placeholder={t('automations.secret')} />
            </Form.Item>
          </>
        )}
        {onRemove && <Button type="text" icon={<MinusCircleOutlined />} onClick={onRemove} aria-label={t('common.remove')} />}
      </Space>
    );
  }
}

import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api';
import { useInboxes, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { AdminPage, LoadError, TableSkeleton, del } from './common';
import { useChannelKinds } from '../lib/channel-kinds';
import type { RoutingRuleView } from './types';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
type Conditions = RoutingRuleView['conditions'];
const LIST_CONDITIONS = ['tagsAny', 'languages', 'topics', 'intents'] as const;

interface RuleForm {
  name: string;
  enabled: boolean;
  conditions: Required<Conditions>;
  teamId: string | null;
  priority: RoutingRuleView['priority'];
}

/** Empty lists are no condition at all: sent as absent, so "any" stays "any". */
function compact(conditions: Partial<Conditions>): Conditions {
  return Object.fromEntries(Object.entries(conditions).filter(([, value]) => Array.isArray(value) && value.length > 0));
}

function RuleEditor({
  rule,
  open,
  onClose,
  nextPosition,
}: {
  rule: RoutingRuleView | null;
  open: boolean;
  onClose: () => void;
  nextPosition: number;
}) {
  const { t } = useTranslation();
  const channelKinds = useChannelKinds();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const teams = useTeams();
  const inboxes = useInboxes();
  const [form] = Form.useForm<RuleForm>();
  const save = useMutation({
    mutationFn: (values: RuleForm) => {
      const body = {
        ...values,
        teamId: values.teamId ?? null,
        priority: values.priority ?? null,
        conditions: compact(values.conditions ?? {}),
      };
      return rule
        ? api.patch<RoutingRuleView>(`/workspaces/${workspaceId}/routing-rules/${rule.id}`, body)
        : api.post<RoutingRuleView>(`/workspaces/${workspaceId}/routing-rules`, { ...body, position: nextPosition });
    },
    onSuccess: () => {
      void message.success(t('admin.saved'));
      void client.invalidateQueries({ queryKey: ['routing-rules', workspaceId] });
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const tagSelect = (label: string) => (
    <Select mode="tags" allowClear open={false} suffixIcon={null} placeholder={t('admin.rules.typeEnter')} aria-label={label} />
  );
  return (
    <Modal
      open={open}
      width={680}
      title={rule ? t('admin.rules.edit') : t('admin.rules.add')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<RuleForm>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          rule
            ? { name: rule.name, enabled: rule.enabled, conditions: rule.conditions, teamId: rule.teamId, priority: rule.priority }
            : { enabled: true, conditions: {}, teamId: null, priority: null }
        }
        onFinish={(values) => save.mutate(values)}
      >
        <Space align="start" style={{ width: '100%' }}>
          <Form.Item
            name="name"
            label={t('admin.rules.name')}
            rules={[{ required: true, whitespace: true, message: t('admin.rules.nameRequired') }, { max: 100 }]}
            style={{ width: 440 }}
          >
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="enabled" label={t('admin.rules.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Card size="small" title={t('admin.rules.when')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('admin.rules.whenHint')}</Typography.Paragraph>
          <Form.Item name={['conditions', 'channels']} label={t('admin.rules.channels')}>
            <Select
              mode="multiple"
              allowClear
              placeholder={t('admin.rules.any')}
              options={(channelKinds.data ?? []).map((value) => ({ value, label: t(`channels.${value}`) }))}
            />
          </Form.Item>
          <Form.Item name={['conditions', 'inboxIds']} label={t('admin.rules.inboxes')}>
            <Select
              mode="multiple"
              allowClear
              placeholder={t('admin.rules.any')}
              options={(inboxes.data ?? []).map((inbox) => ({ value: inbox.id, label: inbox.name }))}
            />
          </Form.Item>
          <Form.Item name={['conditions', 'tiers']} label={t('admin.rules.tiers')}>
            <Select
              mode="multiple"
              allowClear
              placeholder={t('admin.rules.any')}
              options={(['normal', 'vip'] as const).map((value) => ({ value, label: t(`tiers.${value}`) }))}
            />
          </Form.Item>
          {LIST_CONDITIONS.map((key) => (
            <Form.Item key={key} name={['conditions', key]} label={t(`admin.rules.${key}`)} extra={t(`admin.rules.${key}Hint`)}>
              {tagSelect(t(`admin.rules.${key}`))}
            </Form.Item>
          ))}
        </Card>
        <Card size="small" title={t('admin.rules.then')}>
          <Form.Item
            name="teamId"
            label={t('admin.rules.team')}
            dependencies={['priority']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  value || getFieldValue('priority') ? Promise.resolve() : Promise.reject(new Error(t('admin.rules.actionRequired'))),
              }),
            ]}
          >
            <Select
              allowClear
              placeholder={t('admin.rules.keepTeam')}
              options={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))}
            />
          </Form.Item>
          <Form.Item name="priority" label={t('admin.rules.priority')}>
            <Select
              allowClear
              placeholder={t('admin.rules.keepPriority')}
              options={PRIORITIES.map((value) => ({ value, label: t(`priorities.${value}`) }))}
            />
          </Form.Item>
        </Card>
      </Form>
    </Modal>
  );
}

export default function RoutingRulesPage() {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const teams = useTeams();
  const inboxes = useInboxes();
  const rules = useQuery({
    queryKey: ['routing-rules', workspaceId],
    queryFn: async () => (await api.get<{ items: RoutingRuleView[] }>(`/workspaces/${workspaceId}/routing-rules`)).items,
  });
  const [editing, setEditing] = useState<RoutingRuleView | 'new' | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['routing-rules', workspaceId] });
  const onError = (error: unknown) => {
    void message.error(errorText(t, error));
    void refresh();
  };
  const patch = useMutation({
    mutationFn: ({ id, change }: { id: string; change: Partial<RoutingRuleView> }) =>
      api.patch<RoutingRuleView>(`/workspaces/${workspaceId}/routing-rules/${id}`, change),
    onSuccess: () => void refresh(),
    onError,
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/workspaces/${workspaceId}/routing-rules/${id}`),
    onSuccess: () => void refresh(),
    onError,
  });
  // Rules may share a position (the API's default is 100), so moving one renumbers the list in steps of 10.
  const move = useMutation({
    mutationFn: async ({ index, by }: { index: number; by: -1 | 1 }) => {
      const order = [...(rules.data ?? [])];
      const [moved] = order.splice(index, 1);
      order.splice(index + by, 0, moved!);
      for (const [at, rule] of order.entries()) {
        const position = (at + 1) * 10;
        if (rule.position !== position) await api.patch(`/workspaces/${workspaceId}/routing-rules/${rule.id}`, { position });
      }
    },
    onSettled: () => void refresh(),
    onError: (error) => void message.error(errorText(t, error)),
  });

  const teamName = (id: string) => teams.data?.find((team) => team.id === id)?.name ?? id;
  const inboxName = (id: string) => inboxes.data?.find((inbox) => inbox.id === id)?.name ?? id;
  const summary = (conditions: Conditions) => {
    const parts: string[] = [];
    if (conditions.channels?.length)
      parts.push(`${t('admin.rules.channels')}: ${conditions.channels.map((c) => t(`channels.${c}`)).join(', ')}`);
    if (conditions.inboxIds?.length) parts.push(`${t('admin.rules.inboxes')}: ${conditions.inboxIds.map(inboxName).join(', ')}`);
    if (conditions.tiers?.length) parts.push(`${t('admin.rules.tiers')}: ${conditions.tiers.map((c) => t(`tiers.${c}`)).join(', ')}`);
    for (const key of LIST_CONDITIONS) if (conditions[key]?.length) parts.push(`${t(`admin.rules.${key}`)}: ${conditions[key].join(', ')}`);
    return parts;
  };
  const lastPosition = Math.max(0, ...(rules.data ?? []).map((rule) => rule.position));

  return (
    <AdminPage
      title={t('admin.menu.routingRules')}
      description={t('admin.rules.description')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('admin.rules.add')}
        </Button>
      }
    >
      {rules.isPending ? (
        <TableSkeleton />
      ) : rules.isError ? (
        <LoadError error={rules.error} retry={() => void rules.refetch()} />
      ) : (
        <Table<RoutingRuleView>
          rowKey="id"
          data-testid="rules-table"
          dataSource={rules.data}
          pagination={false}
          loading={move.isPending}
          locale={{ emptyText: <Empty description={t('admin.rules.empty')} /> }}
          columns={[
            { title: '#', key: 'order', width: 50, render: (_, __, index) => index + 1 },
            {
              title: t('admin.rules.name'),
              key: 'name',
              render: (_, rule) => (
                <Space orientation="vertical" size={2}>
                  <Typography.Text strong>{rule.name}</Typography.Text>
                  {summary(rule.conditions).map((part) => (
                    <Typography.Text key={part} type="secondary" style={{ fontSize: 12 }}>
                      {part}
                    </Typography.Text>
                  ))}
                  {summary(rule.conditions).length === 0 && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('admin.rules.everything')}
                    </Typography.Text>
                  )}
                </Space>
              ),
            },
            {
              title: t('admin.rules.then'),
              key: 'then',
              render: (_, rule) => (
                <Space wrap size={4}>
                  {rule.teamId && <Tag color="blue">{t('admin.rules.toTeam', { team: teamName(rule.teamId) })}</Tag>}
                  {rule.priority && (
                    <Tag color="orange">{t('admin.rules.setPriority', { priority: t(`priorities.${rule.priority}`) })}</Tag>
                  )}
                </Space>
              ),
            },
            {
              title: t('admin.rules.enabled'),
              key: 'enabled',
              width: 90,
              render: (_, rule) => (
                <Switch
                  size="small"
                  checked={rule.enabled}
                  aria-label={t('admin.rules.enabledOf', { name: rule.name })}
                  onChange={(enabled) => patch.mutate({ id: rule.id, change: { enabled } })}
                />
              ),
            },
            {
              title: t('admin.actions'),
              key: 'actions',
              width: 180,
              render: (_, rule, index) => (
                <Space size={2}>
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowUpOutlined />}
                    aria-label={t('admin.rules.moveUp')}
                    disabled={index === 0 || move.isPending}
                    onClick={() => move.mutate({ index, by: -1 })}
                  />
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowDownOutlined />}
                    aria-label={t('admin.rules.moveDown')}
                    disabled={index === (rules.data?.length ?? 0) - 1 || move.isPending}
                    onClick={() => move.mutate({ index, by: 1 })}
                  />
                  <Button size="small" type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(rule)} />
                  <Popconfirm title={t('admin.rules.deleteConfirm', { name: rule.name })} onConfirm={() => remove.mutate(rule.id)}>
                    <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('admin.delete')} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      )}
      <RuleEditor
        key={editing === null ? 'closed' : editing === 'new' ? 'new' : editing.id}
        rule={editing && editing !== 'new' ? editing : null}
        open={editing !== null}
        onClose={() => setEditing(null)}
        nextPosition={lastPosition + 10}
      />
    </AdminPage>
  );
}

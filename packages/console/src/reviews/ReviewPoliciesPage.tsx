import { ArrowDownOutlined, ArrowUpOutlined, PlusOutlined } from '@ant-design/icons';
import type { ReviewConditions, ReviewPolicy } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Drawer, Empty, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ADMIN_PAGE_STYLE, AdminPageTitle, EditDeleteActions, LoadFailed, remove, useWorkspacePath } from '../admin/content-common';
import { api } from '../lib/api';
import { CHANNELS } from '../lib/channel';
import { useMembers, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import './locales';

const NO_TEAM = '';

interface PolicyForm {
  name: string;
  description: string;
  enabled: boolean;
  reviewerTeamId: string;
  conditions: { authorIds: string[]; authorTeamIds: string[]; channels: string[]; keywords: string[]; pattern: string };
}

const toForm = (policy: ReviewPolicy | undefined): PolicyForm => ({
  name: policy?.name ?? '',
  description: policy?.description ?? '',
  enabled: policy?.enabled ?? true,
  reviewerTeamId: policy?.reviewerTeamId ?? NO_TEAM,
  conditions: {
    authorIds: policy?.conditions.authorIds ?? [],
    authorTeamIds: policy?.conditions.authorTeamIds ?? [],
    channels: policy?.conditions.channels ?? [],
    keywords: policy?.conditions.keywords ?? [],
    pattern: policy?.conditions.pattern ?? '',
  },
});

/** Empty lists and an empty pattern are "no condition", which the API spells by leaving them out. */
function fromForm(values: PolicyForm) {
  const { authorIds, authorTeamIds, channels, keywords, pattern } = values.conditions;
  const conditions: ReviewConditions = {
    ...(authorIds.length ? { authorIds } : {}),
    ...(authorTeamIds.length ? { authorTeamIds } : {}),
    ...(channels.length ? { channels: channels as ReviewConditions['channels'] } : {}),
    ...(keywords.length ? { keywords } : {}),
    ...(pattern.trim() ? { pattern: pattern.trim() } : {}),
  };
  return {
    name: values.name,
    description: values.description ?? '',
    enabled: values.enabled,
    reviewerTeamId: values.reviewerTeamId || null,
    conditions,
  };
}

function PolicyEditor({ policy, onClose }: { policy: ReviewPolicy | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const members = useMembers();
  const teams = useTeams();
  const save = useMutation({
    mutationFn: (values: PolicyForm) =>
      policy
        ? api.patch<ReviewPolicy>(`${base}/review-policies/${policy.id}`, fromForm(values))
        : api.post<ReviewPolicy>(`${base}/review-policies`, fromForm(values)),
    onSuccess: (saved) => {
      void message.success(policy ? t('reviews.admin.saved') : t('reviews.admin.created', { name: saved.name }));
      void client.invalidateQueries({ queryKey: ['review-policies'] });
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const teamOptions = (teams.data ?? []).map((team) => ({ value: team.id, label: team.name }));
  return (
    <Form<PolicyForm> layout="vertical" initialValues={toForm(policy)} onFinish={(values) => save.mutate(values)}>
      <Form.Item
        name="name"
        label={t('reviews.admin.name')}
        rules={[{ required: true, whitespace: true, message: t('reviews.admin.nameRequired') }, { max: 100 }]}
      >
        <Input aria-label={t('reviews.admin.name')} />
      </Form.Item>
      <Form.Item name="description" label={t('reviews.admin.description')} rules={[{ max: 1000 }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
      <Form.Item name="enabled" label={t('reviews.admin.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Card size="small" title={t('reviews.admin.conditionsTitle')} style={{ marginBottom: 16 }}>
        <Form.Item name={['conditions', 'authorIds']} label={t('reviews.conditions.authorIds')} style={{ marginBottom: 8 }}>
          <Select
            mode="multiple"
            allowClear
            optionFilterProp="label"
            aria-label={t('reviews.conditions.authorIds')}
            data-testid="review-policy-authors"
            options={(members.data ?? []).filter((member) => member.active).map((member) => ({ value: member.userId, label: member.name }))}
          />
        </Form.Item>
        <Form.Item name={['conditions', 'authorTeamIds']} label={t('reviews.conditions.authorTeamIds')} style={{ marginBottom: 8 }}>
          <Select
            mode="multiple"
            allowClear
            optionFilterProp="label"
            aria-label={t('reviews.conditions.authorTeamIds')}
            options={teamOptions}
          />
        </Form.Item>
        <Form.Item name={['conditions', 'channels']} label={t('reviews.conditions.channels')} style={{ marginBottom: 8 }}>
          <Select
            mode="multiple"
            allowClear
            aria-label={t('reviews.conditions.channels')}
            options={CHANNELS.map((value) => ({ value, label: t(`channels.${value}`) }))}
          />
        </Form.Item>
        <Form.Item
          name={['conditions', 'keywords']}
          label={t('reviews.conditions.keywords')}
          extra={t('reviews.admin.keywordsHint')}
          style={{ marginBottom: 8 }}
        >
          <Select mode="tags" tokenSeparators={[',', '，', '、']} aria-label={t('reviews.conditions.keywords')} open={false} />
        </Form.Item>
        <Form.Item
          name={['conditions', 'pattern']}
          label={t('reviews.conditions.pattern')}
          extra={t('reviews.admin.patternHint')}
          rules={[{ max: 500 }]}
        >
          <Input aria-label={t('reviews.conditions.pattern')} />
        </Form.Item>
      </Card>
      <Form.Item name="reviewerTeamId" label={t('reviews.admin.reviewerTeam')} extra={t('reviews.admin.reviewerTeamHint')}>
        <Select
          aria-label={t('reviews.admin.reviewerTeam')}
          options={[{ value: NO_TEAM, label: t('reviews.admin.reviewerTeamNone') }, ...teamOptions]}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="review-policy-save">
        {t('common.save')}
      </Button>
    </Form>
  );
}

/** Review policies (回复审核策略): ordered, the first that a public reply meets holds it for review. */
export default function ReviewPoliciesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const members = useMembers();
  const teams = useTeams();
  const [editing, setEditing] = useState<{ policy?: ReviewPolicy } | null>(null);
  const list = useQuery({
    queryKey: ['review-policies', base],
    queryFn: () => api.get<{ items: ReviewPolicy[] }>(`${base}/review-policies`),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['review-policies'] });
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const change = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => api.patch(`${base}/review-policies/${id}`, { enabled }),
    onSuccess: () => {
      void message.success(t('reviews.admin.saved'));
      refresh();
    },
    onError,
  });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api.put(`${base}/review-policies/order`, { ids }),
    onSuccess: refresh,
    onError,
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/review-policies/${id}`),
    onSuccess: () => {
      void message.success(t('reviews.admin.deleted'));
      refresh();
    },
    onError,
  });
  const items = list.data?.items ?? [];
  const move = (index: number, by: number) => {
    const ids = items.map((item) => item.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    reorder.mutate(ids);
  };
  const memberName = (id: string) => members.data?.find((member) => member.userId === id)?.name ?? id.slice(0, 8);
  const teamName = (id: string | null) =>
    id ? (teams.data?.find((team) => team.id === id)?.name ?? '—') : t('reviews.admin.reviewerTeamNone');
  const conditionsText = (policy: ReviewPolicy) => {
    const { authorIds, authorTeamIds, channels, keywords, pattern } = policy.conditions;
    const tags = [
      ...(authorIds?.length ? [`${t('reviews.conditions.authorIds')}: ${authorIds.map(memberName).join('、')}`] : []),
      ...(authorTeamIds?.length ? [`${t('reviews.conditions.authorTeamIds')}: ${authorTeamIds.map(teamName).join('、')}`] : []),
      ...(channels?.length ? [`${t('reviews.conditions.channels')}: ${channels.map((value) => t(`channels.${value}`)).join('、')}`] : []),
      ...(keywords?.length ? [`${t('reviews.conditions.keywords')}: ${keywords.join('、')}`] : []),
      ...(pattern ? [`${t('reviews.conditions.pattern')}: ${pattern}`] : []),
    ];
    return tags.length === 0 ? <Tag color="blue">{t('reviews.admin.matchesAll')}</Tag> : tags.map((text) => <Tag key={text}>{text}</Tag>);
  };
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle
        title={t('reviews.admin.title')}
        hint={t('reviews.admin.hint')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="review-policy-create">
            {t('reviews.admin.create')}
          </Button>
        }
      />
      {list.isError ? (
        <LoadFailed error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<ReviewPolicy>
          rowKey="id"
          loading={list.isPending}
          dataSource={items}
          pagination={false}
          data-testid="review-policies"
          locale={{ emptyText: <Empty description={t('reviews.admin.empty')} /> }}
          columns={[
            {
              title: t('reviews.admin.order'),
              width: 110,
              render: (_, row, index) => (
                <Space size={0}>
                  <Typography.Text style={{ width: 24, display: 'inline-block' }}>{index + 1}</Typography.Text>
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowUpOutlined />}
                    disabled={index === 0}
                    aria-label={`${t('reviews.admin.moveUp')} ${row.name}`}
                    onClick={() => move(index, -1)}
                  />
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowDownOutlined />}
                    disabled={index === items.length - 1}
                    aria-label={`${t('reviews.admin.moveDown')} ${row.name}`}
                    onClick={() => move(index, 1)}
                  />
                </Space>
              ),
            },
            {
              title: t('reviews.admin.name'),
              dataIndex: 'name',
              render: (name: string, policy) => (
                <Button type="link" style={{ padding: 0 }} onClick={() => setEditing({ policy })}>
                  {name}
                </Button>
              ),
            },
            { title: t('reviews.admin.conditionsTitle'), key: 'conditions', render: (_, policy) => conditionsText(policy) },
            { title: t('reviews.admin.reviewerTeam'), dataIndex: 'reviewerTeamId', render: teamName },
            {
              title: t('reviews.admin.enabled'),
              width: 90,
              render: (_, row) => (
                <Switch
                  checked={row.enabled}
                  aria-label={t('reviews.admin.enabledFor', { name: row.name })}
                  onChange={(enabled) => change.mutate({ id: row.id, enabled })}
                />
              ),
            },
            {
              width: 100,
              render: (_, row) => (
                <EditDeleteActions
                  onEdit={() => setEditing({ policy: row })}
                  onDelete={() => del.mutate(row.id)}
                  confirm={t('reviews.admin.confirmDelete')}
                />
              ),
            },
          ]}
        />
      )}
      <Drawer
        open={editing !== null}
        width={560}
        title={editing?.policy ? t('reviews.admin.edit') : t('reviews.admin.create')}
        onClose={() => setEditing(null)}
        destroyOnHidden
      >
        {editing && <PolicyEditor policy={editing.policy} onClose={() => setEditing(null)} />}
      </Drawer>
    </div>
  );
}

import { PlusOutlined } from '@ant-design/icons';
import type { CannedResponse } from '@huiliu/contracts';
import { CANNED_VARIABLES, renderCannedText } from '@huiliu/contracts/canned-text';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, getAll } from '../lib/api';
import { useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { ADMIN_PAGE_STYLE, AdminPageTitle, EditDeleteActions, LoadFailed, remove, useWorkspacePath } from './content-common';

interface FormValues {
  shortcut: string;
  title: string;
  text: string;
  /** '' stands for "everyone" (a Select cannot hold null as a choice). */
  teamId: string;
}

function CannedForm({ editing, onClose }: { editing: CannedResponse | 'new'; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const session = useSession();
  const teams = useTeams();
  const [form] = Form.useForm<FormValues>();
  const text = Form.useWatch('text', form) ?? '';
  const save = useMutation({
    mutationFn: (values: FormValues) =>
      editing === 'new'
        ? api.post<CannedResponse>(`${base}/canned-responses`, { ...values, teamId: values.teamId || null })
        : api.patch<CannedResponse>(`${base}/canned-responses/${editing.id}`, { ...values, teamId: values.teamId || null }),
    onSuccess: () => {
      void message.success(t('content.saved'));
      void client.invalidateQueries({ queryKey: ['canned-admin'] });
      void client.invalidateQueries({ queryKey: ['canned'] });
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const sample: Record<string, string> = {
    'customer.name': t('content.canned.sample.customerName'),
    'customer.email': 'zhang.san@example.com',
    'customer.phone': '13800138000',
    'agent.name': session.user.name,
    'agent.email': session.user.email,
    'conversation.id': '5b0c2d8e-…',
    'conversation.number': '1024',
    'workspace.name': session.workspaceName,
  };
  const preview = renderCannedText(text, sample);
  const insert = (name: string) => form.setFieldValue('text', `${form.getFieldValue('text') ?? ''}{{${name}}}`);
  const initial: FormValues =
    editing === 'new'
      ? { shortcut: '', title: '', text: '', teamId: '' }
      : { shortcut: editing.shortcut, title: editing.title, text: editing.text, teamId: editing.teamId ?? '' };
  return (
    <Modal
      open
      title={editing === 'new' ? t('content.canned.create') : t('content.canned.edit')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={640}
    >
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(values) => save.mutate(values)}>
        <Form.Item
          name="shortcut"
          label={t('content.canned.shortcut')}
          extra={t('content.canned.shortcutHint')}
          rules={[
            { required: true, message: t('content.required') },
            { pattern: /^[^\s/{}]+$/u, message: t('content.canned.shortcutInvalid') },
            { max: 32 },
          ]}
        >
          <Input prefix="/" maxLength={32} />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('content.canned.titleField')}
          rules={[{ required: true, message: t('content.required') }, { max: 100 }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="teamId" label={t('content.canned.team')} extra={t('content.canned.teamHint')}>
          <Select
            loading={teams.isPending}
            options={[
              { value: '', label: t('content.canned.everyone') },
              ...(teams.data ?? []).map((team) => ({ value: team.id, label: team.name })),
            ]}
          />
        </Form.Item>
        <Form.Item name="text" label={t('content.canned.text')} rules={[{ required: true, message: t('content.required') }, { max: 5000 }]}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 10 }} maxLength={5000} showCount />
        </Form.Item>
        <div style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary">{t('content.canned.variablesHint')}</Typography.Text>
          <div style={{ marginTop: 6 }}>
            {CANNED_VARIABLES.map((name) => (
              <Tag key={name} style={{ cursor: 'pointer', marginBottom: 4 }} onClick={() => insert(name)}>
                {`{{${name}}}`}
              </Tag>
            ))}
          </div>
        </div>
        <Card size="small" title={t('content.canned.preview')} data-testid="canned-preview">
          {text.trim() ? (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{preview.text}</Typography.Paragraph>
          ) : (
            <Typography.Text type="secondary">{t('content.canned.previewEmpty')}</Typography.Text>
          )}
          {preview.unknownVariables.length > 0 && (
            <Typography.Text type="warning">
              {t('content.canned.unknownVariables', { names: preview.unknownVariables.join(', ') })}
            </Typography.Text>
          )}
        </Card>
      </Form>
    </Modal>
  );
}

/** Canned responses (快捷回复): what agents insert with `/shortcut`. */
export default function CannedResponsesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const teams = useTeams();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null);
  const list = useQuery({
    queryKey: ['canned-admin', base, q],
    queryFn: () => getAll<CannedResponse>(`${base}/canned-responses`, { q: q || undefined }),
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/canned-responses/${id}`),
    onSuccess: () => {
      void message.success(t('content.deleted'));
      void client.invalidateQueries({ queryKey: ['canned-admin'] });
      void client.invalidateQueries({ queryKey: ['canned'] });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const teamName = (id: string | null) =>
    id ? (teams.data?.find((team) => team.id === id)?.name ?? t('common.unknown')) : t('content.canned.everyone');
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle
        title={t('content.canned.title')}
        hint={t('content.canned.hint', { example: '{{customer.name}}' })}
        extra={
          <>
            <Input.Search
              allowClear
              placeholder={t('content.canned.search')}
              aria-label={t('content.canned.search')}
              onSearch={(value) => setQ(value.trim())}
              style={{ width: 260 }}
            />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('content.canned.create')}
            </Button>
          </>
        }
      />
      {list.isError && <LoadFailed error={list.error} onRetry={() => void list.refetch()} />}
      <Table<CannedResponse>
        rowKey="id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={q ? t('content.noMatch') : t('content.canned.empty')} /> }}
        columns={[
          {
            title: t('content.canned.shortcut'),
            dataIndex: 'shortcut',
            width: 140,
            render: (value: string) => <Tag color="blue">/{value}</Tag>,
          },
          { title: t('content.canned.titleField'), dataIndex: 'title', width: 180 },
          {
            title: t('content.canned.text'),
            dataIndex: 'text',
            render: (value: string) => (
              <Typography.Text ellipsis={{ tooltip: value }} style={{ maxWidth: 420 }}>
                {value}
              </Typography.Text>
            ),
          },
          { title: t('content.canned.team'), dataIndex: 'teamId', width: 140, render: (value: string | null) => teamName(value) },
          {
            title: t('content.actions'),
            key: 'actions',
            width: 120,
            render: (_, row) => <EditDeleteActions onEdit={() => setEditing(row)} onDelete={() => del.mutate(row.id)} />,
          },
        ]}
      />
      {editing && <CannedForm editing={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}

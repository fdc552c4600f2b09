import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { DispositionCode } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Form, Input, Popconfirm, Switch, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../lib/api';
import { errorText } from '../lib/errors';
import { ADMIN_PAGE_STYLE, AdminPageTitle, LoadFailed, remove, useWorkspacePath } from './content-common';

type Code = z.infer<typeof DispositionCode>;

/** Disposition codes (处理结果) that agents choose when they resolve a conversation. */
export default function DispositionsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [form] = Form.useForm<{ code: string; label: string }>();
  const list = useQuery({
    queryKey: ['dispositions-admin', base],
    queryFn: () => api.get<{ items: Code[] }>(`${base}/disposition-codes`),
  });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['dispositions-admin'] });
    // The wrap-up dialog's list.
    void client.invalidateQueries({ queryKey: ['dispositions'] });
  };
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const create = useMutation({
    mutationFn: (values: { code: string; label: string }) => api.post<Code>(`${base}/disposition-codes`, values),
    onSuccess: () => {
      void message.success(t('content.saved'));
      form.resetFields();
      refresh();
    },
    onError,
  });
  const change = useMutation({
    mutationFn: ({ id, ...patch }: { id: string; label?: string; enabled?: boolean }) =>
      api.patch<Code>(`${base}/disposition-codes/${id}`, patch),
    onSuccess: () => {
      void message.success(t('content.saved'));
      refresh();
    },
    onError,
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/disposition-codes/${id}`),
    onSuccess: () => {
      void message.success(t('content.deleted'));
      refresh();
    },
    onError,
  });
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle title={t('content.dispositions.title')} hint={t('content.dispositions.hint')} />
      <Form form={form} layout="inline" onFinish={(values) => create.mutate(values)} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item
          name="code"
          label={t('content.dispositions.code')}
          rules={[
            { required: true, message: t('content.required') },
            { pattern: /^\S+$/u, message: t('content.dispositions.codeInvalid') },
            { max: 50 },
          ]}
        >
          <Input placeholder="refund" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="label"
          label={t('content.dispositions.label')}
          rules={[{ required: true, message: t('content.required') }, { max: 100 }]}
        >
          <Input placeholder={t('content.dispositions.labelPlaceholder')} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={create.isPending}>
            {t('content.dispositions.add')}
          </Button>
        </Form.Item>
      </Form>
      {list.isError && <LoadFailed error={list.error} onRetry={() => void list.refetch()} />}
      <Table<Code>
        rowKey="id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('content.dispositions.empty')} /> }}
        columns={[
          {
            title: t('content.dispositions.code'),
            dataIndex: 'code',
            width: 200,
            render: (value: string) => <Typography.Text code>{value}</Typography.Text>,
          },
          {
            title: t('content.dispositions.label'),
            dataIndex: 'label',
            render: (value: string, row) => (
              <Typography.Text
                editable={{
                  tooltip: t('content.dispositions.relabel'),
                  triggerType: ['icon', 'text'],
                  onChange: (label) => {
                    const trimmed = label.trim();
                    if (trimmed && trimmed !== value) change.mutate({ id: row.id, label: trimmed });
                  },
                }}
              >
                {value}
              </Typography.Text>
            ),
          },
          {
            title: t('content.dispositions.enabled'),
            dataIndex: 'enabled',
            width: 120,
            render: (value: boolean, row) => (
              <Switch
                checked={value}
                aria-label={t('content.dispositions.enabledFor', { code: row.code })}
                onChange={(enabled) => change.mutate({ id: row.id, enabled })}
              />
            ),
          },
          {
            title: t('content.actions'),
            key: 'actions',
            width: 90,
            render: (_, row) => (
              <Popconfirm
                title={t('content.dispositions.confirmDelete')}
                onConfirm={() => del.mutate(row.id)}
                okText={t('common.remove')}
                cancelText={t('common.cancel')}
              >
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} />
              </Popconfirm>
            ),
          },
        ]}
      />
    </div>
  );
}

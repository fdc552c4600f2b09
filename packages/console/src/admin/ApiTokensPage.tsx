import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Empty, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, getAll, type Role } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { AdminPage, LoadError, OneTimeValue, TableSkeleton, del } from './common';
import { formatTime } from './format';
import { ROLES, type ApiTokenView, type CreatedApiTokenView } from './types';

export default function ApiTokensPage() {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiTokenView | null>(null);
  const [form] = Form.useForm<{ name: string; role: Role }>();
  const tokens = useQuery({
    queryKey: ['api-tokens', workspaceId],
    queryFn: () => getAll<ApiTokenView>(`/workspaces/${workspaceId}/api-tokens`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['api-tokens', workspaceId] });
  const create = useMutation({
    mutationFn: (values: { name: string; role: Role }) => api.post<CreatedApiTokenView>(`/workspaces/${workspaceId}/api-tokens`, values),
    onSuccess: (token) => {
      setCreating(false);
      form.resetFields();
      setCreated(token);
      void refresh();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => del(`/workspaces/${workspaceId}/api-tokens/${id}`),
    onSuccess: () => {
      void message.success(t('admin.tokens.revoked'));
      void refresh();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  return (
    <AdminPage
      title={t('admin.menu.apiTokens')}
      description={t('admin.tokens.description')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('admin.tokens.create')}
        </Button>
      }
    >
      {tokens.isPending ? (
        <TableSkeleton />
      ) : tokens.isError ? (
        <LoadError error={tokens.error} retry={() => void tokens.refetch()} />
      ) : (
        <Table<ApiTokenView>
          rowKey="id"
          data-testid="tokens-table"
          dataSource={tokens.data}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('admin.tokens.empty')} /> }}
          columns={[
            { title: t('admin.tokens.name'), dataIndex: 'name' },
            { title: t('admin.users.role'), dataIndex: 'role', render: (role: Role) => t(`roles.${role}`) },
            {
              title: t('admin.tokens.prefix'),
              dataIndex: 'prefix',
              render: (prefix: string) => <Typography.Text code>{prefix}…</Typography.Text>,
            },
            { title: t('admin.tokens.createdAt'), dataIndex: 'createdAt', render: formatTime },
            {
              title: t('admin.tokens.lastUsed'),
              dataIndex: 'lastUsedAt',
              render: (value: string | null) => (value ? formatTime(value) : t('admin.tokens.never')),
            },
            {
              title: t('admin.users.state'),
              key: 'state',
              render: (_, token) =>
                token.revokedAt ? (
                  <Tag data-testid="token-state" data-state="revoked">
                    {t('admin.tokens.revokedAt', { time: formatTime(token.revokedAt) })}
                  </Tag>
                ) : (
                  <Tag color="green" data-testid="token-state" data-state="active">
                    {t('admin.users.active')}
                  </Tag>
                ),
            },
            {
              title: t('admin.actions'),
              key: 'actions',
              width: 110,
              render: (_, token) =>
                !token.revokedAt && (
                  <Popconfirm title={t('admin.tokens.revokeConfirm', { name: token.name })} onConfirm={() => revoke.mutate(token.id)}>
                    <Button size="small" danger>
                      {t('admin.users.revoke')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      )}
      <Modal
        open={creating}
        title={t('admin.tokens.create')}
        okText={t('admin.tokens.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ role: 'agent' }} onFinish={(values) => create.mutate(values)}>
          <Form.Item
            name="name"
            label={t('admin.tokens.name')}
            extra={t('admin.tokens.nameHint')}
            rules={[{ required: true, whitespace: true, message: t('admin.tokens.nameRequired') }, { max: 100 }]}
          >
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="role" label={t('admin.users.role')} extra={t('admin.tokens.roleHint')} rules={[{ required: true }]}>
            <Select options={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!created}
        title={t('admin.tokens.createdTitle', { name: created?.name })}
        onCancel={() => setCreated(null)}
        footer={
          <Button data-testid="one-time-close" onClick={() => setCreated(null)}>
            {t('common.close')}
          </Button>
        }
      >
        {created && (
          <>
            <Alert type="warning" showIcon title={t('admin.tokens.shownOnce')} style={{ marginBottom: 12 }} />
            <OneTimeValue value={created.token} testId="one-time-token" />
            <Typography.Text type="secondary">{t('admin.tokens.usage')}</Typography.Text>
          </>
        )}
      </Modal>
    </AdminPage>
  );
}

import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Drawer, Form, Input, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, getAll, type InboxView } from '../../lib/api';
import { ChannelIcon } from '../../lib/channel';
import { useTeams } from '../../lib/directory';
import { errorText } from '../../lib/errors';
import { ChannelPanel } from './ChannelPanel';
import { CreateInbox } from './CreateInbox';
import { EmailSettingsForm } from './EmailSettingsForm';
import { FailedImports } from './FailedImports';
import { WidgetSettingsForm } from './WidgetSettingsForm';
import { useSession } from '../../lib/session';
import { inboxKeys, useUpdateInbox } from './hooks';

/** Name, team and on/off: what every kind of inbox has. */
function GeneralForm({ inbox }: { inbox: InboxView }) {
  const { t } = useTranslation();
  const teams = useTeams();
  const update = useUpdateInbox(inbox.id);
  return (
    <Form
      layout="vertical"
      initialValues={{ name: inbox.name, defaultTeamId: inbox.defaultTeamId, enabled: inbox.enabled }}
      // A cleared team is undefined in the form, null for the API (no team).
      onFinish={(values) => update.mutate({ ...values, defaultTeamId: values.defaultTeamId ?? null })}
      style={{ maxWidth: 520 }}
    >
      <Form.Item
        name="name"
        label={t('inboxesAdmin.name')}
        rules={[{ required: true, whitespace: true, message: t('inboxesAdmin.nameRequired') }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="defaultTeamId" label={t('inboxesAdmin.defaultTeam')} extra={t('inboxesAdmin.defaultTeamHint')}>
        <Select
          allowClear
          loading={teams.isPending}
          placeholder={t('common.none')}
          options={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))}
        />
      </Form.Item>
      <Form.Item name="enabled" label={t('inboxesAdmin.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={update.isPending}>
        {t('common.save')}
      </Button>
    </Form>
  );
}

function InboxDetail({ inboxId }: { inboxId: string }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const inbox = useQuery({
    queryKey: inboxKeys.one(workspaceId, inboxId),
    queryFn: () => api.get<InboxView>(`/workspaces/${workspaceId}/inboxes/${inboxId}`),
  });
  if (inbox.isPending) return <Typography.Text type="secondary">{t('app.loading')}</Typography.Text>;
  if (inbox.isError) return <Alert type="error" showIcon title={t('errors.loadFailed')} description={errorText(t, inbox.error)} />;
  const current = inbox.data;
  const tabs = [{ key: 'general', label: t('inboxesAdmin.general'), children: <GeneralForm key={current.id} inbox={current} /> }];
  if (current.kind === 'widget')
    tabs.push({ key: 'widget', label: t('inboxesAdmin.widgetTab'), children: <WidgetSettingsForm key={current.id} inbox={current} /> });
  else if (current.kind === 'email')
    tabs.push(
      { key: 'email', label: t('inboxesAdmin.emailTab'), children: <EmailSettingsForm key={current.id} inbox={current} /> },
      { key: 'failed', label: t('inboxesAdmin.failedTab'), children: <FailedImports inboxId={current.id} /> },
    );
  else
    tabs.push({
      key: 'channel',
      label: t(`channels.${current.kind}`),
      children: <ChannelPanel kind={current.kind} workspaceId={workspaceId} inboxId={current.id} />,
    });
  return <Tabs items={tabs} defaultActiveKey={tabs[1]?.key ?? 'general'} />;
}

/** Admin: every inbox of the workspace (web chat, email, WeChat…), each one's settings, and new inboxes. */
export default function InboxesPage() {
  const { t, i18n } = useTranslation();
  const { workspaceId } = useSession();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const inboxes = useQuery({
    queryKey: inboxKeys.list(workspaceId),
    queryFn: () => getAll<InboxView>(`/workspaces/${workspaceId}/inboxes`),
  });
  const chosen = inboxes.data?.find((inbox) => inbox.id === selected);
  return (
    <div style={{ padding: 24 }} data-testid="inboxes-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('inboxesAdmin.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('inboxesAdmin.create')}
        </Button>
      </Space>
      {inboxes.isError && (
        <Alert
          type="error"
          showIcon
          title={t('errors.loadFailed')}
          description={errorText(t, inboxes.error)}
          action={<Button onClick={() => void inboxes.refetch()}>{t('common.retry')}</Button>}
        />
      )}
      <Table<InboxView>
        rowKey="id"
        loading={inboxes.isPending}
        dataSource={inboxes.data ?? []}
        pagination={false}
        locale={{ emptyText: t('inboxesAdmin.empty') }}
        onRow={(inbox) => ({ onClick: () => setSelected(inbox.id), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('inboxesAdmin.name'),
            dataIndex: 'name',
            render: (name: string, inbox) => (
              <Space>
                <ChannelIcon channel={inbox.kind} />
                <Button type="link" style={{ padding: 0 }} onClick={() => setSelected(inbox.id)}>
                  {name}
                </Button>
              </Space>
            ),
          },
          { title: t('inboxesAdmin.kind'), dataIndex: 'kind', render: (kind: InboxView['kind']) => t(`channels.${kind}`) },
          {
            title: t('inboxesAdmin.status'),
            dataIndex: 'enabled',
            render: (enabled: boolean) => (
              <Tag color={enabled ? 'green' : 'default'}>{enabled ? t('inboxesAdmin.on') : t('inboxesAdmin.off')}</Tag>
            ),
          },
          {
            title: t('inboxesAdmin.createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => new Date(value).toLocaleString(i18n.language),
          },
        ]}
      />
      <CreateInbox open={creating} onClose={() => setCreating(false)} onCreated={(inbox) => setSelected(inbox.id)} />
      <Drawer
        open={selected !== null}
        onClose={() => setSelected(null)}
        size={760}
        title={chosen ? chosen.name : t('inboxesAdmin.title')}
        destroyOnHidden
      >
        {selected && <InboxDetail inboxId={selected} />}
      </Drawer>
    </div>
  );
}

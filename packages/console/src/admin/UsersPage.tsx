import { MailOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, getAll, type MemberView, type Role } from '../lib/api';
import { useMembers, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { formatTime } from './format';
import { useSession } from '../lib/session';
import { AdminPage, LoadError, OneTimeValue, TableSkeleton, del, useCan } from './common';
import { ROLES, type CreatedInviteView, type InviteView } from './types';

interface InviteForm {
  email: string;
  role: Role;
  teamIds: string[];
}

/** A link to show once: an invite or a password reset, with the way to hand it over. */
interface ShownLink {
  title: string;
  url: string;
  note: string;
}

export default function UsersPage() {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const canManage = useCan('members.manage');
  const members = useMembers();
  const teams = useTeams();
  const invites = useQuery({
    queryKey: ['invites', workspaceId],
    queryFn: () => getAll<InviteView>(`/workspaces/${workspaceId}/invites`),
    enabled: canManage,
  });
  const [inviting, setInviting] = useState(false);
  const [shown, setShown] = useState<ShownLink | null>(null);
  const [form] = Form.useForm<InviteForm>();
  const teamName = (id: string) => teams.data?.find((team) => team.id === id)?.name ?? id;
  const refreshMembers = () => client.invalidateQueries({ queryKey: ['members', workspaceId] });
  const onError = (error: unknown) => void message.error(errorText(t, error));

  const invite = useMutation({
    mutationFn: (values: InviteForm) => api.post<CreatedInviteView>(`/workspaces/${workspaceId}/invites`, values),
    onSuccess: (created) => {
      setInviting(false);
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['invites', workspaceId] });
      setShown({
        title: t('admin.users.inviteCreated', { email: created.email }),
        url: created.url,
        note: created.emailed ? t('admin.users.inviteEmailed') : t('admin.users.inviteNotEmailed'),
      });
    },
    onError,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => del(`/workspaces/${workspaceId}/invites/${id}`),
    onSuccess: () => {
      void message.success(t('admin.users.inviteRevoked'));
      void client.invalidateQueries({ queryKey: ['invites', workspaceId] });
    },
    onError,
  });
  const update = useMutation({
    mutationFn: ({ id, change }: { id: string; change: { role?: Role; active?: boolean } }) =>
      api.patch<MemberView>(`/workspaces/${workspaceId}/members/${id}`, change),
    onSuccess: () => {
      void message.success(t('admin.saved'));
      void refreshMembers();
    },
    onError,
  });
  const resetLink = useMutation({
    mutationFn: (member: MemberView) =>
      api.post<{ url: string; expiresAt: string }>(`/workspaces/${workspaceId}/members/${member.userId}/password-reset-link`),
    onSuccess: (link, member) =>
      setShown({
        title: t('admin.users.resetLinkFor', { name: member.name }),
        url: link.url,
        note: t('admin.users.resetLinkNote', { time: formatTime(link.expiresAt) }),
      }),
    onError,
  });

  const pending = (invites.data ?? []).filter((item) => !item.acceptedAt);

  return (
    <AdminPage
      title={t('admin.menu.users')}
      description={canManage ? t('admin.users.description') : t('admin.readOnly')}
      extra={
        canManage && (
          <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)}>
            {t('admin.users.invite')}
          </Button>
        )
      }
    >
      {members.isPending ? (
        <TableSkeleton />
      ) : members.isError ? (
        <LoadError error={members.error} retry={() => void members.refetch()} />
      ) : (
        <Table<MemberView>
          rowKey="userId"
          data-testid="members-table"
          dataSource={members.data}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('admin.users.empty')} /> }}
          columns={[
            {
              title: t('admin.users.name'),
              key: 'name',
              render: (_, member) => (
                <div>
                  <div>
                    {member.name} {member.userId === user.id && <Tag>{t('admin.users.you')}</Tag>}
                  </div>
                  <Typography.Text type="secondary">{member.email}</Typography.Text>
                </div>
              ),
            },
            {
              title: t('admin.users.role'),
              key: 'role',
              width: 160,
              render: (_, member) =>
                canManage ? (
                  <Select<Role>
                    aria-label={t('admin.users.roleOf', { name: member.name })}
                    value={member.role}
                    style={{ width: 130 }}
                    disabled={update.isPending}
                    onChange={(role) => update.mutate({ id: member.userId, change: { role } })}
                    options={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
                  />
                ) : (
                  t(`roles.${member.role}`)
                ),
            },
            {
              title: t('admin.users.teams'),
              key: 'teams',
              render: (_, member) =>
                member.teamIds.length ? (
                  member.teamIds.map((id) => <Tag key={id}>{teamName(id)}</Tag>)
                ) : (
                  <Typography.Text type="secondary">—</Typography.Text>
                ),
            },
            {
              title: t('admin.users.state'),
              key: 'state',
              width: 110,
              render: (_, member) =>
                member.active ? <Tag color="green">{t('admin.users.active')}</Tag> : <Tag color="default">{t('admin.users.inactive')}</Tag>,
            },
            {
              title: t('admin.users.joined'),
              dataIndex: 'joinedAt',
              width: 170,
              render: (value: string) => formatTime(value),
            },
            ...(canManage
              ? [
                  {
                    title: t('admin.actions'),
                    key: 'actions',
                    width: 230,
                    render: (_: unknown, member: MemberView) => (
                      <Space size={4} wrap>
                        <Popconfirm
                          title={
                            member.active
                              ? t('admin.users.deactivateConfirm', { name: member.name })
                              : t('admin.users.reactivateConfirm', { name: member.name })
                          }
                          onConfirm={() => update.mutate({ id: member.userId, change: { active: !member.active } })}
                        >
                          <Button size="small" danger={member.active} disabled={member.userId === user.id}>
                            {member.active ? t('admin.users.deactivate') : t('admin.users.reactivate')}
                          </Button>
                        </Popconfirm>
                        <Button
                          size="small"
                          loading={resetLink.isPending && resetLink.variables?.userId === member.userId}
                          onClick={() => resetLink.mutate(member)}
                        >
                          {t('admin.users.resetLink')}
                        </Button>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}

      {canManage && (
        <>
          <Typography.Title level={4} style={{ marginTop: 32 }}>
            {t('admin.users.pendingInvites')}
          </Typography.Title>
          {invites.isPending ? (
            <TableSkeleton />
          ) : invites.isError ? (
            <LoadError error={invites.error} retry={() => void invites.refetch()} />
          ) : (
            <Table<InviteView>
              rowKey="id"
              data-testid="invites-table"
              dataSource={pending}
              pagination={false}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('admin.users.noInvites')} /> }}
              columns={[
                { title: t('admin.users.email'), dataIndex: 'email' },
                { title: t('admin.users.role'), dataIndex: 'role', render: (role: Role) => t(`roles.${role}`) },
                {
                  title: t('admin.users.teams'),
                  dataIndex: 'teamIds',
                  render: (ids: string[]) => ids.map((id) => <Tag key={id}>{teamName(id)}</Tag>),
                },
                {
                  title: t('admin.users.expires'),
                  dataIndex: 'expiresAt',
                  render: (value: string) =>
                    new Date(value).getTime() < Date.now() ? <Tag color="red">{t('admin.users.expired')}</Tag> : formatTime(value),
                },
                {
                  title: t('admin.actions'),
                  key: 'actions',
                  width: 120,
                  render: (_, item) => (
                    <Popconfirm title={t('admin.users.revokeConfirm', { email: item.email })} onConfirm={() => revoke.mutate(item.id)}>
                      <Button size="small" danger>
                        {t('admin.users.revoke')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]}
            />
          )}
        </>
      )}

      <Modal
        open={inviting}
        title={t('admin.users.invite')}
        okText={t('admin.users.sendInvite')}
        cancelText={t('common.cancel')}
        confirmLoading={invite.isPending}
        onOk={() => form.submit()}
        onCancel={() => setInviting(false)}
        destroyOnHidden
      >
        <Form<InviteForm>
          form={form}
          layout="vertical"
          initialValues={{ role: 'agent', teamIds: [] }}
          onFinish={(values) => invite.mutate(values)}
        >
          <Form.Item
            name="email"
            label={t('admin.users.email')}
            rules={[
              { required: true, message: t('auth.emailRequired') },
              { type: 'email', message: t('auth.emailInvalid') },
            ]}
          >
            <Input prefix={<MailOutlined />} autoFocus placeholder="name@example.com" />
          </Form.Item>
          <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))} />
          </Form.Item>
          <Form.Item name="teamIds" label={t('admin.users.teams')} extra={t('admin.users.teamsHint')}>
            <Select mode="multiple" allowClear options={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={!!shown}
        title={shown?.title}
        onCancel={() => setShown(null)}
        footer={
          <Button data-testid="one-time-close" onClick={() => setShown(null)}>
            {t('common.close')}
          </Button>
        }
      >
        {shown && (
          <>
            <Alert type="warning" showIcon title={shown.note} style={{ marginBottom: 12 }} />
            <OneTimeValue value={shown.url} testId="one-time-link" />
          </>
        )}
      </Modal>
    </AdminPage>
  );
}

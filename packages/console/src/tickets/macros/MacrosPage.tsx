import { PlusOutlined } from '@ant-design/icons';
import { MACRO_VARIABLES } from '@huiliu/contracts/macro-text';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPageTitle, LoadFailed, useWorkspacePath } from '../../admin/content-common';
import { api } from '../../lib/api';
import { useMembers, useMemberName, useTeams } from '../../lib/directory';
import { errorText } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { PRIORITIES, STATUSES } from '../data';
import { mayShare } from '../sharing';
import { useMacros, viewKeys, type Macro } from '../views-data';
import { actionsOf, describeActions, draftOf, NOBODY, type MacroDraft } from './macro-draft';
import '../views-macros-locale';

const VARIABLES = MACRO_VARIABLES.map((name) => `{{${name}}}`).join(' ');

/**
 * Macros: the shared ones (admins and supervisors create and change them) and the member's own.
 * In the admin area for those who share; agents reach it from the ticket list for their own.
 */
export default function MacrosPage() {
  const { t } = useTranslation();
  const { workspaceId, user, role } = useSession();
  const base = useWorkspacePath();
  const { message } = App.useApp();
  const client = useQueryClient();
  const macros = useMacros();
  const nameOf = useMemberName();
  const teams = useTeams();
  const share = mayShare(role);
  const [editing, setEditing] = useState<Macro | 'new' | null>(null);
  const [form] = Form.useForm<MacroDraft>();
  const saved = () => void client.invalidateQueries({ queryKey: viewKeys.macros(workspaceId) });
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const before = editing === 'new' ? null : editing;
  const save = useMutation({
    mutationFn: (draft: MacroDraft) => {
      const body = {
        name: draft.name,
        description: draft.description ?? '',
        shared: share && !!draft.shared,
        actions: actionsOf(draft, before),
      };
      return before ? api.patch<Macro>(`${base}/macros/${before.id}`, body) : api.post<Macro>(`${base}/macros`, body);
    },
    onSuccess: () => {
      void message.success(t('ticketViews.macros.saved'));
      setEditing(null);
      saved();
    },
    onError,
  });
  const archive = useMutation({
    mutationFn: ({ id, archived }: { id: string; archived: boolean }) => api.patch(`${base}/macros/${id}`, { archived }),
    onSuccess: saved,
    onError,
  });
  const mayEdit = (macro: Macro) => (macro.shared ? share : macro.ownerId === user.id);
  const open = (macro: Macro | 'new') => {
    setEditing(macro);
    form.resetFields();
    form.setFieldsValue(draftOf(macro === 'new' ? null : macro));
  };
  const names = {
    member: (id: string) => nameOf(id) ?? id,
    team: (id: string) => teams.data?.find((team) => team.id === id)?.name ?? id,
  };
  return (
    <div style={{ padding: 24, maxWidth: 1200 }}>
      <AdminPageTitle
        title={t('ticketViews.macros.title')}
        hint={t('ticketViews.macros.hint')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('ticketViews.macros.create')}
          </Button>
        }
      />
      {macros.isError && <LoadFailed error={macros.error} onRetry={() => void macros.refetch()} />}
      <Table<Macro>
        rowKey="id"
        size="middle"
        data-testid="macros-table"
        loading={macros.isPending}
        dataSource={macros.data ?? []}
        pagination={false}
        locale={{ emptyText: t('ticketViews.macros.empty') }}
        columns={[
          {
            title: t('ticketViews.macros.name'),
            dataIndex: 'name',
            render: (value: string, row) => (
              <div>
                <Typography.Text strong>{value}</Typography.Text>
                {row.description && (
                  <div>
                    <Typography.Text type="secondary">{row.description}</Typography.Text>
                  </div>
                )}
              </div>
            ),
          },
          {
            title: t('ticketViews.macros.scope'),
            dataIndex: 'shared',
            width: 100,
            render: (value: boolean) => (
              <Tag color={value ? 'blue' : 'default'}>{value ? t('ticketViews.macros.shared') : t('ticketViews.macros.personal')}</Tag>
            ),
          },
          {
            title: t('ticketViews.macros.actions'),
            key: 'actions',
            render: (_, row) => describeActions(row.actions, t, names).join('；'),
          },
          {
            title: t('ticketViews.macros.active'),
            key: 'archived',
            width: 80,
            render: (_, row) => (
              <Switch
                checked={!row.archived}
                disabled={!mayEdit(row)}
                aria-label={t('ticketViews.macros.activeFor', { name: row.name })}
                onChange={(active) => archive.mutate({ id: row.id, archived: !active })}
              />
            ),
          },
          {
            title: t('content.actions'),
            key: 'edit',
            width: 90,
            render: (_, row) =>
              mayEdit(row) && (
                <Button size="small" onClick={() => open(row)} aria-label={`${t('ticketViews.macros.edit')} ${row.name}`}>
                  {t('common.edit')}
                </Button>
              ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('ticketViews.macros.create') : t('ticketViews.macros.edit')}
        onCancel={() => setEditing(null)}
        onOk={() =>
          void form.validateFields().then((values) => {
            if (actionsOf(values, before).length === 0) return void message.error(t('ticketViews.macros.actionsRequired'));
            save.mutate(values);
          })
        }
        confirmLoading={save.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        width={640}
        forceRender
      >
        <MacroForm form={form} share={share} />
      </Modal>
    </div>
  );
}

function MacroForm({ form, share }: { form: ReturnType<typeof Form.useForm<MacroDraft>>[0]; share: boolean }) {
  const { t } = useTranslation();
  const members = useMembers();
  const teams = useTeams();
  const keep = { value: '', label: t('ticketViews.macros.keep') };
  // Antd clears a Select to undefined; '' stands for "leave as is" in the options.
  const optional = { getValueProps: (value?: string) => ({ value: value ?? '' }), normalize: (value: string) => value || undefined };
  return (
    <Form form={form} layout="vertical">
      <Form.Item
        name="name"
        label={t('ticketViews.macros.name')}
        rules={[{ required: true, whitespace: true, max: 80, message: t('ticketViews.macros.nameRequired') }]}
      >
        <Input placeholder={t('ticketViews.macros.namePlaceholder')} />
      </Form.Item>
      <Form.Item name="description" label={t('ticketViews.macros.description')} rules={[{ max: 500 }]}>
        <Input />
      </Form.Item>
      {share && (
        <Form.Item name="shared" label={t('ticketViews.macros.sharedLabel')} valuePropName="checked">
          <Switch />
        </Form.Item>
      )}
      <Typography.Title level={5}>{t('ticketViews.macros.actions')}</Typography.Title>
      <Space wrap style={{ width: '100%' }} align="start">
        <Form.Item name="assignee" label={t('ticketViews.macros.assignee')} {...optional}>
          <Select
            aria-label={t('ticketViews.macros.assignee')}
            style={{ width: 170 }}
            showSearch={{ optionFilterProp: 'label' }}
            options={[
              keep,
              { value: 'me', label: t('ticketViews.bulk.me') },
              { value: NOBODY, label: t('ticketViews.bulk.unassigned') },
              ...(members.data ?? []).filter((member) => member.active).map((member) => ({ value: member.userId, label: member.name })),
            ]}
          />
        </Form.Item>
        <Form.Item name="team" label={t('ticketViews.macros.team')} {...optional}>
          <Select
            aria-label={t('ticketViews.macros.team')}
            style={{ width: 170 }}
            options={[
              keep,
              { value: NOBODY, label: t('ticketViews.macros.noTeam') },
              ...(teams.data ?? []).map((team) => ({ value: team.id, label: team.name })),
            ]}
          />
        </Form.Item>
        <Form.Item name="status" label={t('ticketViews.macros.status')} {...optional}>
          <Select
            aria-label={t('ticketViews.macros.status')}
            style={{ width: 130 }}
            options={[
              keep,
              ...STATUSES.filter((value) => value !== 'closed').map((value) => ({ value, label: t(`tickets.statuses.${value}`) })),
            ]}
          />
        </Form.Item>
        <Form.Item name="priority" label={t('ticketViews.macros.priority')} {...optional}>
          <Select
            aria-label={t('ticketViews.macros.priority')}
            style={{ width: 130 }}
            options={[keep, ...PRIORITIES.map((value) => ({ value, label: t(`priorities.${value}`) }))]}
          />
        </Form.Item>
      </Space>
      <Space wrap style={{ width: '100%' }} align="start">
        <Form.Item name="tagsAdd" label={t('ticketViews.macros.tagsAdd')}>
          <Select mode="tags" aria-label={t('ticketViews.macros.tagsAdd')} style={{ minWidth: 250 }} tokenSeparators={[',', '，']} />
        </Form.Item>
        <Form.Item name="tagsRemove" label={t('ticketViews.macros.tagsRemove')}>
          <Select mode="tags" aria-label={t('ticketViews.macros.tagsRemove')} style={{ minWidth: 250 }} tokenSeparators={[',', '，']} />
        </Form.Item>
      </Space>
      <Form.Item name="note" label={t('ticketViews.macros.note')} rules={[{ max: 20_000 }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      <Form.Item
        name="reply"
        label={t('ticketViews.macros.reply')}
        extra={t('ticketViews.macros.replyHint', { variables: VARIABLES, interpolation: { escapeValue: false } })}
        rules={[{ max: 20_000 }]}
      >
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 10 }}
          placeholder={t('ticketViews.macros.replyPlaceholder', {
            name: '{{requester.name}}',
            number: '{{ticket.number}}',
            interpolation: { escapeValue: false },
          })}
        />
      </Form.Item>
    </Form>
  );
}

import { CheckCircleOutlined, RedoOutlined, SwapOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Conversation } from '../lib/api';
import { useMembers, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { keys } from '../lib/live';
import { useSession } from '../lib/session';
import { ConversationTicketButton } from '../tickets/ConversationTicketButton';

type Priority = Conversation['priority'];

/** Assign, transfer, resolve or reopen, tags and priority: each one POST to the conversation's action routes. */
export function ConversationActions({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const members = useMembers();
  const teams = useTeams();
  const [transferOpen, setTransferOpen] = useState(false);
  const [resolveOpen, setResolveOpen] = useState(false);
  const [transferForm] = Form.useForm<{ target: 'agent' | 'team'; assigneeId?: string; teamId?: string; note?: string }>();
  const [resolveForm] = Form.useForm<{ disposition?: string; summary?: string }>();
  const resolved = conversation.state === 'resolved';
  // Wrap-up codes are the workspace's enabled disposition codes (the server refuses any other).
  const dispositions = useQuery({
    queryKey: ['dispositions', workspaceId],
    queryFn: () => api.get<{ items: { code: string; label: string }[] }>(`/workspaces/${workspaceId}/disposition-codes?enabled=true`),
    enabled: resolveOpen,
  });

  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown; done?: string }) =>
      api.post<Conversation>(`/workspaces/${workspaceId}/conversations/${conversation.id}/${path}`, body),
    onSuccess: (updated, variables) => {
      client.setQueryData<Conversation>(keys.conversation(workspaceId, conversation.id), {
        ...updated,
        customerName: updated.customerName ?? conversation.customerName,
        customerLabel: updated.customerLabel ?? conversation.customerLabel,
      });
      void client.invalidateQueries({ queryKey: keys.lists(workspaceId) });
      void client.invalidateQueries({ queryKey: keys.customerConversations(workspaceId, conversation.customerId) });
      if (variables.done) void message.success(variables.done);
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  const agents = (members.data ?? []).filter((member) => member.active);
  const nameOf = (id: string) => agents.find((member) => member.userId === id)?.name ?? '';

  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, marginTop: 8 }}>
      <Select<string>
        aria-label={t('actions.assignTo')}
        data-testid="assignee"
        size="small"
        style={{ width: 150 }}
        value={conversation.assigneeId ?? 'none'}
        disabled={act.isPending}
        showSearch={{ optionFilterProp: 'label' }}
        suffixIcon={<UserAddOutlined />}
        onChange={(value) => {
          const assigneeId = value === 'none' ? null : value;
          act.mutate({
            path: 'assign',
            body: { assigneeId },
            done: assigneeId ? t('actions.assigned', { name: nameOf(assigneeId) }) : t('actions.done'),
          });
        }}
        options={[
          { value: 'none', label: t('inbox.unassigned') },
          ...agents.map((member) => ({
            value: member.userId,
            label: member.userId === user.id ? `${member.name} (${t('conversation.you')})` : member.name,
          })),
        ]}
      />
      {conversation.assigneeId !== user.id && !resolved && (
        <Button
          size="small"
          onClick={() => act.mutate({ path: 'assign', body: { assigneeId: user.id }, done: t('actions.assigned', { name: user.name }) })}
        >
          {t('actions.assignToMe')}
        </Button>
      )}
      <Button size="small" icon={<SwapOutlined />} disabled={resolved} onClick={() => setTransferOpen(true)}>
        {t('actions.transfer')}
      </Button>
      {resolved ? (
        <Button size="small" icon={<RedoOutlined />} onClick={() => act.mutate({ path: 'reopen', body: {}, done: t('actions.reopened') })}>
          {t('actions.reopen')}
        </Button>
      ) : (
        <Button size="small" type="primary" icon={<CheckCircleOutlined />} onClick={() => setResolveOpen(true)}>
          {t('actions.resolve')}
        </Button>
      )}
      <ConversationTicketButton conversationId={conversation.id} />
      <Select<Priority>
        aria-label={t('actions.priority')}
        size="small"
        style={{ width: 100 }}
        value={conversation.priority}
        onChange={(priority) => act.mutate({ path: 'priority', body: { priority }, done: t('actions.saved') })}
        options={(['low', 'normal', 'high', 'urgent'] as const).map((value) => ({ value, label: t(`priorities.${value}`) }))}
      />
      <Select<string[]>
        aria-label={t('actions.tags')}
        mode="tags"
        size="small"
        style={{ minWidth: 160, flex: 1, maxWidth: 320 }}
        placeholder={t('actions.tagsPlaceholder')}
        value={conversation.tags}
        tokenSeparators={[',', '，']}
        onChange={(tags) =>
          act.mutate({
            path: 'tags',
            body: { tags: [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))].map((tag) => tag.slice(0, 50)) },
          })
        }
        open={false}
      />

      <Modal
        title={t('actions.transferTitle')}
        open={transferOpen}
        okText={t('actions.transfer')}
        cancelText={t('common.cancel')}
        confirmLoading={act.isPending}
        destroyOnHidden
        onCancel={() => setTransferOpen(false)}
        onOk={() => transferForm.submit()}
      >
        <Form
          form={transferForm}
          layout="vertical"
          initialValues={{ target: 'agent' }}
          onFinish={(values) => {
            const body =
              values.target === 'agent'
                ? { assigneeId: values.assigneeId, note: values.note?.trim() || undefined }
                : { teamId: values.teamId, note: values.note?.trim() || undefined };
            act.mutate(
              { path: 'transfer', body, done: t('actions.transferred') },
              {
                onSuccess: () => {
                  setTransferOpen(false);
                  transferForm.resetFields();
                },
              },
            );
          }}
        >
          <Form.Item name="target" label={t('actions.transferTarget')}>
            <Radio.Group>
              <Radio value="agent">{t('actions.toAgent')}</Radio>
              <Radio value="team">{t('actions.toTeam')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(before, after) => before.target !== after.target}>
            {({ getFieldValue }) =>
              getFieldValue('target') === 'agent' ? (
                <Form.Item
                  name="assigneeId"
                  label={t('actions.agent')}
                  rules={[{ required: true, message: t('actions.transferNeedsTarget') }]}
                >
                  <Select
                    showSearch={{ optionFilterProp: 'label' }}
                    aria-label={t('actions.agent')}
                    options={agents
                      .filter((member) => member.userId !== conversation.assigneeId)
                      .map((member) => ({ value: member.userId, label: member.name }))}
                  />
                </Form.Item>
              ) : (
                <Form.Item name="teamId" label={t('actions.team')} rules={[{ required: true, message: t('actions.transferNeedsTarget') }]}>
                  <Select
                    aria-label={t('actions.team')}
                    options={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))}
                  />
                </Form.Item>
              )
            }
          </Form.Item>
          <Form.Item name="note" label={t('actions.transferNote')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        title={t('actions.resolveTitle')}
        open={resolveOpen}
        okText={t('actions.resolve')}
        cancelText={t('common.cancel')}
        confirmLoading={act.isPending}
        destroyOnHidden
        onCancel={() => setResolveOpen(false)}
        onOk={() => resolveForm.submit()}
      >
        <Form
          form={resolveForm}
          layout="vertical"
          onFinish={(values) =>
            act.mutate(
              {
                path: 'resolve',
                body: { disposition: values.disposition?.trim() || undefined, summary: values.summary?.trim() || undefined },
                done: t('actions.resolvedOk'),
              },
              {
                onSuccess: () => {
                  setResolveOpen(false);
                  resolveForm.resetFields();
                },
              },
            )
          }
        >
          <Form.Item name="disposition" label={t('actions.disposition')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              loading={dispositions.isLoading}
              placeholder={t('actions.dispositionPlaceholder')}
              options={(dispositions.data?.items ?? []).map((item) => ({ value: item.code, label: item.label }))}
            />
          </Form.Item>
          <Form.Item name="summary" label={t('actions.summary')}>
            <Input.TextArea rows={4} maxLength={5000} placeholder={t('actions.summaryPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
      <Space />
    </div>
  );
}

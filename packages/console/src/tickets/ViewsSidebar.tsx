import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Form, Input, Menu, Modal, Popconfirm, Switch, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { mayShare } from './sharing';
import { describeFilter, useViewCounts, useViews, viewKeys, type SavedView, type TicketFilter } from './views-data';
import './views-macros-locale';

const ALL = 'all';

/**
 * The ticket list's left column: all tickets, the shared views, then the agent's own, each with
 * how many tickets it holds for them now (the counts refresh with the list on every ticket event).
 */
export function ViewsSidebar({
  selected,
  onSelect,
  currentFilter,
}: {
  selected: string | undefined;
  onSelect: (viewId: string | undefined) => void;
  currentFilter: TicketFilter;
}) {
  const { t } = useTranslation();
  const { workspaceId, user, role } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const views = useViews();
  const counts = useViewCounts();
  const remove = useMutation({
    mutationFn: (view: SavedView) => request<void>('DELETE', `/workspaces/${workspaceId}/views/${view.id}`),
    onSuccess: (_, view) => {
      void message.success(t('ticketViews.views.deleted'));
      if (selected === view.id) onSelect(undefined);
      void client.invalidateQueries({ queryKey: viewKeys.views(workspaceId) });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const share = mayShare(role);
  const label = (view: SavedView) => {
    const count = counts.data?.get(view.id);
    const own = view.ownerId === user.id;
    return (
      <span style={{ display: 'flex', alignItems: 'center', gap: 4 }} data-testid={`view-${view.id}`}>
        <Tooltip title={t('ticketViews.views.filterOf', { filter: describeFilter(view.filter, t) })} placement="right">
          <span style={{ flex: 1, overflow: 'hidden', textOverflow: 'ellipsis' }}>{view.name}</span>
        </Tooltip>
        <span data-testid="view-count" data-count={count ?? ''}>
          <Badge
            count={count ?? 0}
            showZero
            overflowCount={999}
            color={selected === view.id ? '#1677ff' : '#bfbfbf'}
            title={t('ticketViews.views.count', { count: count ?? 0 })}
          />
        </span>
        {(own || (view.shared && share)) && (
          <Popconfirm
            title={t('ticketViews.views.deleteConfirm', { name: view.name })}
            onConfirm={() => remove.mutate(view)}
            okText={t('common.remove')}
            cancelText={t('common.cancel')}
          >
            <Button
              size="small"
              type="text"
              icon={<DeleteOutlined />}
              aria-label={`${t('ticketViews.views.delete')} ${view.name}`}
              onClick={(event) => event.stopPropagation()}
            />
          </Popconfirm>
        )}
      </span>
    );
  };
  const list = views.data ?? [];
  const shared = list.filter((view) => view.shared);
  const personal = list.filter((view) => !view.shared);
  return (
    <div style={{ background: 'white', borderRadius: 8, padding: '8px 0' }} data-testid="views-sidebar">
      <Typography.Text strong style={{ padding: '0 16px' }}>
        {t('ticketViews.views.title')}
      </Typography.Text>
      {views.isError && (
        <Typography.Paragraph type="danger" style={{ padding: '0 16px' }}>
          {errorText(t, views.error)}
        </Typography.Paragraph>
      )}
      <Menu
        mode="inline"
        aria-label={t('ticketViews.views.title')}
        selectedKeys={[selected ?? ALL]}
        style={{ borderInlineEnd: 0 }}
        onClick={({ key }) => onSelect(key === ALL ? undefined : key)}
        items={[
          { key: ALL, label: t('ticketViews.views.all') },
          ...(shared.length
            ? [
                {
                  type: 'group' as const,
                  key: 'shared',
                  label: t('ticketViews.views.shared'),
                  children: shared.map((view) => ({ key: view.id, label: label(view) })),
                },
              ]
            : []),
          ...(personal.length
            ? [
                {
                  type: 'group' as const,
                  key: 'personal',
                  label: t('ticketViews.views.personal'),
                  children: personal.map((view) => ({ key: view.id, label: label(view) })),
                },
              ]
            : []),
        ]}
      />
      {!views.isPending && list.length === 0 && (
        <Typography.Paragraph type="secondary" style={{ padding: '0 16px' }}>
          {t('ticketViews.views.none')}
        </Typography.Paragraph>
      )}
      <div style={{ padding: '0 16px' }}>
        <SaveViewButton filter={currentFilter} mayShare={share} onSaved={onSelect} />
      </div>
    </div>
  );
}

function SaveViewButton({ filter, mayShare, onSaved }: { filter: TicketFilter; mayShare: boolean; onSaved: (id: string) => void }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ name: string; shared: boolean }>();
  const empty = Object.keys(filter).length === 0;
  const save = useMutation({
    mutationFn: (draft: { name: string; shared: boolean }) =>
      api.post<SavedView>(`/workspaces/${workspaceId}/views`, { name: draft.name, shared: mayShare && draft.shared, filter }),
    onSuccess: (view) => {
      void message.success(t('ticketViews.views.saved'));
      setOpen(false);
      form.resetFields();
      // In the cache before it is chosen: the list drops a chosen view it does not know.
      client.setQueryData<SavedView[]>(viewKeys.views(workspaceId), (old) => [...(old ?? []), view]);
      void client.invalidateQueries({ queryKey: viewKeys.views(workspaceId) });
      void client.invalidateQueries({ queryKey: viewKeys.counts(workspaceId) });
      onSaved(view.id);
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  return (
    <>
      <Tooltip title={empty ? t('ticketViews.views.emptyFilter') : undefined}>
        <Button block icon={<SaveOutlined />} disabled={empty} onClick={() => setOpen(true)} style={{ marginTop: 8 }}>
          {t('ticketViews.views.save')}
        </Button>
      </Tooltip>
      <Modal
        open={open}
        title={t('ticketViews.views.saveTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => void form.validateFields().then((values) => save.mutate(values))}
        confirmLoading={save.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
      >
        <Typography.Paragraph type="secondary">{describeFilter(filter, t)}</Typography.Paragraph>
        <Form form={form} layout="vertical" initialValues={{ name: '', shared: false }}>
          <Form.Item
            name="name"
            label={t('ticketViews.views.name')}
            rules={[{ required: true, whitespace: true, max: 80, message: t('ticketViews.views.nameRequired') }]}
          >
            <Input />
          </Form.Item>
          {mayShare && (
            <Form.Item name="shared" label={t('ticketViews.views.share')} valuePropName="checked" extra={t('ticketViews.views.shareHint')}>
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}

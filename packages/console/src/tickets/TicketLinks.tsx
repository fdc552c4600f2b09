import type { TicketLink, TicketLinkType } from '@huiliu/contracts';
import { DeleteOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Empty, Form, Modal, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, request, type Page } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { STATUS_COLORS, ticketKeys, type Ticket, type TicketDetail } from './data';

const LINK_TYPES: TicketLinkType[] = ['related', 'parent', 'child', 'problem', 'incident'];

function useRefreshTickets() {
  const { workspaceId } = useSession();
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: ticketKeys.all(workspaceId) });
}

/** A searchable picker over the tickets the agent may see (by number or full text), leaving out `exclude`. */
function TicketPicker({
  value,
  onChange,
  exclude,
  testId,
}: {
  value?: string;
  onChange?: (id: string) => void;
  exclude: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const [typed, setTyped] = useState('');
  // A number (#10024) is looked for among the newest tickets; words go to the full-text search.
  const digits = /^#?(\d+)$/.exec(typed.trim())?.[1];
  const q = digits ? '' : typed.trim();
  const found = useQuery({
    queryKey: [...ticketKeys.all(workspaceId), 'picker', q],
    queryFn: () => api.get<Page<Ticket>>(`/workspaces/${workspaceId}/tickets`, { q: q || undefined, limit: q ? 20 : 200 }),
    placeholderData: (previous) => previous,
  });
  const options = (found.data?.items ?? [])
    .filter((ticket) => ticket.id !== exclude && ticket.status !== 'closed')
    .filter((ticket) => !digits || String(ticket.number).includes(digits))
    .slice(0, 20)
    .map((ticket) => ({ value: ticket.id, label: `#${ticket.number} ${ticket.subject}` }));
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setTyped, searchValue: typed }}
      value={value}
      onChange={onChange}
      options={options}
      loading={found.isFetching}
      placeholder={t('ticketLinks.pickTicket')}
      notFoundContent={found.isFetching ? null : undefined}
      style={{ minWidth: 220, width: '100%' }}
      data-testid={testId}
    />
  );
}

/** Related, parent/child and problem/incident links of a ticket: listed, added, removed. */
export function TicketLinksCard({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const refresh = useRefreshTickets();
  const base = `/workspaces/${workspaceId}/tickets/${ticket.id}/links`;
  const links = useQuery({
    queryKey: [...ticketKeys.all(workspaceId), 'links', ticket.id, ticket.updatedAt],
    queryFn: () => api.get<{ items: TicketLink[] }>(base),
  });
  const [type, setType] = useState<TicketLinkType>(
    ticket.type === 'incident' ? 'problem' : ticket.type === 'problem' ? 'incident' : 'related',
  );
  const [other, setOther] = useState<string>();
  const add = useMutation({
    mutationFn: () => api.post(base, { type, ticketId: other }),
    onSuccess: () => {
      setOther(undefined);
      refresh();
      void message.success(t('ticketLinks.added'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const remove = useMutation({
    mutationFn: (linkId: string) => request('DELETE', `${base}/${linkId}`),
    onSuccess: () => {
      refresh();
      void message.success(t('ticketLinks.removed'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const closed = ticket.status === 'closed';
  return (
    <Card size="small" title={t('ticketLinks.links')} style={{ marginBottom: 16 }} data-testid="ticket-links">
      {links.isError ? (
        <Alert type="error" message={errorText(t, links.error)} />
      ) : !links.data?.items.length ? (
        <Empty description={t('ticketLinks.noLinks')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
          {links.data.items.map((link) => (
            <div key={link.id} data-testid="ticket-link" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
              <Tag>{t(`ticketLinks.types.${link.type}`)}</Tag>
              <Typography.Link ellipsis style={{ flex: 1 }} onClick={() => void navigate(`/tickets/${link.ticket.id}`)}>
                #{link.ticket.number} {link.ticket.subject}
              </Typography.Link>
              <Tag color={STATUS_COLORS[link.ticket.status]} style={{ marginInlineEnd: 0 }}>
                {t(`tickets.statuses.${link.ticket.status}`)}
              </Tag>
              {!closed && (
                <Button
                  size="small"
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={t('ticketLinks.remove')}
                  onClick={() => remove.mutate(link.id)}
                />
              )}
            </div>
          ))}
        </div>
      )}
      {!closed && (
        <Space.Compact style={{ width: '100%', marginTop: 12 }}>
          <Select
            value={type}
            onChange={setType}
            style={{ width: 110 }}
            aria-label={t('ticketLinks.linkType')}
            data-testid="link-type"
            options={LINK_TYPES.map((value) => ({ value, label: t(`ticketLinks.types.${value}`) }))}
          />
          <TicketPicker value={other} onChange={setOther} exclude={ticket.id} testId="link-ticket" />
          <Button type="primary" disabled={!other} loading={add.isPending} onClick={() => add.mutate()} data-testid="link-add">
            {t('ticketLinks.add')}
          </Button>
        </Space.Compact>
      )}
      {ticket.type === 'problem' && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
          {t('ticketLinks.problemHint')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/** "Merge into…": pick the target ticket; this one is folded into it. */
export function MergeButton({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const refresh = useRefreshTickets();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ targetId: string; notifyRequester: boolean; allowDifferentRequesters: boolean }>();
  const merge = useMutation({
    mutationFn: (values: { targetId: string; notifyRequester: boolean; allowDifferentRequesters: boolean }) =>
      api.post<Ticket>(`/workspaces/${workspaceId}/tickets/${values.targetId}/merge`, {
        sourceIds: [ticket.id],
        notifyRequester: values.notifyRequester,
        allowDifferentRequesters: values.allowDifferentRequesters,
      }),
    onSuccess: (target) => {
      setOpen(false);
      refresh();
      void message.success(t('ticketLinks.merged', { number: target.number }));
      void navigate(`/tickets/${target.id}`);
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  if (ticket.status === 'closed') return null;
  return (
    <>
      <Button icon={<MergeCellsOutlined />} onClick={() => setOpen(true)} data-testid="ticket-merge">
        {t('ticketLinks.merge')}
      </Button>
      <Modal
        open={open}
        title={t('ticketLinks.mergeTitle', { number: ticket.number })}
        okText={t('ticketLinks.mergeConfirm')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={merge.isPending}
        okButtonProps={{ danger: true, id: 'merge-confirm' }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('ticketLinks.mergeHint')}</Typography.Paragraph>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ notifyRequester: true, allowDifferentRequesters: false }}
          onFinish={(values) => merge.mutate(values)}
        >
          <Form.Item
            name="targetId"
            label={t('ticketLinks.mergeTarget')}
            rules={[{ required: true, message: t('ticketLinks.mergeTargetRequired') }]}
          >
            <TicketPicker exclude={ticket.id} testId="merge-target" />
          </Form.Item>
          <Form.Item name="notifyRequester" valuePropName="checked" style={{ marginBottom: 4 }}>
            <Checkbox>{t('ticketLinks.notify')}</Checkbox>
          </Form.Item>
          <Form.Item name="allowDifferentRequesters" valuePropName="checked">
            <Checkbox>{t('ticketLinks.differentRequesters')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** On a merged duplicate: where its case went. */
export function MergedBanner({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const target = useQuery({
    queryKey: ticketKeys.detail(workspaceId, ticket.mergedIntoId ?? ''),
    queryFn: () => api.get<TicketDetail>(`/workspaces/${workspaceId}/tickets/${ticket.mergedIntoId}`),
    enabled: !!ticket.mergedIntoId,
    retry: false,
  });
  if (!ticket.mergedIntoId) return null;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="merged-banner"
      message={target.data ? t('ticketLinks.mergedInto', { number: target.data.number }) : t('ticketLinks.mergedInto', { number: '…' })}
      action={
        <Button size="small" onClick={() => void navigate(`/tickets/${ticket.mergedIntoId}`)}>
          {t('ticketLinks.openTarget')}
        </Button>
      }
    />
  );
}

import { NewCallbackButton } from '../callbacks/NewCallbackButton';
import { callbackKeys } from '../callbacks/data';
import { customerLabelText } from '../lib/customer-title';
import type { TimelineItem } from '@huiliu/contracts';
import { CrownOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Drawer, Empty, Skeleton, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import { api, type Customer, type Page } from '../lib/api';
import { ChannelIcon, STATE_COLORS } from '../lib/channel';
import { errorText } from '../lib/errors';
import { shortWhen } from '../lib/format';
import { keys } from '../lib/live';
import { useSession } from '../lib/session';
import { STATUS_COLORS } from '../tickets/data';

type Item = z.infer<typeof TimelineItem>;

/** The customer 360 outside a conversation: profile, identities, attributes and every conversation on every channel. */
export function Customer360Drawer({ customerId, onClose }: { customerId: string | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const customer = useQuery({
    queryKey: keys.customer(workspaceId, customerId ?? ''),
    queryFn: () => api.get<Customer>(`/workspaces/${workspaceId}/customers/${customerId}`),
    enabled: !!customerId,
  });
  const timeline = useQuery({
    queryKey: ['customer-timeline', workspaceId, customerId],
    queryFn: () => api.get<Page<Item>>(`/workspaces/${workspaceId}/customers/${customerId}/timeline`, { limit: 50 }),
    enabled: !!customerId,
  });
  // The customer's tickets sit on the same timeline, newest first, beside conversations and emails.
  const tickets = useQuery({
    queryKey: ['customer-tickets', workspaceId, customerId],
    queryFn: () => api.get<Page<Item>>(`/workspaces/${workspaceId}/customers/${customerId}/tickets`, { limit: 50 }),
    enabled: !!customerId,
  });
  // …and so do the callback tasks (回访) the agent may see.
  const callbacks = useQuery({
    queryKey: callbackKeys.customer(workspaceId, customerId ?? ''),
    queryFn: () => api.get<Page<Item>>(`/workspaces/${workspaceId}/customers/${customerId}/callback-tasks`, { limit: 50 }),
    enabled: !!customerId,
  });
  const items = [...(timeline.data?.items ?? []), ...(tickets.data?.items ?? []), ...(callbacks.data?.items ?? [])].sort((a, b) =>
    b.startedAt.localeCompare(a.startedAt),
  );
  const open = (item: Item) =>
    void navigate(item.kind === 'ticket' ? `/tickets/${item.id}` : item.kind === 'callback' ? '/callbacks' : `/inbox/${item.id}`);
  const person = customer.data;
  return (
    <Drawer
      open={customerId !== null}
      onClose={onClose}
      size={560}
      title={person ? customerLabelText(person, t) : t('customer.title')}
      destroyOnHidden
    >
      <div data-testid="customer-360">
        {customer.isPending ? (
          <Skeleton active paragraph={{ rows: 8 }} />
        ) : customer.isError ? (
          <Alert type="error" showIcon title={errorText(t, customer.error)} />
        ) : (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                {
                  key: 'tier',
                  label: t('customer.tier'),
                  children:
                    person!.tier === 'vip' ? (
                      <span style={{ color: '#d48806' }}>
                        <CrownOutlined /> VIP
                      </span>
                    ) : (
                      t('tiers.normal')
                    ),
                },
                {
                  key: 'tags',
                  label: t('customer.tags'),
                  children: person!.tags.length ? person!.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : '—',
                },
                ...person!.identities.map((identity) => ({
                  key: identity.id,
                  label: t(`customer.identityKinds.${identity.kind}`),
                  children: (
                    <Space size={4}>
                      <Typography.Text copyable>{identity.value}</Typography.Text>
                      {identity.verified && <SafetyCertificateOutlined style={{ color: '#52c41a' }} aria-label={t('customer.verified')} />}
                    </Space>
                  ),
                })),
                ...Object.entries(person!.attributes).map(([name, value]) => ({
                  key: `attr-${name}`,
                  label: name,
                  children: String(value ?? ''),
                })),
                { key: 'since', label: t('directory.since'), children: new Date(person!.createdAt).toLocaleString(i18n.language) },
              ]}
            />
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('customer.history')}
              </Typography.Title>
              <NewCallbackButton customerId={person!.id} />
            </Space>
            {timeline.isPending ? (
              <Skeleton active paragraph={{ rows: 3 }} />
            ) : timeline.isError ? (
              <Alert type="error" showIcon title={errorText(t, timeline.error)} />
            ) : items.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('directory.noConversations')} />
            ) : (
              items.map((item) => (
                <div
                  key={item.id}
                  role="link"
                  tabIndex={0}
                  data-testid={
                    item.kind === 'ticket' ? 'timeline-ticket' : item.kind === 'callback' ? 'timeline-callback' : 'timeline-item'
                  }
                  onClick={() => open(item)}
                  onKeyDown={(event) => event.key === 'Enter' && open(item)}
                  style={{ padding: 8, borderRadius: 6, background: '#fafafa', cursor: 'pointer' }}
                >
                  <div style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
                    <ChannelIcon channel={item.channel} />
                    {item.kind === 'ticket' && <Tag style={{ marginInlineEnd: 0 }}>{t('ticketLinks.ticket')}</Tag>}
                    {item.number !== null && <span>#{item.number}</span>}
                    {item.kind === 'callback' && <Tag style={{ marginInlineEnd: 0 }}>{t('callbacks.timelineTag')}</Tag>}
                    {item.kind === 'callback' ? (
                      <Tag style={{ marginInlineEnd: 0 }}>{t(`callbacks.statuses.${item.state}`)}</Tag>
                    ) : item.kind === 'ticket' ? (
                      <Tag color={STATUS_COLORS[item.state as keyof typeof STATUS_COLORS]} style={{ marginInlineEnd: 0 }}>
                        {t(`tickets.statuses.${item.state}`)}
                      </Tag>
                    ) : (
                      <Tag color={STATE_COLORS[item.state as keyof typeof STATE_COLORS]} style={{ marginInlineEnd: 0 }}>
                        {t(`states.${item.state}`)}
                      </Tag>
                    )}
                    <Typography.Text type="secondary" ellipsis style={{ flex: 1, fontSize: 12 }}>
                      {item.inboxName ?? ''}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {shortWhen(item.startedAt, i18n.language)}
                    </Typography.Text>
                  </div>
                  <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, display: 'block' }}>
                    {item.subject ?? item.preview ?? t('inbox.noMessages')}
                  </Typography.Text>
                </div>
              ))
            )}
          </Space>
        )}
      </div>
    </Drawer>
  );
}

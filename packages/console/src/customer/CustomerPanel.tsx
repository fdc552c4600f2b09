import { NewCallbackButton } from '../callbacks/NewCallbackButton';
import { customerLabelText } from '../lib/customer-title';
import { CrownOutlined, DeleteOutlined, PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Empty, Input, Select, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useConversation } from '../conversation/ConversationPane';
import { api, type Conversation, type Customer, type Page } from '../lib/api';
import { ChannelIcon, STATE_COLORS } from '../lib/channel';
import { errorText } from '../lib/errors';
import { deviceOf, shortWhen } from '../lib/format';
import { keys } from '../lib/live';
import { useSession } from '../lib/session';
import { MergeCustomer, canMerge } from './MergeCustomer';
import { previewOf } from '../lib/customer-title';

type Attributes = Record<string, string | number | boolean | null>;

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section style={{ padding: '12px 16px', borderBottom: '1px solid #f0f0f0' }}>
      <Typography.Text type="secondary" strong style={{ fontSize: 12, display: 'block', marginBottom: 8 }}>
        {title}
      </Typography.Text>
      {children}
    </section>
  );
}

function AttributeEditor({ customer, save }: { customer: Customer; save: (attributes: Attributes) => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const entries = Object.entries(customer.attributes);
  return (
    <>
      {entries.length === 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('customer.noAttributes')}
        </Typography.Text>
      )}
      {entries.map(([name, current]) => (
        <div key={name} style={{ display: 'flex', alignItems: 'center', gap: 6, marginBottom: 4 }}>
          <Typography.Text type="secondary" style={{ width: 80, flex: '0 0 80px' }} ellipsis>
            {name}
          </Typography.Text>
          <Typography.Text
            style={{ flex: 1 }}
            editable={{
              triggerType: ['icon', 'text'],
              onChange: (next) => {
                if (next !== String(current ?? '')) save({ [name]: next });
              },
            }}
          >
            {String(current ?? '')}
          </Typography.Text>
          <Button
            type="text"
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('common.remove')}
            onClick={() => save({ [name]: null })}
          />
        </div>
      ))}
      <Space.Compact style={{ width: '100%', marginTop: 6 }}>
        <Input
          size="small"
          placeholder={t('customer.key')}
          aria-label={t('customer.key')}
          value={key}
          maxLength={100}
          onChange={(event) => setKey(event.target.value)}
        />
        <Input
          size="small"
          placeholder={t('customer.value')}
          aria-label={t('customer.value')}
          value={value}
          maxLength={2000}
          onChange={(event) => setValue(event.target.value)}
        />
        <Button
          size="small"
          icon={<PlusOutlined />}
          aria-label={t('customer.addAttribute')}
          disabled={!key.trim()}
          onClick={() => {
            save({ [key.trim()]: value });
            setKey('');
            setValue('');
          }}
        />
      </Space.Compact>
    </>
  );
}

/** Customer 360 (screen pop): who this is, on which channels, where they came from, and every other conversation. */
export function CustomerPanel({ conversationId }: { conversationId: string }) {
  const { t, i18n } = useTranslation();
  const { workspaceId, role } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const conversation = useConversation(conversationId);
  const customerId = conversation.data?.customerId;
  const customer = useQuery({
    queryKey: keys.customer(workspaceId, customerId ?? ''),
    queryFn: () => api.get<Customer>(`/workspaces/${workspaceId}/customers/${customerId}`),
    enabled: !!customerId,
  });
  const history = useQuery({
    queryKey: keys.customerConversations(workspaceId, customerId ?? ''),
    queryFn: () => api.get<Page<Conversation>>(`/workspaces/${workspaceId}/conversations`, { customerId, limit: 20 }),
    enabled: !!customerId,
  });
  const update = useMutation({
    mutationFn: (patch: Partial<Pick<Customer, 'name' | 'tier' | 'tags'>> & { attributes?: Attributes }) =>
      api.patch<Customer>(`/workspaces/${workspaceId}/customers/${customerId}`, patch),
    onSuccess: (saved) => {
      client.setQueryData(keys.customer(workspaceId, saved.id), saved);
      void client.invalidateQueries({ queryKey: keys.lists(workspaceId) });
      void message.success(t('actions.saved'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  const frame = (children: React.ReactNode) => (
    // Inside the side panel's customer tab, which sets the width and scrolls.
    <section aria-label={t('customer.title')} data-testid="customer-panel">
      {children}
    </section>
  );
  if (customer.isPending || conversation.isPending) return frame(<Skeleton active style={{ padding: 16 }} paragraph={{ rows: 10 }} />);
  if (customer.isError) return frame(<Alert style={{ margin: 12 }} type="error" showIcon title={errorText(t, customer.error)} />);
  if (!conversation.data) return frame(null);
  const person = customer.data;
  const context = conversation.data.context as Record<string, unknown>;
  const contextRows = (['pageUrl', 'pageTitle', 'referrer', 'language', 'timezone', 'screen', 'ip'] as const)
    .filter((key) => typeof context[key] === 'string' && context[key])
    .map((key) => ({ key, label: t(`customer.context.${key}`), children: String(context[key]) }));
  if (typeof context.userAgent === 'string')
    contextRows.push({ key: 'device' as never, label: t('customer.context.device'), children: deviceOf(context.userAgent) });
  const preChat = Object.entries(conversation.data.preChat);
  const others = history.data?.items ?? [];

  return frame(
    <>
      <Section title={t('customer.title')}>
        <Typography.Title
          level={5}
          style={{ margin: 0 }}
          // An anonymous customer's label is what the field starts with: left as it is, it is not saved as a name.
          editable={{
            onChange: (name) => name.trim() && name !== customerLabelText(person, t) && update.mutate({ name: name.trim() }),
          }}
          data-testid="customer-name"
        >
          {customerLabelText(person, t)}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('customer.since', { date: new Date(person.createdAt).toLocaleDateString(i18n.language) })}
        </Typography.Text>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 8 }}>
          <span style={{ fontSize: 12, color: '#8c8c8c' }}>{t('customer.tier')}</span>
          <Select
            size="small"
            aria-label={t('customer.tier')}
            value={person.tier}
            style={{ width: 100 }}
            onChange={(tier) => update.mutate({ tier })}
            options={(['normal', 'vip'] as const).map((tier) => ({
              value: tier,
              label:
                tier === 'vip' ? (
                  <span style={{ color: '#d48806' }}>
                    <CrownOutlined /> VIP
                  </span>
                ) : (
                  t('tiers.normal')
                ),
            }))}
          />
        </div>
        <Select
          mode="tags"
          size="small"
          open={false}
          aria-label={t('customer.tags')}
          placeholder={t('actions.tagsPlaceholder')}
          style={{ width: '100%', marginTop: 8 }}
          value={person.tags}
          tokenSeparators={[',', '，']}
          onChange={(tags: string[]) => update.mutate({ tags: [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))] })}
        />
        <div style={{ marginTop: 8, display: 'flex', gap: 8, flexWrap: 'wrap' }}>
          <NewCallbackButton customerId={person.id} conversationId={conversationId} />
          {canMerge(role) && <MergeCustomer customer={person} />}
        </div>
      </Section>
      <Section title={t('customer.attributes')}>
        <AttributeEditor customer={person} save={(attributes) => update.mutate({ attributes })} />
      </Section>
      <Section title={t('customer.identities')}>
        {person.identities.map((identity) => (
          <div key={identity.id} style={{ fontSize: 13, marginBottom: 4, display: 'flex', gap: 6 }}>
            <Typography.Text type="secondary" style={{ flex: '0 0 auto' }}>
              {t(`customer.identityKinds.${identity.kind}`)}
            </Typography.Text>
            <Typography.Text ellipsis copyable style={{ flex: 1 }}>
              {identity.value}
            </Typography.Text>
            {identity.verified ? (
              <SafetyCertificateOutlined
                style={{ color: '#52c41a' }}
                aria-label={t('customer.verified')}
                title={t(`customer.verifiedVia.${identity.verifiedVia ?? 'channel'}`)}
              />
            ) : (
              // Typed by the customer: agents must not take it as who they are, nor send anything there.
              <Tooltip title={t('customer.unverifiedHint')}>
                <Tag color="warning" style={{ marginInlineEnd: 0 }} data-testid="identity-unverified">
                  {t('customer.unverified')}
                </Tag>
              </Tooltip>
            )}
          </div>
        ))}
      </Section>
      {(contextRows.length > 0 || preChat.length > 0) && (
        <Section title={t('customer.source')}>
          <Descriptions
            size="small"
            column={1}
            items={[...contextRows, ...preChat.map(([key, value]) => ({ key: `pre-${key}`, label: key, children: value }))].map((row) => ({
              ...row,
              children: (
                <Typography.Text ellipsis={{ tooltip: row.children }} style={{ maxWidth: 200, fontSize: 12 }}>
                  {row.children}
                </Typography.Text>
              ),
            }))}
          />
        </Section>
      )}
      <Section title={t('customer.history')}>
        {history.isPending ? (
          <Skeleton active paragraph={{ rows: 2 }} />
        ) : others.length <= 1 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customer.noHistory')} />
        ) : (
          others.map((item) => (
            <div
              key={item.id}
              data-testid="customer-conversation"
              role="link"
              tabIndex={0}
              onClick={() => void navigate(`/inbox/${item.id}`)}
              onKeyDown={(event) => event.key === 'Enter' && void navigate(`/inbox/${item.id}`)}
              style={{
                padding: 8,
                borderRadius: 6,
                marginBottom: 4,
                cursor: 'pointer',
                background: item.id === conversationId ? '#e6f4ff' : '#fafafa',
              }}
            >
              <div style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
                <ChannelIcon channel={item.channel} />
                <span>#{item.number}</span>
                <Tag color={STATE_COLORS[item.state]} style={{ marginInlineEnd: 0 }}>
                  {t(`states.${item.state}`)}
                </Tag>
                {item.id === conversationId && <Tag>{t('customer.current')}</Tag>}
                <span style={{ flex: 1 }} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {shortWhen(item.lastMessageAt ?? item.createdAt, i18n.language)}
                </Typography.Text>
              </div>
              <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, display: 'block' }}>
                {previewOf(item) ?? t('inbox.noMessages')}
              </Typography.Text>
              {item.csat && <Typography.Text style={{ fontSize: 12 }}>★ {item.csat.rating}</Typography.Text>}
            </div>
          ))
        )}
      </Section>
    </>,
  );
}

import { customerLabelText } from '../lib/customer-title';
import { CrownOutlined, DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Layout, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiUrl, type Customer, type Page } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { canSupervise } from '../supervisor/data';
import { Customer360Drawer } from './Customer360Drawer';

interface Filters {
  name?: string;
  email?: string;
  phone?: string;
  externalId?: string;
  tag?: string;
  tier?: 'normal' | 'vip';
}

const FIELDS = ['name', 'email', 'phone', 'externalId', 'tag'] as const;

/** Only filled-in fields, trimmed: an empty field is no filter. */
function compact(values: Filters): Filters {
  return Object.fromEntries(
    Object.entries(values)
      .map(([key, value]) => [key, typeof value === 'string' ? value.trim() : value])
      .filter(([, value]) => value),
  ) as Filters;
}

/** The customer directory: find customers by any of their fields, open their 360, export what was found. */
export default function CustomerDirectory() {
  const { t, i18n } = useTranslation();
  const { workspaceId, role } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const [open, setOpen] = useState<string | null>(null);
  const list = useInfiniteQuery({
    queryKey: ['customers', workspaceId, filters],
    queryFn: ({ pageParam }) =>
      api.get<Page<Customer>>(`/workspaces/${workspaceId}/customers`, { ...filters, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const identities = (customer: Customer, kind: string) =>
    customer.identities.filter((identity) => identity.kind === kind).map((identity) => identity.value);

  return (
    <Layout style={{ height: '100%' }}>
      <Header />
      <Layout.Content style={{ padding: 24, overflow: 'auto' }} data-testid="customer-directory">
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('directory.title')}
          </Typography.Title>
          {canSupervise(role) && (
            <Button icon={<DownloadOutlined />} href={apiUrl(`/workspaces/${workspaceId}/customers/export.csv`, { ...filters })} download>
              {t('directory.export')}
            </Button>
          )}
        </Space>
        <Form<Filters> layout="inline" onFinish={(values) => setFilters(compact(values))} style={{ marginBottom: 16, rowGap: 8 }}>
          {FIELDS.map((field) => (
            <Form.Item key={field} name={field} label={t(`directory.fields.${field}`)}>
              <Input allowClear maxLength={200} style={{ width: 170 }} />
            </Form.Item>
          ))}
          <Form.Item name="tier" label={t('directory.fields.tier')}>
            <Select
              allowClear
              style={{ width: 110 }}
              options={(['normal', 'vip'] as const).map((tier) => ({ value: tier, label: t(`tiers.${tier}`) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
            {t('directory.search')}
          </Button>
        </Form>
        {list.isError && <Alert type="error" showIcon title={t('errors.loadFailed')} description={errorText(t, list.error)} />}
        <Table<Customer>
          rowKey="id"
          size="middle"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: t('directory.empty') }}
          onRow={(customer) => ({ onClick: () => setOpen(customer.id), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('directory.fields.name'),
              key: 'label',
              render: (_, customer) => (
                <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(customer.id)}>
                  {customerLabelText(customer, t)}
                </Button>
              ),
            },
            {
              title: t('directory.fields.tier'),
              dataIndex: 'tier',
              render: (tier: Customer['tier']) =>
                tier === 'vip' ? (
                  <Tag color="gold">
                    <CrownOutlined /> VIP
                  </Tag>
                ) : (
                  t('tiers.normal')
                ),
            },
            { title: t('directory.fields.email'), key: 'email', render: (_, customer) => identities(customer, 'email').join('、') },
            { title: t('directory.fields.phone'), key: 'phone', render: (_, customer) => identities(customer, 'phone').join('、') },
            {
              title: t('directory.fields.externalId'),
              key: 'external',
              render: (_, customer) => identities(customer, 'external').join('、'),
            },
            {
              title: t('directory.fields.tag'),
              dataIndex: 'tags',
              render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tag}</Tag>),
            },
            {
              title: t('directory.since'),
              dataIndex: 'createdAt',
              render: (value: string) => new Date(value).toLocaleDateString(i18n.language),
            },
          ]}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('directory.more')}
            </Button>
          </div>
        )}
        <Customer360Drawer customerId={open} onClose={() => setOpen(null)} />
      </Layout.Content>
    </Layout>
  );
}

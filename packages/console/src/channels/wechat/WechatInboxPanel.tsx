import type { WechatHealth, WechatInbox, WechatLogEntry } from '@huiliu/contracts';
import { DeleteOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Result,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ApiError, api } from '../../lib/api';
import { errorText } from '../../lib/errors';

type InboxView = z.infer<typeof WechatInbox>;
type HealthView = z.infer<typeof WechatHealth>;
type LogEntry = z.infer<typeof WechatLogEntry>;

interface FormValues {
  appId: string;
  appSecret?: string;
  token?: string;
  encodingAESKey?: string;
  openKfid?: string;
  mode: InboxView['mode'];
  welcomeText?: string;
  menuTopics: { key: string; topic: string }[];
  quotaPerWindow: number;
}

const LOG_PAGE = 50;

/**
 * The settings of one WeChat inbox — Official Account (公众号) or WeCom customer service (微信客服)
 * — with the callback URL to paste into the WeChat admin page, the inbox's health and its call
 * log. Secrets are write-only: the API never returns them, so their fields start empty and an
 * empty field keeps what is stored.
 */
export default function WechatInboxPanel({ workspaceId, inboxId }: { workspaceId: string; inboxId: string }) {
  const { t } = useTranslation();
  const base = `/workspaces/${workspaceId}/wechat-inboxes/${inboxId}`;
  const inbox = useQuery({ queryKey: ['wechat-inbox', workspaceId, inboxId], queryFn: () => api.get<InboxView>(base) });

  if (inbox.isPending) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (inbox.isError)
    return (
      <Result
        status={inbox.error instanceof ApiError && inbox.error.status === 404 ? '404' : 'warning'}
        title={t('wechat.panel.loadFailed')}
        subTitle={errorText(t, inbox.error)}
        extra={<Button onClick={() => void inbox.refetch()}>{t('common.retry')}</Button>}
      />
    );
  const view = inbox.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="wechat-inbox-panel">
      <Card
        size="small"
        title={
          <Space>
            {view.inbox.name}
            <Tag color="green">{view.inbox.kind === 'wecom' ? t('wechat.panel.kindWecom') : t('wechat.panel.kindWechat')}</Tag>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
          {view.inbox.kind === 'wecom' ? t('wechat.panel.callbackHintWecom') : t('wechat.panel.callbackHint')}
        </Typography.Paragraph>
        <Typography.Text code copyable={{ text: view.callbackUrl }} data-testid="wechat-callback-url">
          {view.callbackUrl}
        </Typography.Text>
      </Card>
      <SettingsCard view={view} base={base} queryKey={['wechat-inbox', workspaceId, inboxId]} />
      <HealthCard base={base} />
      <LogCard base={base} />
    </Space>
  );
}

function SettingsCard({ view, base, queryKey }: { view: InboxView; base: string; queryKey: unknown[] }) {
  const { t } = useTranslation();
  const { message: toast } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const wecom = view.inbox.kind === 'wecom';
  const mode = Form.useWatch('mode', form);

  const initial = (): FormValues => ({
    appId: view.appId,
    openKfid: view.openKfid ?? undefined,
    mode: view.mode,
    welcomeText: view.welcomeText ?? '',
    menuTopics: Object.entries(view.menuTopics).map(([key, topic]) => ({ key, topic })),
    quotaPerWindow: view.quotaPerWindow,
  });
  // A saved (or refetched) inbox resets the form to what is stored.
  useEffect(() => form.setFieldsValue(initial()), [view]);

  const save = useMutation({
    mutationFn: (values: FormValues) => {
      const body: Record<string, unknown> = {
        appId: values.appId.trim(),
        welcomeText: values.welcomeText?.trim() ? values.welcomeText.trim() : null,
        menuTopics: Object.fromEntries(
          values.menuTopics.filter((row) => row?.key?.trim()).map((row) => [row.key.trim(), row.topic.trim()]),
        ),
        quotaPerWindow: values.quotaPerWindow,
      };
      if (wecom) body.openKfid = values.openKfid?.trim() || null;
      else body.mode = values.mode;
      // Write-only secrets: only what was typed is sent.
      for (const name of ['appSecret', 'token', 'encodingAESKey'] as const) if (values[name]?.trim()) body[name] = values[name].trim();
      return api.patch<InboxView>(base, body);
    },
    onSuccess: (saved) => {
      client.setQueryData(queryKey, saved);
      form.setFieldsValue({ appSecret: undefined, token: undefined, encodingAESKey: undefined });
      void toast.success(t('wechat.panel.saved'));
    },
    onError: (error) => void toast.error(errorText(t, error)),
  });

  const secretPlaceholder = t('wechat.panel.secretKept');
  return (
    <Card size="small" title={t('wechat.panel.settings')}>
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initial()}
        onFinish={(values) => save.mutate(values)}
        style={{ maxWidth: 640 }}
        autoComplete="off"
      >
        <Form.Item
          name="appId"
          label={wecom ? t('wechat.panel.corpId') : t('wechat.panel.appId')}
          rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{4,64}$/, message: t('wechat.panel.appIdInvalid') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="appSecret"
          label={wecom ? t('wechat.panel.kfSecret') : t('wechat.panel.appSecret')}
          extra={t('wechat.panel.writeOnly')}
          rules={[{ min: 8, max: 128, message: t('wechat.panel.secretInvalid') }]}
        >
          <Input.Password placeholder={secretPlaceholder} autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="token" label="Token" rules={[{ pattern: /^[A-Za-z0-9]{3,32}$/, message: t('wechat.panel.tokenInvalid') }]}>
          <Input.Password placeholder={secretPlaceholder} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="encodingAESKey"
          label="EncodingAESKey"
          rules={[{ pattern: /^[A-Za-z0-9]{43}$/, message: t('wechat.panel.aesKeyInvalid') }]}
        >
          <Input.Password placeholder={secretPlaceholder} autoComplete="new-password" />
        </Form.Item>
        {wecom ? (
          <Form.Item
            name="openKfid"
            label={t('wechat.panel.openKfid')}
            rules={[{ required: true, message: t('wechat.panel.openKfidRequired') }]}
          >
            <Input />
          </Form.Item>
        ) : (
          <Form.Item name="mode" label={t('wechat.panel.mode')} extra={t('wechat.panel.modeHint')}>
            <Select
              options={(['plain', 'compatible', 'safe'] as const).map((mode) => ({ value: mode, label: t(`wechat.panel.modes.${mode}`) }))}
            />
          </Form.Item>
        )}
        {!wecom && (mode === 'plain' || mode === 'compatible') && (
          // WeChat signs no message body in these modes: say what that costs, before it is saved.
          <Alert
            type="warning"
            showIcon
            data-testid="wechat-unsigned-mode-warning"
            title={t('wechat.panel.unsignedModeTitle')}
            description={t('wechat.panel.unsignedModeText')}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form.Item name="welcomeText" label={t('wechat.panel.welcomeText')} extra={t('wechat.panel.welcomeHint')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={600} showCount />
        </Form.Item>
        {!wecom && (
          <Form.Item label={t('wechat.panel.menuTopics')} extra={t('wechat.panel.menuHint')}>
            <Form.List name="menuTopics">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
                      <Form.Item
                        name={[field.name, 'key']}
                        rules={[{ required: true, max: 128, message: t('wechat.panel.menuKeyRequired') }]}
                        style={{ marginBottom: 8 }}
                      >
                        <Input placeholder={t('wechat.panel.menuKey')} aria-label={t('wechat.panel.menuKey')} />
                      </Form.Item>
                      <Form.Item
                        name={[field.name, 'topic']}
                        rules={[{ required: true, max: 50, whitespace: true, message: t('wechat.panel.menuTopicRequired') }]}
                        style={{ marginBottom: 8 }}
                      >
                        <Input placeholder={t('wechat.panel.menuTopic')} aria-label={t('wechat.panel.menuTopic')} />
                      </Form.Item>
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={t('wechat.panel.menuRemove')}
                        onClick={() => remove(field.name)}
                      />
                    </Space>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: '', topic: '' })}>
                    {t('wechat.panel.menuAdd')}
                  </Button>
                </>
              )}
            </Form.List>
          </Form.Item>
        )}
        <Form.Item name="quotaPerWindow" label={t('wechat.panel.quota')} extra={t('wechat.panel.quotaHint')} rules={[{ required: true }]}>
          <InputNumber min={1} max={100} precision={0} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}

function HealthCard({ base }: { base: string }) {
  const { t, i18n } = useTranslation();
  const health = useQuery({
    queryKey: ['wechat-health', base],
    queryFn: () => api.get<HealthView>(`${base}/health`),
    refetchInterval: 30_000,
  });
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : t('wechat.panel.never'));
  const tokenColor = { valid: 'green', expired: 'orange', none: 'default' } as const;
  return (
    <Card
      size="small"
      title={t('wechat.panel.health')}
      extra={<Button size="small" icon={<ReloadOutlined />} aria-label={t('wechat.panel.refresh')} onClick={() => void health.refetch()} />}
    >
      {health.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : health.isError ? (
        <Alert type="error" title={errorText(t, health.error)} />
      ) : (
        <Descriptions size="small" column={1} data-testid="wechat-health">
          <Descriptions.Item label={t('wechat.panel.lastInbound')}>{when(health.data.lastInboundAt)}</Descriptions.Item>
          <Descriptions.Item label={t('wechat.panel.lastError')}>
            {health.data.lastError ? (
              <Typography.Text type="danger">
                {health.data.lastError} ({when(health.data.lastErrorAt)})
              </Typography.Text>
            ) : (
              t('wechat.panel.noError')
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('wechat.panel.token')}>
            <Space>
              <Tag color={tokenColor[health.data.token.state]} data-testid="wechat-token-state" data-state={health.data.token.state}>
                {t(`wechat.panel.tokenStates.${health.data.token.state}`)}
              </Tag>
              {health.data.token.expiresAt && t('wechat.panel.tokenExpires', { when: when(health.data.token.expiresAt) })}
              <Typography.Text type="secondary">{t('wechat.panel.tokenFetches', { count: health.data.token.fetches })}</Typography.Text>
            </Space>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

function LogCard({ base }: { base: string }) {
  const { t, i18n } = useTranslation();
  const log = useInfiniteQuery({
    queryKey: ['wechat-log', base],
    queryFn: ({ pageParam }) => api.get<{ items: LogEntry[] }>(`${base}/log`, { limit: LOG_PAGE, before: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.items.length === LOG_PAGE ? last.items.at(-1)?.id : undefined),
  });
  const rows = log.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card
      size="small"
      title={t('wechat.panel.log')}
      extra={<Button size="small" icon={<ReloadOutlined />} aria-label={t('wechat.panel.refresh')} onClick={() => void log.refetch()} />}
    >
      {log.isError && <Alert type="error" title={errorText(t, log.error)} style={{ marginBottom: 8 }} />}
      <Table<LogEntry>
        size="small"
        rowKey="id"
        data-testid="wechat-log"
        loading={log.isPending}
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t('wechat.panel.logEmpty') }}
        columns={[
          {
            title: t('wechat.panel.logTime'),
            dataIndex: 'createdAt',
            width: 170,
            render: (value: string) => new Date(value).toLocaleString(i18n.language),
          },
          {
            title: t('wechat.panel.logDirection'),
            dataIndex: 'direction',
            width: 90,
            render: (value: LogEntry['direction']) => (
              <Tag color={value === 'in' ? 'blue' : 'purple'}>{t(`wechat.panel.directions.${value}`)}</Tag>
            ),
          },
          { title: t('wechat.panel.logOperation'), dataIndex: 'operation', width: 150 },
          {
            title: t('wechat.panel.logResult'),
            width: 110,
            render: (_, row) =>
              row.ok ? (
                <Tag color="green">{t('wechat.panel.ok')}</Tag>
              ) : (
                <Tag color="red">{row.errcode ? t('wechat.panel.errcode', { code: row.errcode }) : t('wechat.panel.failed')}</Tag>
              ),
          },
          {
            title: t('wechat.panel.logDetail'),
            dataIndex: 'detail',
            render: (value: string) => <Typography.Text>{value}</Typography.Text>,
          },
        ]}
      />
      {log.hasNextPage && (
        <Button style={{ marginTop: 8 }} loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {t('wechat.panel.more')}
        </Button>
      )}
    </Card>
  );
}

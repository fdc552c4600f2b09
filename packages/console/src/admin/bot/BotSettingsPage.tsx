import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { BotSettings } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Empty, Form, Input, InputNumber, Select, Skeleton, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useInboxes } from '../../lib/directory';
import { errorText } from '../../lib/errors';
import { ADMIN_PAGE_STYLE, AdminPageTitle, LoadFailed, useWorkspacePath } from '../content-common';

type Rule = BotSettings['keywordRules'][number];

function validRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function BotForm({ inboxId }: { inboxId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [form] = Form.useForm<BotSettings>();
  const settings = useQuery({
    queryKey: ['bot-settings', base, inboxId],
    queryFn: () => api.get<BotSettings>(`${base}/inboxes/${inboxId}/bot`),
  });
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);
  const save = useMutation({
    mutationFn: (values: BotSettings) => api.put<BotSettings>(`${base}/inboxes/${inboxId}/bot`, values),
    onSuccess: (saved) => {
      client.setQueryData(['bot-settings', base, inboxId], saved);
      void message.success(t('content.saved'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  if (settings.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (settings.isError) return <LoadFailed error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <Form<BotSettings>
      form={form}
      layout="vertical"
      initialValues={settings.data}
      onFinish={(values) => save.mutate({ ...settings.data, ...values, keywordRules: values.keywordRules ?? [] })}
      style={{ maxWidth: 900 }}
    >
      <Card size="small" title={t('content.bot.basics')} style={{ marginBottom: 16 }}>
        <Space size="large" wrap align="start">
          <Form.Item name="enabled" label={t('content.bot.enabled')} valuePropName="checked" extra={t('content.bot.enabledHint')}>
            <Switch aria-label={t('content.bot.enabled')} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('content.bot.name')}
            rules={[{ required: true, whitespace: true, message: t('content.required') }, { max: 50 }]}
          >
            <Input maxLength={50} style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Form.Item name="greeting" label={t('content.bot.greeting')} rules={[{ max: 1000 }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} />
        </Form.Item>
        <Form.Item name="menu" label={t('content.bot.menu')} extra={t('content.bot.menuHint')}>
          <Select mode="tags" open={false} maxCount={10} aria-label={t('content.bot.menu')} />
        </Form.Item>
      </Card>

      <Card size="small" title={t('content.bot.smallTalk')} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('content.bot.smallTalkHint')}</Typography.Paragraph>
        {(['greeting', 'thanks', 'ack'] as const).map((kind) => (
          <Space key={kind} wrap align="start" style={{ display: 'flex' }}>
            {(['zh', 'en'] as const).map((language) => (
              <Form.Item
                key={language}
                name={['smallTalk', kind, language]}
                label={`${t(`content.bot.smallTalkKinds.${kind}`)} · ${t(language === 'zh' ? 'content.bot.smallTalkZh' : 'content.bot.smallTalkEn')}`}
                rules={[{ required: true, whitespace: true, message: t('content.required') }, { max: 500 }]}
              >
                <Input maxLength={500} style={{ width: 380, maxWidth: '100%' }} />
              </Form.Item>
            ))}
          </Space>
        ))}
      </Card>

      <Card size="small" title={t('content.bot.rules')} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('content.bot.rulesHint')}</Typography.Paragraph>
        <Form.List name="keywordRules">
          {(fields, { add, remove, move }) => (
            <>
              {fields.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('content.bot.noRules')} />}
              {fields.map((field, index) => (
                <Card key={field.key} size="small" style={{ marginBottom: 8 }} data-testid="keyword-rule">
                  <Space align="start" wrap>
                    <Typography.Text type="secondary" style={{ lineHeight: '32px' }}>
                      #{index + 1}
                    </Typography.Text>
                    <Form.Item name={[field.name, 'match']} style={{ marginBottom: 8 }}>
                      <Select
                        style={{ width: 120 }}
                        aria-label={t('content.bot.match')}
                        options={(['exact', 'contains', 'regex'] as const).map((match) => ({
                          value: match,
                          label: t(`content.bot.matches.${match}`),
                        }))}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'pattern']}
                      style={{ marginBottom: 8 }}
                      dependencies={[['keywordRules', field.name, 'match']]}
                      rules={[
                        { required: true, message: t('content.required') },
                        { max: 200 },
                        ({ getFieldValue }) => ({
                          validator: (_, value: string) =>
                            getFieldValue(['keywordRules', field.name, 'match']) !== 'regex' || !value || validRegex(value)
                              ? Promise.resolve()
                              : Promise.reject(new Error(t('content.bot.badRegex'))),
                        }),
                      ]}
                    >
                      <Input placeholder={t('content.bot.pattern')} aria-label={t('content.bot.pattern')} style={{ width: 220 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'handoff']} valuePropName="checked" style={{ marginBottom: 8 }}>
                      <Checkbox>{t('content.bot.ruleHandoff')}</Checkbox>
                    </Form.Item>
                    <Space.Compact>
                      <Button
                        icon={<ArrowUpOutlined />}
                        disabled={index === 0}
                        aria-label={t('content.bot.up')}
                        onClick={() => move(index, index - 1)}
                      />
                      <Button
                        icon={<ArrowDownOutlined />}
                        disabled={index === fields.length - 1}
                        aria-label={t('content.bot.down')}
                        onClick={() => move(index, index + 1)}
                      />
                      <Button danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                    </Space.Compact>
                  </Space>
                  <Form.Item name={[field.name, 'reply']} style={{ marginBottom: 0 }} rules={[{ max: 5000 }]}>
                    <Input.TextArea
                      placeholder={t('content.bot.reply')}
                      aria-label={t('content.bot.reply')}
                      autoSize={{ minRows: 1, maxRows: 6 }}
                    />
                  </Form.Item>
                </Card>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                disabled={fields.length >= 100}
                onClick={() => add({ match: 'contains', pattern: '', reply: '', handoff: false } satisfies Rule)}
              >
                {t('content.bot.addRule')}
              </Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title={t('content.bot.handoff')} style={{ marginBottom: 16 }}>
        <Form.Item name="handoffKeywords" label={t('content.bot.handoffKeywords')} extra={t('content.bot.handoffKeywordsHint')}>
          <Select mode="tags" open={false} maxCount={30} aria-label={t('content.bot.handoffKeywords')} />
        </Form.Item>
        <Space size="large" wrap align="start">
          <Form.Item
            name={['thresholds', 'answer']}
            label={t('content.bot.answerThreshold')}
            extra={t('content.bot.answerThresholdHint')}
            rules={[{ required: true, message: t('content.required') }]}
          >
            <InputNumber min={0} max={1} step={0.01} />
          </Form.Item>
          <Form.Item
            name={['thresholds', 'clarify']}
            label={t('content.bot.clarifyThreshold')}
            extra={t('content.bot.clarifyThresholdHint')}
            dependencies={[['thresholds', 'answer']]}
            rules={[
              { required: true, message: t('content.required') },
              ({ getFieldValue }) => ({
                validator: (_, value: number) =>
                  value === undefined || value === null || value <= (getFieldValue(['thresholds', 'answer']) as number)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('content.bot.clarifyAboveAnswer'))),
              }),
            ]}
          >
            <InputNumber min={0} max={1} step={0.01} />
          </Form.Item>
        </Space>
      </Card>

      <Alert
        type="info"
        showIcon
        title={t('content.bot.afterHours')}
        description={t('content.bot.afterHoursHint')}
        style={{ marginBottom: 16 }}
      />
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        {t('common.save')}
      </Button>
    </Form>
  );
}

/** The bot of each inbox: greeting, menu, keyword rules, when to hand off. */
export default function BotSettingsPage() {
  const { t } = useTranslation();
  const inboxes = useInboxes();
  const [inboxId, setInboxId] = useState<string | undefined>();
  const chosen = inboxId ?? inboxes.data?.[0]?.id;
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle
        title={t('content.bot.title')}
        hint={t('content.bot.hint')}
        extra={
          <Select
            value={chosen}
            onChange={setInboxId}
            loading={inboxes.isPending}
            style={{ width: 260 }}
            aria-label={t('content.bot.inbox')}
            placeholder={t('content.bot.inbox')}
            options={(inboxes.data ?? []).map((inbox) => ({ value: inbox.id, label: `${inbox.name} · ${inbox.kind}` }))}
          />
        }
      />
      {inboxes.isError && <LoadFailed error={inboxes.error} onRetry={() => void inboxes.refetch()} />}
      {inboxes.isPending ? (
        <Skeleton active />
      ) : chosen ? (
        <BotForm key={chosen} inboxId={chosen} />
      ) : (
        <Empty description={t('content.bot.noInboxes')} />
      )}
    </div>
  );
}

import { EyeOutlined, ReloadOutlined } from '@ant-design/icons';
import type { WidgetSettings } from '@huiliu/contracts';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Checkbox, ColorPicker, Divider, Form, Input, InputNumber, Popconfirm, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type InboxView } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { useUpdateInbox } from './hooks';

const FIELDS = ['name', 'phone', 'email', 'topic'] as const;
type FieldName = (typeof FIELDS)[number];

interface Values {
  color: string;
  greetingZh: string;
  greetingEn: string;
  offlineZh: string;
  offlineEn: string;
  preChatEnabled: boolean;
  fields: FieldName[];
  requiredFields: FieldName[];
  topics: string;
  csatEnabled: boolean;
  requireIdentity: boolean;
  identityMaxAgeSeconds: number;
  allowedOrigins: string;
}

function toValues(settings: WidgetSettings): Values {
  const fields = settings.preChatForm.fields;
  return {
    color: settings.color,
    greetingZh: settings.greeting['zh-CN'],
    greetingEn: settings.greeting.en,
    offlineZh: settings.offlineMessage['zh-CN'],
    offlineEn: settings.offlineMessage.en,
    preChatEnabled: settings.preChatForm.enabled,
    fields: fields.map((field) => field.name),
    requiredFields: fields.filter((field) => field.required).map((field) => field.name),
    topics: (fields.find((field) => field.name === 'topic')?.options ?? []).join('\n'),
    csatEnabled: settings.csatEnabled,
    requireIdentity: settings.requireIdentity,
    identityMaxAgeSeconds: settings.identityMaxAgeSeconds,
    allowedOrigins: (settings.allowedOrigins ?? []).join('\n'),
  };
}

function toSettings(values: Values) {
  const topics = values.topics
    .split('\n')
    .map((topic) => topic.trim())
    .filter(Boolean);
  return {
    color: values.color,
    greeting: { 'zh-CN': values.greetingZh, en: values.greetingEn },
    offlineMessage: { 'zh-CN': values.offlineZh, en: values.offlineEn },
    preChatForm: {
      enabled: values.preChatEnabled,
      fields: FIELDS.filter((name) => values.fields.includes(name)).map((name) => ({
        name,
        required: values.requiredFields.includes(name),
        ...(name === 'topic' ? { options: topics } : {}),
      })),
    },
    csatEnabled: values.csatEnabled,
    requireIdentity: values.requireIdentity,
    identityMaxAgeSeconds: values.identityMaxAgeSeconds,
    allowedOrigins: values.allowedOrigins
      .split('\n')
      .map((site) => site.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  };
}

/** The identity-verification secret: hidden until asked for, replaceable (old signatures stop working). */
function IdentitySecret({ inboxId }: { inboxId: string }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message: toast } = App.useApp();
  const [secret, setSecret] = useState<string | null>(null);
  const base = `/workspaces/${workspaceId}/inboxes/${inboxId}/secret`;
  const show = useMutation({
    mutationFn: () => api.get<{ secret: string }>(base),
    onSuccess: (answer) => setSecret(answer.secret),
    onError: (error) => void toast.error(errorText(t, error)),
  });
  const rotate = useMutation({
    mutationFn: () => api.post<{ secret: string }>(`${base}/rotate`),
    onSuccess: (answer) => {
      setSecret(answer.secret);
      void toast.success(t('inboxesAdmin.secretRotated'));
    },
    onError: (error) => void toast.error(errorText(t, error)),
  });
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('inboxesAdmin.secretHint')}</Typography.Paragraph>
      <Space wrap>
        {secret ? (
          <Typography.Text code copyable={{ text: secret }} data-testid="identity-secret">
            {secret}
          </Typography.Text>
        ) : (
          <Button icon={<EyeOutlined />} loading={show.isPending} onClick={() => show.mutate()}>
            {t('inboxesAdmin.showSecret')}
          </Button>
        )}
        <Popconfirm title={t('inboxesAdmin.rotateConfirm')} okText={t('inboxesAdmin.rotate')} onConfirm={() => rotate.mutate()}>
          <Button danger icon={<ReloadOutlined />} loading={rotate.isPending}>
            {t('inboxesAdmin.rotate')}
          </Button>
        </Popconfirm>
      </Space>
    </div>
  );
}

/** A web-chat inbox: appearance, texts, pre-chat form, satisfaction survey, identity verification, and the snippet to embed. */
export function WidgetSettingsForm({ inbox }: { inbox: InboxView }) {
  const { t } = useTranslation();
  const update = useUpdateInbox(inbox.id);
  const [form] = Form.useForm<Values>();
  const preChat = Form.useWatch('preChatEnabled', form);
  const fields = Form.useWatch('fields', form) ?? [];
  return (
    <div>
      <Typography.Title level={5}>{t('inboxesAdmin.embed')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('inboxesAdmin.embedHint')}</Typography.Paragraph>
      <Typography.Paragraph
        code
        copyable={{ text: inbox.embedSnippet ?? '', tooltips: [t('inboxesAdmin.copy'), t('inboxesAdmin.copied')] }}
        data-testid="embed-snippet"
        style={{ wordBreak: 'break-all' }}
      >
        {inbox.embedSnippet}
      </Typography.Paragraph>
      <Divider />
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={toValues(inbox.settings as WidgetSettings)}
        // Every field, also those of a pre-chat form switched off (not mounted), so the values are whole.
        onFinish={() => update.mutate({ settings: toSettings(form.getFieldsValue(true) as Values) })}
        style={{ maxWidth: 600 }}
      >
        <Form.Item
          name="color"
          label={t('inboxesAdmin.color')}
          getValueFromEvent={(color: { toHexString: () => string }) => color.toHexString()}
        >
          <ColorPicker showText disabledAlpha />
        </Form.Item>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="greetingZh" label={t('inboxesAdmin.greetingZh')} style={{ flex: 1 }}>
            <Input.TextArea autoSize maxLength={500} />
          </Form.Item>
          <Form.Item name="greetingEn" label={t('inboxesAdmin.greetingEn')} style={{ flex: 1 }}>
            <Input.TextArea autoSize maxLength={500} />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="offlineZh" label={t('inboxesAdmin.offlineZh')} style={{ flex: 1 }}>
            <Input.TextArea autoSize maxLength={500} />
          </Form.Item>
          <Form.Item name="offlineEn" label={t('inboxesAdmin.offlineEn')} style={{ flex: 1 }}>
            <Input.TextArea autoSize maxLength={500} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="preChatEnabled" label={t('inboxesAdmin.preChat')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {preChat && (
          <>
            <Form.Item name="fields" label={t('inboxesAdmin.preChatFields')}>
              <Checkbox.Group options={FIELDS.map((name) => ({ value: name, label: t(`inboxesAdmin.fields.${name}`) }))} />
            </Form.Item>
            <Form.Item name="requiredFields" label={t('inboxesAdmin.requiredFields')}>
              <Checkbox.Group
                options={FIELDS.filter((name) => fields.includes(name)).map((name) => ({
                  value: name,
                  label: t(`inboxesAdmin.fields.${name}`),
                }))}
              />
            </Form.Item>
            {fields.includes('topic') && (
              <Form.Item name="topics" label={t('inboxesAdmin.topics')} extra={t('inboxesAdmin.topicsHint')}>
                <Input.TextArea autoSize={{ minRows: 2 }} />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="csatEnabled" label={t('inboxesAdmin.csat')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item
          name="requireIdentity"
          label={t('inboxesAdmin.requireIdentity')}
          valuePropName="checked"
          extra={t('inboxesAdmin.requireIdentityHint')}
        >
          <Switch />
        </Form.Item>
        <Form.Item name="identityMaxAgeSeconds" label={t('inboxesAdmin.identityMaxAge')}>
          <InputNumber min={30} max={86_400} addonAfter={t('inboxesAdmin.seconds')} />
        </Form.Item>
        <Form.Item name="allowedOrigins" label={t('inboxesAdmin.allowedOrigins')} extra={t('inboxesAdmin.allowedOriginsHint')}>
          <Input.TextArea autoSize={{ minRows: 2 }} placeholder="https://shop.example.com" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={update.isPending}>
          {t('common.save')}
        </Button>
      </Form>
      <Divider />
      <Typography.Title level={5}>{t('inboxesAdmin.secret')}</Typography.Title>
      <IdentitySecret inboxId={inbox.id} />
    </div>
  );
}

import { ApiOutlined } from '@ant-design/icons';
import type { EmailSettings, TestConnectionResult } from '@huiliu/contracts';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Select, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, type InboxView } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { useUpdateInbox } from './hooks';

type Direction = 'imap' | 'smtp';
type TestResult = z.infer<typeof TestConnectionResult>;

interface Values {
  imapEnabled: boolean;
  imap: { host: string; port: number; security: string; user: string; password?: string; folder: string; markSeen: boolean };
  smtpEnabled: boolean;
  smtp: {
    host: string;
    port: number;
    security: string;
    user?: string;
    password?: string;
    fromName: string;
    fromAddress: string;
    replyTo?: string;
  };
  signature: string;
  createTickets: EmailSettings['createTickets'];
}

function toValues(settings: EmailSettings): Values {
  return {
    imapEnabled: settings.imap !== null,
    imap: {
      host: settings.imap?.host ?? '',
      port: settings.imap?.port ?? 993,
      security: settings.imap?.security ?? 'tls',
      user: settings.imap?.user ?? '',
      folder: settings.imap?.folder ?? 'INBOX',
      markSeen: settings.imap?.markSeen ?? true,
    },
    smtpEnabled: settings.smtp !== null,
    smtp: {
      host: settings.smtp?.host ?? '',
      port: settings.smtp?.port ?? 465,
      security: settings.smtp?.security ?? 'tls',
      user: settings.smtp?.user ?? '',
      fromName: settings.smtp?.fromName ?? '',
      fromAddress: settings.smtp?.fromAddress ?? '',
      replyTo: settings.smtp?.replyTo ?? '',
    },
    signature: settings.signature,
    createTickets: settings.createTickets ?? 'never',
  };
}

/** The PATCH body: a password left empty is left out, so the stored one is kept (passwords are write-only). */
function toSettings(values: Values) {
  const { password: imapPassword, ...imap } = values.imap;
  const { password: smtpPassword, user: smtpUser, replyTo, ...smtp } = values.smtp;
  return {
    imap: values.imapEnabled ? { ...imap, ...(imapPassword ? { password: imapPassword } : {}) } : null,
    smtp: values.smtpEnabled
      ? {
          ...smtp,
          ...(smtpUser ? { user: smtpUser } : {}),
          ...(smtpPassword ? { password: smtpPassword } : {}),
          replyTo: replyTo || null,
        }
      : null,
    signature: values.signature,
    createTickets: values.createTickets,
  };
}

function TestButton({ inboxId, direction }: { inboxId: string; direction: Direction }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const test = useMutation({
    mutationFn: () => api.post<TestResult>(`/workspaces/${workspaceId}/inboxes/${inboxId}/test-connection`, { direction }),
  });
  const result = test.data;
  return (
    <div style={{ marginTop: 8 }} data-testid={`test-${direction}`}>
      <Button icon={<ApiOutlined />} loading={test.isPending} onClick={() => test.mutate()}>
        {t('inboxesAdmin.test', { server: direction.toUpperCase() })}
      </Button>
      <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
        {t('inboxesAdmin.testHint')}
      </Typography.Text>
      {test.isError && <Alert style={{ marginTop: 8 }} type="error" showIcon title={errorText(t, test.error)} />}
      {result && (
        <Alert
          style={{ marginTop: 8 }}
          type={result.ok ? 'success' : 'error'}
          showIcon
          data-testid={`test-${direction}-result`}
          data-ok={String(result.ok)}
          title={result.ok ? t('inboxesAdmin.testOk') : t(`inboxesAdmin.testErrors.${result.error ?? 'other'}`)}
          description={result.ok ? undefined : result.message}
        />
      )}
    </div>
  );
}

const securityOptions = (t: (key: string) => string) => [
  { value: 'tls', label: t('inboxesAdmin.security.tls') },
  { value: 'starttls', label: t('inboxesAdmin.security.starttls') },
  { value: 'none', label: t('inboxesAdmin.security.none') },
];

/** Host, port, security, user and write-only password: the part IMAP and SMTP settings share. */
function ServerFields({
  direction,
  hostPlaceholder,
  passwordSet,
  userRequired = false,
}: {
  direction: 'imap' | 'smtp';
  hostPlaceholder: string;
  passwordSet: boolean | undefined;
  userRequired?: boolean;
}) {
  const { t } = useTranslation();
  const required = [{ required: true, whitespace: true, message: t('inboxesAdmin.required') }];
  return (
    <>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name={[direction, 'host']} label={t('inboxesAdmin.host')} rules={required}>
            <Input placeholder={hostPlaceholder} />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name={[direction, 'port']} label={t('inboxesAdmin.port')} rules={[{ required: true }]}>
            <InputNumber min={1} max={65535} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={7}>
          <Form.Item name={[direction, 'security']} label={t('inboxesAdmin.securityLabel')}>
            <Select options={securityOptions(t)} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name={[direction, 'user']}
            label={t('inboxesAdmin.user')}
            rules={userRequired ? required : undefined}
            extra={userRequired ? undefined : t('inboxesAdmin.smtpUserHint')}
          >
            <Input autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={[direction, 'password']} label={t('inboxesAdmin.password')} extra={t('inboxesAdmin.passwordHint')}>
            <Input.Password
              autoComplete="new-password"
              placeholder={passwordSet ? t('inboxesAdmin.passwordKept') : t('inboxesAdmin.passwordNone')}
            />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

/** An email inbox: the IMAP server mail comes from, the SMTP server replies go out by, the signature; each server testable. */
export function EmailSettingsForm({ inbox }: { inbox: InboxView }) {
  const { t } = useTranslation();
  const update = useUpdateInbox(inbox.id);
  const [form] = Form.useForm<Values>();
  const settings = inbox.settings as EmailSettings;
  const imapOn = Form.useWatch('imapEnabled', form);
  const smtpOn = Form.useWatch('smtpEnabled', form);
  const required = [{ required: true, whitespace: true, message: t('inboxesAdmin.required') }];
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={toValues(settings)}
      // Every field, also those of a server switched off (not mounted), so the values are whole.
      onFinish={() =>
        update.mutate(
          { settings: toSettings(form.getFieldsValue(true) as Values) },
          { onSuccess: () => form.setFieldsValue({ imap: { password: '' }, smtp: { password: '' } } as Partial<Values>) },
        )
      }
      style={{ maxWidth: 680 }}
    >
      <Card
        size="small"
        title={t('inboxesAdmin.imap')}
        extra={
          <Form.Item name="imapEnabled" valuePropName="checked" noStyle>
            <Switch aria-label={t('inboxesAdmin.imap')} />
          </Form.Item>
        }
        style={{ marginBottom: 16 }}
      >
        {imapOn ? (
          <>
            <ServerFields direction="imap" hostPlaceholder="imap.example.com" passwordSet={settings.imap?.passwordSet} userRequired />
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name={['imap', 'folder']} label={t('inboxesAdmin.folder')} rules={required}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name={['imap', 'markSeen']} label={t('inboxesAdmin.markSeen')} valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Col>
            </Row>
            <TestButton inboxId={inbox.id} direction="imap" />
          </>
        ) : (
          <Typography.Text type="secondary">{t('inboxesAdmin.imapOff')}</Typography.Text>
        )}
      </Card>
      <Card
        size="small"
        title={t('inboxesAdmin.smtp')}
        extra={
          <Form.Item name="smtpEnabled" valuePropName="checked" noStyle>
            <Switch aria-label={t('inboxesAdmin.smtp')} />
          </Form.Item>
        }
        style={{ marginBottom: 16 }}
      >
        {smtpOn ? (
          <>
            <ServerFields direction="smtp" hostPlaceholder="smtp.example.com" passwordSet={settings.smtp?.passwordSet} />
            <Row gutter={12}>
              <Col span={8}>
                <Form.Item name={['smtp', 'fromName']} label={t('inboxesAdmin.fromName')}>
                  <Input maxLength={100} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item
                  name={['smtp', 'fromAddress']}
                  label={t('inboxesAdmin.fromAddress')}
                  rules={[...required, { type: 'email', message: t('inboxesAdmin.emailInvalid') }]}
                >
                  <Input placeholder="support@example.com" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item
                  name={['smtp', 'replyTo']}
                  label={t('inboxesAdmin.replyTo')}
                  rules={[{ type: 'email', message: t('inboxesAdmin.emailInvalid') }]}
                >
                  <Input />
                </Form.Item>
              </Col>
            </Row>
            <TestButton inboxId={inbox.id} direction="smtp" />
          </>
        ) : (
          <Typography.Text type="secondary">{t('inboxesAdmin.smtpOff')}</Typography.Text>
        )}
      </Card>
      <Form.Item name="signature" label={t('inboxesAdmin.signature')} extra={t('inboxesAdmin.signatureHint')}>
        <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
      </Form.Item>
      <Form.Item name="createTickets" label={t('inboxesAdmin.createTickets')} extra={t('inboxesAdmin.createTicketsHint')}>
        <Select
          data-testid="email-create-tickets"
          options={[
            { value: 'never', label: t('inboxesAdmin.createTicketsNever') },
            { value: 'every_thread', label: t('inboxesAdmin.createTicketsEveryThread') },
          ]}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={update.isPending}>
        {t('common.save')}
      </Button>
    </Form>
  );
}

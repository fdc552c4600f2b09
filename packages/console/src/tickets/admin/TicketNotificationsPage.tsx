import type { TicketNotificationTemplate } from '@huiliu/contracts';
import {
  DEFAULT_TICKET_NOTIFICATIONS,
  NOTIFICATION_LOCALES,
  SAMPLE_NOTIFICATION_VALUES,
  renderNotificationText,
  type NotificationLocale,
  type NotificationTexts,
  type TicketNotificationEvent,
} from '@huiliu/contracts/ticket-notification-text';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Input, Row, Skeleton, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPageTitle, LoadFailed, useWorkspacePath } from '../../admin/content-common';
import { api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import './notifications-locale';

const LOCALE_LABELS: Record<NotificationLocale, string> = { 'zh-CN': '简体中文', en: 'English' };

/** Admins edit the three emails a ticket's requester receives, per language, with a preview on sample data. */
export default function TicketNotificationsPage() {
  const { t } = useTranslation();
  const base = useWorkspacePath();
  const templates = useQuery({
    queryKey: ['ticket-notification-templates', base],
    queryFn: async () => (await api.get<{ items: TicketNotificationTemplate[] }>(`${base}/ticket-notification-templates`)).items,
  });
  return (
    <div>
      <AdminPageTitle title={t('ticketNotifications.title')} hint={t('ticketNotifications.hint')} />
      {templates.isError ? (
        <LoadFailed error={templates.error} onRetry={() => void templates.refetch()} />
      ) : !templates.data ? (
        <Skeleton active />
      ) : (
        <Tabs
          items={templates.data.map((template) => ({
            key: template.event,
            label: <span data-testid={`notification-tab-${template.event}`}>{t(`ticketNotifications.events.${template.event}`)}</span>,
            children: <TemplateEditor key={`${template.event}:${template.updatedAt ?? ''}`} template={template} />,
          }))}
        />
      )}
    </div>
  );
}

function TemplateEditor({ template }: { template: TicketNotificationTemplate }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const event = template.event as TicketNotificationEvent;
  const [enabled, setEnabled] = useState(template.enabled);
  const [texts, setTexts] = useState<NotificationTexts>(template.templates);
  const [locale, setLocale] = useState<NotificationLocale>('zh-CN');
  const save = useMutation({
    mutationFn: () => api.put<TicketNotificationTemplate>(`${base}/ticket-notification-templates/${event}`, { enabled, templates: texts }),
    onSuccess: () => {
      void message.success(t('ticketNotifications.saved'));
      void client.invalidateQueries({ queryKey: ['ticket-notification-templates'] });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const change = (part: 'subject' | 'body', value: string) =>
    setTexts((current) => ({ ...current, [locale]: { ...current[locale], [part]: value } }));
  const preview = renderNotificationText(event, texts[locale], SAMPLE_NOTIFICATION_VALUES);
  const hint = t(`ticketNotifications.eventHints.${event}`, { reply: '{{reply.text}}', csat: '{{csat.url}}' });
  return (
    <Card size="small" data-testid={`notification-editor-${event}`}>
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <Space style={{ marginBottom: 12 }}>
        <Switch checked={enabled} onChange={setEnabled} aria-label={t('ticketNotifications.enabled')} data-testid="notification-enabled" />
        <span>{t('ticketNotifications.enabled')}</span>
        <Tag>{template.isDefault ? t('ticketNotifications.isDefault') : t('ticketNotifications.customized')}</Tag>
      </Space>
      <Tabs
        activeKey={locale}
        onChange={(key) => setLocale(key as NotificationLocale)}
        items={NOTIFICATION_LOCALES.map((item) => ({
          key: item,
          label: <span data-testid={`notification-locale-${item}`}>{LOCALE_LABELS[item]}</span>,
        }))}
      />
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <label htmlFor={`subject-${event}`}>{t('ticketNotifications.subject')}</label>
          <Input
            id={`subject-${event}`}
            data-testid="notification-subject"
            value={texts[locale].subject}
            maxLength={300}
            status={texts[locale].subject.trim() ? undefined : 'error'}
            onChange={(input) => change('subject', input.target.value)}
            style={{ marginBottom: 12 }}
          />
          <label htmlFor={`body-${event}`}>{t('ticketNotifications.body')}</label>
          <Input.TextArea
            id={`body-${event}`}
            data-testid="notification-body"
            value={texts[locale].body}
            maxLength={10_000}
            autoSize={{ minRows: 8, maxRows: 20 }}
            status={texts[locale].body.trim() ? undefined : 'error'}
            onChange={(input) => change('body', input.target.value)}
          />
          <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0 4px' }}>
            {t('ticketNotifications.variables')}
          </Typography.Text>
          <Space wrap size={[4, 4]}>
            {template.variables.map((name) => (
              <Tag key={name} style={{ cursor: 'pointer' }} onClick={() => change('body', `${texts[locale].body}{{${name}}}`)}>
                {`{{${name}}}`}
              </Tag>
            ))}
          </Space>
        </Col>
        <Col xs={24} lg={12}>
          <Typography.Text type="secondary">{t('ticketNotifications.preview')}</Typography.Text>
          <Card size="small" style={{ marginTop: 4 }} data-testid="notification-preview">
            <Typography.Text strong>{preview.subject}</Typography.Text>
            <pre style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: '8px 0 0' }}>{preview.body}</pre>
          </Card>
        </Col>
      </Row>
      <Space style={{ marginTop: 16 }}>
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()} data-testid="notification-save">
          {t('ticketNotifications.save')}
        </Button>
        <Button onClick={() => setTexts(DEFAULT_TICKET_NOTIFICATIONS[event])}>{t('ticketNotifications.restore')}</Button>
      </Space>
    </Card>
  );
}

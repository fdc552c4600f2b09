import type { CallbackSettings, CallbackTrigger } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Select, Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { AdminPage, LoadError, TableSkeleton } from '../admin/common';
import { api, type Page } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { CHANNELS } from './data';

const TRIGGERS: CallbackTrigger[] = ['bot_unresolved', 'queue_abandoned', 'csat_negative'];

/** Which events create callback tasks (回访), how soon each is due, on which calendar and for which team. */
export default function CallbackSettingsPage() {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<CallbackSettings>();
  const settings = useQuery({
    queryKey: ['callback-settings', workspaceId],
    queryFn: () => api.get<CallbackSettings>(`/workspaces/${workspaceId}/callback-settings`),
  });
  const calendars = useQuery({
    queryKey: ['calendars', workspaceId],
    queryFn: () => api.get<{ items: { id: string; name: string }[] }>(`/workspaces/${workspaceId}/calendars`),
  });
  const teams = useQuery({
    queryKey: ['teams', workspaceId, 'all'],
    queryFn: () => api.get<Page<{ id: string; name: string }>>(`/workspaces/${workspaceId}/teams`, { limit: 200 }),
  });
  const save = useMutation({
    mutationFn: (values: CallbackSettings) =>
      api.patch<CallbackSettings>(`/workspaces/${workspaceId}/callback-settings`, {
        ...values,
        calendarId: values.calendarId ?? null,
        teamId: values.teamId ?? null,
      }),
    onSuccess: (saved) => {
      client.setQueryData(['callback-settings', workspaceId], saved);
      void message.success(t('admin.saved'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  return (
    <AdminPage title={t('callbacks.settings.menu')} description={t('callbacks.settings.description')}>
      {settings.isPending ? (
        <TableSkeleton />
      ) : settings.isError ? (
        <LoadError error={settings.error} retry={() => void settings.refetch()} />
      ) : (
        <Form<CallbackSettings>
          form={form}
          layout="vertical"
          style={{ maxWidth: 760 }}
          initialValues={settings.data}
          onFinish={(values) => save.mutate(values)}
          data-testid="callback-settings"
        >
          <Card size="small" title={t('callbacks.settings.triggers')} style={{ marginBottom: 16 }}>
            {TRIGGERS.map((trigger) => (
              <Space key={trigger} style={{ display: 'flex', marginBottom: 8 }} align="center" wrap>
                <Form.Item name={['triggers', trigger, 'enabled']} valuePropName="checked" noStyle>
                  <Switch aria-label={t(`callbacks.sources.${trigger}`)} />
                </Form.Item>
                <span style={{ width: 140, display: 'inline-block' }}>{t(`callbacks.sources.${trigger}`)}</span>
                <Form.Item name={['triggers', trigger, 'dueMinutes']} noStyle>
                  <InputNumber
                    min={0}
                    max={525600}
                    style={{ width: 200 }}
                    suffix={t('callbacks.businessMinutes')}
                    aria-label={`${t(`callbacks.sources.${trigger}`)} ${t('callbacks.dueMinutes')}`}
                  />
                </Form.Item>
              </Space>
            ))}
          </Card>
          <Form.Item name="negativeCsatMax" label={t('callbacks.settings.negativeCsatMax')}>
            <InputNumber min={1} max={4} />
          </Form.Item>
          <Form.Item name="calendarId" label={t('callbacks.settings.calendar')} extra={t('callbacks.settings.calendarHint')}>
            <Select
              allowClear
              placeholder={t('callbacks.settings.noCalendar')}
              options={(calendars.data?.items ?? []).map((item) => ({ value: item.id, label: item.name }))}
            />
          </Form.Item>
          <Form.Item name="teamId" label={t('callbacks.settings.team')} extra={t('callbacks.settings.teamHint')}>
            <Select
              allowClear
              placeholder={t('callbacks.settings.noTeam')}
              options={(teams.data?.items ?? []).map((item) => ({ value: item.id, label: item.name }))}
            />
          </Form.Item>
          <Form.Item name="channel" label={t('callbacks.channel')}>
            <Select options={CHANNELS.map((value) => ({ value, label: t(`callbacks.channels.${value}`) }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Form>
      )}
    </AdminPage>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { AdminPage, LoadError, TableSkeleton, useCan, useWorkspace } from './common';
import { TimezoneSelect } from './TimezoneSelect';
import { useChannelKinds } from '../lib/channel-kinds';
import type { WorkspaceView } from './types';

const WEIGHTS = ['vip', 'urgent', 'high', 'normal', 'low'] as const;

interface SettingsForm {
  name: string;
  timezone: string;
  locale: 'zh-CN' | 'en';
  serviceLevelTargetSeconds: number;
  defaultCapacities: WorkspaceView['settings']['defaultCapacities'];
  queueWeights: WorkspaceView['settings']['queueWeights'];
  presenceOnLogin: WorkspaceView['settings']['presenceOnLogin'];
  presenceGraceSeconds: number | null;
}

export default function WorkspacePage() {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const canManage = useCan('workspace.manage');
  const workspace = useWorkspace();
  const channelKinds = useChannelKinds();
  const [form] = Form.useForm<SettingsForm>();
  const save = useMutation({
    // An emptied grace field means "the server's default" (null), not "unchanged".
    mutationFn: (values: SettingsForm) =>
      api.patch<WorkspaceView>(`/workspaces/${workspaceId}`, { ...values, presenceGraceSeconds: values.presenceGraceSeconds ?? null }),
    onSuccess: (saved) => {
      client.setQueryData(['workspace', workspaceId], saved);
      // The header shows the workspace's name from the session.
      void client.invalidateQueries({ queryKey: ['me'] });
      void message.success(t('admin.saved'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  return (
    <AdminPage title={t('admin.menu.workspace')} description={t('admin.workspace.description')}>
      {workspace.isPending ? (
        <TableSkeleton />
      ) : workspace.isError ? (
        <LoadError error={workspace.error} retry={() => void workspace.refetch()} />
      ) : (
        <Form<SettingsForm>
          form={form}
          layout="vertical"
          disabled={!canManage}
          style={{ maxWidth: 760 }}
          initialValues={{
            name: workspace.data.name,
            timezone: workspace.data.timezone,
            locale: workspace.data.locale,
            serviceLevelTargetSeconds: workspace.data.settings.serviceLevelTargetSeconds,
            defaultCapacities: workspace.data.settings.defaultCapacities,
            queueWeights: workspace.data.settings.queueWeights,
            presenceOnLogin: workspace.data.settings.presenceOnLogin,
            presenceGraceSeconds: workspace.data.settings.presenceGraceSeconds,
          }}
          onFinish={(values) => save.mutate(values)}
        >
          {!canManage && <Alert type="info" showIcon title={t('admin.readOnly')} style={{ marginBottom: 16 }} />}
          <Card size="small" title={t('admin.workspace.general')} style={{ marginBottom: 16 }}>
            <Form.Item
              name="name"
              label={t('admin.workspace.name')}
              rules={[{ required: true, whitespace: true, message: t('admin.workspace.nameRequired') }, { max: 100 }]}
            >
              <Input />
            </Form.Item>
            <Form.Item label={t('admin.workspace.slug')}>
              <Typography.Text code>{workspace.data.slug}</Typography.Text>
            </Form.Item>
            <Space wrap size={16}>
              <Form.Item
                name="timezone"
                label={t('admin.workspace.timezone')}
                extra={t('admin.workspace.timezoneHint')}
                rules={[{ required: true }]}
              >
                <TimezoneSelect />
              </Form.Item>
              <Form.Item name="locale" label={t('admin.workspace.locale')} extra={t('admin.workspace.localeHint')}>
                <Select
                  style={{ width: 160 }}
                  options={[
                    { value: 'zh-CN', label: '简体中文' },
                    { value: 'en', label: 'English' },
                  ]}
                />
              </Form.Item>
            </Space>
          </Card>
          <Card size="small" title={t('admin.workspace.serviceLevel')} style={{ marginBottom: 16 }}>
            <Form.Item
              name="serviceLevelTargetSeconds"
              label={t('admin.workspace.slTarget')}
              extra={t('admin.workspace.slTargetHint')}
              rules={[{ required: true, message: t('admin.required') }]}
            >
              <InputNumber min={1} max={86_400} precision={0} suffix={t('admin.seconds')} />
            </Form.Item>
          </Card>
          <Card size="small" title={t('admin.workspace.capacities')} style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t('admin.workspace.capacitiesHint')}</Typography.Paragraph>
            <Space wrap size={16}>
              {(channelKinds.data ?? []).map((channel) => (
                <Form.Item
                  key={channel}
                  name={['defaultCapacities', channel]}
                  label={t(`channels.${channel}`)}
                  rules={[{ required: true, message: t('admin.required') }]}
                >
                  <InputNumber min={0} max={100} precision={0} style={{ width: 100 }} />
                </Form.Item>
              ))}
            </Space>
          </Card>
          <Card size="small" title={t('admin.workspace.presence')} style={{ marginBottom: 16 }}>
            <Form.Item name="presenceOnLogin" label={t('admin.workspace.presenceOnLogin')}>
              <Radio.Group
                options={[
                  { value: 'remember', label: t('admin.workspace.presenceRemember') },
                  { value: 'offline', label: t('admin.workspace.presenceOffline') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="presenceGraceSeconds"
              label={t('admin.workspace.presenceGrace')}
              extra={t('admin.workspace.presenceGraceHint')}
            >
              <InputNumber min={5} max={86_400} precision={0} suffix={t('admin.seconds')} placeholder="60" style={{ width: 160 }} />
            </Form.Item>
          </Card>
          <Card size="small" title={t('admin.workspace.weights')} style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t('admin.workspace.weightsHint')}</Typography.Paragraph>
            <Space wrap size={16}>
              {WEIGHTS.map((key) => (
                <Form.Item
                  key={key}
                  name={['queueWeights', key]}
                  label={key === 'vip' ? t('tiers.vip') : t(`priorities.${key}`)}
                  rules={[{ required: true, message: t('admin.required') }]}
                >
                  <InputNumber min={0} max={1000} precision={0} style={{ width: 100 }} />
                </Form.Item>
              ))}
            </Space>
          </Card>
          {canManage && (
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          )}
        </Form>
      )}
    </AdminPage>
  );
}

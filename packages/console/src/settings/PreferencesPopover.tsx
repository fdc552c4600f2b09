import { ControlOutlined } from '@ant-design/icons';
import { App, Button, Divider, Popover, Space, Switch, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/errors';
import { askPermission, notify, notifySettings } from '../lib/notify';
import { usePreferences, useSavePreferences } from '../lib/preferences';

function Row({ label, hint, checked, onChange }: { label: string; hint: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <Space style={{ justifyContent: 'space-between', width: '100%' }} align="start">
      <div>
        <div>{label}</div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {hint}
        </Typography.Text>
      </div>
      <Switch aria-label={label} checked={checked} onChange={onChange} />
    </Space>
  );
}

/**
 * The bell in the header: notification and composer settings. They are the user's server
 * preferences, so they follow the agent to any browser; this also keeps the copy the live
 * connection reads (`notifySettings`) in step with them.
 */
export function PreferencesPopover() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const preferences = usePreferences();
  const save = useSavePreferences();
  const notifications = preferences.notifications;
  const [denied, setDenied] = useState(typeof Notification !== 'undefined' && Notification.permission === 'denied');
  useEffect(() => notifySettings.set(notifications), [notifications]);

  const change = (next: Parameters<typeof save>[0]) => void save(next).catch((error: unknown) => void message.error(errorText(t, error)));
  const setDesktop = async (desktop: boolean) => {
    if (desktop) setDenied((await askPermission()) === 'denied');
    change({ notifications: { desktop } });
  };
  const content = (
    <div style={{ width: 300 }} data-testid="preferences">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Row
          label={t('settings.desktop')}
          hint={t('settings.desktopHint')}
          checked={notifications.desktop}
          onChange={(value) => void setDesktop(value)}
        />
        {denied && notifications.desktop && <Typography.Text type="warning">{t('settings.denied')}</Typography.Text>}
        <Row
          label={t('settings.sound')}
          hint={t('settings.soundHint')}
          checked={notifications.sound}
          onChange={(sound) => change({ notifications: { sound } })}
        />
        <Row
          label={t('composerAssist.preferences.onAssignment')}
          hint={t('composerAssist.preferences.onAssignmentHint')}
          checked={notifications.onAssignment}
          onChange={(onAssignment) => change({ notifications: { onAssignment } })}
        />
        <Row
          label={t('composerAssist.preferences.onCustomerMessage')}
          hint={t('composerAssist.preferences.onCustomerMessageHint')}
          checked={notifications.onCustomerMessage}
          onChange={(onCustomerMessage) => change({ notifications: { onCustomerMessage } })}
        />
        <Button size="small" onClick={() => notify(t('notify.testTitle'), t('notify.testBody'), 'test')}>
          {t('settings.test')}
        </Button>
        <Divider style={{ margin: '4px 0' }} />
        <Row
          label={t('composerAssist.preferences.enterToSend')}
          hint={preferences.enterToSend ? t('composerAssist.preferences.enterToSendOn') : t('composerAssist.preferences.enterToSendOff')}
          checked={preferences.enterToSend}
          onChange={(enterToSend) => change({ enterToSend })}
        />
      </Space>
    </div>
  );
  return (
    <Popover content={content} title={t('composerAssist.preferences.title')} trigger="click" placement="bottomRight">
      <Tooltip title={t('header.settings')}>
        <Button type="text" aria-label={t('header.settings')} icon={<ControlOutlined />} style={{ color: 'white' }} />
      </Tooltip>
    </Popover>
  );
}

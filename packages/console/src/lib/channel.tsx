import {
  ApiOutlined,
  MailOutlined,
  MessageOutlined,
  MobileOutlined,
  PhoneOutlined,
  FormOutlined,
  WechatOutlined,
  WechatWorkOutlined,
} from '@ant-design/icons';
import { Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Conversation } from './api';

const ICONS = {
  widget: MessageOutlined,
  email: MailOutlined,
  sms: MobileOutlined,
  wechat: WechatOutlined,
  wecom: WechatWorkOutlined,
  api: ApiOutlined,
  voice: PhoneOutlined,
  // Only tickets come from the help center's request form; it is not a conversation channel.
  web_form: FormOutlined,
} as const;

export const CHANNELS = (Object.keys(ICONS) as (keyof typeof ICONS)[]).filter(
  (kind): kind is Conversation['channel'] => kind !== 'web_form',
);

export function ChannelIcon({ channel }: { channel: keyof typeof ICONS }) {
  const { t } = useTranslation();
  const Icon = ICONS[channel] ?? MessageOutlined;
  return (
    <Tooltip title={t(`channels.${channel}`)}>
      <Icon aria-label={t(`channels.${channel}`)} data-channel={channel} />
    </Tooltip>
  );
}

export const STATE_COLORS: Record<Conversation['state'], string> = {
  bot: 'purple',
  queued: 'orange',
  assigned: 'blue',
  waiting: 'cyan',
  resolved: 'default',
};

export const PRIORITY_COLORS: Record<Conversation['priority'], string> = {
  low: 'default',
  normal: 'default',
  high: 'orange',
  urgent: 'red',
};

import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import WechatInboxPanel from '../../channels/wechat/WechatInboxPanel';

/** The settings of channel kinds that have their own panel (WeChat, WeCom); others say there is none. */
export function ChannelPanel({ kind, workspaceId, inboxId }: { kind: string; workspaceId: string; inboxId: string }) {
  const { t } = useTranslation();
  if (kind === 'wechat' || kind === 'wecom') return <WechatInboxPanel workspaceId={workspaceId} inboxId={inboxId} />;
  return <Alert type="info" showIcon data-testid="channel-slot" data-kind={kind} title={t('inboxesAdmin.otherKind', { kind })} />;
}

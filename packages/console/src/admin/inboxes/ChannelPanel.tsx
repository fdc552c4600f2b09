import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * SLOT for the settings of channel kinds this page does not edit itself (wechat, wecom, …).
 * MERGE: for `wechat`/`wecom`, render `<WechatInboxPanel workspaceId={workspaceId} inboxId={inboxId} />`
 * from `../../channels/wechat/WechatInboxPanel` here instead of the placeholder (one line).
 */
export function ChannelPanel({ kind, workspaceId, inboxId }: { kind: string; workspaceId: string; inboxId: string }) {
  const { t } = useTranslation();
  void workspaceId;
  void inboxId;
  return <Alert type="info" showIcon data-testid="channel-slot" data-kind={kind} title={t('inboxesAdmin.otherKind', { kind })} />;
}

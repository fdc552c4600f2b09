import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useSession } from '../../lib/session';
import { RequireSession } from '../../shell/RequireSession';
import WechatInboxPanel from './WechatInboxPanel';

function Page() {
  const { t } = useTranslation();
  const { workspaceId, workspaceName } = useSession();
  const { inboxId = '' } = useParams();
  useEffect(() => {
    document.title = `${t('wechat.panel.pageTitle')} · ${workspaceName}`;
  }, [t, workspaceName]);
  return (
    <div style={{ height: '100%', overflowY: 'auto', background: '#f5f5f5' }}>
      <div style={{ maxWidth: 1100, margin: '0 auto', padding: 16 }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 12 }}>
          <Link to="/inbox">
            <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('wechat.panel.back')} />
          </Link>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('wechat.panel.pageTitle')}
          </Typography.Title>
        </div>
        <WechatInboxPanel workspaceId={workspaceId} inboxId={inboxId} />
      </div>
    </div>
  );
}

/**
 * A stand-alone page for the WeChat inbox panel at `/admin/wechat/:inboxId`, until the admin
 * inboxes page mounts the panel in its own slot (then this file and its route can go).
 */
export default function WechatAdminRoute() {
  return (
    <RequireSession>
      <Page />
    </RequireSession>
  );
}

import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { Alert, Button, Popconfirm, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import './content-locales';

/** `/workspaces/<id>`: every content API lives under the workspace. */
export function useWorkspacePath(): string {
  const { workspaceId } = useSession();
  return `/workspaces/${workspaceId}`;
}

/** The admin pages' DELETE (one helper for all of them). */
export { del as remove } from './common';

/** A page's title, what it is for, and its main actions. */
export { ADMIN_PAGE_STYLE } from './common';

export function AdminPageTitle({ title, hint, extra }: { title: string; hint?: string; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'flex-start', gap: 16, marginBottom: 16, flexWrap: 'wrap' }}>
      <div style={{ flex: 1, minWidth: 240 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {hint && <Typography.Text type="secondary">{hint}</Typography.Text>}
      </div>
      {extra && <Space wrap>{extra}</Space>}
    </div>
  );
}

/** A list that could not load: what went wrong and a way to try again. */
export function LoadFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={t('errors.loadFailed')}
      description={errorText(t, error)}
      action={<Button onClick={onRetry}>{t('common.retry')}</Button>}
      style={{ marginBottom: 16 }}
    />
  );
}

/** A table row's edit and delete buttons; delete asks first. */
export function EditDeleteActions({ onEdit, onDelete, confirm }: { onEdit: () => void; onDelete: () => void; confirm?: string }) {
  const { t } = useTranslation();
  return (
    <Space>
      <Button size="small" type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={onEdit} />
      <Popconfirm
        title={confirm ?? t('content.confirmDelete')}
        onConfirm={onDelete}
        okText={t('common.remove')}
        cancelText={t('common.cancel')}
      >
        <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} />
      </Popconfirm>
    </Space>
  );
}

/** "Load more" under a paged list, while the server has more pages. */
export function LoadMore({ query }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown } }) {
  const { t } = useTranslation();
  if (!query.hasNextPage) return null;
  return (
    <div style={{ textAlign: 'center', marginTop: 12 }}>
      <Button loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {t('content.loadMore')}
      </Button>
    </div>
  );
}

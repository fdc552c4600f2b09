import type { PERMISSIONS } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { Button, Result, Skeleton, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import type { WorkspaceView } from './types';

/** DELETE is only needed by the admin pages, so it lives here rather than in the shared client. */
export const del = (path: string) => request<void>('DELETE', path);

type AdminPermission = 'members.manage' | 'teams.manage' | 'routing.manage' | 'workspace.manage' | 'tokens.manage' | 'audit.read';

/**
 * The roles of the permissions the admin pages ask about, copied from the contracts' table because
 * the console bundles no zod: `satisfies` turns any drift from that table into a type error.
 */
const ALLOWED = {
  'members.manage': ['admin'],
  'teams.manage': ['admin', 'supervisor'],
  'routing.manage': ['admin', 'supervisor'],
  'workspace.manage': ['admin'],
  'tokens.manage': ['admin'],
  'audit.read': ['admin'],
} as const satisfies { [P in AdminPermission]: (typeof PERMISSIONS)[P] };

/** Whether the logged-in member's role may do this (the server checks again; this only hides what would be refused). */
export function useCan(permission: AdminPermission): boolean {
  return (ALLOWED[permission] as readonly string[]).includes(useSession().role);
}

export function useWorkspace() {
  const { workspaceId } = useSession();
  return useQuery({ queryKey: ['workspace', workspaceId], queryFn: () => api.get<WorkspaceView>(`/workspaces/${workspaceId}`) });
}

/** The frame of every admin page: a title, what the page is for, and its main action. */
/** Every admin page's frame: the same margin from the side menu and the header, the same reading width. */
export const ADMIN_PAGE_STYLE = { padding: 24, maxWidth: 1200 } as const;

export function AdminPage({
  title,
  description,
  extra,
  children,
}: {
  title: string;
  description?: string;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <Space align="start" style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {description && <Typography.Text type="secondary">{description}</Typography.Text>}
        </div>
        {extra}
      </Space>
      {children}
    </div>
  );
}

/** A failed load: what went wrong, in words, and a way to try again. */
export function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useTranslation();
  return (
    <Result
      status="warning"
      title={t('errors.loadFailed')}
      subTitle={errorText(t, error)}
      extra={<Button onClick={retry}>{t('common.retry')}</Button>}
    />
  );
}

export function TableSkeleton() {
  return (
    <div aria-busy="true" data-testid="admin-loading">
      <Skeleton active paragraph={{ rows: 8 }} />
    </div>
  );
}

/** A one-time secret or link: shown with a copy button and the warning that it will not be shown again. */
export function OneTimeValue({ value, testId }: { value: string; testId?: string }) {
  return (
    <Typography.Paragraph
      copyable={{ text: value }}
      code
      data-testid={testId}
      style={{ wordBreak: 'break-all', background: '#fafafa', padding: 8, borderRadius: 6 }}
    >
      {value}
    </Typography.Paragraph>
  );
}

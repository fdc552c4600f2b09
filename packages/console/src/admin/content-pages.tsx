import { BarChartOutlined, BookOutlined, BulbOutlined, MessageOutlined, RobotOutlined, TagsOutlined } from '@ant-design/icons';
import { Layout, Menu, Result } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { Suspense, lazy, useEffect, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import type { Role } from '../lib/api';
import { connectLive } from '../lib/live';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { PageLoading } from '../shell/PageLoading';
import './content-locales';

export interface ContentPage {
  key: string;
  /** Under /admin. */
  path: string;
  labelKey: string;
  icon: ReactNode;
  roles: readonly Role[];
  component: LazyExoticComponent<ComponentType>;
}

// Who may manage each thing is the server's permission table (canned.manage, dispositions.manage, knowledge.manage).
const MANAGERS = ['admin', 'supervisor'] as const;

/** The content admin pages (issues 5 and 6), in the shape of the admin page registry. */
export const contentPages: ContentPage[] = [
  {
    key: 'canned',
    path: '/admin/canned',
    labelKey: 'content.menu.canned',
    icon: <MessageOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./CannedResponsesPage')),
  },
  {
    key: 'dispositions',
    path: '/admin/dispositions',
    labelKey: 'content.menu.dispositions',
    icon: <TagsOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./DispositionsPage')),
  },
  {
    key: 'knowledge',
    path: '/admin/knowledge',
    labelKey: 'content.menu.knowledge',
    icon: <BookOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./knowledge/KnowledgePage')),
  },
  {
    key: 'learning',
    path: '/admin/learning',
    labelKey: 'content.menu.learning',
    icon: <BulbOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./knowledge/LearningPage')),
  },
  {
    key: 'bot',
    path: '/admin/bot',
    labelKey: 'content.menu.bot',
    icon: <RobotOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./bot/BotSettingsPage')),
  },
  {
    key: 'bot-metrics',
    path: '/admin/bot-metrics',
    labelKey: 'content.menu.botMetrics',
    icon: <BarChartOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./bot/BotMetricsPage')),
  },
];

/**
 * Temporary admin frame for these pages until they join the admin shell's registry (AdminLayout):
 * the console's header, a side menu, the page.
 */
export default function ContentAdmin() {
  const { t } = useTranslation();
  const { role, workspaceId, user } = useSession();
  const client = useQueryClient();
  const location = useLocation();
  // The header shows the live connection and presence: keep them true while on these pages.
  useEffect(() => {
    const socket = connectLive(client, workspaceId, user.id, { onAssignedToMe: () => undefined, onCustomerMessage: () => undefined });
    return () => {
      socket.close();
    };
  }, [client, workspaceId, user.id]);
  const pages = contentPages.filter((page) => page.roles.includes(role));
  return (
    <Layout style={{ height: '100%', minHeight: 600 }}>
      <Header />
      <Layout style={{ flexDirection: 'row', minHeight: 0, flex: 1 }}>
        <Layout.Sider width={200} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0', overflow: 'auto' }}>
          <Menu
            mode="inline"
            selectedKeys={pages.filter((page) => location.pathname.startsWith(page.path)).map((page) => page.key)}
            items={[
              { key: 'inbox', label: <Link to="/inbox">{t('content.menu.inbox')}</Link> },
              { type: 'divider' },
              ...pages.map((page) => ({ key: page.key, icon: page.icon, label: <Link to={page.path}>{t(page.labelKey)}</Link> })),
            ]}
          />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24, overflow: 'auto' }}>
          <Suspense fallback={<PageLoading />}>
            <Routes>
              {pages.map((page) => (
                <Route key={page.key} path={page.path.replace(/^\/admin/, '')} element={<page.component />} />
              ))}
              <Route path="/" element={pages[0] ? <Navigate to={pages[0].path} replace /> : null} />
              <Route path="*" element={<Result status="403" title={t('content.forbidden')} />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

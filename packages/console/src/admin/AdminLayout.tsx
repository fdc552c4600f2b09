import { Button, Layout, Menu, Result } from 'antd';
import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { PageLoading } from '../shell/PageLoading';
import { adminPages, pagesFor } from './pages';

function NoAccess() {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('admin.noAccessTitle')}
      subTitle={t('admin.noAccessBody')}
      data-testid="admin-no-access"
      extra={
        <Link to="/inbox">
          <Button type="primary">{t('notFound.home')}</Button>
        </Link>
      }
    />
  );
}

/** The admin area at `/admin/*`: the console's header, a side menu from the page registry, the page. */
export default function AdminLayout() {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const allowed = pagesFor(session.role);
  const current = location.pathname.replace(/^\/admin\/?/, '').split('/')[0] ?? '';
  const entry = adminPages.find((page) => page.path === current);

  useEffect(() => {
    document.title = `${entry ? t(entry.labelKey) : t('admin.title')} · ${session.workspaceName}`;
  }, [entry, session.workspaceName, t]);

  return (
    <Layout style={{ height: '100%', minHeight: 600 }}>
      <Header area="admin" />
      {allowed.length === 0 ? (
        <NoAccess />
      ) : (
        <Layout style={{ flexDirection: 'row', minHeight: 0, flex: 1 }}>
          <Layout.Sider width={220} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0', overflow: 'auto' }}>
            <Menu
              mode="inline"
              aria-label={t('admin.title')}
              selectedKeys={entry ? [entry.key] : []}
              style={{ borderInlineEnd: 0, paddingTop: 8 }}
              items={allowed.map((page) => ({
                key: page.key,
                icon: page.icon,
                label: <span data-testid={`admin-menu-${page.key}`}>{t(page.labelKey)}</span>,
                onClick: () => void navigate(`/admin/${page.path}`),
              }))}
            />
          </Layout.Sider>
          <Layout.Content style={{ overflow: 'auto', background: '#fff' }}>
            <Suspense fallback={<PageLoading />}>
              <Routes>
                <Route index element={<Navigate to={`/admin/${allowed[0]!.path}`} replace />} />
                {adminPages.map((page) => (
                  <Route
                    key={page.key}
                    path={`${page.path}/*`}
                    element={page.roles.includes(session.role) ? <page.component /> : <NoAccess />}
                  />
                ))}
                <Route
                  path="*"
                  element={
                    <Result
                      status="404"
                      title={t('notFound.title')}
                      subTitle={t('notFound.body')}
                      extra={
                        <Link to="/admin">
                          <Button type="primary">{t('admin.backToAdmin')}</Button>
                        </Link>
                      }
                    />
                  }
                />
              </Routes>
            </Suspense>
          </Layout.Content>
        </Layout>
      )}
    </Layout>
  );
}

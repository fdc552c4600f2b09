import { Button, Result } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { errorText } from '../lib/errors';
import { rememberLocale } from '../lib/i18n';
import { SessionProvider, chooseWorkspace, useMe } from '../lib/session';
import { PageLoading } from './PageLoading';

/** Logged-in pages: sends strangers to the login page and back here afterwards. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const me = useMe();
  const locale = me.data?.locale;
  useEffect(() => {
    if (locale) rememberLocale(locale);
  }, [locale]);
  if (me.isPending) return <PageLoading />;
  if (me.isError)
    return (
      <Result
        status="error"
        title={t('errors.loadFailed')}
        subTitle={errorText(t, me.error)}
        extra={<Button onClick={() => void me.refetch()}>{t('common.retry')}</Button>}
      />
    );
  const session = me.data ? chooseWorkspace(me.data) : null;
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <SessionProvider value={session}>{children}</SessionProvider>;
}

import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api, type SessionResponse } from '../lib/api';
import { errorText } from '../lib/errors';
import { rememberLocale } from '../lib/i18n';
import { useMe, useSetMe } from '../lib/session';
import { AuthLayout } from './AuthLayout';

/** Where to go after login: only a path on this site. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/inbox';
}

export default function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const me = useMe();
  const setMe = useSetMe();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  if (me.data) return <Navigate to={next} replace />;

  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const session = await api.post<SessionResponse>('/auth/login', values);
      rememberLocale(session.user.locale);
      setMe(session.user);
      void navigate(next, { replace: true });
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'invalid_credentials') setError(t('auth.invalidCredentials'));
      else if (failure instanceof ApiError && failure.status === 429) setError(t('auth.locked'));
      else if (failure instanceof ApiError && failure.code === 'account_inactive') setError(t('auth.inactive'));
      else setError(errorText(t, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.loginTitle')} subtitle={t('auth.loginSubtitle')}>
      {error && <Alert role="alert" type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          label={t('auth.email')}
          name="email"
          rules={[
            { required: true, message: t('auth.emailRequired') },
            { type: 'email', message: t('auth.emailInvalid') },
          ]}
        >
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t('auth.password')} name="password" rules={[{ required: true, message: t('auth.passwordRequired') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('auth.login')}
        </Button>
      </Form>
      <div style={{ marginTop: 16, textAlign: 'right' }}>
        <Link to="/forgot-password">{t('auth.forgot')}</Link>
      </div>
    </AuthLayout>
  );
}

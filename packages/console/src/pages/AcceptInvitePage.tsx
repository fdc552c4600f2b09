import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, type InviteView, type SessionResponse } from '../lib/api';
import { errorText } from '../lib/errors';
import { rememberLocale } from '../lib/i18n';
import { useSetMe } from '../lib/session';
import { AuthLayout } from './AuthLayout';
import { NewPasswordFields } from './ResetPasswordPage';

export default function AcceptInvitePage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const setMe = useSetMe();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invite = useQuery({
    queryKey: ['invite', token],
    queryFn: () => api.get<InviteView>(`/invites/${encodeURIComponent(token)}`),
    retry: false,
  });

  const submit = async (values: { name: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const session = await api.post<SessionResponse>(`/invites/${encodeURIComponent(token)}/accept`, {
        name: values.name,
        password: values.password,
      });
      rememberLocale(session.user.locale);
      setMe(session.user);
      void navigate('/inbox', { replace: true });
    } catch (failure) {
      setError(failure instanceof ApiError && failure.code === 'wrong_password' ? t('auth.wrongPassword') : errorText(t, failure));
    } finally {
      setBusy(false);
    }
  };

  if (invite.isPending)
    return (
      <AuthLayout title={t('app.loading')}>
        <Skeleton active />
      </AuthLayout>
    );
  if (invite.isError || !invite.data)
    return (
      <AuthLayout title={t('auth.accept')}>
        <Alert
          role="alert"
          type="error"
          showIcon
          title={invite.error instanceof ApiError && invite.error.status === 404 ? t('auth.inviteInvalid') : errorText(t, invite.error)}
        />
        <div style={{ marginTop: 16 }}>
          <Link to="/login">{t('auth.backToLogin')}</Link>
        </div>
      </AuthLayout>
    );
  const info = invite.data;
  return (
    <AuthLayout
      title={t('auth.inviteTitle', { workspace: info.workspaceName })}
      subtitle={t('auth.inviteAs', { role: t(`roles.${info.role}`), email: info.email })}
    >
      {error && <Alert role="alert" type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={t('auth.email')}>
          <Input value={info.email} disabled />
        </Form.Item>
        <Form.Item
          label={t('auth.inviteName')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('auth.inviteNameRequired') }]}
        >
          <Input autoComplete="name" autoFocus />
        </Form.Item>
        <NewPasswordFields name="password" label={t('auth.password')} />
        <Alert type="info" title={t('auth.inviteExisting')} style={{ marginBottom: 16 }} />
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('auth.accept')}
        </Button>
      </Form>
    </AuthLayout>
  );
}

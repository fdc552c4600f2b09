import { PASSWORD_MIN_LENGTH } from '@huiliu/contracts';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api } from '../lib/api';
import { errorText } from '../lib/errors';
import { AuthLayout } from './AuthLayout';

export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: { newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password-reset/confirm', { token, newPassword: values.newPassword });
      setDone(true);
    } catch (failure) {
      setError(failure instanceof ApiError && failure.code === 'invalid_token' ? t('auth.resetInvalid') : errorText(t, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.resetTitle')}>
      {token.length < 10 ? (
        <Alert role="alert" type="error" showIcon title={t('auth.resetMissingToken')} />
      ) : done ? (
        <Alert role="status" type="success" showIcon title={t('auth.resetDone')} />
      ) : (
        <>
          {error && <Alert role="alert" type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
          <Form layout="vertical" onFinish={submit} requiredMark={false}>
            <NewPasswordFields />
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('auth.setPassword')}
            </Button>
          </Form>
        </>
      )}
      <div style={{ marginTop: 16 }}>
        <Link to={token.length < 10 || error ? '/forgot-password' : '/login'}>{t('auth.backToLogin')}</Link>
      </div>
    </AuthLayout>
  );
}

/** A new password typed twice: the two must agree, at least PASSWORD_MIN_LENGTH characters (the server's policy). */
export function NewPasswordFields({ name = 'newPassword', label }: { name?: string; label?: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        label={label ?? t('auth.newPassword')}
        name={name}
        rules={[
          { required: true, message: t('auth.passwordRequired') },
          { min: PASSWORD_MIN_LENGTH, message: t('auth.passwordTooShort', { count: PASSWORD_MIN_LENGTH }) },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={t('auth.confirmPassword')}
        name="confirm"
        dependencies={[name]}
        rules={[
          { required: true, message: t('auth.passwordRequired') },
          ({ getFieldValue }) => ({
            validator: (_rule, value) =>
              !value || getFieldValue(name) === value ? Promise.resolve() : Promise.reject(new Error(t('auth.passwordsDiffer'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}

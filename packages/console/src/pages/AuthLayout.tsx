import { Card, Segmented, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { rememberLocale, type UiLocale } from '../lib/i18n';

export function LanguageSwitch({ onChange }: { onChange?: (locale: UiLocale) => void }) {
  const { i18n, t } = useTranslation();
  return (
    <Segmented
      aria-label={t('header.language')}
      size="small"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en' },
      ]}
      onChange={(value) => {
        rememberLocale(value as UiLocale);
        onChange?.(value as UiLocale);
      }}
    />
  );
}

/** The frame of the pages before login: a card in the middle, the language switch on top. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div style={{ minHeight: '100%', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f4fa', padding: 16 }}>
      <div style={{ width: 400, maxWidth: '100%' }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
          <Typography.Title level={3} style={{ margin: 0, color: '#1677ff' }}>
            {t('app.name')}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        <Card>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {title}
          </Typography.Title>
          {subtitle && <Typography.Paragraph type="secondary">{subtitle}</Typography.Paragraph>}
          {children}
        </Card>
      </div>
    </div>
  );
}

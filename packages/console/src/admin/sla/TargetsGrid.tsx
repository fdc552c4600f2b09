import { Checkbox, Form, InputNumber, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { METRICS, NO_CALENDAR, PRIORITIES } from './policy-form';

/** Minutes per priority for each metric: a grid, one row a metric. */
export function TargetsGrid() {
  const { t } = useTranslation();
  const calendarId = Form.useWatch('calendarId') as string | undefined;
  const withCalendar = !!calendarId && calendarId !== NO_CALENDAR;
  return (
    <table style={{ borderCollapse: 'collapse', width: '100%' }} data-testid="sla-targets">
      <thead>
        <tr>
          <th />
          {PRIORITIES.map((priority) => (
            <th key={priority} style={{ textAlign: 'start', fontWeight: 500, padding: 4 }}>
              {t(`priorities.${priority}`)}
            </th>
          ))}
          <th style={{ textAlign: 'start', fontWeight: 500, padding: 4 }}>{t('sla.admin.businessTime')}</th>
        </tr>
      </thead>
      <tbody>
        {METRICS.map((metric) => (
          <tr key={metric}>
            <td style={{ padding: 4, whiteSpace: 'nowrap' }}>{t(`sla.metric.${metric}`)}</td>
            {PRIORITIES.map((priority) => (
              <td key={priority} style={{ padding: 4 }}>
                <Form.Item name={['targets', metric, 'minutes', priority]} style={{ marginBottom: 0 }}>
                  <InputNumber
                    min={1}
                    max={525_600}
                    precision={0}
                    style={{ width: 96 }}
                    aria-label={t('sla.admin.minutesFor', { metric: t(`sla.metric.${metric}`), priority: t(`priorities.${priority}`) })}
                  />
                </Form.Item>
              </td>
            ))}
            <td style={{ padding: 4 }}>
              <Form.Item name={['targets', metric, 'businessTime']} valuePropName="checked" style={{ marginBottom: 0 }}>
                <Checkbox disabled={!withCalendar} aria-label={`${t(`sla.metric.${metric}`)} · ${t('sla.admin.businessTime')}`} />
              </Form.Item>
            </td>
          </tr>
        ))}
      </tbody>
      {!withCalendar && (
        <tfoot>
          <tr>
            <td colSpan={PRIORITIES.length + 2} style={{ padding: 4 }}>
              <Typography.Text type="secondary">{t('sla.admin.noCalendarHint')}</Typography.Text>
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

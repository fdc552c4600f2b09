import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** The form's shape of weekly hours under `name`: per day, a list of {from, to}. */
export type WeeklyForm = Record<Day, { from: string; to: string }[]>;

/** Weekly opening hours, a row per weekday with up to six intervals; an end before the start is a night shift. */
export function WeeklyHoursFields({ name }: { name: string }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const weekly = Form.useWatch(name, form) as WeeklyForm | undefined;
  return (
    <>
      {DAYS.map((day) => (
        <Form.List name={[name, day]} key={day}>
          {(fields, { add, remove }) => (
            <Space align="baseline" wrap style={{ display: 'flex', marginBottom: 4 }} data-testid={`weekly-${day}`}>
              <span style={{ display: 'inline-block', width: 56 }}>{t(`admin.days.${day}`)}</span>
              {fields.length === 0 && <Typography.Text type="secondary">{t('calendars.closed')}</Typography.Text>}
              {fields.map((field) => {
                const range = weekly?.[day]?.[field.name];
                const overnight = !!range && CLOCK.test(range.from) && CLOCK.test(range.to) && range.to <= range.from;
                return (
                  <Space key={field.key} size={4} align="baseline">
                    <Form.Item
                      name={[field.name, 'from']}
                      rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: t('calendars.timeFormat') }]}
                      style={{ marginBottom: 0 }}
                    >
                      <Input style={{ width: 72 }} placeholder="09:00" aria-label={t('calendars.from')} />
                    </Form.Item>
                    –
                    <Form.Item
                      name={[field.name, 'to']}
                      rules={[{ required: true, pattern: CLOCK, message: t('calendars.timeFormat') }]}
                      style={{ marginBottom: 0 }}
                    >
                      <Input style={{ width: 72 }} placeholder="18:00" aria-label={t('calendars.to')} />
                    </Form.Item>
                    {overnight && <Tag color="purple">{t('calendars.nextDay')}</Tag>}
                    <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                  </Space>
                );
              })}
              {fields.length < 6 && (
                <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({ from: '09:00', to: '18:00' })}>
                  {t('calendars.addHours')}
                </Button>
              )}
            </Space>
          )}
        </Form.List>
      ))}
    </>
  );
}

export function weeklyToForm(weekly: Partial<Record<Day, [string, string][]>>): WeeklyForm {
  return Object.fromEntries(DAYS.map((day) => [day, (weekly[day] ?? []).map(([from, to]) => ({ from, to }))])) as WeeklyForm;
}

export function weeklyFromForm(weekly: WeeklyForm): Partial<Record<Day, [string, string][]>> {
  return Object.fromEntries(
    DAYS.filter((day) => (weekly[day] ?? []).length > 0).map((day) => [day, weekly[day].map((range) => [range.from, range.to])]),
  );
}

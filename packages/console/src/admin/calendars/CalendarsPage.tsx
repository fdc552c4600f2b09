import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import type { Calendar, Holiday } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { AdminPageTitle, LoadFailed, remove, useWorkspacePath } from '../content-common';
import { TimezoneSelect } from '../TimezoneSelect';
import { DAYS, WeeklyHoursFields, weeklyFromForm, weeklyToForm, type WeeklyForm } from './WeeklyHoursFields';
import './locales';

interface HolidayForm {
  kind: Holiday['kind'];
  name?: string;
  date?: Dayjs;
  month?: number;
  day?: number;
  range?: [Dayjs, Dayjs];
}

interface CalendarForm {
  name: string;
  description?: string;
  timezone: string;
  weekly: WeeklyForm;
  holidays: HolidayForm[];
}

const ISO = 'YYYY-MM-DD';

function holidayToForm(holiday: Holiday): HolidayForm {
  if (holiday.kind === 'date') return { kind: 'date', name: holiday.name, date: dayjs(holiday.date) };
  if (holiday.kind === 'yearly') return { kind: 'yearly', name: holiday.name, month: holiday.month, day: holiday.day };
  return { kind: 'range', name: holiday.name, range: [dayjs(holiday.from), dayjs(holiday.to)] };
}

function holidayFromForm(value: HolidayForm): Holiday {
  const name = value.name?.trim() ?? '';
  if (value.kind === 'date') return { kind: 'date', name, date: value.date!.format(ISO) };
  if (value.kind === 'yearly') return { kind: 'yearly', name, month: value.month!, day: value.day! };
  return { kind: 'range', name, from: value.range![0].format(ISO), to: value.range![1].format(ISO) };
}

const toForm = (calendar: Calendar | undefined): CalendarForm =>
  calendar
    ? {
        name: calendar.name,
        description: calendar.description,
        timezone: calendar.timezone,
        weekly: weeklyToForm(calendar.weekly),
        holidays: calendar.holidays.map(holidayToForm),
      }
    : {
        name: '',
        timezone: 'Asia/Shanghai',
        weekly: weeklyToForm(Object.fromEntries(DAYS.slice(0, 5).map((day) => [day, [['09:00', '18:00']]]))),
        holidays: [],
      };

function HolidayFields() {
  const { t } = useTranslation();
  const form = Form.useFormInstance<CalendarForm>();
  const holidays = Form.useWatch('holidays', form);
  return (
    <Form.List name="holidays">
      {(fields, { add, remove: drop }) => (
        <>
          {fields.map((field) => {
            const kind = holidays?.[field.name]?.kind ?? 'date';
            return (
              <Space key={field.key} align="baseline" wrap data-testid="holiday-row">
                <Form.Item name={[field.name, 'kind']} style={{ marginBottom: 8 }}>
                  <Select
                    style={{ width: 120 }}
                    aria-label={t('calendars.holidays')}
                    options={(['date', 'yearly', 'range'] as const).map((value) => ({ value, label: t(`calendars.kind.${value}`) }))}
                  />
                </Form.Item>
                {kind === 'date' && (
                  <Form.Item name={[field.name, 'date']} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
                    <DatePicker />
                  </Form.Item>
                )}
                {kind === 'yearly' && (
                  <>
                    <Form.Item name={[field.name, 'month']} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
                      <InputNumber min={1} max={12} precision={0} suffix={t('calendars.month')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'day']} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
                      <InputNumber min={1} max={31} precision={0} suffix={t('calendars.day')} />
                    </Form.Item>
                  </>
                )}
                {kind === 'range' && (
                  <Form.Item name={[field.name, 'range']} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
                    <DatePicker.RangePicker />
                  </Form.Item>
                )}
                <Form.Item name={[field.name, 'name']} style={{ marginBottom: 8 }}>
                  <Input placeholder={t('calendars.holidayName')} style={{ width: 180 }} maxLength={100} />
                </Form.Item>
                <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => drop(field.name)} />
              </Space>
            );
          })}
          <div>
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ kind: 'date' })}>
              {t('calendars.addHoliday')}
            </Button>
          </div>
        </>
      )}
    </Form.List>
  );
}

/** Adds N business minutes to an instant on the saved calendar, so an admin sees what an SLA will do. */
function BusinessTimeCheck({ calendarId }: { calendarId: string }) {
  const { t, i18n } = useTranslation();
  const base = useWorkspacePath();
  const [from, setFrom] = useState<Dayjs | null>(dayjs());
  const [minutes, setMinutes] = useState<number | null>(60);
  const check = useMutation({
    mutationFn: () =>
      api.get<{ due: string | null; openNow: boolean; nextOpening: string | null }>(
        `${base}/calendars/${calendarId}/business-time?from=${encodeURIComponent((from ?? dayjs()).toISOString())}&minutes=${minutes ?? 0}`,
      ),
  });
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Card size="small" title={t('calendars.check')} style={{ marginTop: 16 }}>
      <Space wrap align="center">
        <DatePicker showTime value={from} onChange={setFrom} aria-label={t('calendars.checkFrom')} />
        +
        <InputNumber min={0} max={525_600} precision={0} value={minutes} onChange={setMinutes} aria-label={t('calendars.checkMinutes')} />
        <Button onClick={() => check.mutate()} loading={check.isPending} data-testid="calendar-check">
          {t('calendars.checkRun')}
        </Button>
      </Space>
      {check.data && (
        <Alert
          style={{ marginTop: 12 }}
          type="info"
          data-testid="calendar-check-result"
          message={check.data.due ? t('calendars.due', { time: when(check.data.due) }) : t('calendars.never')}
          description={
            check.data.openNow
              ? t('calendars.openNow')
              : t('calendars.closedNow', { time: check.data.nextOpening ? when(check.data.nextOpening) : '—' })
          }
        />
      )}
    </Card>
  );
}

function CalendarEditor({ calendar, onClose }: { calendar: Calendar | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [form] = Form.useForm<CalendarForm>();
  const refresh = () => void client.invalidateQueries({ queryKey: ['calendars'] });
  const save = useMutation({
    mutationFn: (values: CalendarForm) => {
      const body = {
        name: values.name,
        description: values.description ?? '',
        timezone: values.timezone,
        weekly: weeklyFromForm(values.weekly),
        holidays: (values.holidays ?? []).map(holidayFromForm),
      };
      return calendar ? api.patch<Calendar>(`${base}/calendars/${calendar.id}`, body) : api.post<Calendar>(`${base}/calendars`, body);
    },
    onSuccess: (saved) => {
      void message.success(calendar ? t('calendars.saved') : t('calendars.created', { name: saved.name }));
      refresh();
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const importIcs = useMutation({
    mutationFn: (ics: string) =>
      api.post<{ imported: number; skipped: { summary: string; reason: string }[]; calendar: Calendar }>(
        `${base}/calendars/${calendar!.id}/holidays/import`,
        { ics },
      ),
    onSuccess: (result) => {
      form.setFieldValue('holidays', result.calendar.holidays.map(holidayToForm));
      void message.success(t('calendars.imported', { count: result.imported }));
      if (result.skipped.length > 0)
        void message.info(
          t('calendars.importSkipped', { count: result.skipped.length, items: result.skipped.map((item) => item.summary).join('、') }),
        );
      refresh();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  return (
    <Form<CalendarForm> form={form} layout="vertical" initialValues={toForm(calendar)} onFinish={(values) => save.mutate(values)}>
      <Form.Item
        name="name"
        label={t('calendars.name')}
        rules={[{ required: true, whitespace: true, message: t('calendars.nameRequired') }, { max: 100 }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('calendars.description')} rules={[{ max: 1000 }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
      <Form.Item name="timezone" label={t('calendars.timezone')} rules={[{ required: true }]}>
        <TimezoneSelect />
      </Form.Item>
      <Card
        size="small"
        title={t('calendars.weekly')}
        extra={<span style={{ color: '#888' }}>{t('calendars.weeklyHint')}</span>}
        style={{ marginBottom: 16 }}
      >
        <WeeklyHoursFields name="weekly" />
      </Card>
      <Card
        size="small"
        title={t('calendars.holidays')}
        style={{ marginBottom: 16 }}
        extra={
          calendar && (
            <Upload
              accept=".ics,text/calendar"
              showUploadList={false}
              beforeUpload={(file) => {
                void file.text().then((text) => importIcs.mutate(text));
                return false;
              }}
            >
              <Button size="small" icon={<UploadOutlined />} loading={importIcs.isPending}>
                {t('calendars.importIcs')}
              </Button>
            </Upload>
          )
        }
      >
        <HolidayFields />
      </Card>
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        {t('common.save')}
      </Button>
      {calendar && <BusinessTimeCheck calendarId={calendar.id} />}
    </Form>
  );
}

/** Business calendars (营业日历): the hours SLA business time, routing and reports are counted on. */
export default function CalendarsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [editing, setEditing] = useState<{ calendar?: Calendar } | null>(null);
  const list = useQuery({ queryKey: ['calendars', base], queryFn: () => api.get<{ items: Calendar[] }>(`${base}/calendars`) });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/calendars/${id}`),
    onSuccess: () => {
      void message.success(t('calendars.deleted'));
      void client.invalidateQueries({ queryKey: ['calendars'] });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  return (
    <div style={{ padding: 24 }}>
      <AdminPageTitle
        title={t('calendars.title')}
        hint={t('calendars.hint')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="calendar-create">
            {t('calendars.create')}
          </Button>
        }
      />
      {list.isError ? (
        <LoadFailed error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Calendar>
          rowKey="id"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('calendars.empty')} /> }}
          columns={[
            {
              title: t('calendars.name'),
              dataIndex: 'name',
              render: (name: string, calendar) => (
                <Button type="link" style={{ padding: 0 }} onClick={() => setEditing({ calendar })}>
                  {name}
                </Button>
              ),
            },
            { title: t('calendars.timezone'), dataIndex: 'timezone', render: (zone: string) => <Tag color="blue">{zone}</Tag> },
            {
              title: t('calendars.weekly'),
              key: 'weekly',
              render: (_, calendar) =>
                DAYS.filter((day) => (calendar.weekly[day] ?? []).length > 0)
                  .map((day) => `${t(`admin.days.${day}`)} ${(calendar.weekly[day] ?? []).map(([from, to]) => `${from}–${to}`).join(', ')}`)
                  .join('；'),
            },
            {
              title: t('calendars.holidays'),
              key: 'holidays',
              render: (_, calendar) => t('calendars.holidaysCount', { count: calendar.holidays.length }),
            },
            {
              key: 'actions',
              width: 60,
              render: (_, calendar) => (
                <Popconfirm title={t('calendars.deleteConfirm', { name: calendar.name })} onConfirm={() => del.mutate(calendar.id)}>
                  <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} />
                </Popconfirm>
              ),
            },
          ]}
        />
      )}
      <Drawer
        open={!!editing}
        width={720}
        destroyOnHidden
        title={editing?.calendar ? editing.calendar.name : t('calendars.create')}
        onClose={() => setEditing(null)}
      >
        {editing && <CalendarEditor calendar={editing.calendar} onClose={() => setEditing(null)} />}
      </Drawer>
    </div>
  );
}

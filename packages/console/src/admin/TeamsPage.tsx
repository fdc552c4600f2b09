import { DeleteOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
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
  Modal,
  Popconfirm,
  Rate,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Calendar } from '@huiliu/contracts';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type TeamView } from '../lib/api';
import { useMembers, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { AdminPage, LoadError, TableSkeleton, del, useCan, useWorkspace } from './common';
import { TimezoneSelect } from './TimezoneSelect';

const ALGORITHMS = ['least_busy', 'longest_idle', 'round_robin', 'skills_first', 'manual'] as const;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

type BusinessHours = NonNullable<TeamView['businessHours']>;

interface SettingsForm {
  name: string;
  description: string;
  algorithm: TeamView['algorithm'];
  stickyHours: number;
  serviceLevelTargetSeconds: number | null;
  overflowTeamId: string | null;
  overflowAfterSeconds: number | null;
  alwaysOpen: boolean;
  /** The business calendar of the team's hours; undefined: none yet (saving the hours makes one). */
  calendarId?: string;
  timezone: string;
  weekly: Record<Day, { from: string; to: string }[]>;
  holidays: Dayjs[];
}

function toForm(team: TeamView, workspaceTimezone: string): SettingsForm {
  const hours = team.businessHours;
  const weekly = Object.fromEntries(
    DAYS.map((day) => [day, (hours?.weekly[day] ?? []).map(([from, to]) => ({ from, to }))]),
  ) as SettingsForm['weekly'];
  if (!hours) for (const day of DAYS.slice(0, 5)) weekly[day] = [{ from: '09:00', to: '18:00' }];
  return {
    name: team.name,
    description: team.description,
    algorithm: team.algorithm,
    stickyHours: team.stickyHours,
    serviceLevelTargetSeconds: team.serviceLevelTargetSeconds,
    overflowTeamId: team.overflowTeamId,
    overflowAfterSeconds: team.overflowAfterSeconds,
    alwaysOpen: !hours,
    calendarId: team.calendarId ?? undefined,
    timezone: hours?.timezone ?? workspaceTimezone,
    weekly,
    holidays: (hours?.holidays ?? []).map((date) => dayjs(date)),
  };
}

/** Another calendar picked: the team uses it as it is; the team's own calendar: the hours edited here are written to it. */
const pickedOtherCalendar = (values: Pick<SettingsForm, 'alwaysOpen' | 'calendarId'>, team: TeamView) =>
  !values.alwaysOpen && !!values.calendarId && values.calendarId !== team.calendarId;

function fromForm(values: SettingsForm, team: TeamView) {
  // Only the fields on screen are in `values`: the hours are not when another calendar is picked.
  const businessHours = (): BusinessHours | null =>
    values.alwaysOpen
      ? null
      : {
          timezone: values.timezone,
          weekly: Object.fromEntries(
            DAYS.filter((day) => (values.weekly[day] ?? []).length > 0).map((day) => [
              day,
              values.weekly[day].map((range) => [range.from, range.to]),
            ]),
          ) as BusinessHours['weekly'],
          holidays: [...new Set((values.holidays ?? []).map((date) => date.format('YYYY-MM-DD')))].sort(),
        };
  return {
    name: values.name,
    description: values.description ?? '',
    algorithm: values.algorithm,
    stickyHours: values.stickyHours,
    serviceLevelTargetSeconds: values.serviceLevelTargetSeconds ?? null,
    overflowTeamId: values.overflowTeamId ?? null,
    overflowAfterSeconds: values.overflowTeamId ? (values.overflowAfterSeconds ?? 0) : null,
    ...(pickedOtherCalendar(values, team) ? { calendarId: values.calendarId } : { businessHours: businessHours() }),
  };
}

function TeamSettings({ team, teams, canManage }: { team: TeamView; teams: TeamView[]; canManage: boolean }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const workspace = useWorkspace();
  const [form] = Form.useForm<SettingsForm>();
  const alwaysOpen = Form.useWatch('alwaysOpen', form);
  const overflowTeamId = Form.useWatch('overflowTeamId', form);
  const calendarId = Form.useWatch('calendarId', form);
  const calendars = useQuery({
    queryKey: ['calendars', `/workspaces/${workspaceId}`],
    queryFn: () => api.get<{ items: Calendar[] }>(`/workspaces/${workspaceId}/calendars`),
  });
  const otherCalendar = pickedOtherCalendar({ alwaysOpen, calendarId }, team)
    ? calendars.data?.items.find((calendar) => calendar.id === calendarId)
    : undefined;
  const save = useMutation({
    mutationFn: (values: SettingsForm) => api.patch<TeamView>(`/workspaces/${workspaceId}/teams/${team.id}`, fromForm(values, team)),
    onSuccess: () => {
      void message.success(t('admin.saved'));
      void client.invalidateQueries({ queryKey: ['teams', workspaceId] });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  return (
    <Form<SettingsForm>
      form={form}
      layout="vertical"
      disabled={!canManage}
      initialValues={toForm(team, workspace.data?.timezone ?? 'Asia/Shanghai')}
      onFinish={(values) => save.mutate(values)}
    >
      <Form.Item
        name="name"
        label={t('admin.teams.name')}
        rules={[{ required: true, whitespace: true, message: t('admin.teams.nameRequired') }, { max: 100 }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('admin.teams.description')} rules={[{ max: 1000 }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
      <Space wrap size={16} align="start">
        <Form.Item name="algorithm" label={t('admin.teams.algorithm')} extra={t('admin.teams.algorithmHint')} style={{ width: 260 }}>
          <Select options={ALGORITHMS.map((value) => ({ value, label: t(`admin.algorithms.${value}`) }))} />
        </Form.Item>
        <Form.Item name="stickyHours" label={t('admin.teams.stickyHours')} extra={t('admin.teams.stickyHint')} rules={[{ required: true }]}>
          <InputNumber min={0} max={24 * 90} precision={0} suffix={t('admin.hours')} />
        </Form.Item>
        <Form.Item name="serviceLevelTargetSeconds" label={t('admin.teams.slTarget')} extra={t('admin.teams.slTargetHint')}>
          <InputNumber
            min={1}
            max={86_400}
            precision={0}
            suffix={t('admin.seconds')}
            placeholder={String(workspace.data?.settings.serviceLevelTargetSeconds ?? '')}
          />
        </Form.Item>
      </Space>
      <Card size="small" title={t('admin.teams.overflow')} style={{ marginBottom: 16 }}>
        <Space wrap size={16} align="start">
          <Form.Item
            name="overflowTeamId"
            label={t('admin.teams.overflowTeam')}
            extra={t('admin.teams.overflowHint')}
            style={{ width: 260 }}
          >
            <Select
              allowClear
              placeholder={t('admin.teams.noOverflow')}
              options={teams.filter((other) => other.id !== team.id).map((other) => ({ value: other.id, label: other.name }))}
            />
          </Form.Item>
          <Form.Item
            name="overflowAfterSeconds"
            label={t('admin.teams.overflowAfter')}
            rules={[{ required: !!overflowTeamId, message: t('admin.teams.overflowAfterRequired') }]}
          >
            <InputNumber min={0} max={86_400} precision={0} suffix={t('admin.seconds')} disabled={!canManage || !overflowTeamId} />
          </Form.Item>
        </Space>
      </Card>
      <Card
        size="small"
        title={t('admin.teams.businessHours')}
        extra={
          <Space>
            {t('admin.teams.alwaysOpen')}
            <Form.Item name="alwaysOpen" valuePropName="checked" noStyle>
              <Switch aria-label={t('admin.teams.alwaysOpen')} />
            </Form.Item>
          </Space>
        }
        style={{ marginBottom: 16 }}
      >
        {alwaysOpen ? (
          <Typography.Text type="secondary">{t('admin.teams.alwaysOpenHint')}</Typography.Text>
        ) : (
          <>
            <Form.Item
              name="calendarId"
              label={t('admin.teams.calendar')}
              extra={team.calendarId && !otherCalendar ? t('admin.teams.calendarSharedHint') : undefined}
            >
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                aria-label={t('admin.teams.calendar')}
                placeholder={t('admin.teams.ownCalendar')}
                loading={calendars.isLoading}
                options={(calendars.data?.items ?? []).map((calendar) => ({
                  value: calendar.id,
                  label: `${calendar.name} (${calendar.timezone})`,
                }))}
              />
            </Form.Item>
          </>
        )}
        {!alwaysOpen && otherCalendar && (
          <Alert type="info" showIcon message={t('admin.teams.calendarPicked', { name: otherCalendar.name })} />
        )}
        {!alwaysOpen && !otherCalendar && (
          <>
            <Form.Item name="timezone" label={t('admin.workspace.timezone')} rules={[{ required: true }]}>
              <TimezoneSelect />
            </Form.Item>
            {DAYS.map((day) => (
              <Form.List name={['weekly', day]} key={day}>
                {(fields, { add, remove }) => (
                  <Space align="baseline" wrap style={{ display: 'flex', marginBottom: 4 }}>
                    <span style={{ display: 'inline-block', width: 56 }}>{t(`admin.days.${day}`)}</span>
                    {fields.length === 0 && <Typography.Text type="secondary">{t('admin.teams.closed')}</Typography.Text>}
                    {fields.map((field) => (
                      <Space key={field.key} size={4} align="baseline">
                        <Form.Item
                          name={[field.name, 'from']}
                          rules={[{ required: true, pattern: CLOCK, message: t('admin.teams.timeFormat') }]}
                          style={{ marginBottom: 0 }}
                        >
                          <Input style={{ width: 72 }} placeholder="09:00" aria-label={t('admin.teams.from')} />
                        </Form.Item>
                        –
                        <Form.Item
                          name={[field.name, 'to']}
                          dependencies={[['weekly', day, field.name, 'from']]}
                          rules={[
                            { required: true, pattern: CLOCK, message: t('admin.teams.timeFormat') },
                            ({ getFieldValue }) => ({
                              validator: (_, value: string | undefined) => {
                                const from = getFieldValue(['weekly', day, field.name, 'from']) as string | undefined;
                                return !value || !from || !CLOCK.test(value) || value > from
                                  ? Promise.resolve()
                                  : Promise.reject(new Error(t('admin.teams.endAfterStart')));
                              },
                            }),
                          ]}
                          style={{ marginBottom: 0 }}
                        >
                          <Input style={{ width: 72 }} placeholder="18:00" aria-label={t('admin.teams.to')} />
                        </Form.Item>
                        <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                      </Space>
                    ))}
                    {fields.length < 6 && (
                      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({ from: '09:00', to: '18:00' })}>
                        {t('admin.teams.addHours')}
                      </Button>
                    )}
                  </Space>
                )}
              </Form.List>
            ))}
            <Form.Item name="holidays" label={t('admin.teams.holidays')} extra={t('admin.teams.holidaysHint')} style={{ marginTop: 12 }}>
              <DatePicker multiple maxTagCount="responsive" style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
      </Card>
      {canManage && (
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      )}
    </Form>
  );
}

function TeamMembers({ team, canManage }: { team: TeamView; canManage: boolean }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const members = useMembers();
  const [adding, setAdding] = useState<string | undefined>();
  const [proficiency, setProficiency] = useState(3);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['teams', workspaceId] });
    void client.invalidateQueries({ queryKey: ['members', workspaceId] });
  };
  const put = useMutation({
    mutationFn: ({ userId, level }: { userId: string; level: number }) =>
      api.put<TeamView>(`/workspaces/${workspaceId}/teams/${team.id}/members/${userId}`, { proficiency: level }),
    onSuccess: () => {
      setAdding(undefined);
      refresh();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => del(`/workspaces/${workspaceId}/teams/${team.id}/members/${userId}`),
    onSuccess: refresh,
    onError: (error) => void message.error(errorText(t, error)),
  });
  const name = (userId: string) => members.data?.find((member) => member.userId === userId)?.name ?? userId;
  const candidates = (members.data ?? []).filter((member) => member.active && !team.memberIds.includes(member.userId));
  return (
    <>
      {canManage && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            showSearch
            optionFilterProp="label"
            aria-label={t('admin.teams.addMember')}
            placeholder={t('admin.teams.addMember')}
            style={{ width: 220 }}
            value={adding}
            onChange={setAdding}
            options={candidates.map((member) => ({ value: member.userId, label: `${member.name} (${member.email})` }))}
            notFoundContent={t('admin.teams.noCandidates')}
          />
          <span>{t('admin.teams.proficiency')}</span>
          <Rate count={5} value={proficiency} onChange={(value) => setProficiency(value || 1)} aria-label={t('admin.teams.proficiency')} />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            disabled={!adding}
            loading={put.isPending}
            onClick={() => adding && put.mutate({ userId: adding, level: proficiency })}
          >
            {t('common.add')}
          </Button>
        </Space>
      )}
      <Table
        rowKey="userId"
        size="small"
        data-testid="team-members"
        dataSource={team.members}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('admin.teams.noMembers')} /> }}
        columns={[
          { title: t('admin.users.name'), key: 'name', render: (_, row) => name(row.userId) },
          {
            title: t('admin.teams.proficiency'),
            key: 'proficiency',
            render: (_, row) => (
              <Rate
                count={5}
                value={row.proficiency}
                disabled={!canManage}
                aria-label={t('admin.teams.proficiencyOf', { name: name(row.userId) })}
                onChange={(value) => value && put.mutate({ userId: row.userId, level: value })}
              />
            ),
          },
          ...(canManage
            ? [
                {
                  title: '',
                  key: 'remove',
                  width: 60,
                  render: (_: unknown, row: { userId: string }) => (
                    <Popconfirm
                      title={t('admin.teams.removeMemberConfirm', { name: name(row.userId) })}
                      onConfirm={() => remove.mutate(row.userId)}
                    >
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} />
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

export default function TeamsPage() {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const canManage = useCan('teams.manage');
  const teams = useTeams();
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; description: string }>();
  const open = teams.data?.find((team) => team.id === openId) ?? null;
  const teamName = (id: string | null) => teams.data?.find((team) => team.id === id)?.name ?? '—';

  const create = useMutation({
    mutationFn: (values: { name: string; description?: string }) => api.post<TeamView>(`/workspaces/${workspaceId}/teams`, values),
    onSuccess: (team) => {
      setCreating(false);
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['teams', workspaceId] });
      void message.success(t('admin.teams.created', { name: team.name }));
      setOpenId(team.id);
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/workspaces/${workspaceId}/teams/${id}`),
    onSuccess: () => {
      setOpenId(null);
      void client.invalidateQueries({ queryKey: ['teams', workspaceId] });
      void client.invalidateQueries({ queryKey: ['members', workspaceId] });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  return (
    <AdminPage
      title={t('admin.menu.teams')}
      description={t('admin.teams.pageDescription')}
      extra={
        canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('admin.teams.create')}
          </Button>
        )
      }
    >
      {teams.isPending ? (
        <TableSkeleton />
      ) : teams.isError ? (
        <LoadError error={teams.error} retry={() => void teams.refetch()} />
      ) : (
        <Table<TeamView>
          rowKey="id"
          data-testid="teams-table"
          dataSource={teams.data}
          pagination={false}
          onRow={(team) => ({ onClick: () => setOpenId(team.id), style: { cursor: 'pointer' } })}
          locale={{
            emptyText: (
              <Empty description={t('admin.teams.empty')}>
                {canManage && (
                  <Button type="primary" onClick={() => setCreating(true)}>
                    {t('admin.teams.create')}
                  </Button>
                )}
              </Empty>
            ),
          }}
          columns={[
            {
              title: t('admin.teams.name'),
              key: 'name',
              render: (_, team) => (
                <div>
                  <Typography.Link>{team.name}</Typography.Link>
                  {team.description && (
                    <div>
                      <Typography.Text type="secondary">{team.description}</Typography.Text>
                    </div>
                  )}
                </div>
              ),
            },
            { title: t('admin.teams.members'), key: 'members', width: 90, render: (_, team) => team.memberIds.length },
            { title: t('admin.teams.algorithm'), dataIndex: 'algorithm', render: (value: string) => t(`admin.algorithms.${value}`) },
            {
              title: t('admin.teams.businessHours'),
              key: 'hours',
              render: (_, team) =>
                team.businessHours ? <Tag color="blue">{team.businessHours.timezone}</Tag> : <Tag>{t('admin.teams.alwaysOpen')}</Tag>,
            },
            {
              title: t('admin.teams.overflow'),
              key: 'overflow',
              render: (_, team) =>
                team.overflowTeamId
                  ? t('admin.teams.overflowSummary', { team: teamName(team.overflowTeamId), seconds: team.overflowAfterSeconds ?? 0 })
                  : '—',
            },
            {
              title: t('admin.teams.slTarget'),
              key: 'sl',
              render: (_, team) =>
                team.serviceLevelTargetSeconds
                  ? `${team.serviceLevelTargetSeconds} ${t('admin.seconds')}`
                  : t('admin.teams.workspaceDefault'),
            },
          ]}
        />
      )}

      <Modal
        open={creating}
        title={t('admin.teams.create')}
        okText={t('admin.teams.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(values) => create.mutate(values)}>
          <Form.Item
            name="name"
            label={t('admin.teams.name')}
            rules={[{ required: true, whitespace: true, message: t('admin.teams.nameRequired') }, { max: 100 }]}
          >
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="description" label={t('admin.teams.description')} rules={[{ max: 1000 }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </Form>
      </Modal>

      <Drawer
        open={!!open}
        size={720}
        title={open?.name}
        onClose={() => setOpenId(null)}
        destroyOnHidden
        extra={
          canManage &&
          open && (
            <Popconfirm title={t('admin.teams.deleteConfirm', { name: open.name })} onConfirm={() => remove.mutate(open.id)}>
              <Button danger icon={<DeleteOutlined />}>
                {t('admin.delete')}
              </Button>
            </Popconfirm>
          )
        }
      >
        {open && (
          <div data-testid="team-drawer">
            {!canManage && <Alert type="info" showIcon title={t('admin.readOnly')} style={{ marginBottom: 16 }} />}
            <Typography.Title level={5}>{t('admin.teams.members')}</Typography.Title>
            <TeamMembers team={open} canManage={canManage} />
            <Typography.Title level={5} style={{ marginTop: 24 }}>
              {t('admin.teams.settings')}
            </Typography.Title>
            <TeamSettings key={`${open.id}:${open.calendarId ?? ''}`} team={open} teams={teams.data ?? []} canManage={canManage} />
          </div>
        )}
      </Drawer>
    </AdminPage>
  );
}

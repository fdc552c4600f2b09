import { ClockCircleOutlined, PauseCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Descriptions, Popover, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { duration } from '../lib/format';
import { summaryOf, useSlaTargets, type SlaSubject, type SlaSummary, type SlaTarget } from './data';
import { BADGE_COLORS, badgeState, type BadgeState } from './state';
import { useSecondTick } from './ticker';
import './locales';

/** A countdown that moves visibly each second while under an hour, then in minutes. */
export function countdown(t: TFunction, ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds >= 60 && seconds < 3600) return t('sla.minSec', { m: Math.floor(seconds / 60), s: seconds % 60 });
  return duration(t, ms);
}

function badgeText(t: TFunction, metric: SlaSummary['metric'], state: BadgeState): string {
  const kind = t(`sla.metric.${metric}`);
  if (state.kind === 'paused') return `${kind} · ${t('sla.paused')}`;
  if (state.kind === 'breached') return `${kind} · ${t('sla.overdue', { time: countdown(t, state.ms) })}`;
  return `${kind} · ${t('sla.left', { time: countdown(t, state.ms) })}`;
}

const ICONS: Record<BadgeState['kind'], React.ReactNode> = {
  ok: <ClockCircleOutlined />,
  warning: <WarningOutlined />,
  breached: <WarningOutlined />,
  paused: <PauseCircleOutlined />,
};

/**
 * A case's SLA badge: its soonest clock's kind, the time left (or how late), coloured by state,
 * ticking in the browser. Clicking or hovering explains the clock (policy, calendar, target, due
 * time, time used, paused since), read from the case's clocks when first opened.
 */
export function SlaBadge({ subject, summary, targets }: { subject: SlaSubject; summary: SlaSummary; targets?: SlaTarget[] }) {
  const { t } = useTranslation();
  const now = useSecondTick();
  const [open, setOpen] = useState(false);
  const state = badgeState(summary, now);
  const text = badgeText(t, summary.metric, state);
  return (
    <Popover
      trigger={['hover', 'click']}
      open={open}
      onOpenChange={setOpen}
      title={t('sla.explain.title')}
      content={open ? <Explanation subject={subject} summary={summary} targets={targets} /> : null}
    >
      <Tag
        color={BADGE_COLORS[state.kind]}
        icon={ICONS[state.kind]}
        style={{ marginInlineEnd: 0, cursor: 'help' }}
        data-testid="sla-badge"
        data-state={state.kind}
        data-server-status={summary.status}
        data-metric={summary.metric}
        aria-label={t('sla.badgeLabel', { text: `${text} (${t(`sla.state.${state.kind}`)})` })}
        onClick={(event) => event.stopPropagation()}
      >
        {text}
      </Tag>
    </Popover>
  );
}

/** The case's SLA badge from its full list of clocks (a ticket page, a conversation header). */
export function SlaBadgeOf({ subject, targets }: { subject: SlaSubject; targets: SlaTarget[] }) {
  const summary = summaryOf(targets);
  if (!summary) return null;
  return <SlaBadge subject={subject} summary={summary} targets={targets} />;
}

function Explanation({ subject, summary, targets }: { subject: SlaSubject; summary: SlaSummary; targets?: SlaTarget[] }) {
  const { t } = useTranslation();
  const loaded = useSlaTargets(subject, !targets);
  const all = targets ?? loaded.data;
  if (!all) return <Typography.Text type="secondary">{loaded.isError ? t('errors.loadFailed') : t('sla.explain.loading')}</Typography.Text>;
  const shown =
    all.find((target) => target.metric === summary.metric && target.dueAt === summary.dueAt) ?? summaryOf(all)?.target ?? undefined;
  if (!shown) return <Typography.Text type="secondary">{t('sla.explain.none')}</Typography.Text>;
  const others = all.filter((target) => target !== shown && (target.status === 'active' || target.status === 'paused'));
  return (
    <div style={{ maxWidth: 380 }} data-testid="sla-explanation">
      <ClockDetails target={shown} />
      {others.length > 0 && (
        <>
          <Typography.Text strong>{t('sla.explain.otherClocks')}</Typography.Text>
          <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
            {others.map((target) => (
              <li key={target.id}>
                {t(`sla.metric.${target.metric}`)} · {t(`sla.status.${target.status}`)} · {t('sla.explain.due')}{' '}
                {new Date(target.dueAt).toLocaleString()}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The condition keys of the API, as the admin page names them. */
const CONDITION_LABELS: Record<string, string> = {
  channels: 'channels',
  inboxIds: 'inboxes',
  priorities: 'priorities',
  customerTiers: 'customerTiers',
  customerTags: 'customerTags',
  ticketTypes: 'ticketTypes',
};

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** One clock, explained: what the server stored when it started (policy, why, calendar) and where it stands. */
export function ClockDetails({ target }: { target: SlaTarget }) {
  const { t } = useTranslation();
  const reason = target.reason as { calendar?: string | null; matched?: Record<string, unknown> };
  const total = target.targetMinutes * 60_000;
  const left = target.remainingMs ?? null;
  const matched = Object.entries(reason.matched ?? {});
  return (
    <>
      <Descriptions size="small" column={1} bordered={false} styles={{ label: { whiteSpace: 'nowrap' } }}>
        <Descriptions.Item label={t('sla.explain.policy')}>
          <span data-testid="sla-policy-name">{target.policyName}</span>
          {target.policyId ? '' : ` ${t('sla.explain.deletedPolicy')}`}
        </Descriptions.Item>
        <Descriptions.Item label={t('sla.explain.target')}>
          {t(`sla.metric.${target.metric}`)} ·{' '}
          {t('sla.explain.targetMinutes', {
            n: target.targetMinutes,
            kind: target.businessTime ? t('sla.explain.business') : t('sla.explain.calendarTime'),
          })}{' '}
          · {t(`sla.status.${target.status}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('sla.explain.calendar')}>
          <span data-testid="sla-calendar">{target.businessTime ? (reason.calendar ?? '—') : t('sla.explain.aroundTheClock')}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('sla.explain.matched')}>
          {matched.length === 0
            ? t('sla.explain.matchedNothing')
            : matched
                .map(
                  ([key, value]) =>
                    `${CONDITION_LABELS[key] ? t(`sla.admin.${CONDITION_LABELS[key]}`) : key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`,
                )
                .join('；')}
        </Descriptions.Item>
        <Descriptions.Item label={t('sla.explain.started')}>{when(target.startedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('sla.explain.due')}>
          <span data-testid="sla-due-at">{when(target.dueAt)}</span>
        </Descriptions.Item>
        {target.warnAt && <Descriptions.Item label={t('sla.explain.warnAt')}>{when(target.warnAt)}</Descriptions.Item>}
        {left !== null && (
          <>
            <Descriptions.Item label={t('sla.explain.consumed')}>
              <span data-testid="sla-consumed">{duration(t, Math.max(0, total - left))}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('sla.explain.remaining')}>
              {duration(t, left)} ({target.businessTime ? t('sla.explain.business') : t('sla.explain.calendarTime')})
            </Descriptions.Item>
          </>
        )}
        {target.pausedAt && target.status === 'paused' && (
          <Descriptions.Item label={t('sla.explain.pausedSince')}>
            <span data-testid="sla-paused-since">{when(target.pausedAt)}</span>
          </Descriptions.Item>
        )}
        {target.breachedAt && <Descriptions.Item label={t('sla.explain.breachedAt')}>{when(target.breachedAt)}</Descriptions.Item>}
      </Descriptions>
      {(target.status === 'active' || target.status === 'breached') && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('sla.explain.countdownHint')}
        </Typography.Text>
      )}
    </>
  );
}

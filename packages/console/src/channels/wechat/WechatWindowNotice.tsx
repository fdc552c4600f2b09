import type { WechatWindow } from '@huiliu/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, type Conversation, type Message } from '../../lib/api';
import { duration } from '../../lib/format';
import { useSession } from '../../lib/session';

type WindowView = z.infer<typeof WechatWindow>;

/** Less than this left of the 48-hour window, or at most one message of the quota: warn. */
const SOON_MS = 2 * 60 * 60 * 1000;

/** WeChat's own refusal, recognised in a failed message's reason (the server names the errcode). */
function refusalOf(reason: string | null): 'window' | 'quota' | 'unsubscribed' | 'other' {
  if (!reason) return 'other';
  if (reason.includes('45015')) return 'window';
  if (reason.includes('45047')) return 'quota';
  if (reason.includes('取消关注') || reason.includes('unfollowed')) return 'unsubscribed';
  return 'other';
}

/**
 * Above the composer of a WeChat (公众号) or WeCom (微信客服) conversation: how much of the
 * 48-hour window and of the message quota is left — WeChat refuses anything outside them — and,
 * when the latest reply failed (45015 outside the window, 45047 over the quota), why. Refreshed
 * after each send, on each customer message and when a delivery state changes.
 */
export function WechatWindowNotice({ conversation, messages }: { conversation: Conversation; messages: Message[] | undefined }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const wechat = conversation.channel === 'wechat' || conversation.channel === 'wecom';
  const queryKey = ['wechat-window', workspaceId, conversation.id];
  const window = useQuery({
    queryKey,
    queryFn: () => api.get<WindowView>(`/workspaces/${workspaceId}/conversations/${conversation.id}/wechat-window`),
    enabled: wechat,
    staleTime: 60_000,
  });

  const replies = (messages ?? []).filter((message) => message.kind === 'out');
  const lastReply = replies.at(-1);
  const lastIn = (messages ?? []).filter((message) => message.kind === 'in').at(-1)?.seq ?? 0;
  // What changes the window or the quota: a customer message (opens it again), a reply sent, delivered or failed.
  const signature = `${lastIn}:${replies.length}:${replies.filter((message) => message.delivery !== 'sent').length}`;
  useEffect(() => {
    if (wechat) void client.invalidateQueries({ queryKey: ['wechat-window', workspaceId, conversation.id] });
  }, [signature, wechat, client, workspaceId, conversation.id]);

  // The time left counts down while the conversation stays open.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!wechat) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [wechat]);

  if (!wechat || !window.data) return null;
  // Hours and minutes over the whole 48 hours ("47 小时 58 分"), not "1 天".
  const timeLeft = (ms: number) =>
    ms >= 3_600_000 ? t('time.hours', { n: Math.floor(ms / 3_600_000), m: Math.floor((ms % 3_600_000) / 60_000) }) : duration(t, ms);
  const view = window.data;
  const left = view.windowEndsAt ? new Date(view.windowEndsAt).getTime() - now : 0;
  const open = view.windowOpen && left > 0;
  const failed = lastReply?.delivery === 'failed' ? lastReply : undefined;
  const refusal = failed ? refusalOf(failed.failureReason) : undefined;

  let status: { type: 'info' | 'warning' | 'error'; text: string; state: string };
  if (!view.subscribed && conversation.channel === 'wechat')
    status = { type: 'error', text: t('wechat.window.unsubscribed'), state: 'unsubscribed' };
  else if (!open)
    status = {
      type: 'error',
      text: view.windowEndsAt ? t('wechat.window.closed') : t('wechat.window.never'),
      state: 'closed',
    };
  else if (view.remaining <= 0) status = { type: 'error', text: t('wechat.window.noQuota', { quota: view.quota }), state: 'quota' };
  else
    status = {
      type: left < SOON_MS || view.remaining <= 1 ? 'warning' : 'info',
      text: t('wechat.window.open', { time: timeLeft(left), remaining: view.remaining, quota: view.quota }),
      state: 'open',
    };

  return (
    <div data-testid="wechat-window" data-state={status.state} data-remaining={view.remaining} data-quota={view.quota}>
      {failed && (
        <div data-testid="wechat-failed" data-refusal={refusal}>
          <Alert type="error" banner title={t(`wechat.failed.${refusal ?? 'other'}`)} description={failed.failureReason ?? undefined} />
        </div>
      )}
      <Alert type={status.type} banner showIcon title={status.text} />
    </div>
  );
}

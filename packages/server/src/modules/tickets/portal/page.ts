import type { Attachment, TicketStatus } from '@huiliu/contracts';
import { escapeHtml, page } from '../../knowledge/help-center.js';
import type { HelpWorkspace } from '../web-form/page.js';
import type { TicketRow } from '../views.js';

/** Status names the customer reads: "pending" is, to them, that we wait for their answer. */
export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: '已提交 Submitted',
  open: '处理中 In progress',
  pending: '待您回复 Awaiting your reply',
  on_hold: '处理中 In progress',
  solved: '已解决 Solved',
  closed: '已关闭 Closed',
};

export const portalPath = (workspace: Pick<HelpWorkspace, 'slug'>) => `/help/${encodeURIComponent(workspace.slug)}/portal`;

const time = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

const errorBox = (errors: string[]) =>
  errors.length ? `<div class="errors" role="alert"><ul>${errors.map((error) => `<li>${escapeHtml(error)}</li>`).join('')}</ul></div>` : '';

export function signInPage(workspace: HelpWorkspace, errors: string[] = [], email = ''): string {
  return page(
    `我的工单 My tickets · ${workspace.name}`,
    workspace,
    `<section>
<h2>我的工单 My tickets</h2>
<p class="muted">输入您提交工单时使用的邮箱，我们会发送一个一次性登录链接（${15} 分钟内有效）。Enter the email address you contacted us from; we send you a one-time sign-in link (valid for 15 minutes).</p>
${errorBox(errors)}
<form class="request-form" method="post" action="${portalPath(workspace)}/login" enctype="multipart/form-data">
<label for="portal-email">电子邮箱 Email</label>
<input id="portal-email" name="email" type="email" required maxlength="254" autocomplete="email" value="${escapeHtml(email)}">
<button type="submit">发送登录链接 Send me a link</button>
</form>
</section>`,
  );
}

/** The same page for every address, known or not: it must not tell who has tickets here. */
export function linkSentPage(workspace: HelpWorkspace): string {
  return page(
    `请查收邮件 Check your email · ${workspace.name}`,
    workspace,
    `<section><h2>请查收邮件 Check your email</h2><p data-testid="portal-link-sent">如果该邮箱在我们这里有工单，登录链接已发送到该邮箱，15 分钟内有效，仅能使用一次。If this address has tickets with us, a sign-in link is on its way to it; it works once, within 15 minutes.</p><p><a href="${portalPath(workspace)}">← 返回 Back</a></p></section>`,
  );
}

/**
 * The link in the mail opens this page, and only its button signs in: mail scanners and link
 * previews fetch (GET) links, and must not spend the single use.
 */
export function confirmSignInPage(workspace: HelpWorkspace, token: string): string {
  return page(
    `登录 Sign in · ${workspace.name}`,
    workspace,
    `<section><h2>登录我的工单 Sign in to my tickets</h2>
<form class="request-form" method="post" action="${portalPath(workspace)}/auth" enctype="multipart/form-data">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">继续登录 Continue</button>
</form></section>`,
  );
}

export function linkInvalidPage(workspace: HelpWorkspace): string {
  return page(
    `链接已失效 Link no longer valid · ${workspace.name}`,
    workspace,
    `<section><h2>链接已失效 Link no longer valid</h2><p>登录链接只能使用一次，且 15 分钟内有效。A sign-in link works once, within 15 minutes.</p><p><a href="${portalPath(workspace)}">重新获取登录链接 Get a new link</a></p></section>`,
  );
}

const signOut = (workspace: HelpWorkspace, csrf: string) =>
  `<form method="post" action="${portalPath(workspace)}/logout" class="inline" enctype="multipart/form-data"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><button type="submit">退出 Sign out</button></form>`;

export function ticketListPage(workspace: HelpWorkspace, who: string, rows: TicketRow[], csrf: string): string {
  const list = rows.length
    ? `<ul class="tickets">${rows
        .map(
          (row) =>
            `<li data-testid="portal-ticket"><a href="${portalPath(workspace)}/tickets/${row.number}">#${row.number} ${escapeHtml(row.subject)}</a> <span class="status status-${row.status}">${STATUS_LABELS[row.status]}</span> <span class="muted">${time(row.updatedAt)}</span></li>`,
        )
        .join('')}</ul>`
    : `<p class="muted">暂无工单。You have no tickets yet.</p>`;
  return page(
    `我的工单 My tickets · ${workspace.name}`,
    workspace,
    `<section><h2>我的工单 My tickets</h2><p class="muted">${escapeHtml(who)}</p>${list}${signOut(workspace, csrf)}</section>`,
  );
}

export interface ThreadEntry {
  id: string;
  authorType: 'agent' | 'customer' | 'system';
  authorName: string | null;
  text: string;
  createdAt: Date;
  attachments: Attachment[] | null;
}

const author = (entry: ThreadEntry) =>
  entry.authorType === 'customer'
    ? '我 Me'
    : entry.authorType === 'agent'
      ? `客服 Support${entry.authorName ? ` · ${entry.authorName}` : ''}`
      : '系统 System';

export function ticketPage(
  workspace: HelpWorkspace,
  ticket: TicketRow,
  thread: ThreadEntry[],
  csrf: string,
  replyKey: string,
  policy: { maxBytes: number; contentTypes: string[] },
  errors: string[] = [],
): string {
  const entries = thread
    .map(
      (entry) => `<article class="entry entry-${entry.authorType}" data-testid="portal-entry">
<p class="muted">${author(entry)} · ${time(entry.createdAt)}</p>
<p class="text">${escapeHtml(entry.text).replace(/\n/g, '<br>')}</p>
${(entry.attachments ?? []).map((file) => `<p><a href="${escapeHtml(file.url)}" rel="noopener">📎 ${escapeHtml(file.name)}</a></p>`).join('')}
</article>`,
    )
    .join('');
  const maxMb = Math.floor(policy.maxBytes / (1024 * 1024));
  const form =
    ticket.status === 'closed'
      ? `<p class="muted">此工单已关闭，如有新问题请<a href="/help/${encodeURIComponent(workspace.slug)}/requests/new">提交新工单</a>。This ticket is closed; submit a new request for anything else.</p>`
      : `<form class="request-form" method="post" action="${portalPath(workspace)}/tickets/${ticket.number}/replies" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<input type="hidden" name="replyKey" value="${escapeHtml(replyKey)}">
${errorBox(errors)}
<label for="portal-reply">回复 Reply</label>
<textarea id="portal-reply" name="text" maxlength="10000" rows="5"></textarea>
<label for="portal-attachment">附件（可选，最大 ${maxMb} MB）Attachment (optional, up to ${maxMb} MB)</label>
<input id="portal-attachment" name="attachment" type="file" accept="${escapeHtml(policy.contentTypes.join(','))}">
<button type="submit">发送回复 Send reply</button>
</form>`;
  return page(
    `#${ticket.number} ${ticket.subject} · ${workspace.name}`,
    workspace,
    `<p class="breadcrumb"><a href="${portalPath(workspace)}">我的工单 My tickets</a></p>
<section><h2>#${ticket.number} ${escapeHtml(ticket.subject)}</h2><p>状态 Status：<strong data-testid="portal-status">${STATUS_LABELS[ticket.status]}</strong></p></section>
${entries}
<section>${form}</section>`,
  );
}

/** One page for every ticket the session may not see, whatever the reason, so none is revealed. */
export function ticketNotFoundPage(workspace: HelpWorkspace): string {
  return page(
    `没有这个工单 No such ticket · ${workspace.name}`,
    workspace,
    `<section><h2>没有这个工单 No such ticket</h2><p>该工单不存在，或您尚未登录。This ticket does not exist, or you are not signed in.</p><p><a href="${portalPath(workspace)}">登录我的工单 Sign in to my tickets</a></p></section>`,
  );
}

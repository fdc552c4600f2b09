import { escapeHtml, page } from '../../knowledge/help-center.js';
import type { HelpWorkspace } from '../web-form/page.js';

export const csatPath = (workspace: Pick<HelpWorkspace, 'slug'>, token: string) =>
  `/help/${encodeURIComponent(workspace.slug)}/csat/${encodeURIComponent(token)}`;

const SCORES: [number, string][] = [
  [5, '非常满意 Very satisfied'],
  [4, '满意 Satisfied'],
  [3, '一般 Neutral'],
  [2, '不满意 Dissatisfied'],
  [1, '非常不满意 Very dissatisfied'],
];

const errorBox = (errors: string[]) =>
  errors.length ? `<div class="errors" role="alert"><ul>${errors.map((error) => `<li>${escapeHtml(error)}</li>`).join('')}</ul></div>` : '';

/** The rating form: opening it (as mail scanners do) spends nothing; only the button rates. */
export function csatFormPage(
  workspace: HelpWorkspace,
  token: string,
  ticket: { number: number; subject: string },
  errors: string[] = [],
  values: { rating?: string; comment?: string } = {},
): string {
  const options = SCORES.map(
    ([score, label]) =>
      `<label class="csat-score"><input type="radio" name="rating" value="${score}" required${values.rating === String(score) ? ' checked' : ''}> ${score} · ${escapeHtml(label)}</label>`,
  ).join('<br>\n');
  return page(
    `服务评价 Rate our service · ${workspace.name}`,
    workspace,
    `<section>
<h2>服务评价 Rate our service</h2>
<p class="muted">工单 Ticket #${ticket.number}：${escapeHtml(ticket.subject)}</p>
${errorBox(errors)}
<form class="request-form" method="post" action="${csatPath(workspace, token)}" enctype="multipart/form-data">
<fieldset><legend>您对本次服务满意吗？How satisfied are you with how we handled it?</legend>
${options}
</fieldset>
<label for="csat-comment">意见（选填）Comment (optional)</label>
<textarea id="csat-comment" name="comment" maxlength="2000" rows="4">${escapeHtml(values.comment ?? '')}</textarea>
<button type="submit">提交评价 Submit</button>
</form>
</section>`,
  );
}

export function csatThanksPage(workspace: HelpWorkspace, rating: number): string {
  return page(
    `感谢评价 Thank you · ${workspace.name}`,
    workspace,
    `<section><h2>感谢您的评价 Thank you for your rating</h2><p data-testid="csat-thanks">您的评分：${rating} / 5。Your rating: ${rating} / 5.</p></section>`,
  );
}

export function csatAlreadyRatedPage(workspace: HelpWorkspace): string {
  return page(
    `已评价 Already rated · ${workspace.name}`,
    workspace,
    `<section><h2>已评价 Already rated</h2><p data-testid="csat-already-rated">这个工单已经评价过了，每个工单只能评价一次。感谢您的反馈！This ticket was already rated; a ticket is rated once. Thank you!</p></section>`,
  );
}

export function csatLinkInvalidPage(workspace: HelpWorkspace, expired: boolean): string {
  const why = expired
    ? '评价链接已过期（有效期 30 天）。This rating link has expired (it works for 30 days).'
    : '评价链接无效，请使用邮件中的完整链接。This rating link is not valid; use the whole link from the email.';
  return page(
    `链接已失效 Link no longer valid · ${workspace.name}`,
    workspace,
    `<section><h2>链接已失效 Link no longer valid</h2><p data-testid="csat-link-invalid">${why}</p></section>`,
  );
}

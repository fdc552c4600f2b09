import type { FastifyReply } from 'fastify';
import { escapeHtml, page } from '../../knowledge/help-center.js';
import { fieldInputs, type OfferedForm } from './fields.js';

export interface RequestFormValues {
  name?: string;
  email?: string;
  subject?: string;
  description?: string;
}

export interface HelpWorkspace {
  id: string;
  name: string;
  slug: string;
}

/**
 * The name of the hidden field only bots fill. It looks like a field a form would have, so a
 * bot that fills every input fills it; people never see it (off screen, not focusable).
 */
export const HONEYPOT_FIELD = 'website';

/**
 * Every page of the form is private: the form carries a one-time request key, and a shared
 * cache handing one key to two people would make the second request a "double submit".
 */
export function sendRequestPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src https: data: 'self'; form-action 'self'; base-uri 'none'",
    )
    .send(html);
}

const field = (name: keyof RequestFormValues, label: string, input: string) => `<label for="request-${name}">${label}</label>${input}`;

export function requestFormPage(
  workspace: HelpWorkspace,
  requestKey: string,
  values: RequestFormValues,
  errors: string[],
  attachments: { maxBytes: number; contentTypes: string[] },
  /** The ticket forms a customer may choose, the chosen one, and what was typed in its fields. */
  forms: { offered: OfferedForm[]; chosen: OfferedForm | null; raw: Record<string, string[]> } = { offered: [], chosen: null, raw: {} },
): string {
  const value = (name: keyof RequestFormValues) => escapeHtml(values[name] ?? '');
  const action = `/help/${encodeURIComponent(workspace.slug)}/requests`;
  const errorList = errors.length
    ? `<div class="errors" role="alert"><p>请修改以下内容后再提交。Please correct the following:</p><ul>${errors
        .map((error) => `<li>${escapeHtml(error)}</li>`)
        .join('')}</ul></div>`
    : '';
  const maxMb = Math.floor(attachments.maxBytes / (1024 * 1024));
  const newPath = `/help/${encodeURIComponent(workspace.slug)}/requests/new`;
  // Choosing a form is a link (no script on the page): the page comes back with that form's fields.
  const chooser = forms.offered.length
    ? `<p class="form-choice">问题类型 Request type：${[
        `<a href="${newPath}"${forms.chosen ? '' : ' aria-current="page"'}>一般问题 General</a>`,
        ...forms.offered.map(
          (form) =>
            `<a href="${newPath}?form=${encodeURIComponent(form.id)}"${forms.chosen?.id === form.id ? ' aria-current="page"' : ''}>${escapeHtml(form.name)}</a>`,
        ),
      ].join(' · ')}</p>`
    : '';
  const custom = forms.chosen
    ? `<input type="hidden" name="formId" value="${escapeHtml(forms.chosen.id)}">\n${fieldInputs(forms.chosen, forms.raw)}`
    : '';
  const body = `<section>
<h2>提交工单 Submit a request</h2>
<p class="muted">描述您的问题，我们会以工单跟进，并通过邮件回复您。Describe your problem; we follow it up as a ticket and answer you by email.</p>
${chooser}
${errorList}
<form class="request-form" method="post" action="${action}" enctype="multipart/form-data">
<input type="hidden" name="requestKey" value="${escapeHtml(requestKey)}">
${field('name', '您的姓名 Your name', `<input id="request-name" name="name" required maxlength="100" autocomplete="name" value="${value('name')}">`)}
${field('email', '电子邮箱 Email', `<input id="request-email" name="email" type="email" required maxlength="254" autocomplete="email" value="${value('email')}">`)}
${field('subject', '主题 Subject', `<input id="request-subject" name="subject" required maxlength="200" value="${value('subject')}">`)}
${field('description', '问题描述 Description', `<textarea id="request-description" name="description" required maxlength="10000" rows="8">${value('description')}</textarea>`)}
${custom}
<div class="trap" aria-hidden="true"><label for="request-${HONEYPOT_FIELD}">网站 Website</label><input id="request-${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<label for="request-attachment">附件（可选，最大 ${maxMb} MB）Attachment (optional, up to ${maxMb} MB)</label>
<input id="request-attachment" name="attachment" type="file" accept="${escapeHtml(attachments.contentTypes.join(','))}">
<button type="submit">提交 Submit</button>
</form>
</section>`;
  return page(`提交工单 Submit a request · ${workspace.name}`, workspace, body);
}

export function requestReceivedPage(workspace: HelpWorkspace, ticketNumber: number | null): string {
  const home = `/help/${encodeURIComponent(workspace.slug)}`;
  const number = ticketNumber === null ? '' : `<p>工单号 Ticket number：<strong data-testid="ticket-number">#${ticketNumber}</strong></p>`;
  return page(
    `已收到您的请求 Request received · ${workspace.name}`,
    workspace,
    `<section><h2>已收到您的请求 Request received</h2>${number}<p>确认邮件已发送到您填写的邮箱，我们的回复也会发到那里。A confirmation is on its way to the address you gave; our replies will go there too.</p><p><a href="${home}">← 返回帮助中心 Back to the help center</a></p></section>`,
  );
}

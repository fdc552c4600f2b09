import { fieldIssues, ticketFieldValuesSchema, type TicketFieldOption, type TicketFieldValues } from '@huiliu/contracts';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../users/service.js';
import { escapeHtml } from '../../knowledge/help-center.js';
import { ticketFields, ticketForms } from '../fields/schema.js';
import type { TicketFieldRow } from '../fields/service.js';

/** A ticket form as the help center offers it: its customer-visible fields, in the form's order. */
export interface OfferedForm {
  id: string;
  name: string;
  fields: { row: TicketFieldRow; required: boolean }[];
}

/** The name a field's input has on the page: prefixed, so it never collides with the form's own inputs. */
export const inputName = (key: string) => `field:${key}`;

/**
 * The forms a customer may choose: active ones with at least one customer-visible field, and
 * none that requires an internal field (the customer could not fill it, so the ticket could
 * never be created from the form).
 */
export async function offeredForms(db: Executor, workspaceId: string): Promise<OfferedForm[]> {
  const forms = await db
    .select()
    .from(ticketForms)
    .where(and(eq(ticketForms.workspaceId, workspaceId), isNull(ticketForms.archivedAt)))
    .orderBy(asc(ticketForms.createdAt));
  const ids = [...new Set(forms.flatMap((form) => form.fields.map((field) => field.fieldId)))];
  const rows = ids.length
    ? await db
        .select()
        .from(ticketFields)
        .where(and(eq(ticketFields.workspaceId, workspaceId), inArray(ticketFields.id, ids), isNull(ticketFields.archivedAt)))
    : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const offered: OfferedForm[] = [];
  for (const form of forms) {
    const present = form.fields.flatMap((field) => {
      const row = byId.get(field.fieldId);
      return row ? [{ row, required: field.required }] : [];
    });
    if (present.some((field) => field.required && !field.row.visibleToCustomer)) continue;
    const visible = present.filter((field) => field.row.visibleToCustomer);
    if (visible.length) offered.push({ id: form.id, name: form.name, fields: visible });
  }
  return offered;
}

/** Every root-to-leaf path of a cascader's options, with its bilingual label. */
function leafPaths(options: TicketFieldOption[], prefix: { values: string[]; labels: string[] } = { values: [], labels: [] }) {
  const paths: { values: string[]; label: string }[] = [];
  for (const option of options) {
    const values = [...prefix.values, option.value];
    const labels = [
      ...prefix.labels,
      option.label['zh-CN'] === option.label.en ? option.label['zh-CN'] : `${option.label['zh-CN']} ${option.label.en}`,
    ];
    if (option.children?.length) paths.push(...leafPaths(option.children, { values, labels }));
    else paths.push({ values, label: labels.join(' / ') });
  }
  return paths;
}

const optionLabel = (option: TicketFieldOption) =>
  option.label['zh-CN'] === option.label.en ? option.label['zh-CN'] : `${option.label['zh-CN']} ${option.label.en}`;

/** The inputs of the chosen form's fields (plain HTML, no script: a cascader is one select of its leaf paths). */
export function fieldInputs(form: OfferedForm, raw: Record<string, string[]>): string {
  return form.fields
    .map(({ row, required }) => {
      const name = inputName(row.key);
      const id = `request-field-${row.key}`;
      const given = raw[name] ?? [];
      const value = escapeHtml(given[0] ?? '');
      const req = required ? ' required' : '';
      const label = `<label for="${id}">${escapeHtml(row.label['zh-CN'])} ${escapeHtml(row.label.en)}${required ? ' *' : ''}</label>`;
      const select = (options: { value: string; label: string }[], multiple = false) =>
        `<select id="${id}" name="${escapeHtml(name)}"${req}${multiple ? ' multiple' : ''}>${multiple ? '' : '<option value="">请选择 Choose…</option>'}${options
          .map(
            (option) =>
              `<option value="${escapeHtml(option.value)}"${given.includes(option.value) ? ' selected' : ''}>${escapeHtml(option.label)}</option>`,
          )
          .join('')}</select>`;
      switch (row.type) {
        case 'multiline':
          return `${label}<textarea id="${id}" name="${escapeHtml(name)}" rows="4" maxlength="10000"${req}>${value}</textarea>`;
        case 'number':
        case 'decimal':
          return `${label}<input id="${id}" name="${escapeHtml(name)}" type="number"${row.type === 'decimal' ? ' step="any"' : ''} value="${value}"${req}>`;
        case 'date':
          return `${label}<input id="${id}" name="${escapeHtml(name)}" type="date" value="${value}"${req}>`;
        case 'checkbox':
          return `<label><input id="${id}" name="${escapeHtml(name)}" type="checkbox" value="true"${given[0] === 'true' ? ' checked' : ''}> ${escapeHtml(row.label['zh-CN'])} ${escapeHtml(row.label.en)}</label>`;
        case 'dropdown':
          return label + select(row.options.map((option) => ({ value: option.value, label: optionLabel(option) })));
        case 'multiselect':
          return (
            label +
            select(
              row.options.map((option) => ({ value: option.value, label: optionLabel(option) })),
              true,
            )
          );
        case 'cascader':
          return label + select(leafPaths(row.options).map((path) => ({ value: JSON.stringify(path.values), label: path.label })));
        case 'regex':
        case 'text':
          return `${label}<input id="${id}" name="${escapeHtml(name)}" maxlength="1000" value="${value}"${req}>`;
      }
    })
    .join('\n');
}

/** What the browser sent, as the typed values the field schema checks (an empty input is no value). */
function typedValue(row: TicketFieldRow, given: string[]): unknown {
  const first = given[0]?.trim() ?? '';
  switch (row.type) {
    case 'checkbox':
      return given.includes('true');
    case 'multiselect':
      return given.length ? given : undefined;
    case 'number':
    case 'decimal':
      return first === '' ? undefined : Number(first);
    case 'cascader': {
      if (first === '') return undefined;
      try {
        return JSON.parse(first) as unknown;
      } catch {
        return first;
      }
    }
    default:
      return first === '' ? undefined : first;
  }
}

/**
 * The chosen form's values, checked by the same zod schema every ticket write runs
 * (`ticketFieldValuesSchema`), with the form's required fields required. Errors name the field
 * by its label, in both languages.
 */
export function readFieldValues(
  form: OfferedForm,
  raw: Record<string, string[]>,
): { ok: true; values: TicketFieldValues } | { ok: false; errors: string[] } {
  const input: Record<string, unknown> = {};
  for (const { row } of form.fields) {
    const value = typedValue(row, raw[inputName(row.key)] ?? []);
    if (value !== undefined) input[row.key] = value;
  }
  const schema = ticketFieldValuesSchema(
    form.fields.map((field) => field.row),
    form.fields.filter((field) => field.required).map((field) => field.row.key),
  );
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, values: parsed.data };
  const labels = new Map(form.fields.map(({ row }) => [row.key, `${row.label['zh-CN']} ${row.label.en}`]));
  return {
    ok: false,
    errors: fieldIssues(parsed.error).map((issue) =>
      issue.message === 'required'
        ? `请填写「${labels.get(issue.field) ?? issue.field}」。This field is required.`
        : `「${labels.get(issue.field) ?? issue.field}」填写有误 Invalid value: ${issue.message}`,
    ),
  };
}

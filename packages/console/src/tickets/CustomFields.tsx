import { fieldIssues, ticketFieldValuesSchema, type TicketFieldOption, type TicketFieldValues } from '@huiliu/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Cascader, Checkbox, DatePicker, Form, Input, InputNumber, Select, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { ticketKeys, type TicketDetail } from './data';
import { labelOf, useTicketFields, useTicketForms, type TicketField } from './fields-data';

type Draft = Record<string, unknown>;

interface TreeOption {
  value: string;
  label: string;
  children?: TreeOption[];
}

function optionTree(options: TicketFieldOption[], language: string): TreeOption[] {
  return options.map((option) => ({
    value: option.value,
    label: labelOf(option.label, language),
    ...(option.children?.length ? { children: optionTree(option.children, language) } : {}),
  }));
}

function FieldInput({
  field,
  value,
  onChange,
  disabled,
}: {
  field: TicketField;
  value: unknown;
  onChange: (value: unknown) => void;
  disabled: boolean;
}) {
  const { i18n } = useTranslation();
  const language = i18n.language;
  const aria = labelOf(field.label, language);
  const choices = field.options.map((option) => ({ value: option.value, label: labelOf(option.label, language) }));
  const common = { 'aria-label': aria, disabled, style: { width: '100%' } };
  switch (field.type) {
    case 'multiline':
      return (
        <Input.TextArea
          {...common}
          autoSize={{ minRows: 2, maxRows: 6 }}
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'number':
    case 'decimal':
      return (
        <InputNumber
          {...common}
          precision={field.type === 'number' ? 0 : undefined}
          value={(value as number) ?? null}
          onChange={(next) => onChange(next)}
        />
      );
    case 'date':
      return (
        <DatePicker
          {...common}
          value={typeof value === 'string' && value ? dayjs(value) : null}
          onChange={(next) => onChange(next ? next.format('YYYY-MM-DD') : null)}
        />
      );
    case 'checkbox':
      return <Checkbox aria-label={aria} disabled={disabled} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'dropdown':
      return (
        <Select
          {...common}
          allowClear
          options={choices}
          value={(value as string) ?? undefined}
          onChange={(next) => onChange(next ?? null)}
        />
      );
    case 'multiselect':
      return <Select {...common} mode="multiple" options={choices} value={(value as string[]) ?? []} onChange={(next) => onChange(next)} />;
    case 'cascader':
      return (
        <Cascader
          {...common}
          options={optionTree(field.options, language)}
          value={(value as string[]) ?? undefined}
          onChange={(next) => onChange(next?.length ? next.map(String) : null)}
        />
      );
    default:
      return <Input {...common} value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value)} />;
  }
}

/** A stored value shown as it is (for archived fields and values the definition no longer accepts). */
const shown = (value: unknown) => (Array.isArray(value) ? value.join(' / ') : String(value));

/**
 * The ticket's custom fields: the form's fields in its order (then any other value the ticket
 * holds), checked before saving with the same schema the server builds.
 */
export function CustomFields({ ticket }: { ticket: TicketDetail }) {
  const { t, i18n } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const fields = useTicketFields();
  const forms = useTicketForms();
  const [formId, setFormId] = useState<string | null>(ticket.formId);
  const [draft, setDraft] = useState<Draft>(ticket.fields);
  const [problems, setProblems] = useState<Record<string, string>>({});
  useEffect(() => {
    setFormId(ticket.formId);
    setDraft(ticket.fields);
  }, [ticket.formId, ticket.fields]);
  const all = fields.data ?? [];
  const active = all.filter((field) => !field.archived);
  const form = forms.data?.find((entry) => entry.id === formId);
  const stale = new Map(ticket.staleFields.map((entry) => [entry.key, entry]));
  const shownFields = useMemo(() => {
    const byId = new Map(active.map((field) => [field.id, field]));
    const onForm = (form?.fields ?? []).flatMap((entry) => {
      const field = byId.get(entry.fieldId);
      return field ? [{ field, required: entry.required }] : [];
    });
    const others = active.filter((field) => field.key in ticket.fields && !onForm.some((entry) => entry.field.id === field.id));
    return [...onForm, ...others.map((field) => ({ field, required: false }))];
  }, [active, form, ticket.fields]);
  const save = useMutation({
    mutationFn: (body: { formId?: string | null; fields: TicketFieldValues }) =>
      api.patch(`/workspaces/${workspaceId}/tickets/${ticket.id}`, body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ticketKeys.all(workspaceId) });
      void message.success(t('tickets.saved'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const submit = () => {
    // Only what changed is sent: untouched stale values are kept by the server as they are.
    const changed: Draft = {};
    for (const { field } of shownFields) {
      const before = ticket.fields[field.key];
      const after = draft[field.key] === '' ? null : (draft[field.key] ?? null);
      if (JSON.stringify(before ?? null) !== JSON.stringify(after)) changed[field.key] = after;
    }
    const required = shownFields.filter((entry) => entry.required).map((entry) => entry.field.key);
    const asked = formId !== ticket.formId ? required : required.filter((key) => key in changed);
    const checked = ticketFieldValuesSchema(active, asked).safeParse(
      formId !== ticket.formId ? { ...pick(draft, required), ...changed } : changed,
    );
    if (!checked.success) {
      setProblems(Object.fromEntries(fieldIssues(checked.error).map((issue) => [issue.field, issue.message])));
      return;
    }
    setProblems({});
    save.mutate({ ...(formId !== ticket.formId ? { formId } : {}), fields: changed as TicketFieldValues });
  };
  const closed = ticket.status === 'closed';
  const leftovers = Object.keys(ticket.fields).filter((key) => !shownFields.some((entry) => entry.field.key === key));
  return (
    <Card size="small" title={t('tickets.customFields.title')} style={{ marginBottom: 16 }} data-testid="ticket-custom-fields">
      <Form layout="vertical" size="small" disabled={closed || save.isPending}>
        <Form.Item label={t('tickets.customFields.form')}>
          <Select
            aria-label={t('tickets.customFields.form')}
            allowClear
            value={formId ?? undefined}
            onChange={(next) => setFormId(next ?? null)}
            options={(forms.data ?? [])
              .filter((entry) => !entry.archived || entry.id === ticket.formId)
              .map((entry) => ({ value: entry.id, label: entry.name }))}
          />
        </Form.Item>
        {shownFields.map(({ field, required }) => (
          <Form.Item
            key={field.id}
            label={labelOf(field.label, i18n.language)}
            required={required}
            validateStatus={problems[field.key] || stale.has(field.key) ? 'error' : undefined}
            help={
              problems[field.key] ??
              (stale.has(field.key) ? t('tickets.customFields.noLongerValid', { value: shown(ticket.fields[field.key]) }) : undefined)
            }
          >
            <FieldInput
              field={field}
              value={draft[field.key]}
              disabled={closed}
              onChange={(value) => setDraft((prev) => ({ ...prev, [field.key]: value }))}
            />
          </Form.Item>
        ))}
        {leftovers.map((key) => {
          const field = all.find((entry) => entry.key === key);
          return (
            <Form.Item key={key} label={field ? labelOf(field.label, i18n.language) : key}>
              <Typography.Text data-testid={`stale-${key}`}>{shown(ticket.fields[key])}</Typography.Text>{' '}
              <Tag>{t('tickets.customFields.noLongerDefined')}</Tag>
            </Form.Item>
          );
        })}
        {!closed && (shownFields.length > 0 || formId !== ticket.formId) && (
          <Button type="primary" onClick={submit} loading={save.isPending}>
            {t('tickets.customFields.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

const pick = (draft: Draft, keys: string[]) => Object.fromEntries(keys.filter((key) => key in draft).map((key) => [key, draft[key]]));

import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/**
 * Custom ticket fields and forms. The value schema is BUILT from the definitions
 * (`ticketFieldValuesSchema`), so the server and the console validate with the same code.
 */

export const TicketFieldType = z.enum([
  'text',
  'multiline',
  'number',
  'decimal',
  'date',
  'checkbox',
  'dropdown',
  'multiselect',
  /** 级联: a tree of options (省/市, 产品/型号); the value is the path from the root to a leaf. */
  'cascader',
  /** Text that must match the field's `pattern` in full. */
  'regex',
]);
export type TicketFieldType = z.infer<typeof TicketFieldType>;

const LabelText = z.string().trim().min(1).max(100);
export const BilingualLabel = z.object({ 'zh-CN': LabelText, en: LabelText });
export type BilingualLabel = z.infer<typeof BilingualLabel>;

export interface TicketFieldOption {
  value: string;
  label: BilingualLabel;
  children?: TicketFieldOption[];
}

const OptionValue = z.string().trim().min(1).max(100);
const MAX_OPTION_DEPTH = 4;
const MAX_OPTIONS = 2000;

/**
 * Spelled out level by level rather than with `z.lazy`: the OpenAPI document (and the generated
 * route checks) get a plain schema instead of a `$ref` cycle.
 */
function optionLevel(depth: number): z.ZodType<TicketFieldOption> {
  const base = { value: OptionValue, label: BilingualLabel };
  if (depth >= MAX_OPTION_DEPTH) return z.strictObject(base); // deeper children are refused, not silently dropped
  return z.object({
    ...base,
    children: z
      .array(optionLevel(depth + 1))
      .max(500)
      .optional(),
  });
}
export const TicketFieldOption = optionLevel(1);

export const FieldKey = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and _, starting with a letter, e.g. order_no');

export const TicketField = z.object({
  id: Id,
  key: z.string(),
  type: TicketFieldType,
  label: BilingualLabel,
  /** Dropdown, multi-select and cascader choices (a tree for the cascader); empty otherwise. */
  options: z.array(TicketFieldOption),
  /** The regex field's pattern, matched against the whole value. */
  pattern: z.string().nullable(),
  /** Shown to (and fillable by) the customer on web forms and the portal; otherwise internal. */
  visibleToCustomer: z.boolean(),
  /** Archived fields keep their stored values on tickets but take no new values. */
  archived: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TicketField = z.infer<typeof TicketField>;

/** Duplicate sibling values and too-deep trees; returns how many options there are. */
function optionProblems(options: TicketFieldOption[], depth: number, path: (string | number)[], ctx: z.RefinementCtx): number {
  let count = 0;
  const seen = new Set<string>();
  options.forEach((option, index) => {
    count += 1;
    if (seen.has(option.value))
      ctx.addIssue({ code: 'custom', path: [...path, index, 'value'], message: `option "${option.value}" appears twice` });
    seen.add(option.value);
    if (option.children?.length) {
      if (depth >= MAX_OPTION_DEPTH)
        ctx.addIssue({ code: 'custom', path: [...path, index, 'children'], message: `at most ${MAX_OPTION_DEPTH} levels` });
      else count += optionProblems(option.children, depth + 1, [...path, index, 'children'], ctx);
    }
  });
  return count;
}

const PatternText = z.string().min(1).max(500);

function checkDefinition(
  value: { type?: TicketFieldType; options?: TicketFieldOption[]; pattern?: string | null },
  ctx: z.RefinementCtx,
): void {
  if (value.options) {
    const total = optionProblems(value.options, 1, ['options'], ctx);
    if (total > MAX_OPTIONS) ctx.addIssue({ code: 'custom', path: ['options'], message: `at most ${MAX_OPTIONS} options` });
  }
  if (value.pattern) {
    try {
      new RegExp(value.pattern, 'u');
    } catch {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'not a valid regular expression' });
    }
  }
  if (!value.type) return;
  const choices = value.type === 'dropdown' || value.type === 'multiselect' || value.type === 'cascader';
  if (choices && !value.options?.length)
    ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${value.type} field needs options` });
  if (!choices && value.options?.length)
    ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${value.type} field has no options` });
  if (value.type !== 'cascader' && value.options?.some((option) => option.children?.length))
    ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a cascader field has nested options' });
  if (value.type === 'regex' && !value.pattern)
    ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'a regex field needs a pattern' });
  if (value.type !== 'regex' && value.pattern)
    ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'only a regex field has a pattern' });
}

export const CreateTicketFieldRequest = z
  .object({
    key: FieldKey,
    type: TicketFieldType,
    label: BilingualLabel,
    options: z.array(TicketFieldOption).max(500).default([]),
    pattern: PatternText.nullable().default(null),
    visibleToCustomer: z.boolean().default(false),
  })
  .superRefine(checkDefinition);
export type CreateTicketFieldRequest = z.infer<typeof CreateTicketFieldRequest>;

/** Key and type never change: stored values are read by key and were written for the type. */
export const UpdateTicketFieldRequest = z
  .object({
    label: BilingualLabel,
    options: z.array(TicketFieldOption).max(500),
    pattern: PatternText,
    visibleToCustomer: z.boolean(),
    archived: z.boolean(),
  })
  .partial()
  .superRefine(checkDefinition)
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateTicketFieldRequest = z.infer<typeof UpdateTicketFieldRequest>;

export const ArchivedQuery = z.object({
  archived: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Only archived (true) or active (false) ones; both when absent'),
});

export const TicketFormField = z.object({ fieldId: Id, required: z.boolean().default(false) });
export type TicketFormField = z.infer<typeof TicketFormField>;

export const TicketForm = z.object({
  id: Id,
  name: z.string(),
  /** In the order the form shows them. */
  fields: z.array(z.object({ fieldId: Id, required: z.boolean() })),
  archived: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TicketForm = z.infer<typeof TicketForm>;

const FormFields = z
  .array(TicketFormField)
  .max(100)
  .refine((fields) => new Set(fields.map((field) => field.fieldId)).size === fields.length, 'a field appears twice on the form');

export const CreateTicketFormRequest = z.object({
  name: z.string().trim().min(1).max(100),
  fields: FormFields.default([]),
});

export const UpdateTicketFormRequest = z
  .object({ name: z.string().trim().min(1).max(100), fields: FormFields, archived: z.boolean() })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

/** A stored value: what the type allows (null clears it). */
export const TicketFieldValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
export type TicketFieldValue = z.infer<typeof TicketFieldValue>;
export const TicketFieldValues = z.record(z.string(), TicketFieldValue);
export type TicketFieldValues = z.infer<typeof TicketFieldValues>;

/** Why a stored value no longer fits the current definitions; it is kept and shown as stored. */
export const StaleFieldReason = z.enum(['field_missing', 'field_archived', 'not_valid']);
export const StaleField = z.object({ key: z.string(), reason: StaleFieldReason, message: z.string() });
export type StaleField = z.infer<typeof StaleField>;

type FieldDefinition = Pick<TicketField, 'key' | 'type' | 'options' | 'pattern' | 'label'>;

const MAX_TEXT = 1000;
const MAX_MULTILINE = 10_000;

function hasPath(options: TicketFieldOption[], path: string[]): boolean {
  let level: TicketFieldOption[] | undefined = options;
  for (const step of path) {
    const option: TicketFieldOption | undefined = level?.find((candidate) => candidate.value === step);
    if (!option) return false;
    level = option.children;
  }
  // The path must reach a leaf: 广东省 alone is not a city.
  return !level?.length;
}

/** The schema of one field's value (never null: clearing is handled by the object schema). */
export function ticketFieldValueSchema(field: FieldDefinition): z.ZodType<Exclude<TicketFieldValue, null>> {
  const values = new Set(field.options.map((option) => option.value));
  switch (field.type) {
    case 'text':
      return z.string().trim().max(MAX_TEXT);
    case 'multiline':
      return z.string().max(MAX_MULTILINE);
    case 'number':
      return z.number().int().safe();
    case 'decimal':
      return z.number().finite();
    case 'date':
      return z.iso.date();
    case 'checkbox':
      return z.boolean();
    case 'dropdown':
      return z.string().refine((value) => values.has(value), { message: 'not one of the options' });
    case 'multiselect':
      return z
        .array(z.string())
        .max(values.size)
        .refine((list) => new Set(list).size === list.length, { message: 'an option appears twice' })
        .refine((list) => list.every((value) => values.has(value)), { message: 'not one of the options' });
    case 'cascader':
      return z
        .array(z.string())
        .min(1)
        .max(MAX_OPTION_DEPTH)
        .refine((path) => hasPath(field.options, path), { message: 'not a path of the options down to a leaf' });
    case 'regex': {
      const pattern = new RegExp(`^(?:${field.pattern ?? ''})$`, 'u');
      return z
        .string()
        .max(MAX_TEXT)
        .refine((value) => pattern.test(value), { message: `does not match the pattern ${field.pattern ?? ''}` });
    }
  }
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * The schema of a write of field values: keys are the given (active) fields' keys, each optional
 * (null clears) unless `required` names it, in which case it must be present and not empty.
 * Unknown keys are refused, so a typo is a 400 rather than a silently stored value.
 */
export function ticketFieldValuesSchema(fields: FieldDefinition[], required: readonly string[] = []) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) shape[field.key] = ticketFieldValueSchema(field).nullable().optional();
  return z
    .strictObject(shape)
    .superRefine((value, ctx) => {
      for (const key of required)
        if (isEmpty((value as Record<string, unknown>)[key])) ctx.addIssue({ code: 'custom', path: [key], message: 'required' });
    })
    .transform((value) => value as TicketFieldValues);
}

/** One line per problem, each naming the field: `order_no: does not match …`. */
export function fieldIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: key, message: 'no such field' }));
    return [{ field: String(issue.path[0] ?? ''), message: issue.message }];
  });
}

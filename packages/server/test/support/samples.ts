import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RouteEntry } from '../../src/modules/auth/access.js';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  pattern?: string;
  default?: unknown;
};

let counter = 0;

/** The JSON Schema of a route part (body, querystring, params) declared with zod. */
export function jsonSchemaOf(route: RouteEntry, part: 'body' | 'querystring' | 'params'): JsonSchema | undefined {
  const schema = route.schema?.[part];
  if (!schema) return undefined;
  return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/**
 * A value that satisfies the schema, built from it, so that generated tests pick up routes
 * added later. `uuids` supplies the ids to put in uuid fields (to point at another tenant).
 */
export function sampleOf(schema: JsonSchema, uuids: () => string = randomUUID, key = ''): unknown {
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return sampleOf(variant, uuids, key);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, uuids, key)));
  if (schema.const !== undefined) return schema.const;
  // A declared default is valid by construction (and satisfies patterns we cannot generate).
  if (
    schema.default !== undefined &&
    !(typeof schema.default === 'object' && schema.default !== null && Object.keys(schema.default).length === 0)
  ) {
    return schema.default;
  }
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      // Every known property, not only the required ones: PATCH bodies must not be empty.
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, inner]) => [name, sampleOf(inner, uuids, name)]));
    case 'array':
      return Array.from({ length: schema.minItems ?? 1 }, () => sampleOf(schema.items ?? {}, uuids, key));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      return sampleString(schema, uuids, key);
    default:
      return 'sample';
  }
}

/** Values that satisfy the patterns the contracts use (times, dates, colours, sites, slugs). */
const PATTERN_CANDIDATES = [
  '09:00',
  '2026-10-01',
  '#1677ff',
  'https://shop.example.com',
  'sample-slug',
  'sampleToken1',
  'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
];

function sampleString(schema: JsonSchema, uuids: () => string, key: string): string {
  counter += 1;

  if (schema.format === 'email') return `sample-${counter}-${randomBytes(3).toString('hex')}@example.test`;
  if (schema.format === 'uuid') return uuids();
  if (schema.format === 'date-time') return new Date().toISOString();
  if (key === 'timezone') return 'Asia/Shanghai';
  if (key === 'slug') return `sample-${counter}-${randomBytes(3).toString('hex')}`;
  if (schema.pattern) {
    const fitting = PATTERN_CANDIDATES.find((candidate) => new RegExp(schema.pattern!).test(candidate));
    if (fitting) return fitting;
  }
  const text = `样例 sample ${counter}`;
  return text.padEnd(Math.max(schema.minLength ?? 0, 12), 'x');
}

/** Every leaf replaced by a value of the wrong type. */
export function wrongTypes(value: unknown): unknown {
  if (Array.isArray(value)) return { notAnArray: true };
  if (value === null) return 12345;
  switch (typeof value) {
    case 'object':
      return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, wrongTypes(inner)]));
    case 'string':
      return 12345;
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'not a boolean';
    default:
      return [];
  }
}

/** Every string of a value with a NUL character (U+0000) appended (keys kept, so the body stays valid otherwise). */
export function withNul(value: unknown): unknown {
  if (typeof value === 'string') return `${value}\u0000`;
  if (Array.isArray(value)) return value.map(withNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withNul(inner)]));
  return value;
}

/** True when the schema (body) contains a uuid field anywhere. */
export function mentionsUuid(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  if (schema.format === 'uuid') return true;
  return [
    ...Object.values(schema.properties ?? {}),
    schema.items,
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.allOf ?? []),
  ].some((inner) => inner !== undefined && mentionsUuid(inner));
}

export function pathParams(url: string): string[] {
  return [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
}

/** Fills a route pattern's parameters from `values` (by name), falling back to `fallback(name)`. */
export function fillPath(url: string, values: Record<string, string>, fallback: (name: string) => string): string {
  return url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? fallback(name)));
}

export function randomParam(name: string): string {
  return name === 'token' ? randomBytes(32).toString('base64url') : randomUUID();
}

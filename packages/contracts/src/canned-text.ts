// Kept apart from the zod schemas so that browser bundles can use it without zod.

/** The variables a canned response may use. */
export const CANNED_VARIABLES = [
  'customer.name',
  'customer.email',
  'customer.phone',
  'agent.name',
  'agent.email',
  'conversation.id',
  'conversation.number',
  'workspace.name',
] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];
export type CannedValues = Partial<Record<CannedVariable, string | number | null | undefined>>;

const VARIABLE = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

/**
 * Fills a canned response's variables. Known variables without a value become empty; unknown
 * ones stay exactly as written, so the agent sees them before sending. Pure: the console may
 * render on its own with the values it has, and the server renders the same way.
 */
export function renderCannedText(text: string, values: CannedValues): { text: string; unknownVariables: string[] } {
  return fillVariables(text, CANNED_VARIABLES, values);
}

/** The renderer behind canned responses and macros, each with its own list of variables. */
export function fillVariables(
  text: string,
  known: readonly string[],
  values: Partial<Record<string, string | number | null | undefined>>,
): { text: string; unknownVariables: string[] } {
  const unknown = new Set<string>();
  const rendered = text.replace(VARIABLE, (whole, name: string) => {
    if (!known.includes(name)) {
      unknown.add(name);
      return whole;
    }
    const value = values[name];
    return value === null || value === undefined ? '' : String(value);
  });
  return { text: rendered, unknownVariables: [...unknown] };
}

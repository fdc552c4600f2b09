import { AppError, notFound } from './errors.js';

/**
 * Writes a new running order (positions 1…n) for a workspace's ordered rules — automations, SLA
 * policies, review policies — after checking that `ids` names each of `current` exactly once.
 * The caller holds the lock that keeps the list from changing meanwhile.
 */
export async function writeOrder(
  current: readonly { id: string }[],
  ids: readonly string[],
  names: { one: string; many: string },
  setPosition: (id: string, position: number) => Promise<unknown>,
): Promise<void> {
  const known = new Set(current.map((row) => row.id));
  for (const id of ids) if (!known.has(id)) throw notFound(names.one);
  if (new Set(ids).size !== ids.length || ids.length !== current.length)
    throw new AppError(422, 'incomplete_order', `name each of the workspace's ${current.length} ${names.many} exactly once`);
  for (const [index, id] of ids.entries()) await setPosition(id, index + 1);
}

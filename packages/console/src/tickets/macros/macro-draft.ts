import type { Macro, MacroAction } from '../views-data';

/** The macro form's fields: one per action kind; empty means the macro leaves that alone. */
export interface MacroDraft {
  name: string;
  description: string;
  shared: boolean;
  assignee?: string;
  team?: string;
  status?: Extract<MacroAction, { type: 'status' }>['status'];
  priority?: Extract<MacroAction, { type: 'priority' }>['priority'];
  tagsAdd: string[];
  tagsRemove: string[];
  note: string;
  reply: string;
}

/** Form values for "nobody" / "no team", which the API writes as null. */
export const NOBODY = 'none';

export function draftOf(macro: Macro | null): MacroDraft {
  const draft: MacroDraft = { name: '', description: '', shared: false, tagsAdd: [], tagsRemove: [], note: '', reply: '' };
  if (!macro) return draft;
  Object.assign(draft, { name: macro.name, description: macro.description, shared: macro.shared });
  for (const action of macro.actions) {
    if (action.type === 'assignee') draft.assignee = action.assigneeId ?? NOBODY;
    else if (action.type === 'team') draft.team = action.teamId ?? NOBODY;
    else if (action.type === 'status') draft.status = action.status;
    else if (action.type === 'priority') draft.priority = action.priority;
    else if (action.type === 'tags_add') draft.tagsAdd = action.tags;
    else if (action.type === 'tags_remove') draft.tagsRemove = action.tags;
    else if (action.type === 'note') draft.note = action.text;
    else if (action.type === 'reply') draft.reply = action.text;
  }
  return draft;
}

/**
 * The actions a draft stands for. The status comes last, so that a reply (which opens a new
 * ticket) does not undo "reply and mark pending". Custom field actions, which the form does not
 * edit, are kept as they were.
 */
export function actionsOf(draft: MacroDraft, before: Macro | null): MacroAction[] {
  const actions: MacroAction[] = [];
  if (draft.assignee) actions.push({ type: 'assignee', assigneeId: draft.assignee === NOBODY ? null : draft.assignee });
  if (draft.team) actions.push({ type: 'team', teamId: draft.team === NOBODY ? null : draft.team });
  if (draft.priority) actions.push({ type: 'priority', priority: draft.priority });
  if (draft.tagsAdd.length) actions.push({ type: 'tags_add', tags: draft.tagsAdd });
  if (draft.tagsRemove.length) actions.push({ type: 'tags_remove', tags: draft.tagsRemove });
  for (const action of before?.actions ?? []) if (action.type === 'field') actions.push(action);
  if (draft.note.trim()) actions.push({ type: 'note', text: draft.note.trim() });
  if (draft.reply.trim()) actions.push({ type: 'reply', text: draft.reply.trim() });
  if (draft.status) actions.push({ type: 'status', status: draft.status });
  return actions;
}

/** One line per action, for the macro list and the preview before applying. */
export function describeActions(
  actions: MacroAction[],
  t: (key: string, values?: Record<string, unknown>) => string,
  names: { member: (id: string) => string; team: (id: string) => string },
): string[] {
  return actions.map((action) => {
    const key = `ticketViews.macros.summary.${action.type}`;
    switch (action.type) {
      case 'assignee':
        return t(key, {
          name:
            action.assigneeId === null
              ? t('ticketViews.bulk.unassigned')
              : action.assigneeId === 'me'
                ? t('ticketViews.bulk.me')
                : names.member(action.assigneeId),
        });
      case 'team':
        return t(key, { name: action.teamId === null ? t('ticketViews.macros.noTeam') : names.team(action.teamId) });
      case 'status':
        return t(key, { value: t(`tickets.statuses.${action.status}`) });
      case 'priority':
        return t(key, { value: t(`priorities.${action.priority}`) });
      case 'tags_add':
      case 'tags_remove':
        return t(key, { tags: action.tags.join('、') });
      case 'field':
        return t(key, { key: action.key });
      default:
        return t(key);
    }
  });
}

import { formatBytes } from './format.js';
import { t } from './i18n.js';
import type { Config } from './types.js';

/**
 * Checks a file against the inbox's limits before uploading it, so the visitor hears at once
 * and in words why it cannot go (the server checks again, and checks the content too).
 */
export function attachmentProblem(file: File, policy: Config['attachments']): string | null {
  const type = (file.type || '').toLowerCase();
  if (!type || !policy.contentTypes.some((allowed) => allowed.toLowerCase() === type)) {
    return t('fileType', { name: file.name, types: describeTypes(policy.contentTypes) });
  }
  if (file.size > policy.maxBytes) return t('fileTooLarge', { name: file.name, size: formatBytes(policy.maxBytes) });
  return null;
}

/** "image/png, application/pdf" reads better to a visitor as "PNG, PDF". */
function describeTypes(contentTypes: string[]): string {
  const names = contentTypes.map((type) => (type.split('/')[1] ?? type).replace(/^x-/, '').split(/[.+]/)[0]!.toUpperCase());
  return [...new Set(names)].join(', ');
}

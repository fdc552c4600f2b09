import type { TFunction } from 'i18next';
import { ApiError } from './api';

/** What to tell a person about a failed request: never a stack trace, always what to do. */
export function errorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.generic', { message: error instanceof Error ? error.message : String(error) });
  if (error.status === 0) return t('errors.network');
  if (error.status === 401) return t('errors.unauthorized');
  if (error.status === 403) return t('errors.forbidden');
  if (error.status === 404) return t('errors.notFound');
  if (error.status === 409) return t('errors.conflict', { message: error.message });
  if (error.status === 429) return t('errors.tooMany');
  if (error.status >= 500) return t('errors.server');
  return t('errors.generic', { message: error.message });
}

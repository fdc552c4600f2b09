import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/** Disposition codes (处理结果): what a resolved conversation was about, chosen at wrap-up. */
export const DispositionCode = z.object({
  id: Id,
  code: z.string(),
  label: z.string(),
  /** Disabled codes stay on old conversations but cannot be chosen any more. */
  enabled: z.boolean(),
  createdAt: Timestamp,
});

const Code = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^\s]+$/u, 'no spaces, e.g. refund or 已解答');

export const CreateDispositionCodeRequest = z.object({
  code: Code,
  label: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
});

export const UpdateDispositionCodeRequest = z
  .object({ code: Code, label: z.string().trim().min(1).max(100), enabled: z.boolean() })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const DispositionCodeQuery = z.object({
  enabled: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Only enabled (true) or disabled (false) codes'),
});

import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** GitHub's report: a JSON array of `{token, type, url, source}` (url and source may be absent). */
export const secretScanningReportSchema = z
  .array(
    z.object({
      token: z.string({ error: 'is required (the token found)' }).min(1).max(1000),
      type: z.string({ error: 'is required (the token type)' }).max(200),
      url: z.string().max(2000).nullable().optional(),
      source: z.string().max(200).nullable().optional(),
    }),
    { error: 'must be a JSON array of {token, type, url, source}' },
  )
  .max(10_000, 'at most 10000 tokens per report');
export type SecretScanningReport = z.infer<typeof secretScanningReportSchema>;

export const secretScanningResultSchema = z.object({
  token_raw: z.string(),
  token_type: z.string(),
  label: z.enum(['true_positive', 'false_positive']),
});
export type SecretScanningResult = z.infer<typeof secretScanningResultSchema>;

export class SecretScanningResponseDto extends createZodDto(z.array(secretScanningResultSchema)) {}

import { z } from 'zod';
import { oneOf, requiredText } from './body-fields';

export const SERVICE_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const SERVICE_NAME_MAX = 200;

/** `POST .../services`: `{ name, status? }` (status defaults to operational). */
export const createServiceSchema = z.strictObject({
  name: requiredText(SERVICE_NAME_MAX),
  status: oneOf(SERVICE_STATUSES).default('operational'),
});
export type CreateServiceRequest = z.infer<typeof createServiceSchema>;

/** `PATCH .../services/:id`: any subset; nothing is defaulted (written out, not `.partial()`, for that reason). */
export const updateServiceSchema = z.strictObject({
  name: requiredText(SERVICE_NAME_MAX).optional(),
  status: oneOf(SERVICE_STATUSES).optional(),
});
export type UpdateServiceRequest = z.infer<typeof updateServiceSchema>;

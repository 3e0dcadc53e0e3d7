import { z } from 'zod';
import { emailField } from './body-fields';

/** `POST .../subscriptions`: `{ email }`, stored lower-cased; one subscription per email and page. */
export const createSubscriptionSchema = z.strictObject({
  email: emailField,
});
export type CreateSubscriptionRequest = z.infer<typeof createSubscriptionSchema>;

/** `PATCH .../subscriptions/:id`: `{ email? }`. */
export const updateSubscriptionSchema = z.strictObject({
  email: emailField.optional(),
});
export type UpdateSubscriptionRequest = z.infer<typeof updateSubscriptionSchema>;

import type { ContentDefinition } from '../content/content-definition';
import { createSubscriptionSchema, updateSubscriptionSchema } from './create-subscription.request.dto';
import { Subscription, SubscriptionSchema } from './subscription.schema';

export const subscriptionContent: ContentDefinition = {
  kind: 'subscriptions',
  modelName: Subscription.name,
  schema: SubscriptionSchema,
  singular: 'subscription',
  fields: ['email'],
  createBody: createSubscriptionSchema,
  updateBody: updateSubscriptionSchema,
};

import { getCustomer } from '../billing/customers.js';
import { createPortalSession, PORTAL_CONFIGURATION_ID } from '../billing/portal.js';
import { parameterInvalid, parameterMissing, resourceMissing } from './errors.js';
import { readString } from './params.js';
import { route } from './route.js';

export const billingPortalRoutes = [
  route('POST', '/billing_portal/sessions', (context) => {
    context.check({
      supported: ['customer', 'return_url', 'configuration'],
      // A flow deep link opens the stand-in's one portal page, which offers every action.
      ignored: ['flow_data', 'locale', 'on_behalf_of', 'after_expiration', 'customer_account'],
    });
    const customerId = readString(context.params, 'customer');
    if (customerId === undefined || customerId === '') throw parameterMissing('customer');
    const customer = getCustomer(context.core, customerId, 'customer');
    const configuration = readString(context.params, 'configuration');
    if (configuration !== undefined && configuration !== PORTAL_CONFIGURATION_ID) {
      throw resourceMissing('billing_portal.configuration', configuration, 'configuration');
    }
    const returnUrl = readString(context.params, 'return_url') ?? null;
    if (returnUrl !== null) {
      try {
        new URL(returnUrl);
      } catch {
        throw parameterInvalid('return_url', 'Not a valid URL', 'url_invalid');
      }
    }
    return createPortalSession(context.core, customer, returnUrl);
  }),
];

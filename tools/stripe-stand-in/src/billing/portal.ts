import type { Core } from '../core.js';
import { newId } from '../ids.js';
import type { Customer, PortalSession } from '../objects.js';

export const PORTAL_CONFIGURATION_ID = 'bpc_standin_default';

export function createPortalSession(core: Core, customer: Customer, returnUrl: string | null): PortalSession {
  const id = newId('bps');
  const session: PortalSession = {
    id,
    object: 'billing_portal.session',
    configuration: PORTAL_CONFIGURATION_ID,
    created: core.clock.now(),
    customer: customer.id,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: returnUrl,
    url: `${core.config.publicUrl}/portal/${id}`,
  };
  core.state.portalSessions.set(id, session);
  return session;
}

import { setupServer } from 'msw/node';
import { alertHandlers } from '@/testing/mocks/alerts';
import { billingHandlers } from '@/testing/mocks/billing';
import { handlers } from '@/testing/mocks/handlers';
import { teamHandlers } from '@/testing/mocks/team';

export const server = setupServer(...handlers, ...alertHandlers, ...billingHandlers, ...teamHandlers);

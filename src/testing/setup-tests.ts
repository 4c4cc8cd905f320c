import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { resetAlertsDb } from '@/testing/mocks/alerts';
import { resetBillingDb } from '@/testing/mocks/billing';
import { resetDb } from '@/testing/mocks/db';
import { resetTestAuth } from '@/testing/mocks/firebase';
import { apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { resetTeamDb } from '@/testing/mocks/team';

vi.mock('@/lib/firebase', () => import('@/testing/mocks/firebase'));

// Pages load lazily, as in the app; on a busy CI machine that can take longer than 1 s.
configure({ asyncUtilTimeout: 4000 });

// jsdom lacks the layout APIs Recharts and Radix reach for. Observed elements report a
// desktop-sized box, so charts render as they would in a browser.
class ResizeObserverStub {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    const contentRect = {
      width: 800,
      height: 300,
      top: 0,
      left: 0,
      bottom: 300,
      right: 800,
      x: 0,
      y: 0,
    } as DOMRectReadOnly;
    this.callback([{ target, contentRect } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub;
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
Element.prototype.hasPointerCapture ??= () => false;
Element.prototype.releasePointerCapture ??= () => {};
window.matchMedia ??= (query: string) =>
  ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  }) as MediaQueryList;
URL.createObjectURL = vi.fn(() => 'blob:keymeter-test');
URL.revokeObjectURL = vi.fn();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));

beforeEach(() => {
  resetTestAuth();
});

afterEach(() => {
  cleanup();
  server.resetHandlers();
  resetDb();
  resetAlertsDb();
  resetBillingDb();
  resetTeamDb();
  apiLog.length = 0;
  vi.clearAllMocks();
});

afterAll(() => server.close());

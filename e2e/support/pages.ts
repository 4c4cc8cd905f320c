/** Waiting on what the dashboard shows, never on the clock. */
import type { Locator, Page } from 'playwright-core';

/** Resolves once no loading skeleton (`role=status`, "Loading …") is left on the page. */
export async function waitForLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[role="status"][aria-label^="Loading"]') === null);
}

/**
 * Reloads the page until `locator` shows, for numbers the server computes after the fact (usage
 * is folded by a trigger a few seconds after a call), as a person would press refresh. Each
 * time, the page counts as loaded once `ready` (e.g. its heading) shows and no skeleton is left.
 */
export async function reloadUntilVisible(
  page: Page,
  locator: Locator,
  { ready, timeoutMs = 30_000 }: { ready: Locator; timeoutMs?: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await ready.waitFor();
    await waitForLoaded(page);
    if (await locator.first().isVisible()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `still not on ${page.url()} after reloading for ${timeoutMs} ms: ${locator.toString()}`,
      );
    }
    await page.reload();
  }
}

/** The accessible region (a card with a heading) of that name. */
export function region(page: Page, name: string): Locator {
  return page.getByRole('region', { name, exact: true });
}

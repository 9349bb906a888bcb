import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { lookForChromium } from '../../src/doctor/find-chromium';

export function findChromium(): string {
  const found = lookForChromium();
  if ('problem' in found) throw new Error(found.problem);
  return found.path;
}

export interface OpenedPage {
  page: Page;
  /** Every request the page tried to make that was not file:// (all of them were aborted). */
  blocked: readonly string[];
  /** Closes the browser; rejects if the page tried to reach anything but file:// URLs. */
  close(): Promise<void>;
}

/**
 * Opens a local file in headless Chromium. The pages we test are self-contained, so any request
 * other than file:// is a bug: it is aborted, recorded and turns close() into a failure. Chromium
 * itself is also kept off the network (no proxy, no DNS) so nothing leaves loopback either way.
 */
export async function openInChromium(file: string): Promise<OpenedPage> {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--no-proxy-server',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  const blocked: string[] = [];
  const record = (url: string) => {
    if (!blocked.includes(url)) blocked.push(url);
  };
  const local = (url: string) => url.startsWith('file:') || url.startsWith('data:');
  try {
    const context = await browser.newContext({ offline: true, serviceWorkers: 'block' });
    const page = await context.newPage();
    // Routing sees http(s) and friends; 'request' also sees what routing does not intercept.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (local(url)) return route.continue();
      record(url);
      return route.abort('blockedbyclient');
    });
    page.on('request', (request) => {
      if (!local(request.url())) record(request.url());
    });
    page.on('websocket', (ws) => record(ws.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return {
      page,
      blocked,
      async close() {
        await browser.close();
        if (blocked.length > 0)
          throw new Error(`the page tried to leave file://: ${blocked.join(', ')}`);
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

import { test, expect } from '@playwright/test';
import { hydrated } from './helpers';

test('the home page renders on the server and hydrates without errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));
  const response = await page.goto('/');
  expect(response!.status()).toBe(200);
  expect(await response!.text()).toContain('Gigs you can do on your phone');
  await hydrated(page);
  expect(problems).toEqual([]);
});

test('unknown pages answer 404 with a way back', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response!.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('the app is installable: manifest, icons and a service worker', async ({ page }) => {
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBeTruthy();
  expect(manifest.theme_color).toBe('#0b6e4f');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i: { sizes: string }) => i.sizes === size);
    expect(icon, size).toBeTruthy();
    const png = await page.request.get(icon.src);
    expect(png.headers()['content-type']).toContain('image/png');
  }
  await page.goto('/');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toMatch(/\/$/);
});

test('hashed assets are compressed and cached for a year', async ({ page }) => {
  const html = await (await page.request.get('/')).text();
  const wasm = html.match(/\/pkg\/gigforge-light\.[^"]+\.wasm/)![0];
  const response = await page.request.get(wasm, { headers: { 'accept-encoding': 'gzip, br' } });
  expect(response.status()).toBe(200);
  expect(response.headers()['cache-control']).toContain('immutable');
  expect(['br', 'gzip']).toContain(response.headers()['content-encoding']);
});

test('writes from another origin are refused', async ({ page }) => {
  const response = await page.request.post('/api/auth/request_otp', {
    headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    data: 'phone=9876543210',
  });
  expect(response.status()).toBe(403);
});

// Three WASM bundles (app/src/ui/bundle.rs). Gigger and public pages are server-rendered
// HTML whose islands (app/src/ui/island.rs) an islands bundle hydrates: the light one on
// the sign-in and profile pages, the gigger one (with the gig form) on the gig page; a page
// without islands loads no WASM. Staff pages load the full bundle and hydrate whole.
test('gigger pages hydrate their islands only, staff pages the full bundle, and links between them work', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  // The WASM this document fetched (and hydrated with: hydrated() waits for it).
  const loadedWasm = () =>
    page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')));

  // The home page has nothing to run in the browser.
  await page.goto('/');
  await hydrated(page);
  expect(await page.locator('leptos-island').count()).toBe(0);
  expect(await loadedWasm()).toEqual([]);

  // The sign-in page's phone check is an island: the light bundle, and the check runs.
  await page.goto('/signin');
  await hydrated(page);
  expect(await loadedWasm()).toEqual([expect.stringMatching(/\/pkg\/gigforge-light\.[^/]+\.wasm$/)]);
  await page.getByLabel('Mobile number').fill('12345');
  await page.getByLabel('Mobile number').blur();
  await expect(page.locator('#phone-error')).toContainText('Enter a 10-digit Indian mobile number');

  const loaded = page.waitForEvent('load');
  await page.getByRole('link', { name: 'Sign in with email' }).click();
  await loaded;
  await expect(page).toHaveURL(/\/staff\/signin$/);
  await hydrated(page);
  expect(await loadedWasm()).toEqual([expect.stringMatching(/\/pkg\/gigforge\.[^/]+\.wasm$/)]);
  await expect(page.getByRole('heading', { name: 'Sign in with email' })).toBeVisible();

  // One history entry per page: back is the sign-in page again.
  await page.goBack();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('link', { name: 'Sign in with email' })).toBeVisible();
  expect(problems).toEqual([]);
});

// The gigger's day on a phone: onboarding, the feed, training and quiz, getting a gig,
// filling its form with a photo and the (mocked) location, submitting, the receipt and
// "My gigs"; a submission retried after a lost answer is stored once; a gig submitted
// offline waits in the phone's outbox and is sent once when the network returns, even
// after the app was closed; an expired reservation goes back to the pool and a late
// submission is refused.
import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { hydrated, signInGigger } from './helpers';

test.use({ geolocation: { latitude: 12.9716, longitude: 77.5946, accuracy: 12 }, permissions: ['geolocation'] });

/** One value from the e2e database (the server's own, named by DATABASE_URL). */
function sql(query: string): string {
  return execFileSync('psql', [process.env.DATABASE_URL!, '-tAc', query], { encoding: 'utf8' }).trim();
}

/** A JPEG made by the browser's canvas, as a camera would hand it over. */
async function cameraPhoto(page: Page): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 2400;
    canvas.height = 1800;
    const g = canvas.getContext('2d')!;
    const gradient = g.createLinearGradient(0, 0, 2400, 1800);
    gradient.addColorStop(0, '#2a6');
    gradient.addColorStop(1, '#fc4');
    g.fillStyle = gradient;
    g.fillRect(0, 0, 2400, 1800);
    g.fillStyle = '#fff';
    g.font = 'bold 200px sans-serif';
    g.fillText('KIRANA', 300, 900);
    return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  return { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(base64, 'base64') };
}

function gigIds(page: Page): { job: string; reservation: string } {
  const match = page.url().match(/\/gigs\/(\d+)\/do\/(\d+)/)!;
  return { job: match[1], reservation: match[2] };
}

test('onboarding, training, a gig with a photo and location, the receipt and my gigs', async ({ page }) => {
  test.setTimeout(60_000);
  await signInGigger(page, { onboard: false });
  await hydrated(page);
  await page.getByLabel('Your name').fill('Pooja');
  await page.getByLabel('City or town').fill('Bengaluru');
  await page.getByLabel('Pincode').fill('560001');
  await page.getByRole('button', { name: 'Use my location' }).click();
  await expect(page.getByTestId('profile-location')).toContainText('12.9716, 77.5946');
  await page.getByRole('button', { name: 'Save and see gigs' }).click();
  await expect(page).toHaveURL(/\/gigs$/);

  // The feed: the located job with its distance and training badge, the one done from anywhere.
  const kirana = page.locator('.gig-card', { hasText: 'Verify kirana shops in Bengaluru' });
  await expect(kirana).toContainText('away');
  await expect(kirana).toContainText('₹45.00');
  await expect(kirana).toContainText('Training needed');
  await expect(page.locator('.gig-card', { hasText: 'Tag shelf photos' })).toBeVisible();

  await kirana.click();
  await page.getByRole('link', { name: 'Start training' }).click();
  await expect(page).toHaveURL(/\/gigs\/training\/\d+\?job=\d+/);
  await hydrated(page);
  await page.getByRole('radio', { name: 'Across the road, whole board visible' }).check();
  await page.getByRole('radio', { name: 'Leave it empty' }).check();
  await page.getByRole('radio', { name: "At the shop's door" }).check();
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.locator('.quiz-result')).toContainText('Score: 100%');
  await page.getByRole('link', { name: 'Back to the job' }).click();
  await expect(page.getByText('Training passed')).toBeVisible();

  await hydrated(page);
  await page.getByRole('button', { name: 'Get a gig' }).click();
  await expect(page).toHaveURL(/\/gigs\/\d+\/do\/\d+$/);
  await hydrated(page);
  // The gig form is the one page with the gigger bundle (app/src/ui/bundle.rs).
  expect(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm'))))
    .toEqual([expect.stringMatching(/\/pkg\/gigforge-gigger\.[^/]+\.wasm$/)]);
  await expect(page.getByTestId('countdown')).toContainText('Time left: 1:59');

  // Instant errors from the shared validator before anything is sent.
  await page.getByRole('button', { name: 'Submit gig' }).click();
  await expect(page.locator('[data-field="shop_found"] .field-error')).toBeVisible();

  await page.locator('[data-field="shop_found"]').getByText('Yes').click();
  await page.locator('[data-field="shop_open"]').getByText('Yes').click();
  await page.getByLabel('Name on the shop\'s board').fill('Sri Lakshmi Stores');
  await page.locator('[data-field="board_photo"] input[type=file]').setInputFiles(await cameraPhoto(page));
  await expect(page.locator('[data-field="board_photo"]').getByTestId('photo-count')).toHaveText('✓ 1');
  await page.getByRole('button', { name: 'Capture my location' }).click();
  await expect(page.getByTestId('location-value')).toContainText('(±12 m)');

  // A reload keeps what was typed and the photo (both are saved on the phone as they change).
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Name on the shop\'s board')).toHaveValue('Sri Lakshmi Stores');
  await expect(page.locator('[data-field="board_photo"]').getByTestId('photo-count')).toHaveText('✓ 1');

  const { job, reservation } = gigIds(page);
  await page.getByRole('button', { name: 'Submit gig' }).click();
  await expect(page.getByRole('heading', { name: 'Gig received' })).toBeVisible();
  await expect(page.locator('.receipt')).toContainText('₹45.00');

  // Stored once, with the photo downscaled in the browser (≤ 1600 px) and kept as a file.
  expect(sql(`select count(*) from submissions where job_id = ${job} and reservation_id = ${reservation}`)).toBe('1');
  const [width, height] = sql(
    `select width || ',' || height from submission_photos p join submissions s on s.job_id = p.job_id and s.id = p.submission_id
     where s.reservation_id = ${reservation}`,
  ).split(',').map(Number);
  expect(Math.max(width, height)).toBe(1600);
  expect(sql(`select answers->'board_name'->>'value' from submissions where reservation_id = ${reservation}`)).toBe('Sri Lakshmi Stores');

  // The running server's QC stage decides it: done in seconds, too quick for the
  // default minimum time on task, so it goes to a reviewer.
  await expect.poll(() => sql(`select status from submissions where reservation_id = ${reservation}`),
    { timeout: 20_000 }).toBe('in_review');
  expect(sql(`select review_reason from submissions where reservation_id = ${reservation}`)).toContain('time_on_task');
  await page.getByRole('link', { name: 'My gigs' }).first().click();
  await expect(page.locator('.history-item').first()).toContainText('In review');
  await expect(page.getByTestId('earnings-pending')).toHaveText('₹45.00');
  await expect(page.getByTestId('earnings-paid')).toHaveText('₹0.00');
});

async function tagOneShelfPhoto(page: Page) {
  await page.locator('.gig-card', { hasText: 'Tag shelf photos' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Get a gig' }).click();
  await expect(page).toHaveURL(/\/gigs\/\d+\/do\/\d+$/);
  await hydrated(page);
  await page.locator('[data-field="subject"]').getByText('A shop front').click();
  await page.locator('[data-field="quality"]').getByText('Clear').click();
}

test('the gig form in Hindi: the words the browser shows come translated from the page', async ({ page, context, baseURL }) => {
  await signInGigger(page);
  await tagOneShelfPhoto(page);
  const { reservation } = gigIds(page);
  await context.addCookies([{ name: 'i18n_pref_locale', value: 'hi', url: baseURL! }]);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'hi');
  // The countdown is rewritten every second by the browser code, in the page's words.
  await expect(page.getByTestId('countdown')).toContainText('बचा समय:');
  // The answers given before the reload are back (kept on the phone as they changed).
  await expect(page.locator('[data-field="subject"] input:checked')).toHaveCount(1);
  await expect(page.locator('[data-field="quality"] input:checked')).toHaveCount(1);

  await context.setOffline(true);
  await page.getByRole('button', { name: 'गिग भेजें' }).click();
  await expect(page.getByTestId('send-queued')).toContainText('इस फ़ोन पर सुरक्षित है');
  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: 'गिग मिल गया' })).toBeVisible();
  await expect(page.locator('.receipt')).toContainText('रसीद नंबर');
  expect(sql(`select count(*) from submissions where reservation_id = ${reservation}`)).toBe('1');
});

test('a submission whose answer was lost is sent again and stored once', async ({ page }) => {
  await signInGigger(page);
  await tagOneShelfPhoto(page);
  const { reservation } = gigIds(page);
  // The server takes the first request, but the phone never hears back.
  let dropped = 0;
  await page.route('**/submission', async (route) => {
    if (dropped++ === 0) {
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await page.getByRole('button', { name: 'Submit gig' }).click();
  await expect(page.getByTestId('send-queued')).toContainText('Saved on this phone');
  await page.getByRole('button', { name: 'Submit gig' }).click();
  await expect(page.getByRole('heading', { name: 'Gig received' })).toBeVisible();
  expect(sql(`select count(*) from submissions where reservation_id = ${reservation}`)).toBe('1');
});

/** What the phone's outbox holds: [state, photo count] per queued gig. */
async function outboxItems(page: Page): Promise<[string, number][]> {
  return page.evaluate(async () => {
    const items = await (window as any).gigforgeOutbox.items();
    return items.map((item: any) => [item.state, item.photos.length]);
  });
}

test('a gig filled in offline, photo included, is queued and sent once when the network returns', async ({ page, context }) => {
  test.setTimeout(60_000);
  const phone = await signInGigger(page);
  // Certified as a passed quiz would leave it (the quiz itself is covered above).
  sql(`insert into certifications (user_id, training_id, score_percent)
       select u.id, j.training_id, 100 from users u, jobs j
       where u.phone = '${phone.e164}' and j.title = 'Verify kirana shops in Bengaluru'`);
  await page.reload();
  await page.locator('.gig-card', { hasText: 'Verify kirana shops in Bengaluru' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Get a gig' }).click();
  await expect(page).toHaveURL(/\/gigs\/\d+\/do\/\d+$/);
  await hydrated(page);
  const { reservation } = gigIds(page);
  const photo = await cameraPhoto(page);

  await context.setOffline(true);
  await page.locator('[data-field="shop_found"]').getByText('Yes').click();
  await page.locator('[data-field="shop_open"]').getByText('Yes').click();
  await page.getByLabel('Name on the shop\'s board').fill('Offline Stores');
  await page.locator('[data-field="board_photo"] input[type=file]').setInputFiles(photo);
  await expect(page.locator('[data-field="board_photo"]').getByTestId('photo-count')).toHaveText('✓ 1');
  await page.getByRole('button', { name: 'Capture my location' }).click();
  await expect(page.getByTestId('location-value')).toContainText('(±12 m)');
  await page.getByRole('button', { name: 'Submit gig' }).click();
  await expect(page.getByTestId('send-queued')).toBeVisible();
  expect(await outboxItems(page)).toEqual([['queued', 1]]);
  expect(sql(`select count(*) from submissions where reservation_id = ${reservation}`)).toBe('0');

  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: 'Gig received' })).toBeVisible();
  expect(sql(`select count(*) from submissions where reservation_id = ${reservation}`)).toBe('1');
  expect(sql(`select answers->'board_name'->>'value' from submissions where reservation_id = ${reservation}`)).toBe('Offline Stores');
  expect(sql(`select count(*) from submission_photos p join submissions s on s.job_id = p.job_id and s.id = p.submission_id
              where s.reservation_id = ${reservation}`)).toBe('1');
  await expect.poll(() => outboxItems(page)).toEqual([]);
});

test('a queued gig is sent by itself after the app was closed, and only once', async ({ page, context }) => {
  await signInGigger(page);
  await tagOneShelfPhoto(page);
  const { job, reservation } = gigIds(page);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Submit gig' }).click();
  await expect(page.getByTestId('send-queued')).toBeVisible();
  await page.close();

  await context.setOffline(false);
  const later = await context.newPage();
  await later.goto('/gigs/mine');
  await expect
    .poll(() => sql(`select count(*) from submissions where reservation_id = ${reservation}`), { timeout: 20_000 })
    .toBe('1');
  await expect.poll(() => outboxItems(later)).toEqual([]);
  // Opening the gig again shows its receipt, and nothing more is sent.
  await later.goto(`/gigs/${job}/do/${reservation}`);
  await expect(later.getByRole('heading', { name: 'Gig received' })).toBeVisible();
  expect(sql(`select count(*) from submissions where reservation_id = ${reservation}`)).toBe('1');
});

test('an expired reservation returns to the pool and a late gig is refused', async ({ page }) => {
  test.setTimeout(60_000);
  await signInGigger(page);
  await tagOneShelfPhoto(page);
  const { reservation } = gigIds(page);
  // Move the deadline three minutes into the past (beyond the two-minute grace).
  sql(`update reservations set deadline = now() - interval '3 minutes', reserved_at = now() - interval '13 minutes' where id = ${reservation}`);
  await expect
    .poll(() => sql(`select status from reservations where id = ${reservation}`), { timeout: 40_000, intervals: [2_000] })
    .toBe('expired');
  await page.getByRole('button', { name: 'Submit gig' }).click();
  await expect(page.getByTestId('send-error')).toContainText('The time for this gig ran out');
  expect(sql(`select count(*) from submissions where reservation_id = ${reservation}`)).toBe('0');
});

test('a gig given back returns to the pool, and the gigger lands on the job again', async ({ page }) => {
  await signInGigger(page);
  await tagOneShelfPhoto(page);
  const { job, reservation } = gigIds(page);
  // A plain form post (the gig form's browser code does not handle it): works with or without the WASM.
  await page.getByRole('button', { name: 'Give this gig back' }).click();
  await expect(page).toHaveURL(new RegExp(`/gigs/${job}$`));
  await expect(page.getByRole('button', { name: 'Get a gig' })).toBeVisible();
  expect(sql(`select status from reservations where id = ${reservation}`)).toBe('released');
  // The gig's page no longer offers to give it back.
  await page.goto(`/gigs/${job}/do/${reservation}`);
  await expect(page.getByRole('button', { name: 'Give this gig back' })).toHaveCount(0);
});

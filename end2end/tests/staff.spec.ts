import { test, expect } from '@playwright/test';
import { ADMIN, hydrated, signInGigger, signInWithPassword } from './helpers';

test('a manager created by an admin must change the temporary password first', async ({ page, browser }) => {
  await signInWithPassword(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/);
  await hydrated(page);
  const email = `manager-${Date.now()}@example.com`;
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('Priya Manager');
  await page.getByLabel('Role').selectOption('manager');
  // Managers work for customer organisations; this one for the demo customer.
  await page.getByLabel(/^Organisation/).selectOption({ label: 'Demo Retail Pvt Ltd' });
  await page.getByRole('button', { name: 'Create account' }).click();
  const temporary = (await page.getByTestId('temporary-password').textContent())!.trim();
  expect(temporary).toHaveLength(16);
  await expect(page.getByRole('cell', { name: email })).toBeVisible();

  const manager = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signInWithPassword(manager, email, temporary);
  await expect(manager).toHaveURL(/\/account\/password$/);
  // Nothing else opens until the password is changed.
  const blocked = await manager.request.get('/manage');
  expect(blocked.status()).toBe(403);
  await manager.goto('/manage');
  await expect(manager.getByRole('heading', { name: 'Change your password' })).toBeVisible();

  await manager.goto('/account/password');
  await hydrated(manager);
  await manager.getByLabel('Current password').fill(temporary);
  await manager.getByLabel('New password', { exact: true }).fill('short');
  await manager.getByLabel('New password again').fill('short');
  await manager.getByRole('button', { name: 'Change password' }).click();
  await expect(manager.locator('#new-error')).toContainText('Use at least 12 characters.');
  await manager.getByLabel('New password', { exact: true }).fill('a long and private passphrase');
  await manager.getByLabel('New password again').fill('a long and private passphrase');
  await manager.getByRole('button', { name: 'Change password' }).click();
  await expect(manager).toHaveURL(/\/manage$/);
  await expect(manager.getByRole('cell', { name: 'Verify kirana shops in Bengaluru' })).toBeVisible();
});

test('a wrong password is refused with a message', async ({ page }) => {
  await signInWithPassword(page, ADMIN.email, 'not-the-password');
  await expect(page.locator('#password-error')).toContainText('Email or password is not right.');
  await expect(page).toHaveURL(/\/staff\/signin/);
});

test('a gigger opening a manager page is refused', async ({ page }) => {
  await signInGigger(page);
  const response = await page.goto('/manage');
  expect(response!.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(page.getByText('Verify kirana shops in Bengaluru')).toHaveCount(0);
  const admin = await page.goto('/admin');
  expect(admin!.status()).toBe(403);
});

// A staff page whose forms are drawn once its data is in (inside a Transition) must still
// show the error a form posted without JavaScript left behind (ui::read_error_left_by_post).
test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });

  test("a manager's refused unit shows its error", async ({ page }) => {
    await page.goto('/staff/signin');
    await page.getByLabel('Email').fill('manager@demo.gigforge.in');
    await page.getByLabel('Password').fill('demo-manager-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/manage$/);
    await page.goto('/manage/jobs/new');
    await page.getByTestId('create-job').click();
    await expect(page).toHaveURL(/\/manage\/jobs\/\d+$/);
    await page.goto(page.url() + '/units');
    // (The CSV import's column mapping has labels of the same names.)
    await page.locator('#unit-external_id').fill('NOJS-1');
    await page.locator('#unit-latitude').fill('north');
    await page.locator('#unit-longitude').fill('77.5');
    await page.getByRole('button', { name: 'Save unit' }).click();
    await expect(page).toHaveURL(/\/units$/);
    await expect(page.locator('#unit-latitude-error')).toContainText('“north” is not a number in decimal degrees.');
  });
});

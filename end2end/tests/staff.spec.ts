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

import { expect, Page } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';

/** The newest code the server wrote to the OTP file sink for this E.164 phone. */
export async function latestCode(phone: string): Promise<string> {
  const file = process.env.OTP_SINK_FILE!;
  let code: string | undefined;
  await expect.poll(() => {
    if (!existsSync(file)) return undefined;
    const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
    code = lines.map((l) => JSON.parse(l)).filter((e) => e.phone === phone).map((e) => e.code).pop();
    return code;
  }, { message: `an OTP for ${phone} in ${file}` }).toBeTruthy();
  return code!;
}

/** Waits until the WASM has hydrated the page (the app marks <body> when it has). */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** A fresh Indian mobile number per test, so per-phone limits never collide. */
let counter = 0;
export function freshPhone(): { typed: string; e164: string } {
  counter += 1;
  const national = `7${String(Date.now() % 1_000_000).padStart(6, '0')}${String(counter).padStart(3, '0')}`;
  return { typed: `${national.slice(0, 5)} ${national.slice(5)}`, e164: `+91${national}` };
}

export async function requestCode(page: Page, typedPhone: string) {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Mobile number').fill(typedPhone);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page).toHaveURL(/\/signin\/code\?phone=/);
}

/** Signs a new gigger in; by default also completes onboarding (Bengaluru, 560001). */
export async function signInGigger(page: Page, options: { onboard?: boolean } = {}) {
  const phone = freshPhone();
  await requestCode(page, phone.typed);
  await page.getByLabel('Code').fill(await latestCode(phone.e164));
  await page.getByRole('button', { name: 'Sign in' }).click();
  // A first-time gigger is asked about themselves before the feed.
  await expect(page).toHaveURL(/\/gigs\/profile$/);
  if (options.onboard !== false) await onboard(page);
  return phone;
}

export async function onboard(page: Page, pincode = '560001') {
  await hydrated(page);
  await page.getByLabel('Your name').fill('Test Gigger');
  await page.getByLabel('City or town').fill('Bengaluru');
  await page.getByLabel('Pincode').fill(pincode);
  await page.getByRole('button', { name: 'Save and see gigs' }).click();
  await expect(page).toHaveURL(/\/gigs$/);
  await expect(page.getByRole('heading', { name: 'Gigs for you' })).toBeVisible();
}

export async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto('/staff/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export const ADMIN = { email: 'admin@demo.gigforge.in', password: 'demo-admin-password' };

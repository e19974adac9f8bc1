import { test, expect } from '@playwright/test';
import { freshPhone, hydrated, latestCode, requestCode, signInGigger } from './helpers';

test('a gigger signs in with the code from the SMS and lands on their gigs', async ({ page }) => {
  await signInGigger(page);
  await expect(page.getByRole('heading', { name: 'Gigs for you' })).toBeVisible();
  await expect(page.getByText('Verify kirana shops in Bengaluru')).toBeVisible();
  await expect(page.getByText('₹45.00')).toBeVisible();
  await expect(page.locator('.who')).toHaveAttribute('data-role', 'gigger');
});

test('a wrong code shows an error and the sixth try is refused', async ({ page }) => {
  const phone = freshPhone();
  await requestCode(page, phone.typed);
  const right = await latestCode(phone.e164);
  const wrong = right === '000000' ? '111111' : '000000';
  const code = page.getByLabel('Code');
  const submit = page.getByRole('button', { name: 'Sign in' });
  for (let left = 4; left >= 0; left--) {
    await code.fill(wrong);
    await submit.click();
    const message = left > 0 ? `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'that was the last try';
    await expect(page.locator('#code-error')).toContainText(message);
  }
  // Even the right code is refused now: five wrong tries spent this one.
  await code.fill(right);
  await submit.click();
  await expect(page.locator('.form-alert')).toContainText('Too many wrong tries for this code. Ask for a new code.');
  await expect(page).toHaveURL(/\/signin\/code/);
});

test('an invalid phone number is explained before anything is sent', async ({ page }) => {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Mobile number').fill('12345');
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.locator('#phone-error')).toContainText('Enter a 10-digit Indian mobile number');
  await expect(page).toHaveURL(/\/signin$/);
});

test('sign-out ends the session on the server', async ({ page, context }) => {
  await signInGigger(page);
  const cookie = (await context.cookies()).find((c) => c.name === 'gigforge_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Sign in', exact: true })).toBeVisible();
  // Replaying the old cookie gets nothing: the session is gone from the store.
  const replay = await page.request.get('/gigs', { headers: { cookie: `gigforge_session=${cookie!.value}` } });
  expect(replay.status()).toBe(401);
  await page.goto('/gigs');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the language switch is a form: the server remembers the choice and sends the reader back', async ({ page }) => {
    await page.goto('/signin');
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(/[\u0900-\u097F]/);
    await page.getByRole('button', { name: 'हिन्दी' }).click();
    await expect(page).toHaveURL(/\/signin$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'hi');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/[\u0900-\u097F]/);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(/[\u0900-\u097F]/);
  });

  test('the sign-in forms still work', async ({ page }) => {
    const phone = freshPhone();
    await page.goto('/signin');
    await page.getByLabel('Mobile number').fill(phone.typed);
    await page.getByRole('button', { name: 'Send code' }).click();
    await expect(page).toHaveURL(/\/signin\/code\?phone=/);
    await page.getByLabel('Code').fill('999999' === (await latestCode(phone.e164)) ? '888888' : '999999');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#code-error')).toContainText('That code is not right. 4 tries left.');
    await page.getByLabel('Code').fill(await latestCode(phone.e164));
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Onboarding is a plain form too.
    await expect(page).toHaveURL(/\/gigs\/profile$/);
    await page.getByLabel('Your name').fill('No Script');
    await page.getByLabel('City or town').fill('Bengaluru');
    await page.getByLabel('Pincode').fill('5600');
    await page.getByRole('button', { name: 'Save and see gigs' }).click();
    await expect(page.locator('#pincode-error')).toContainText('6-digit pincode');
    await page.getByLabel('Your name').fill('No Script');
    await page.getByLabel('City or town').fill('Bengaluru');
    await page.getByLabel('Pincode').fill('560001');
    await page.getByRole('button', { name: 'Save and see gigs' }).click();
    await expect(page).toHaveURL(/\/gigs$/);
    await expect(page.getByRole('heading', { name: 'Gigs for you' })).toBeVisible();
    await expect(page.getByText('Verify kirana shops in Bengaluru')).toBeVisible();
    // Paging and the job page are links and render on the server.
    await page.getByText('Verify kirana shops in Bengaluru').click();
    await expect(page.getByRole('link', { name: 'Start training' })).toBeVisible();
    // The quiz is a plain form too: a refusal comes back to the page, then the score.
    await page.getByRole('link', { name: 'Start training' }).click();
    await page.getByRole('radio', { name: 'Across the road, whole board visible' }).check();
    await page.getByRole('radio', { name: 'Leave it empty' }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await expect(page.locator('.form-alert')).toContainText('Answer every question.');
    await expect(page.locator('.quiz-result')).toHaveCount(0);
    await page.getByRole('radio', { name: 'Across the road, whole board visible' }).check();
    await page.getByRole('radio', { name: 'Leave it empty' }).check();
    await page.getByRole('radio', { name: "At the shop's door" }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await expect(page).toHaveURL(/\/gigs\/training\/\d+\?job=\d+&tried=1$/);
    await expect(page.locator('.quiz-result')).toContainText('Score: 100%');
    await page.getByRole('link', { name: 'Back to the job' }).click();
    await expect(page.getByText('Training passed')).toBeVisible();
  });
});

test('the language switch turns the page to Hindi and the choice outlives a reload', async ({ page, context }) => {
  await page.goto('/');
  await hydrated(page);
  const english = 'Gigs you can do on your phone';
  const hindi = 'ऐसे गिग जो आप अपने फ़ोन से कर सकते हैं';
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(english);
  await page.getByRole('button', { name: 'हिन्दी' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(hindi);
  await expect(page.locator('html')).toHaveAttribute('lang', 'hi');
  // The browser wrote the cookie the server reads, for a year.
  const cookie = (await context.cookies()).find((c) => c.name === 'i18n_pref_locale');
  expect(cookie?.value).toBe('hi');
  const days = (cookie!.expires - Date.now() / 1000) / 86400;
  expect(days).toBeGreaterThan(360);
  // The server renders the next page in Hindi.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(hindi);
  await hydrated(page);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(english);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(english);
});

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'in Hindi' : 'in Hindi, without JavaScript', () => {
    test.use({ javaScriptEnabled });

    test("the server's refusals are in Hindi too", async ({ page, baseURL }) => {
      await page.context().addCookies([{ name: 'i18n_pref_locale', value: 'hi', url: baseURL! }]);
      const phone = freshPhone();
      await page.goto('/signin');
      if (javaScriptEnabled) await hydrated(page);
      await page.locator('#phone').fill(phone.typed);
      await page.locator('form:has(#phone) button[type="submit"]').click();
      await expect(page).toHaveURL(/\/signin\/code\?phone=/);
      const right = await latestCode(phone.e164);
      await page.locator('#code').fill(right === '000000' ? '111111' : '000000');
      await page.locator('form:has(#code) button[type="submit"]').click();
      await expect(page.locator('#code-error')).toContainText('यह कोड सही नहीं है। 4 कोशिश बाकी।');
    });
  });
}

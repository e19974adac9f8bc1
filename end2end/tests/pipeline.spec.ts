// The pipeline's people: a reviewer works a job's review queue with the keyboard
// (reject with a reason, approve), and an admin pays the approved gig out through the
// bank's files; the gigger sees the reason and, once the bank says so, the payment.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { ADMIN, hydrated, signInWithPassword } from './helpers';

const REVIEWER = { email: 'reviewer@demo.gigforge.in', password: 'demo-reviewer-password' };

function sql(query: string): string {
  return execFileSync('psql', [process.env.DATABASE_URL!, '-tAc', query], { encoding: 'utf8' }).trim();
}

/** A new gigger's submission of the next free unit of the shelf-photo job, waiting in
 * review for `reason` (as the QC stage would leave it). Returns its id. */
function inReview(phone: string, reason: string, yearsAgo: number): string {
  return sql(`
    with g as (insert into users (role, phone, display_name) values ('gigger', '${phone}', 'Pipeline Gigger')
               on conflict (phone) do update set display_name = excluded.display_name returning id),
         p as (insert into gigger_profiles (user_id, city, pincode, languages, upi_id)
               select id, 'Pune', '411001', '{en}', 'pipeline${phone.slice(-4)}@okaxis' from g
               on conflict (user_id) do nothing),
         j as (select id, pay_paise from jobs where title = 'Tag shelf photos'),
         u as (select u.id, u.job_id from units u join j on j.id = u.job_id
               where not exists (select 1 from reservations r where r.job_id = u.job_id and r.unit_id = u.id)
               order by u.id limit 1),
         r as (insert into reservations (job_id, unit_id, gigger_id, status, deadline, ended_at, form_version)
               select u.job_id, u.id, g.id, 'submitted', now(), now(), 1 from u, g returning job_id, id, unit_id, gigger_id)
    insert into submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers, idempotency_key,
                             request_digest, pay_paise, status, review_reason, received_at)
    select r.job_id, r.unit_id, r.id, r.gigger_id, 1, '{"subject":{"type":"choice","value":"shop_front"}}',
           gen_random_uuid(), 'e2e', j.pay_paise, 'in_review', '${reason}',
           now() - make_interval(years => ${yearsAgo}) from r, j
    returning id`).split('\n')[0];
}

test('a reviewer rejects with a reason and approves by keyboard; the admin pays out through the bank files', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const phone = `+9196${String(Date.now() % 100_000_000).padStart(8, '0')}`;
  // Received long ago, so they head the queue whatever other tests sent to review.
  const rejected = inReview(phone, 'audit sample', 20);
  const approved = inReview(phone, 'audit sample', 19);

  await signInWithPassword(page, REVIEWER.email, REVIEWER.password);
  // Staff land on their role's home: the review queues.
  await expect(page).toHaveURL(/\/review$/);
  const queue = page.locator('.review-queue', { hasText: 'Tag shelf photos' });
  await expect(queue).toContainText('audit sample');
  await queue.getByRole('link', { name: 'Review these' }).click();
  await hydrated(page);
  await expect(page.locator('.review-item')).toHaveAttribute('data-submission-id', rejected);
  await expect(page.getByRole('heading', { name: 'Checks' })).toBeVisible();

  // R goes to the reason; the note is for the gigger.
  await page.keyboard.press('r');
  await expect(page.getByLabel('Reject because (R)')).toBeFocused();
  await page.getByLabel('Reject because (R)').selectOption('blurry_photo');
  await page.getByLabel('Note for the gigger (optional)').fill('The shelf is not readable.');
  await page.getByRole('button', { name: 'Reject' }).click();
  await expect(page.locator('.review-item')).toHaveAttribute('data-submission-id', approved);
  // A approves, and the console moves on (other tests' gigs may still be waiting).
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('a');
  await expect(page.locator('.review-item')).not.toHaveAttribute('data-submission-id', approved);
  expect(sql(`select status || ':' || coalesce(reject_reason, '') from submissions where id = ${rejected}`))
    .toBe('rejected:Blurry photo: The shelf is not readable.');
  expect(sql(`select status from submissions where id = ${approved}`)).toBe('approved');
  // The running server's ledger stage posts the earning.
  await expect.poll(() => sql(`select count(*) from ledger_transactions where kind = 'earning' and submission_id = ${approved}`),
    { timeout: 20_000 }).toBe('1');

  // The admin pays it out: a batch, the bank's file, the bank's result.
  const admin = await (await browser.newContext()).newPage();
  await signInWithPassword(admin, ADMIN.email, ADMIN.password);
  await expect(admin).toHaveURL(/\/admin$/);
  await admin.goto('/admin/payouts');
  await hydrated(admin);
  await admin.getByLabel('Minimum payout (₹)').fill('1');
  await admin.getByRole('button', { name: 'Make a payout batch' }).click();
  await expect(admin.getByText(/Batch \d+ made\./)).toBeVisible();
  const reference = sql(`select reference from payouts p join users u on u.id = p.gigger_id where u.phone = '${phone}'`);
  const batch = reference.match(/^GFP(\d+)-/)![1];
  const file = await admin.request.get(`/api/admin/payouts/${batch}/bank.csv`);
  expect(file.status()).toBe(200);
  expect(await file.text()).toContain(`${reference},Pipeline Gigger,pipeline${phone.slice(-4)}@okaxis,,,`);
  await admin.getByLabel('…or its text').fill(`payout_id,status,reason\n${reference},paid,\n`);
  await admin.getByRole('button', { name: 'Read the results' }).click();
  await expect(admin.getByTestId('settle-report')).toContainText('Settled 1 paid and 0 failed');
  expect(sql(`select status from payouts where reference = '${reference}'`)).toBe('paid');
});

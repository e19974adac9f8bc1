// The Gig Creation Engine's speed flows, as a flash manager does them at a desk. Each
// flow counts the user's actions (clicks, typing into a field, choosing a file or an
// option) and its scripted wall time, and prints both; both flows end with the job live
// and in the gigger's feed data (the live gigs a gigger is offered).
import { test, expect, Page, Locator } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hydrated, signInGigger, signInWithPassword } from './helpers';

test.use({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });
test.setTimeout(120_000);

const MANAGER = { email: 'manager@demo.gigforge.in', password: 'demo-manager-password' };

/** A 100-row unit CSV around Bengaluru, written to a temporary file. */
function unitCsv(prefix: string): string {
  const rows = ['id,name,address,lat,lng,area'];
  for (let n = 1; n <= 100; n++) {
    const lat = (12.9 + (n % 50) * 0.002).toFixed(5);
    const lng = (77.55 + (n % 40) * 0.002).toFixed(5);
    rows.push(`${prefix}-${n},"Store ${n}","${n} MG Road, Bengaluru",${lat},${lng},Area ${n % 7}`);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'gigforge-units-')), `${prefix}.csv`);
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

/** Counts what the manager does; the test reports the count with the time taken. */
class Stopwatch {
  actions = 0;
  started = Date.now();
  constructor(readonly page: Page) {}
  async click(target: Locator) { this.actions++; await target.click(); }
  async fill(target: Locator, text: string) { this.actions++; await target.fill(text); }
  async select(target: Locator, value: string | { label: string }) { this.actions++; await target.selectOption(value); }
  async check(target: Locator) { this.actions++; await target.check(); }
  async file(target: Locator, path: string) { this.actions++; await target.setInputFiles(path); }
  report(flow: string) {
    const seconds = (Date.now() - this.started) / 1000;
    const line = `${flow}: ${this.actions} user actions, ${seconds.toFixed(1)} s scripted wall time`;
    console.log(line);
    test.info().annotations.push({ type: 'speed', description: line });
  }
}

async function importUnits(page: Page, watch: Stopwatch, csv: string) {
  await watch.click(page.getByRole('link', { name: 'Units', exact: true }));
  await hydrated(page);
  await watch.file(page.getByTestId('csv-file'), csv);
  await expect(page.getByTestId('map-external_id')).toHaveValue('id');
  await watch.click(page.getByTestId('start-import'));
  await expect(page.getByTestId('import-done')).toContainText('100 new units');
  await expect(page.getByTestId('unit-count')).toContainText('100 units');
}

async function publish(page: Page, watch: Stopwatch) {
  await watch.click(page.getByRole('link', { name: 'Overview', exact: true }));
  await hydrated(page);
  await expect(page.getByTestId('checklist-clear')).toBeVisible();
  await watch.click(page.getByTestId('job-publish'));
  await expect(page.getByTestId('job-status')).toHaveText('Live');
}

async function expectInGiggerFeed(page: Page, title: string) {
  const gigger = await (await page.context().browser()!.newContext()).newPage();
  await signInGigger(gigger);
  await expect(gigger.getByText(title)).toBeVisible();
  await gigger.context().close();
}

test('flow 1: from the shop-verification template to live', async ({ page }) => {
  const title = `Verify pharmacies ${Date.now()}`;
  const csv = unitCsv('PH');
  await signInWithPassword(page, MANAGER.email, MANAGER.password);
  await expect(page).toHaveURL(/\/manage$/);
  await hydrated(page);
  const watch = new Stopwatch(page);

  await watch.click(page.getByTestId('new-job'));
  await hydrated(page);
  await watch.check(page.getByTestId('builtin:shop_verification'));
  await watch.click(page.getByTestId('create-job'));
  await expect(page).toHaveURL(/\/manage\/jobs\/\d+$/);
  await expect(page.getByTestId('job-status')).toHaveText('Draft');

  await watch.click(page.getByRole('link', { name: 'Settings', exact: true }));
  await hydrated(page);
  await watch.fill(page.getByLabel('Title', { exact: true }), title);
  await watch.fill(page.getByLabel('Pay per approved gig (₹)'), '52.50');
  await watch.click(page.getByTestId('save-settings'));
  await expect(page.getByTestId('settings-saved')).toBeVisible();

  await importUnits(page, watch, csv);
  await publish(page, watch);
  watch.report('flow 1 (template)');

  await expect(page.getByTestId('job-title')).toHaveText(title);
  await expect(page.getByText('₹52.50')).toBeVisible();
  await expectInGiggerFeed(page, title);
});

test('flow 2: from a blank job with a 6-field form and a 3-question training to live', async ({ page }) => {
  const title = `Kirana census ${Date.now()}`;
  const csv = unitCsv('KC');
  await signInWithPassword(page, MANAGER.email, MANAGER.password);
  await expect(page).toHaveURL(/\/manage$/);
  await hydrated(page);
  const watch = new Stopwatch(page);

  // The training first, so the job can require it.
  await watch.click(page.getByRole('link', { name: 'Trainings' }).first());
  await hydrated(page);
  await watch.fill(page.getByTestId('new-training-title'), `${title} training`);
  await watch.click(page.getByTestId('create-training'));
  await expect(page).toHaveURL(/\/manage\/trainings\/\d+$/);
  await hydrated(page);
  for (const [prompt, right, wrong] of [
    ['Where do you stand for the photo?', 'Across the road', 'Inside the shop'],
    ['The shop is closed. What do you answer?', 'Open: no', 'Skip the gig'],
    ['When do you capture the location?', 'At the door', 'At home'],
  ]) {
    await watch.click(page.getByTestId('add-question'));
    const question = page.getByTestId('question').last();
    await watch.fill(question.getByTestId('question-prompt-en'), prompt);
    await watch.fill(question.getByTestId('option-en').nth(0), right);
    await watch.fill(question.getByTestId('option-en').nth(1), wrong);
    await watch.check(question.getByTestId('correct').nth(0));
  }
  await watch.click(page.getByTestId('save-training'));
  await expect(page.getByTestId('training-saved')).toContainText('Saved');

  await watch.click(page.getByRole('link', { name: 'Jobs', exact: true }).first());
  await hydrated(page);
  await watch.click(page.getByTestId('new-job'));
  await hydrated(page);
  await watch.click(page.getByTestId('create-job'));
  await expect(page).toHaveURL(/\/manage\/jobs\/\d+$/);

  await watch.click(page.getByRole('link', { name: 'Form', exact: true }));
  await hydrated(page);
  const addField = async (kind: string, label: string) => {
    await watch.select(page.getByTestId('add-kind'), kind);
    await watch.click(page.getByTestId('add-field'));
    const card = page.getByTestId('field-card').last();
    await watch.fill(card.getByTestId('field-label-en'), label);
    return card;
  };
  await addField('yes_no', 'Is the shop open?');
  const name = await addField('short_text', 'Name on the board');
  await watch.select(name.getByTestId('field-show-if'), 'q1');
  await watch.check(name.getByTestId('field-show-if-value').first());
  await addField('photo', 'Photo of the shop front');
  await addField('location', 'Your location at the door');
  await addField('number', 'How many staff?');
  const kind = await addField('single_choice', 'Kind of shop');
  await watch.fill(kind.getByTestId('field-options'), 'Kirana | किराना\nPharmacy | दवा की दुकान\nOther | अन्य');
  // The preview follows the form: the board name appears only once "yes" is chosen.
  const preview = page.getByTestId('preview');
  await expect(preview.getByLabel('Name on the board')).toBeHidden();
  await preview.getByText('Yes', { exact: true }).click();
  await expect(preview.getByLabel('Name on the board')).toBeVisible();
  await watch.click(page.getByTestId('save-form'));
  await expect(page.getByTestId('form-save-status')).toContainText('Saved as version 1');

  await watch.click(page.getByRole('link', { name: 'Settings', exact: true }));
  await hydrated(page);
  await watch.fill(page.getByLabel('Title', { exact: true }), title);
  await watch.fill(page.getByLabel('Pay per approved gig (₹)'), '40');
  await watch.select(page.getByLabel('Where'), 'near_units');
  await watch.fill(page.getByLabel('Maximum distance from the unit (metres)'), '3000');
  await watch.select(page.getByLabel('Required training (certification)'), { label: `${title} training (3 questions)` });
  await watch.click(page.getByTestId('save-settings'));
  await expect(page.getByTestId('settings-saved')).toBeVisible();

  await importUnits(page, watch, csv);
  await publish(page, watch);
  watch.report('flow 2 (blank)');

  await expect(page.getByText(`${title} training`)).toBeVisible();
  await expectInGiggerFeed(page, title);
});

test('publishing is refused until the checklist is empty, with links to each fix', async ({ page }) => {
  await signInWithPassword(page, MANAGER.email, MANAGER.password);
  await expect(page).toHaveURL(/\/manage$/);
  await page.goto('/manage/jobs/new');
  await hydrated(page);
  await page.getByTestId('create-job').click();
  await expect(page).toHaveURL(/\/manage\/jobs\/\d+$/);
  const checklist = page.getByTestId('checklist');
  await expect(checklist.getByRole('link')).toHaveCount(3);
  await expect(checklist.getByRole('link', { name: /no units/ })).toHaveAttribute('href', /\/units$/);
  await expect(checklist.getByRole('link', { name: /asks nothing/ })).toHaveAttribute('href', /\/form$/);
  await expect(checklist.getByRole('link', { name: /pay per approved gig is zero/ })).toHaveAttribute('href', /settings#pay_rupees$/);
  await expect(page.getByTestId('job-publish')).toBeDisabled();
});

test('a CSV with bad rows is refused whole, listing each row', async ({ page }) => {
  await signInWithPassword(page, MANAGER.email, MANAGER.password);
  await expect(page).toHaveURL(/\/manage$/);
  await page.goto('/manage/jobs/new');
  await hydrated(page);
  await page.getByTestId('create-job').click();
  await expect(page).toHaveURL(/\/manage\/jobs\/\d+$/);
  await page.getByRole('link', { name: 'Units', exact: true }).click();
  await hydrated(page);
  const file = join(mkdtempSync(join(tmpdir(), 'gigforge-bad-')), 'bad.csv');
  writeFileSync(file, 'id,title,lat,lng\nA,ok,12.9,77.5\nA,again,12.9,77.5\nB,far,95,77.5\n');
  await page.getByTestId('csv-file').setInputFiles(file);
  await page.getByTestId('start-import').click();
  const problems = page.getByTestId('import-problems');
  await expect(problems).toContainText('Nothing was imported: 2 problem(s)');
  await expect(problems.getByRole('row')).toHaveCount(3);
  await expect(problems).toContainText('also on row 2');
  await expect(page.getByTestId('unit-count')).toContainText('0 units');
});

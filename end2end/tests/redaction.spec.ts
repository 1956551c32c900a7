import { expect, test } from '@playwright/test';
import { researcher, useSession } from './accounts';
import { settled, submitWith } from './survey';

test('a researcher reviews identifiers in an answer and the export shows descriptors', async ({ page }, info) => {
  // Each project writes its own phone number, so the two runs never decide each other's findings.
  const phone = info.project.name === 'hydrated' ? '07700 900461' : '07700 900462';
  const answer = `Ask Gwenllian on ${phone} about it.`;
  await submitWith(page, info, answer);

  await useSession(page, researcher.email);
  await page.goto('/admin/studies/sam');
  await page.getByRole('link', { name: 'Review identifiers in answers' }).click();
  await expect(page.getByRole('heading', { name: 'Identifiers to review' })).toBeVisible();
  await settled(page, info);
  const finding = (found: string) =>
    page.locator('#pending-findings .answers__item')
      .filter({ has: page.locator('mark', { hasText: found }) })
      .filter({ hasText: phone });
  await finding(phone).getByRole('button', { name: 'Accept as [phone number]' }).click();
  await expect(page.getByText('Accepted: exports show the descriptor instead.')).toBeVisible();
  await settled(page, info);

  const name = finding('Gwenllian');
  await name.getByText('Edit before accepting').click();
  await name.getByLabel(/Descriptor shown instead/).fill('[col]league');
  await name.getByRole('button', { name: 'Save and accept' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByText('not “[”').first()).toBeVisible();
  await settled(page, info);
  await name.getByLabel(/Descriptor shown instead/).fill('colleague');
  await name.getByRole('button', { name: 'Save and accept' }).click();
  await expect(page.getByText('Saved and accepted')).toBeVisible();

  const exported = await page.request.get('/admin/studies/sam/exports/csv-wide');
  expect(exported.status()).toBe(200);
  const csv = await exported.text();
  expect(csv).toContain('Ask [colleague] on [phone number] about it.');
  expect(csv).not.toContain(phone);
});

#!/usr/bin/env node
// Clicks through the audition page in headless Chromium and prints what it saw as one JSON object on stdout.
// Usage: node audition.mjs <base-url> <screenshot.png> [prompt=en-US/main-menu] [voice=Puck]
// The .NET test (AuditionBrowserTests) starts the web app, runs this script, and asserts on the JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, screenshotPath, promptName = 'en-US/main-menu', voice = 'Puck'] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('usage: node audition.mjs <base-url> <screenshot.png> [language/id] [voice]');
  process.exit(2);
}

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'ivrvoice-audition-profile-'));
const result = { consoleErrors: [], pageErrors: [], failedRequests: [] };
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--mute-audio', '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') result.consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => result.pageErrors.push(String(error)));
  page.on('requestfailed', (request) => result.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));

  const response = await page.goto(new URL('/audition', baseUrl).toString(), { waitUntil: 'domcontentloaded' });
  result.pageStatus = response.status();
  result.contentSecurityPolicy = response.headers()['content-security-policy'] || null;
  await page.waitForSelector('#prompts tbody tr', { timeout: 20000 });

  result.title = await page.title();
  result.summary = await page.textContent('#summary');
  result.headers = await page.$$eval('#prompts thead th', (cells) => cells.map((cell) => cell.textContent.trim()));
  result.rows = await page.$$eval('#prompts tbody tr', (rows) => rows.map((row) => ({
    prompt: row.dataset.prompt,
    cells: [...row.querySelectorAll('td')].slice(0, 6).map((cell) => cell.textContent.trim()),
    playable: row.querySelector('td.listen button.play') !== null,
  })));

  const row = page.locator(`#prompts tbody tr[data-prompt="${promptName}"]`);
  const paintedPixels = (canvasLocator) => canvasLocator.evaluate((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  });
  const loadedAudio = (audioLocator) => audioLocator.evaluate((audio) => new Promise((resolve, reject) => {
    const done = () => resolve({ duration: audio.duration, readyState: audio.readyState, src: audio.currentSrc.slice(0, 5), error: audio.error?.code ?? null });
    if (audio.readyState >= 1 && Number.isFinite(audio.duration)) return done();
    audio.addEventListener('loadedmetadata', done, { once: true });
    audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)), { once: true });
    setTimeout(() => reject(new Error('the audio never loaded')), 15000);
  }));

  // The original prompt: click play; the element loads the preview and knows its duration.
  result.waveformPixels = await paintedPixels(row.locator('td.listen canvas.wave'));
  await row.locator('td.listen button.play').click();
  result.played = await loadedAudio(row.locator('td.listen audio.preview'));
  result.playButtonAfterClick = (await row.locator('td.listen button.play').textContent()).trim();

  // Another voice: render a take, which appears beside the original and plays too.
  await row.locator('select.voice-select').selectOption(voice);
  await row.locator('button.render').click();
  const take = row.locator(`.take[data-voice="${voice}"]`);
  await take.waitFor({ timeout: 60000 });
  result.takeLabel = (await take.locator('.label').textContent()).trim();
  result.takeWaveformPixels = await paintedPixels(take.locator('canvas.wave'));
  await take.locator('button.play').click();
  result.take = await loadedAudio(take.locator('audio.preview'));
  result.status = (await page.textContent('#status')).trim();

  // A template: its row holds a form for its values; speaking it plays join and render side by side.
  const template = page.locator('#prompts tbody tr[data-prompt="en-US/appointment-reminder"]');
  if (await template.count() > 0) {
    const form = template.locator('form.template-form');
    result.templateFields = await form.locator('input').evaluateAll((inputs) => inputs.map((input) => input.name));
    await form.locator('input[name="day"]').fill('2026-12-10');
    await form.locator('input[name="start"]').fill('15:05');
    await form.locator('button.speak').click();
    await form.locator('.version.render').waitFor({ timeout: 60000 });
    result.templateSpoken = (await form.locator('.spoken').textContent()).trim();
    result.templateVersions = await form.locator('.version').evaluateAll((boxes) => boxes.map((box) => ({
      label: box.querySelector('.label').textContent.trim(),
      outcome: box.dataset.outcome,
    })));
    await form.locator('.version.join button.play').click();
    result.templateJoin = await loadedAudio(form.locator('.version.join audio.preview'));
    await form.locator('.version.render button.play').click();
    result.templateRender = await loadedAudio(form.locator('.version.render audio.preview'));
    // A bad value: the 400 is expected, so the browser's console line for it is kept apart from the page's errors.
    const consoleErrorsBefore = result.consoleErrors.length;
    await form.locator('input[name="day"]').fill('2026-02-30');
    await form.locator('button.speak').click();
    await page.waitForFunction(() => document.querySelector('#status').classList.contains('error'), null, { timeout: 20000 });
    result.templateBadValue = (await page.textContent('#status')).trim();
    result.templateBadValueConsole = result.consoleErrors.splice(consoleErrorsBefore);
  }

  await page.evaluate(() => document.querySelectorAll('audio.preview').forEach((audio) => { audio.pause(); audio.currentTime = 0; }));
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath, fullPage: true });
  result.screenshot = screenshotPath;
  result.ok = true;
} catch (error) {
  result.ok = false;
  result.error = String(error && error.stack || error);
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}

process.stdout.write(JSON.stringify(result) + '\n');
process.exit(result.ok ? 0 : 1);

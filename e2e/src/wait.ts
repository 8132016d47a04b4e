import { expect } from 'vitest';
import type { Locator } from 'playwright-core';

/**
 * Waiting helpers: playwright-core has no web-first `expect`, so these wait for a state and
 * fail with a clear message if it never comes. The bound is generous (a slow CI box), not a
 * speed assertion.
 */
export const WAIT_MS = 15_000;

export async function visible(locator: Locator): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout: WAIT_MS });
  return locator;
}

export async function hidden(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout: WAIT_MS });
}

export async function detached(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'detached', timeout: WAIT_MS });
}

export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/**
 * Polls `read` until the matcher passes, within `withinMs`; then fails with the last mismatch.
 * (Vitest's expect.poll only works inside a test, and sign-in runs in beforeAll too.)
 */
export function eventually<T>(read: () => Promise<T> | T, withinMs = WAIT_MS) {
  const run = async (check: (value: T) => void): Promise<void> => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      try {
        check(await read());
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    toBe: (expected: T) => run((v) => expect(v).toBe(expected)),
    toEqual: (expected: T) => run((v) => expect(v).toEqual(expected)),
    toContain: (expected: string) => run((v) => expect(v).toContain(expected)),
    toMatch: (expected: RegExp) => run((v) => expect(v).toMatch(expected)),
  };
}

import { afterEach, beforeEach, expect } from 'vitest';

/**
 * The leak guard of every test file: a test must not leave timers or intervals running (a
 * retry timer, a cancel poll, a node timeout). It tracks the timers created through the global
 * functions while the test runs (the test runner keeps its own references, so its timers are
 * not counted); fake timers replace these globals and are not counted either.
 */
const live = new Set<unknown>();
const real = { setTimeout, clearTimeout, setInterval, clearInterval };

globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const handle = real.setTimeout(
    (...a: unknown[]) => {
      live.delete(handle);
      fn(...a);
    },
    ms,
    ...args,
  );
  live.add(handle);
  return handle;
}) as typeof setTimeout;
globalThis.clearTimeout = (handle?: Parameters<typeof clearTimeout>[0]) => {
  live.delete(handle);
  real.clearTimeout(handle);
};
globalThis.setInterval = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const handle = real.setInterval(fn, ms, ...args);
  live.add(handle);
  return handle;
}) as typeof setInterval;
globalThis.clearInterval = (handle?: Parameters<typeof clearInterval>[0]) => {
  live.delete(handle);
  real.clearInterval(handle);
};

beforeEach(() => {
  live.clear();
});

afterEach(async () => {
  // Let callbacks that were already due run (a timer cleared by a settling promise).
  await new Promise((resolve) => setImmediate(resolve));
  expect(live.size, 'timers or intervals left running by this test').toBe(0);
});

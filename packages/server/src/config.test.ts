import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to port 5000 and ./data', () => {
    const c = loadConfig([], {});
    expect(c.port).toBe(5000);
    expect(c.dataDir).toBe(`${process.cwd()}/data`);
  });
  it('takes PORT, HOST and DATA_DIR, and flags over them', () => {
    const env = { PORT: '6000', HOST: '127.0.0.1', DATA_DIR: '/tmp/x' };
    expect(loadConfig([], env)).toMatchObject({ port: 6000, host: '127.0.0.1', dataDir: '/tmp/x' });
    expect(loadConfig(['--port', '7000', '--data-dir=/tmp/y', '--host', '::1'], env)).toMatchObject({
      port: 7000,
      host: '::1',
      dataDir: '/tmp/y',
    });
  });
  it('refuses a bad port', () => {
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow(/Invalid port/);
  });
  it('keeps a burst of two seconds when a rate is raised, and the default burst otherwise', () => {
    const c = loadConfig([], { SENDS_PER_SECOND: '500' });
    expect(c.limits.sends).toEqual({ burst: 1000, perSecond: 500 });
    expect(loadConfig([], {}).limits.sends.burst).toBeGreaterThanOrEqual(
      2 * loadConfig([], {}).limits.sends.perSecond,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { checkUsername, usernameKey } from './username-rules.ts';

describe('checkUsername', () => {
  it('normalizes with NFKC and keys case-insensitively', () => {
    expect(checkUsername('Ｂｏｂ_1')).toMatchObject({ username: 'Bob_1', key: 'bob_1' });
    expect(usernameKey('ＢＯＢ')).toBe('bob');
  });
  it('gives look-alike names one skeleton', () => {
    const s = (n: string) => checkUsername(n).skeleton;
    expect(s('admin')).toBe(s('adm1n'));
    expect(s('modern')).toBe(s('modem'));
    expect(s('olivia')).toBe(s('0l1v1a'));
    expect(s('alice')).not.toBe(s('alicia'));
  });
  it.each(['ab', 'x'.repeat(33), 'bad name', 'Аlice', 'émile', 'visitor-abc', 'a/b'])(
    'refuses %j',
    (name) => {
      expect(() => checkUsername(name)).toThrow(expect.objectContaining({ code: 'INVALID' }));
    },
  );
});

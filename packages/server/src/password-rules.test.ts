import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-rules.ts';

describe('checkPassword', () => {
  it.each([
    'short',
    'password',
    'Password1',
    'qwerty123',
    'iloveyou2024',
    'aaaaaaaaaa',
    '1234567890',
    'hello-alice-hello',
    'x'.repeat(257),
  ])('refuses %j', (pw) => {
    expect(() => checkPassword(pw, 'alice')).toThrow(expect.objectContaining({ code: 'WEAK_PASSWORD' }));
  });
  it.each(['correct horse battery', 'Tr0ub4dor&3x', '8 chars!'])('accepts %j', (pw) => {
    expect(() => checkPassword(pw, 'alice')).not.toThrow();
  });
});

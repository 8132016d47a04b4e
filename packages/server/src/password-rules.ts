import { ChatError, ErrorCode, Limits } from '@segmentchat/protocol';

/**
 * The most common passwords of 8+ characters in public breach corpora (shorter ones are refused
 * by length already). Compared case-insensitively, also with a trailing `!`/digits stripped.
 */
const COMMON = new Set(
  `password 12345678 123456789 1234567890 qwertyuiop password1 iloveyou 11111111 sunshine princess
  football baseball welcome1 welcome abc12345 qwerty123 passw0rd trustno1 superman starwars whatever
  michelle computer corvette jennifer mercedes 1q2w3e4r 1q2w3e4r5t 88888888 00000000 12341234 qwertyui
  asdfghjk asdfghjkl zxcvbnm1 zxcvbnm letmein1 letmein password123 password12 admin123 administrator
  changeme 1qaz2wsx q1w2e3r4 q1w2e3r4t5 987654321 123123123 11223344 myspace1 charlie1 samantha
  elizabeth 87654321 1234qwer qwer1234 abcd1234 aa123456 a1234567 12345678a 123456789a 1234567a
  qazwsxedc 123qweasd 1qazxsw2 password! pass1234 iloveyou1 football1 baseball1 superman1 dragon12
  monkey12 master12 shadow12 michael1 jordan23 liverpool chelsea1 arsenal1 manchester basketball
  princess1 sunshine1 blink182 linkedin facebook google123 secret123 welcome123 letmein123
  66666666 55555555 77777777 99999999 22222222 33333333 44444444 12121212 11112222 13131313
  qwertyqwerty asdfasdf zaq12wsx !qaz2wsx 147258369 159753456 741852963 789456123 123654789
  internet starwars1 pokemon1 minecraft batman12 trustno11 freedom1 whatever1 nicole12 daniel12
  jessica1 ashley12 hunter12 buster12 thomas12 robert12 soccer12 hockey12 killer12 george12
  matrix12 summer12 andrew12 harley12 ranger12 iwantu12 jennifer1 joshua12 maggie12 starwars12
  computer1 michelle1 jasmine1 lovely12 987654321a password2 password3 passwort motdepasse contrasena
  segmentchat segment_chat chatchat adminadmin rootroot toortoor administrator1`.split(/\s+/),
);

function isCommon(password: string): boolean {
  const p = password.toLowerCase();
  if (COMMON.has(p)) return true;
  const stripped = p.replace(/[!0-9]+$/, '');
  if (stripped.length >= 4 && COMMON.has(stripped)) return true;
  // One character repeated, or a plain run of digits, is as weak as anything on the list.
  return /^(.)\1+$/.test(p) || (/^\d+$/.test(p) && '01234567890123456789'.includes(p));
}

/** Throws WEAK_PASSWORD (or INVALID for length) unless the password may be used. */
export function checkPassword(password: string, username: string): void {
  if (password.length < Limits.PASSWORD_MIN || password.length > Limits.PASSWORD_MAX) {
    throw new ChatError(
      ErrorCode.WEAK_PASSWORD,
      `Password must be ${Limits.PASSWORD_MIN} to ${Limits.PASSWORD_MAX} characters`,
    );
  }
  if (isCommon(password))
    throw new ChatError(ErrorCode.WEAK_PASSWORD, 'This password is too common; choose another');
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new ChatError(ErrorCode.WEAK_PASSWORD, 'The password must not contain the username');
  }
}

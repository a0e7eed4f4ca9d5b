// Secret-shaped strings: credentials of the services a support workspace touches, tokens, keys and card numbers.
// Shapes, not values: the agent never holds deskpilot's own secrets, so this catches what the conversation or a
// tool result carried in (a customer pasting a key, an attribute holding a token).
const PATTERNS: ReadonlyArray<{ kind: string; re: RegExp }> = [
  { kind: 'private_key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'bearer_token', re: /\bbearer\s+[A-Za-z0-9._~+/=-]{16,}/i },
  { kind: 'api_key', re: /\b(?:sk|rk|pk)[-_](?:live|test|ant|proj)?[-_]?[A-Za-z0-9_-]{16,}/ },
  { kind: 'api_key', re: /\bAKIA[0-9A-Z]{16}\b/ },
  { kind: 'api_key', re: /\bgh[pousr]_[A-Za-z0-9]{30,}/ },
  { kind: 'api_key', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  // Intercom access tokens are base64 of "tok:...".
  { kind: 'api_key', re: /\bdG9rOj[A-Za-z0-9+/=]{20,}/ },
];

// Long runs mixing cases and digits read as generated credentials; prose and slugs (with dashes) never do.
const HIGH_ENTROPY = /[A-Za-z0-9_+=]{32,}/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The kind of the first secret-shaped string in `text`, or undefined. */
export function findSecretShape(text: string): string | undefined {
  for (const p of PATTERNS) if (p.re.test(text)) return p.kind;
  for (const m of text.match(HIGH_ENTROPY) ?? []) {
    if (/[a-z]/.test(m) && /[A-Z]/.test(m) && /\d/.test(m)) return 'token';
  }
  for (const m of text.match(/\b(?:\d[ -]?){12,18}\d\b/g) ?? []) {
    const digits = m.replace(/\D/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return 'card_number';
  }
  return undefined;
}
